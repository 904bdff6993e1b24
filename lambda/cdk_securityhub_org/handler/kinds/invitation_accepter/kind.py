"""Custom::SecurityHubInvitationAccepter, in an invited member account: accept the declared administrator's
invitation in every declared Region, and no one else's."""

from __future__ import annotations

from typing import Any

from ...engine import observe
from ...engine.apply import Execute, applying
from ...engine.aws import Budget, Clients
from ...engine.custom_resource import Kind
from ...engine.live import MemberAccountView
from ...engine.plan import RegionPlan
from ...engine.regions import run_in_regions
from ...engine.result import Outcome, RegionResult
from ...registry import INVITATION_ACCEPTER
from .plan import plan_acceptance, plan_resignation
from .spec import InvitationAccepterSpec, parse_invitation_accepter


def _run(
    spec: InvitationAccepterSpec,
    regions: tuple[str, ...],
    clients: Clients,
    execute: Execute,
    make_plan: Any,
) -> Outcome:
    def work(result: RegionResult) -> None:
        securityhub = clients.securityhub(result.region)
        view: MemberAccountView = observe.member_account_view(securityhub)
        plan: RegionPlan = make_plan(result.region, spec.administrator_account_id, view)
        execute(plan, securityhub, result)

    results = [RegionResult(r) for r in regions]
    run_in_regions(results, work, spec.scope.on_region_unavailable)
    return Outcome(results)


def converge(spec: InvitationAccepterSpec, regions: tuple[str, ...], clients: Clients, execute: Execute) -> Outcome:
    return _run(spec, regions, clients, execute, plan_acceptance)


def release(spec: InvitationAccepterSpec, regions: tuple[str, ...], clients: Clients, budget: Budget) -> Outcome:
    return _run(spec, regions, clients, applying(budget), plan_resignation)


KIND: Kind[InvitationAccepterSpec] = Kind(
    resource_type=INVITATION_ACCEPTER.resource_type,
    parse=parse_invitation_accepter,
    converge=converge,
    release=release,
)


# The Lambda handler strings name these (registry.KindEntry.handler).
on_event = KIND.on_event
is_complete = KIND.is_complete
