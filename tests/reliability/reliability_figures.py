"""The figures ``docs/reliability.md`` reports, gathered while the suite runs.

Faults are counted from the emulator's call log (what it answered) and from the handlers' own ``pass`` log records
(what they saw in ``UnprocessedAccounts``, and which passes the time budget cut off). Set ``RELIABILITY_FIGURES`` to
a file path to have them written there as JSON at the end of the session.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cdk_securityhub_org.testing.emulator import CallRecord
from reliability_calls import Window

UNAVAILABLE_CODES = frozenset({"UnrecognizedClientException", "InvalidClientTokenId", "AuthFailure"})


def faults_in(calls: Iterable[CallRecord], windows: Iterable[Window] = ()) -> Counter[str]:
    """Injected faults by kind, as the emulator answered them and as the handlers met them."""
    found: Counter[str] = Counter()
    for call in calls:
        if call.throttled:
            found["throttled (429 / TooManyRequests)"] += 1
        elif call.http_status >= 500:
            found["server error (5xx)"] += 1
        elif call.error_code in UNAVAILABLE_CODES:
            found["opt-in Region refused the credentials"] += 1
        elif call.error_code == "DataUnavailableException":
            found["administrator still syncing (DataUnavailable)"] += 1
    for window in windows:
        invocation = window.invocation
        if invocation is None:
            continue
        if invocation.timed_out:
            found["Lambda invocation killed at its timeout"] += 1
        for record in pass_records(invocation.log_lines):
            for region in record.get("regions", []):
                found["pass cut off by its time budget (Region)"] += bool(region.get("unfinished"))
                found["UnprocessedAccounts entry seen by a handler"] += sum(
                    1 for issue in region.get("failed", []) if _is_unprocessed(issue.get("reason", ""))
                )
    return +found


def _is_unprocessed(reason: str) -> bool:
    # UnprocessedAccounts failures read "<Operation>: <ProcessingResult>"; call failures "<ErrorCode>: <message>".
    operation = reason.split(":", 1)[0]
    return operation in ("CreateMembers", "InviteMembers", "DeleteMembers")


def pass_records(lines: Iterable[str]) -> list[dict]:
    """The handler's JSON ``pass`` log records among a log stream's lines."""
    records = []
    for line in lines:
        if not line.startswith("{"):
            continue
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("message") == "pass":
            records.append(record)
    return records


@dataclass
class Figures:
    faults: Counter[str] = field(default_factory=Counter)
    deploys: list[tuple[str, str]] = field(default_factory=list)  # (case, outcome)
    calls: int = 0
    inputs_rejected: dict[str, int] = field(default_factory=dict)
    fuzz_examples: dict[str, int] = field(default_factory=dict)
    least_privilege: str = ""

    def record_deploy(self, case: str, outcome: str) -> None:
        self.deploys.append((case, outcome))

    def record_faults(self, calls: list[CallRecord], windows: Iterable[Window] = ()) -> None:
        self.calls += len(calls)
        self.faults.update(faults_in(calls, windows))

    def markdown(self) -> str:
        """The figures as the Markdown tables of docs/reliability.md."""
        lines = ["| Fault | Count |", "|---|---:|"]
        lines += [f"| {kind} | {count} |" for kind, count in sorted(self.faults.items(), key=lambda i: -i[1])]
        lines += ["", f"{self.calls} calls in all.", "", "| Case | Outcome |", "|---|---|"]
        lines += [f"| {case} | {outcome} |" for case, outcome in self.deploys]
        lines += ["", "| Inputs rejected | Count |", "|---|---:|"]
        lines += [f"| {kind} | {count} |" for kind, count in self.inputs_rejected.items()]
        lines += ["", "| Fuzzed | Examples |", "|---|---:|"]
        lines += [f"| {kind} | {count} |" for kind, count in self.fuzz_examples.items()]
        return "\n".join(lines) + "\n"

    def write(self, path: Path) -> None:
        document = {
            "faults": dict(sorted(self.faults.items())),
            "calls": self.calls,
            "deploys": [{"case": case, "outcome": outcome} for case, outcome in self.deploys],
            "inputs_rejected": self.inputs_rejected,
            "fuzz_examples": self.fuzz_examples,
            "least_privilege": self.least_privilege,
            "markdown": self.markdown(),
        }
        path.write_text(json.dumps(document, indent=2) + "\n")


def write_requested(figures: Figures) -> None:
    target = os.environ.get("RELIABILITY_FIGURES")
    if target:
        figures.write(Path(target))
