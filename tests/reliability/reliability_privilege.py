"""The least-privilege comparison: per handler function (a stack's shared function serves several kinds), the IAM
actions its synthesized policies allow against the actions its calls needed (operations plus the actions they
imply), and the Markdown table ``docs/reliability.md`` shows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from cdk_securityhub_org.handler import registry
from reliability_calls import Window

# Each kind by its folder, named as its construct (the resource type without ``Custom::SecurityHub``), in the
# registry's order: a kind added to the registry is proven without touching this file.
KINDS = {entry.folder: entry.resource_type.removeprefix("Custom::SecurityHub") for entry in registry.KINDS.values()}
ENTRY_POINTS = {"is_complete": "isComplete", "on_event": "onEvent"}


@dataclass
class Handler:
    """One handler function, over every declaration the suite deployed: a stack's shared function serves several
    kinds, and its role allows the union of their actions, so the comparison is per function (per role)."""

    kinds: tuple[str, ...]
    entry_point: str
    allowed: set[str] = field(default_factory=set)
    used: set[str] = field(default_factory=set)
    policies: set[frozenset[str]] = field(default_factory=set)
    invocations: int = 0
    calls: int = 0

    @property
    def name(self) -> str:
        return f"{' + '.join(KINDS[k] for k in self.kinds)} {ENTRY_POINTS[self.entry_point]}"


def handlers(windows: Iterable[Window]) -> dict[tuple[tuple[str, ...], str], Handler]:
    """The handlers by the kinds their function served and by entry point: a function's rows over every
    deployed declaration add up, as before, under one name."""
    windows = list(windows)
    # A function by its handler and the account role it runs in: the lifecycle deletes and re-creates stacks and
    # moves to a new administrator, which gives the same function of the same declaration new names and accounts.
    served: dict[tuple[str, str], set[str]] = {}
    for window in windows:
        served.setdefault(_function_of(window), set()).add(window.kind)
    found: dict[tuple[tuple[str, ...], str], Handler] = {}
    for window in windows:
        kinds = tuple(sorted(served[_function_of(window)], key=list(KINDS).index))
        key = (kinds, window.entry_point)
        handler = found.setdefault(key, Handler(*key))
        handler.allowed |= window.allowed
        handler.used |= window.used
        handler.policies.add(window.allowed)
        handler.invocations += 1
        handler.calls += len(window.calls)
    return dict(sorted(found.items(), key=lambda item: (list(KINDS).index(item[0][0][0]), item[0][1] != "on_event")))


def _function_of(window: Window) -> tuple[str, str]:
    entry = next((e for e in registry.KINDS.values() if e.folder == window.kind), None)
    return (window.function.handler, entry.runs_in.value if entry else window.kind)


def outside_policy(window: Window) -> list[str]:
    """The calls of one invocation its policy in force did not allow: by action, or (Security Hub acts per
    Region, on the hub of that Region) by Region.

    One exception, in a rollback only: the old declaration runs under the policy of the update being rolled back,
    and AWS denies what that policy does not name. Such a call is no violation when the emulator (which does not
    enforce IAM) denied it too: the handler then met the answer AWS gives and the run proves how it copes. Answered
    any other way, the run took a path AWS would not, and it counts."""
    found = []
    for call in window.calls:
        for action in (f"{call.service}:{call.operation}", *call.implied_actions):
            if action not in window.allowed:
                if not (window.rolling_back and call.error_code == "AccessDeniedException"):
                    found.append(f"{action} (not in the policy)")
            elif call.service == "securityhub" and not window.allows_in_region(action, call.region):
                found.append(f"{action} in {call.region} (the policy names no hub there)")
    return found


def table(found: dict[tuple[str, str], Handler]) -> str:
    """Deterministic for a given suite: sets and counts of policies, never timings or pass counts."""
    summary = [
        "| Handler | Distinct action sets deployed | Actions allowed | Actions called | Allowed, never called |"
        " Called, not allowed |",
        "|---|---:|---:|---:|---|---|",
    ]
    for handler in found.values():
        unused = ", ".join(f"`{a}`" for a in sorted(handler.allowed - handler.used)) or "none"
        extra = ", ".join(f"`{a}`" for a in sorted(handler.used - handler.allowed)) or "none"
        summary.append(
            f"| {handler.name} | {len(handler.policies)} | {len(handler.allowed)} |"
            f" {len(handler.used)} | {unused} | {extra} |"
        )
    complete = [h for h in found.values() if h.entry_point == "is_complete"]
    actions = sorted(set().union(*(h.allowed | h.used for h in complete)))
    matrix = [
        "| Action | " + " | ".join(" + ".join(KINDS[k] for k in h.kinds) for h in complete) + " |",
        "|---|" + "---|" * len(complete),
    ]
    for action in actions:
        cells = [_cell(action, h) for h in complete]
        matrix.append(f"| `{action}` | " + " | ".join(cells) + " |")
    return "\n".join(summary) + "\n\n" + "\n".join(matrix) + "\n"


def _cell(action: str, handler: Handler) -> str:
    allowed, used = action in handler.allowed, action in handler.used
    if allowed and used:
        return "allowed, called"
    if allowed:
        return "allowed, **never called**"
    if used:
        return "**called, not allowed**"
    return ""
