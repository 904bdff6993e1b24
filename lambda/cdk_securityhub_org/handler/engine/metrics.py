"""CloudWatch metrics of a pass, per Region, as Embedded Metric Format (EMF) lines in the handler's log.

Lambda sends what a function prints to CloudWatch Logs, and CloudWatch turns each EMF line into metric data: no
``PutMetricData`` call, so no extra permission and no extra latency. One line per Region, published under two
dimension sets: (Resource, Region) for the per-Region view, and (Resource) alone, which adds the Regions up for
alarms (an alarm cannot sum a metric over an unknown number of Regions).

``Resource`` is the construct path of the custom resource (``SecurityHub/Administrator/Members``), set by the
construct in the function's environment (one variable per resource on a stack's shared isComplete function); the dashboard and the alarm name the same path.
"""

from __future__ import annotations

import json
import os
import sys
import time
from enum import StrEnum
from typing import Any

from ..registry import METRICS_RESOURCE_VARIABLE, metrics_resource_variable
from .live import MemberStatus
from .result import Outcome, RegionResult

NAMESPACE = "SecurityHubOrg"
RESOURCE_DIMENSION = "Resource"
REGION_DIMENSION = "Region"

CHANGED = "Changed"  # writes made by a deploy pass
REPAIRED = "Repaired"  # writes made between deploys: the drift that was found and repaired
FAILURES = "Failures"  # items that failed, permanently or not (Regions unavailable included)
PENDING = "Pending"  # waiting on someone else; for Members, invitations awaiting acceptance
SKIPPED = "Skipped"
IN_SYNC = "InSync"


class Trigger(StrEnum):
    """Why a pass ran: a CloudFormation deploy, the drift-repair schedule, or an Organizations event."""

    DEPLOY = "deploy"
    SCHEDULE = "schedule"
    ENROLLMENT = "enrollment"


def members_metric(status: MemberStatus | str) -> str:
    """The metric counting member records in ``status`` (``MembersEnabled``, ``MembersInvited``, ...)."""
    return f"Members{MemberStatus(status).value}"


MEMBERS_METRICS = tuple(members_metric(status) for status in MemberStatus)


def resource_name(default: str, logical_id: str | None = None) -> str:
    """The Resource dimension: the construct path from the environment (the drift-repair function's one resource,
    or the shared isComplete function's entry for ``logical_id``), else ``default``."""
    named = os.environ.get(metrics_resource_variable(logical_id)) if logical_id else None
    return os.environ.get(METRICS_RESOURCE_VARIABLE) or named or default


def documents(
    outcome: Outcome, *, resource: str, resource_type: str, trigger: Trigger, timestamp_ms: int
) -> list[dict[str, Any]]:
    """One EMF document per Region of ``outcome``."""
    return [_document(r, resource, resource_type, trigger, timestamp_ms) for r in outcome.regions]


def emit(outcome: Outcome, *, resource: str, resource_type: str, trigger: Trigger) -> None:
    """Print the EMF lines (Lambda forwards stdout to CloudWatch Logs, which extracts the metrics)."""
    stamp = int(time.time() * 1000)
    for document in documents(
        outcome, resource=resource, resource_type=resource_type, trigger=trigger, timestamp_ms=stamp
    ):
        sys.stdout.write(json.dumps(document, sort_keys=True) + "\n")
    sys.stdout.flush()


def _document(
    result: RegionResult, resource: str, resource_type: str, trigger: Trigger, timestamp_ms: int
) -> dict[str, Any]:
    values = {
        REPAIRED if trigger is not Trigger.DEPLOY else CHANGED: sum(result.changed.values()),
        FAILURES: len(result.failed),
        PENDING: len(result.pending),
        SKIPPED: len(result.skipped),
        IN_SYNC: result.in_sync,
    }
    if result.member_statuses is not None:
        # Every status, zeros included, so that a graph shows 0 rather than a gap once a status empties.
        values |= {members_metric(s): result.member_statuses.get(s.value, 0) for s in MemberStatus}
    return {
        "_aws": {
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [
                {
                    "Namespace": NAMESPACE,
                    "Dimensions": [[RESOURCE_DIMENSION, REGION_DIMENSION], [RESOURCE_DIMENSION]],
                    "Metrics": [{"Name": name, "Unit": "Count"} for name in values],
                }
            ],
        },
        RESOURCE_DIMENSION: resource,
        REGION_DIMENSION: result.region,
        "ResourceType": resource_type,
        "Trigger": trigger.value,
        **values,
    }
