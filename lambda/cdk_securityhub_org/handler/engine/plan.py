"""Planning: the actions every planner returns, and how plans combine. No AWS calls, no clocks.

Each kind's planners (its ``plan`` module) are pure functions from desired and live state to a :class:`RegionPlan`.
``apply`` executes the actions in order; what cannot be done now goes into ``pending`` (waiting on someone else: an
invitation, an asynchronous status) or ``skipped`` (deliberately left alone: a suspended account) or ``blocked``
(cannot be done as declared: the message says what to change).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .result import Issue

BATCH_SIZE = 50  # CreateMembers takes at most 50 accounts; the other batch operations are batched alike


@dataclass(frozen=True)
class Action:
    """One API operation. Batch operations carry ``items`` under ``batch_key``; apply splits them into 50s."""

    operation: str
    parameters: Mapping[str, Any] = field(default_factory=dict)
    batch_key: str | None = None
    items: tuple[Any, ...] = ()
    # Batches of different groups are never merged (not sent): e.g. invited and organization accounts, which AWS
    # may treat differently, so that one group's refusal does not fail the other's batch.
    group: str = ""

    def accounts(self) -> list[str]:
        return [item["AccountId"] if isinstance(item, Mapping) else item for item in self.items]

    def __str__(self) -> str:
        if self.batch_key:
            return f"{self.operation} x{len(self.items)}"
        shown = {k: v for k, v in self.parameters.items() if k not in ("AccountDetails",)}
        return f"{self.operation}({', '.join(f'{k}={v}' for k, v in sorted(shown.items()))})"


@dataclass(frozen=True)
class RegionPlan:
    region: str
    actions: tuple[Action, ...] = ()
    pending: tuple[Issue, ...] = ()
    skipped: tuple[Issue, ...] = ()
    blocked: tuple[Issue, ...] = ()
    in_sync: int = 0

    @property
    def is_empty(self) -> bool:
        return not self.actions


def combine_plans(plans: Sequence[RegionPlan]) -> RegionPlan:
    """One plan that does what ``plans`` (of one Region) do in turn, each batch operation's items in one action,
    at the place where the operation first comes."""
    actions: list[Action] = []
    for action in (a for plan in plans for a in plan.actions):
        same = next(
            (
                i
                for i, a in enumerate(actions)
                if action.batch_key and (a.operation, a.group) == (action.operation, action.group)
            ),
            None,
        )
        if same is None:
            actions.append(action)
        else:
            actions[same] = replace(actions[same], items=actions[same].items + action.items)
    return RegionPlan(
        plans[0].region,
        actions=tuple(actions),
        pending=tuple(i for plan in plans for i in plan.pending),
        skipped=tuple(i for plan in plans for i in plan.skipped),
        blocked=tuple(i for plan in plans for i in plan.blocked),
        in_sync=sum(plan.in_sync for plan in plans),
    )


def whole_batches(plan: RegionPlan) -> tuple[RegionPlan, RegionPlan]:
    """Split ``plan`` into what can run now in whole batches (with the plan's notes) and the rest, which waits
    for more items. Once an action leaves items behind, every later action waits whole, so that nothing runs
    before what the plan puts ahead of it (an invitation before its account's creation)."""
    ready: list[Action] = []
    rest: list[Action] = []
    for action in plan.actions:
        whole = len(action.items) // BATCH_SIZE * BATCH_SIZE if action.batch_key and not rest else 0
        if whole:
            ready.append(replace(action, items=action.items[:whole]))
        if whole < len(action.items) or not action.batch_key:
            rest.append(replace(action, items=action.items[whole:]))
    return replace(plan, actions=tuple(ready)), RegionPlan(plan.region, actions=tuple(rest))
