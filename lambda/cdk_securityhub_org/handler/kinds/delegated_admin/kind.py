"""Custom::SecurityHubDelegatedAdmin, in the management account: the same administrator in every declared Region.

Removal acts per Region through the Security Hub API, never through Organizations' DeregisterDelegatedAdministrator,
which would remove the administrator in every Region at once (facts doc).
"""

from __future__ import annotations

from ...engine import observe
from ...engine.apply import Execute, apply_in_regions, applying
from ...engine.aws import Budget, Clients
from ...engine.custom_resource import Kind
from ...engine.live import AdminDesignation
from ...engine.plan import RegionPlan
from ...engine.regions import run_in_regions
from ...engine.result import Outcome, RegionResult
from ...registry import DELEGATED_ADMIN
from .central import explain_central_refusals
from .plan import designation_phases, plan_designation, plan_management_hub, plan_removal
from .spec import DelegatedAdminSpec, parse_delegated_admin


def converge(spec: DelegatedAdminSpec, regions: tuple[str, ...], clients: Clients, execute: Execute) -> Outcome:
    results = [RegionResult(r) for r in regions]
    live = _observe(spec, results, clients)
    plans = [
        plan_designation(r.region, spec.admin_account_id, live[r.region], spec.allow_replace)
        for r in results
        if r.region in live
    ]
    # AWS requires one administrator in every Region: remove the old one everywhere before designating anywhere.
    removals, designations = designation_phases(plans)
    apply_in_regions(results, removals, clients, execute, spec.scope.on_region_unavailable)
    explain_central_refusals(results)
    apply_in_regions(results, designations, clients, execute, spec.scope.on_region_unavailable)
    if spec.enable_in_management_account:
        hubs: dict[str, RegionPlan] = {}

        def read(result: RegionResult) -> None:
            enabled = observe.hub_enabled(clients.securityhub(result.region))
            hubs[result.region] = plan_management_hub(result.region, True, enabled)

        run_in_regions(results, read, spec.scope.on_region_unavailable)
        apply_in_regions(results, hubs.values(), clients, execute, spec.scope.on_region_unavailable)
    return Outcome(results)


def release(spec: DelegatedAdminSpec, regions: tuple[str, ...], clients: Clients, budget: Budget) -> Outcome:
    results = [RegionResult(r) for r in regions]
    live = _observe(spec, results, clients)
    plans = [plan_removal(r.region, spec.admin_account_id, live[r.region]) for r in results if r.region in live]
    apply_in_regions(results, plans, clients, applying(budget), spec.scope.on_region_unavailable)
    return Outcome(results)


def _observe(
    spec: DelegatedAdminSpec, results: list[RegionResult], clients: Clients
) -> dict[str, list[AdminDesignation]]:
    live: dict[str, list[AdminDesignation]] = {}

    def read(result: RegionResult) -> None:
        live[result.region] = observe.admin_designations(clients.securityhub(result.region))

    run_in_regions(results, read, spec.scope.on_region_unavailable)
    return live


KIND: Kind[DelegatedAdminSpec] = Kind(
    resource_type=DELEGATED_ADMIN.resource_type,
    parse=parse_delegated_admin,
    converge=converge,
    release=release,
)

# The Lambda handler strings name these (registry.KindEntry.handler).
on_event = KIND.on_event
is_complete = KIND.is_complete
