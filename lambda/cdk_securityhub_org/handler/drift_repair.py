"""Between deploys: run a resource's reconcile pass with its last deployed declaration.

EventBridge invokes ``handler`` (``cdk_securityhub_org.handler.drift_repair.handler``) on the drift-repair schedule, and
on Organizations events when new accounts join (enrollment). The rule target's input carries the declaration, the
custom resource's own properties as the stack deployed them::

    {"ResourceType": "Custom::SecurityHubMembers", "ResourceProperties": {...}, "Trigger": "schedule"}

A member list too large to travel inline is an S3 location there, as in the resource, so the input stays small.

The pass is the deploy's pass (``Kind.reconcile``), in the same Regions, with the same account check: it repairs
what the declaration allows. What it cannot repair makes the invocation fail (``DriftNotRepaired``, naming the
Regions and accounts), so the function's Errors metric and the failure alarm report it. Work left for later
(retryable failures, time running out, asynchronous changes) is logged and counted, and the next run resumes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .dispatch import kind_of
from .engine import metrics
from .engine.aws import Budget, Clients
from .engine.custom_resource import check_account, running_account
from .engine.logs import log, redact


class DriftNotRepaired(Exception):
    """Something differs from the declaration and the pass could not change it; the message says what."""


def handler(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    """The Lambda entry point of the drift-repair function."""
    return repair(event, context)


def repair(event: Mapping[str, Any], context: Any, clients: Clients | None = None) -> dict[str, Any]:
    trigger = metrics.Trigger(event.get("Trigger", metrics.Trigger.SCHEDULE.value))
    kind = kind_of(event, "drift repair")
    log("repair", trigger=trigger.value, resource_type=kind.resource_type, event=event.get("Event"))
    spec = kind.parse(event.get("ResourceProperties") or {})
    account = running_account(context)
    check_account(kind.scope(spec), account)
    clients = clients or Clients(account)
    outcome = kind.reconcile(spec, kind.scope(spec).regions, clients, Budget.from_context(context))
    log("repair pass", trigger=trigger.value, resource_type=kind.resource_type, **outcome.log_record())
    metrics.emit(
        outcome,
        resource=metrics.resource_name(kind.resource_type),
        resource_type=kind.resource_type,
        trigger=trigger,
    )
    permanent = outcome.permanent_failures
    if permanent:
        raise DriftNotRepaired(redact(outcome.failure_message(permanent)))
    return {"Complete": outcome.complete, **outcome.data()}
