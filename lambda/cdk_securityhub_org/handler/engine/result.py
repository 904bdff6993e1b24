"""What a pass did, per Region: changed, pending, skipped, failed, unfinished.

The summary returned to CloudFormation stays under the 4,096-byte response limit whatever the size of the
organization; the full detail goes to the JSON logs. Neither carries email addresses.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .aws import CallFailure

# CloudFormation limits a custom resource response (Data + Reason) to 4,096 bytes; keep well inside it.
RESPONSE_BUDGET_BYTES = 3000


@dataclass(frozen=True)
class Issue:
    """Something that could not be done (or was deliberately not done) for one subject, usually an account."""

    subject: str
    reason: str
    retryable: bool = False

    def __str__(self) -> str:
        return f"{self.subject}: {self.reason}"


@dataclass
class RegionResult:
    region: str
    changed: Counter[str] = field(default_factory=Counter)
    pending: list[Issue] = field(default_factory=list)
    skipped: list[Issue] = field(default_factory=list)
    failed: list[Issue] = field(default_factory=list)
    unfinished: bool = False
    unavailable: bool = False
    in_sync: int = 0
    # Member records by status as read at the start of the pass; None where no member list was read (other
    # kinds, unavailable Regions). The membership metrics come from here.
    member_statuses: Counter[str] | None = None

    def fail(self, subject: str, failure: CallFailure | str, retryable: bool | None = None) -> None:
        if isinstance(failure, CallFailure):
            self.failed.append(Issue(subject, f"{failure.code}: {failure.message}", failure.retryable))
        else:
            self.failed.append(Issue(subject, failure, bool(retryable)))

    @property
    def permanent_failures(self) -> list[Issue]:
        return [issue for issue in self.failed if not issue.retryable]

    @property
    def needs_another_pass(self) -> bool:
        """Work a later pass can still do: cut off by the budget, retryable failures, or an asynchronous change
        (CENTRAL going PENDING → ENABLED) to wait for."""
        return self.unfinished or any(i.retryable for i in self.failed) or any(i.retryable for i in self.pending)

    def line(self) -> str:
        parts = [f"{op} {n}" for op, n in sorted(self.changed.items())]
        for label, items in (("pending", self.pending), ("skipped", self.skipped), ("failed", self.failed)):
            if items:
                parts.append(f"{label} {len(items)}")
        if self.unfinished:
            parts.append("unfinished")
        if self.unavailable:
            parts.append("unavailable")
        return f"{self.region}: {', '.join(parts) if parts else 'in sync'}"

    def detail(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "changed": dict(self.changed),
            "in_sync": self.in_sync,
            "pending": [str(i) for i in self.pending],
            "skipped": [str(i) for i in self.skipped],
            "failed": [{"subject": i.subject, "reason": i.reason, "retryable": i.retryable} for i in self.failed],
            "unfinished": self.unfinished,
            "unavailable": self.unavailable,
        }


@dataclass
class Outcome:
    """The results of one pass over every Region."""

    regions: list[RegionResult]

    @property
    def complete(self) -> bool:
        return not any(r.needs_another_pass for r in self.regions)

    @property
    def permanent_failures(self) -> list[tuple[str, Issue]]:
        return [(r.region, issue) for r in self.regions for issue in r.permanent_failures]

    @property
    def writes(self) -> int:
        return sum(sum(r.changed.values()) for r in self.regions)

    def summary(self) -> str:
        return "; ".join(r.line() for r in self.regions)

    def data(self) -> dict[str, str]:
        """Response Data for CloudFormation: counts only, bounded in size."""
        data = {
            "Summary": _bounded(self.summary(), RESPONSE_BUDGET_BYTES // 2),
            "Changed": str(self.writes),
            "Pending": str(sum(len(r.pending) for r in self.regions)),
            "Skipped": str(sum(len(r.skipped) for r in self.regions)),
            "Failed": str(sum(len(r.failed) for r in self.regions)),
        }
        return data

    def failure_message(self, issues: list[tuple[str, Issue]], limit: int = RESPONSE_BUDGET_BYTES // 2) -> str:
        """A stack-event reason that names the Regions and accounts, cut to fit the response limit."""
        # The same failure in many Regions is one line naming all of them. AWS's text often names the Region it
        # came from, so failures are grouped on the text with the Region taken out, and the line quotes the first
        # Region's text as AWS wrote it.
        grouped: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for region, issue in issues:
            key = (issue.subject, issue.reason.replace(region, "\0"))
            grouped.setdefault(key, []).append((region, issue.reason))
        lines = [_failure_line(subject, failures) for (subject, _), failures in grouped.items()]
        head = f"{len(lines)} item(s) could not be reconciled: "
        return _bounded(head + "; ".join(lines), limit)

    def log_record(self) -> dict[str, Any]:
        return {"complete": self.complete, "writes": self.writes, "regions": [r.detail() for r in self.regions]}


def _failure_line(subject: str, failures: list[tuple[str, str]]) -> str:
    regions = [region for region, _ in failures]
    first_region, reason = failures[0]
    if any(other != reason for _, other in failures[1:]):
        reason += f" (as {first_region} reported it; the other Regions name themselves)"
    return f"{subject} in {', '.join(regions)}: {reason}"


def _bounded(text: str, limit: int) -> str:
    encoded = text.encode()
    if len(encoded) <= limit:
        return text
    suffix = " … (truncated; see the handler's logs for the full list)"
    return encoded[: limit - len(suffix.encode())].decode(errors="ignore") + suffix
