"""What the ``plan`` command found: the engine's preview of each declared resource, as a table or as JSON.

The report holds what a reconcile pass would do first, per resource and Region: the actions it would take (the
drift), and what it would leave waiting (pending), leave alone (skipped) or refuse (blocked). A Region that could
not be read is an error: the plan is incomplete there. Nothing here calls AWS; ``cli`` runs the previews.

Output is stable for pipelines and golden tests: Regions and resources sorted by name, accounts sorted, no
timestamps, no email addresses.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cdk_securityhub_org.handler.engine.logs import redact
from cdk_securityhub_org.handler.engine.plan import Action
from cdk_securityhub_org.handler.engine.preview import Preview
from cdk_securityhub_org.handler.engine.result import Issue

EXIT_NO_DRIFT, EXIT_ERROR, EXIT_DRIFT = 0, 1, 2  # as `terraform plan -detailed-exitcode`
ACCOUNTS_SHOWN = 5  # in the table; the JSON lists every account


@dataclass(frozen=True)
class PlannedAction:
    operation: str
    accounts: tuple[str, ...] = ()  # batch actions: the accounts, sorted
    parameters: Mapping[str, Any] = field(default_factory=dict)  # single actions

    @classmethod
    def of(cls, action: Action) -> PlannedAction:
        if action.batch_key:
            return cls(action.operation, accounts=tuple(sorted(action.accounts())))
        return cls(action.operation, parameters=dict(action.parameters))

    @property
    def count(self) -> int:
        return len(self.accounts) if self.accounts else 1

    def to_json(self) -> dict[str, Any]:
        shown = {"accounts": list(self.accounts)} if self.accounts else {"parameters": dict(self.parameters)}
        return {"operation": self.operation, "count": self.count, **shown}


def _joined(actions: Iterable[PlannedAction]) -> tuple[PlannedAction, ...]:
    """One row per run of the same batch operation: a members pass plans the organization's accounts as their
    pages arrive, so its CreateMembers come in several plans."""
    runs: list[list[PlannedAction]] = []
    for action in actions:
        previous = runs[-1][-1] if runs else None
        if previous and action.accounts and previous.accounts and previous.operation == action.operation:
            runs[-1].append(action)
        else:
            runs.append([action])
    return tuple(
        run[0]
        if len(run) == 1
        else PlannedAction(run[0].operation, accounts=tuple(sorted(a for p in run for a in p.accounts)))
        for run in runs
    )


@dataclass(frozen=True)
class RegionDrift:
    """One resource in one Region."""

    region: str
    actions: tuple[PlannedAction, ...] = ()
    pending: tuple[Issue, ...] = ()
    skipped: tuple[Issue, ...] = ()
    blocked: tuple[Issue, ...] = ()
    errors: tuple[Issue, ...] = ()
    in_sync: int = 0

    @property
    def drift(self) -> bool:
        """Something differs from the declaration: a pass would write, or cannot do as declared."""
        return bool(self.actions or self.blocked)

    def to_json(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "drift": self.drift,
            "actions": [a.to_json() for a in self.actions],
            "pending": _issues_json(self.pending),
            "skipped": _issues_json(self.skipped),
            "blocked": _issues_json(self.blocked),
            "errors": _issues_json(self.errors),
            "in_sync": self.in_sync,
        }


@dataclass(frozen=True)
class ResourceDrift:
    """One declared resource: its Regions, or why it could not be planned at all (``error``)."""

    name: str
    resource_type: str
    account: str | None
    regions: tuple[RegionDrift, ...] = ()
    error: str | None = None
    notes: tuple[str, ...] = ()  # how the review was made (the Organizations policy impact: which accounts computed)

    @classmethod
    def of_preview(cls, name: str, resource_type: str, account: str | None, preview: Preview) -> ResourceDrift:
        regions = []
        for result in preview.outcome.regions:
            plans = preview.plans.get(result.region, [])
            blocked = tuple(issue for plan in plans for issue in plan.blocked)
            regions.append(
                RegionDrift(
                    region=result.region,
                    actions=_joined(PlannedAction.of(a) for plan in plans for a in plan.actions),
                    pending=tuple(result.pending),
                    skipped=tuple(result.skipped),
                    blocked=blocked,
                    # What failed without a plan saying so: a read that failed, a Region that is not available.
                    errors=tuple(issue for issue in result.failed if issue not in blocked),
                    in_sync=result.in_sync,
                )
            )
        return cls(name, resource_type, account, tuple(sorted(regions, key=lambda r: r.region)))

    def to_json(self) -> dict[str, Any]:
        return {
            "resource": self.name,
            "type": self.resource_type,
            "account": self.account,
            "error": redact(self.error) if self.error else None,
            "regions": [r.to_json() for r in self.regions],
            **({"notes": list(self.notes)} if self.notes else {}),
        }


@dataclass(frozen=True)
class DriftReport:
    resources: tuple[ResourceDrift, ...]

    @classmethod
    def of(cls, resources: Iterable[ResourceDrift]) -> DriftReport:
        return cls(tuple(sorted(resources, key=lambda r: r.name)))

    @property
    def errors(self) -> int:
        return sum(bool(r.error) + sum(len(g.errors) for g in r.regions) for r in self.resources)

    @property
    def drift(self) -> bool:
        return any(g.drift for r in self.resources for g in r.regions)

    @property
    def exit_code(self) -> int:
        if self.errors:
            return EXIT_ERROR
        return EXIT_DRIFT if self.drift else EXIT_NO_DRIFT

    def _total(self, attribute: str) -> int:
        return sum(len(getattr(g, attribute)) for r in self.resources for g in r.regions)

    def summary_json(self) -> dict[str, Any]:
        changes = sum(a.count for r in self.resources for g in r.regions for a in g.actions)
        return {
            "changes": changes,
            "pending": self._total("pending"),
            "skipped": self._total("skipped"),
            "blocked": self._total("blocked"),
            "errors": self.errors,
            "regions_with_drift": sorted({g.region for r in self.resources for g in r.regions if g.drift}),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "drift": self.drift,
            "exit_code": self.exit_code,
            "summary": self.summary_json(),
            "resources": [r.to_json() for r in self.resources],
        }

    def render_json(self) -> str:
        return json.dumps(self.to_json(), indent=2, sort_keys=True) + "\n"

    def render_table(self) -> str:
        """The per-Region table, then a summary line."""
        rows = [("REGION", "RESOURCE", "ACTION", "COUNT", "DETAIL")]
        for resource in self.resources:
            if resource.error:
                rows.append(("-", resource.name, "error", "-", redact(resource.error)))
            rows.extend(("-", resource.name, "note", "-", note) for note in resource.notes)
        cells = [(g.region, r.name, row) for r in self.resources for g in r.regions for row in _rows(g)]
        for region, name, (action, count, detail) in sorted(cells, key=lambda c: (c[0], c[1])):
            rows.append((region, name, action, count, detail))
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        lines = [
            "  ".join([*(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)), row[4]]).rstrip()
            for row in rows
        ]
        return "\n".join([*lines, "", self._summary_line()]) + "\n"

    def _summary_line(self) -> str:
        summary = self.summary_json()
        counts = f"{summary['pending']} pending, {summary['skipped']} skipped, {summary['blocked']} blocked"
        if self.errors:
            return f"Error: {self.errors} item(s) could not be planned (see 'error' rows); {counts}."
        if not self.drift:
            regions = len({g.region for r in self.resources for g in r.regions})
            return (
                f"No drift: {len(self.resources)} resource(s) match the declaration in {regions} Region(s); {counts}."
            )
        by_operation: dict[str, int] = {}
        for action in (a for r in self.resources for g in r.regions for a in g.actions):
            by_operation[action.operation] = by_operation.get(action.operation, 0) + action.count
        operations = ", ".join(f"{op} {n}" for op, n in sorted(by_operation.items())) or "no writes"
        drifted = summary["regions_with_drift"]
        return f"Drift in {len(drifted)} Region(s) ({', '.join(drifted)}): {operations}; {counts}."


def _rows(region: RegionDrift) -> list[tuple[str, str, str]]:
    """(action, count, detail) rows of one resource in one Region: actions in the order they would run, then
    what would be left, grouped by reason; then how many items are already as declared (``in sync``)."""
    rows = [(a.operation, str(a.count), _action_detail(a)) for a in region.actions]
    for label, issues in (
        ("blocked", region.blocked),
        ("error", region.errors),
        ("pending", region.pending),
        ("skipped", region.skipped),
    ):
        by_reason: dict[str, list[str]] = {}
        for issue in issues:
            by_reason.setdefault(redact(issue.reason), []).append(issue.subject)
        rows.extend(
            (label, str(len(subjects)), f"{_subjects(subjects)}: {reason}") for reason, subjects in by_reason.items()
        )
    if region.in_sync or not rows:
        rows.append(("in sync", str(region.in_sync), ""))
    return rows


def _action_detail(action: PlannedAction) -> str:
    if action.accounts:
        return _subjects(action.accounts)
    return ", ".join(f"{key}={_compact(value)}" for key, value in sorted(action.parameters.items()))


def _subjects(subjects: Iterable[str]) -> str:
    ordered = sorted(subjects)
    shown = ", ".join(ordered[:ACCOUNTS_SHOWN])
    return shown + (f" (+{len(ordered) - ACCOUNTS_SHOWN} more)" if len(ordered) > ACCOUNTS_SHOWN else "")


def _compact(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, separators=(",", ":"))


def _issues_json(issues: Iterable[Issue]) -> list[dict[str, Any]]:
    ordered = sorted(issues, key=lambda i: (i.subject, i.reason))
    return [{"subject": i.subject, "reason": redact(i.reason), "retryable": i.retryable} for i in ordered]
