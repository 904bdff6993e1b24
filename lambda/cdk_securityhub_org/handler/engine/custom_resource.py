"""The Provider-framework side of every handler: event parsing, identity, physical IDs, passes, the verdict.

``on_event`` only validates: the declaration parses, and the handler runs in the account the declaration names.
``is_complete`` runs one reconcile pass within the Lambda's time budget; the framework calls it again until it
reports complete. It raises when something cannot be done as declared, naming the Regions and accounts, so the
stack event says why; it never returns a FAILED status object (the framework would report that as success).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from ..registry import QUERY_INTERVAL_VARIABLE, TOTAL_TIMEOUT_VARIABLE
from . import metrics
from .apply import Execute, applying
from .aws import Budget, Clients
from .declaration import DeclarationError, RemovalPolicy, Scope
from .logs import log, redact
from .plan import RegionPlan
from .preview import Preview, Recorder
from .result import Outcome

SpecT = TypeVar("SpecT")
SpecT_contra = TypeVar("SpecT_contra", contravariant=True)


class ReconcileFailed(Exception):
    """Something cannot be done as declared; the message names it and what to change."""


class _Pass(Protocol[SpecT_contra]):
    def __call__(self, spec: SpecT_contra, regions: tuple[str, ...], clients: Clients, budget: Budget) -> Outcome: ...


class _Converge(Protocol[SpecT_contra]):
    def __call__(self, spec: SpecT_contra, regions: tuple[str, ...], clients: Clients, execute: Execute) -> Outcome: ...


@dataclass(frozen=True)
class Kind(Generic[SpecT]):
    """One custom-resource kind: how to read its declaration and how to converge or release it.

    ``converge`` reads, plans and hands each plan to ``execute``: :meth:`reconcile` applies the plans, and
    :meth:`preview` only records them, so that both run the same reads and planners in the same order.
    """

    resource_type: str
    parse: Callable[[Mapping[str, Any]], SpecT]
    converge: _Converge[SpecT]
    release: _Pass[SpecT]
    # Every spec carries its Scope as ``spec.scope``.
    scope: Callable[[SpecT], Scope] = lambda spec: spec.scope  # type: ignore[attr-defined]

    def reconcile(self, spec: SpecT, regions: tuple[str, ...], clients: Clients, budget: Budget) -> Outcome:
        """One pass that converges the live state on ``spec`` in ``regions``, within ``budget``."""
        return self.converge(spec, regions, clients, applying(budget))

    def preview(
        self,
        spec: SpecT,
        regions: tuple[str, ...],
        clients: Clients,
        on_plan: Callable[[RegionPlan], None] | None = None,
    ) -> Preview:
        """What :meth:`reconcile` would do now, read-only: the same reads and plans, no writes."""
        recorder = Recorder(on_plan)
        return recorder.preview(self.converge(spec, regions, clients, recorder))

    def on_event(self, event: Mapping[str, Any], context: Any) -> dict[str, Any]:
        """The Provider framework's onEvent handler."""
        return on_event(self, event, context)

    def is_complete(self, event: Mapping[str, Any], context: Any) -> dict[str, Any]:
        """The Provider framework's isComplete handler."""
        return is_complete(self, event, context)


def on_event(kind: Kind[Any], event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    request = event["RequestType"]
    log("event", request=request, resource_type=kind.resource_type, logical_id=event.get("LogicalResourceId"))
    account = running_account(context)
    if request == "Delete":
        return {"PhysicalResourceId": event["PhysicalResourceId"]}
    spec = kind.parse(event["ResourceProperties"])
    check_account(kind.scope(spec), account)
    physical_id = event.get("PhysicalResourceId") if request == "Update" else _physical_id(kind, event, account)
    return {"PhysicalResourceId": physical_id, "Data": {"StartedAt": str(int(time.time()))}}


def is_complete(
    kind: Kind[Any], event: Mapping[str, Any], context: Any, clients: Clients | None = None
) -> dict[str, Any]:
    request = event["RequestType"]
    clients = clients or Clients(running_account(context))
    budget = Budget.from_context(context)
    pass_seconds = context.get_remaining_time_in_millis() / 1000.0
    if request == "Delete":
        outcome = _delete(kind, event, clients, budget)
        if outcome is None:
            return {"IsComplete": True}
    else:
        spec = kind.parse(event["ResourceProperties"])
        check_account(kind.scope(spec), running_account(context))
        released = _release_dropped_regions(kind, event, spec, clients, budget)
        outcome = kind.reconcile(spec, kind.scope(spec).regions, clients, budget)
        outcome.regions[:0] = released.regions if released else []
    return _verdict(kind, event, outcome, pass_seconds)


def _delete(kind: Kind[Any], event: Mapping[str, Any], clients: Clients, budget: Budget) -> Outcome | None:
    try:
        spec = kind.parse(event["ResourceProperties"])
    except DeclarationError as error:
        # A declaration that never deployed must not block deleting the stack.
        log("delete ignored: the declaration does not parse", error=str(error))
        return None
    scope = kind.scope(spec)
    if scope.removal_policy is RemovalPolicy.RETAIN:
        log("delete: removal policy RETAIN leaves the live state in place")
        return None
    return kind.release(spec, scope.regions, clients, budget)


def _release_dropped_regions(
    kind: Kind[Any], event: Mapping[str, Any], spec: Any, clients: Clients, budget: Budget
) -> Outcome | None:
    """A Region dropped from the declaration is released only under DESTROY, and only that Region."""
    if event["RequestType"] != "Update" or kind.scope(spec).removal_policy is not RemovalPolicy.DESTROY:
        return None
    try:
        old = kind.parse(event.get("OldResourceProperties") or {})
    except DeclarationError:
        return None
    dropped = tuple(r for r in kind.scope(old).regions if r not in kind.scope(spec).regions)
    return kind.release(old, dropped, clients, budget) if dropped else None


def _verdict(kind: Kind[Any], event: Mapping[str, Any], outcome: Outcome, pass_seconds: float) -> dict[str, Any]:
    log("pass", resource_type=kind.resource_type, logical_id=event.get("LogicalResourceId"), **outcome.log_record())
    metrics.emit(
        outcome,
        resource=metrics.resource_name(
            event.get("LogicalResourceId") or kind.resource_type, event.get("LogicalResourceId")
        ),
        resource_type=kind.resource_type,
        trigger=metrics.Trigger.DEPLOY,
    )
    permanent = outcome.permanent_failures
    if permanent:
        raise ReconcileFailed(redact(outcome.failure_message(permanent)))
    if outcome.complete:
        return {"IsComplete": True, "Data": outcome.data()}
    if _out_of_time(event, pass_seconds):
        leftovers = [(r.region, i) for r in outcome.regions for i in r.failed + r.pending if i.retryable]
        unfinished = [r.region for r in outcome.regions if r.unfinished]
        head = f"not converged before the deadline (unfinished in {', '.join(unfinished) or 'no Region'}); "
        raise ReconcileFailed(redact(head + outcome.failure_message(leftovers)))
    return {"IsComplete": False}


def _out_of_time(event: Mapping[str, Any], pass_seconds: float) -> bool:
    """True when the framework's total timeout (set on the function by the construct) would run out before
    another pass could finish: then the pass reports what is left instead of letting the waiter time out."""
    started = (event.get("Data") or {}).get("StartedAt")
    total = float(os.environ.get(TOTAL_TIMEOUT_VARIABLE, "3600"))
    interval = float(os.environ.get(QUERY_INTERVAL_VARIABLE, "30"))
    if not started:
        return False
    return time.time() - float(started) + interval + pass_seconds > total


def running_account(context: Any) -> str:
    """The account the Lambda function runs in, from its ARN."""
    return str(context.invoked_function_arn).split(":")[4]


def check_account(scope: Scope, account: str) -> None:
    """Refuse to act in an account other than the declared one (a stack deployed to the wrong account)."""
    if scope.expected_account and scope.expected_account != account:
        raise ReconcileFailed(
            f"this resource is declared for account {scope.expected_account} but its handler runs in account"
            f" {account}; deploy the stack to account {scope.expected_account}, or correct the declared account"
        )


def _physical_id(kind: Kind[Any], event: Mapping[str, Any], account: str) -> str:
    """Stable for the life of the resource, and free of the declaration (no member list, no emails)."""
    origin = f"{event.get('StackId', '')}/{event.get('LogicalResourceId', '')}"
    digest = hashlib.sha256(origin.encode()).hexdigest()[:12]
    return f"{kind.resource_type.removeprefix('Custom::')}-{account}-{digest}"
