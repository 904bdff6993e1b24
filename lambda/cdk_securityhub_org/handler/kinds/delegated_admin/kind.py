"""Custom::SecurityHubDelegatedAdmin, in the management account: the same administrator in every declared Region.

Removal acts per Region through the Security Hub API, never through Organizations' DeregisterDelegatedAdministrator,
which would remove the administrator in every Region at once (facts doc).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ...engine import observe
from ...engine.apply import Execute, apply_in_regions, applying
from ...engine.aws import Budget, Clients
from ...engine.custom_resource import Kind
from ...engine.declaration import OnRegionUnavailable
from ...engine.live import AdminDesignation
from ...engine.plan import RegionPlan
from ...engine.regions import run_in_regions
from ...engine.result import Outcome, RegionResult
from ...registry import DELEGATED_ADMIN
from ..organizations_policy.spec import SECURITYHUB_PRINCIPAL
from .central import explain_central_refusals
from .plan import designation_phases, plan_designation, plan_management_hub, plan_removal
from .replacement import (
    REMOVE,
    Surroundings,
    hold_designations,
    removals_in_progress,
    removes_administrator,
    replacement_refusal,
)
from .spec import DelegatedAdminSpec, parse_delegated_admin


def converge(spec: DelegatedAdminSpec, regions: tuple[str, ...], clients: Clients, execute: Execute) -> Outcome:
    results = [RegionResult(r) for r in regions]
    live = _observe(spec, results, clients)
    plans = _plan(spec, results, live)
    undeclared: Mapping[str, Sequence[AdminDesignation]] = {}
    if removes_administrator(plans):
        around = _surroundings(regions, clients)
        refusal = replacement_refusal(spec.admin_account_id, live, around)
        if refusal is not None:
            for result in results:
                result.fail(spec.admin_account_id, refusal)
            return Outcome(results)
        undeclared = around.undeclared
        # AWS requires one administrator in every Region: remove the old one everywhere before designating anywhere.
        removals, plans = designation_phases(plans)
        apply_in_regions(results, removals, clients, execute, spec.scope.on_region_unavailable)
        explain_central_refusals(results)
        if any(result.changed[REMOVE] for result in results):
            # AWS may still be removing it (DISABLE_IN_PROGRESS): read again before designating anywhere.
            live = _observe(spec, results, clients)
            plans = _plan(spec, results, live)
    # A preview (nothing removed) shows the designation waiting for the removals it records.
    waiting = removals_in_progress(spec.admin_account_id, {**undeclared, **live})
    designations = hold_designations(plans, spec.admin_account_id, waiting)
    apply_in_regions(results, designations, clients, execute, spec.scope.on_region_unavailable)
    if spec.enable_in_management_account:
        hubs: dict[str, RegionPlan] = {}

        def read(result: RegionResult) -> None:
            enabled = observe.hub_enabled(clients.securityhub(result.region))
            hubs[result.region] = plan_management_hub(result.region, True, enabled)

        run_in_regions(results, read, spec.scope.on_region_unavailable)
        apply_in_regions(results, hubs.values(), clients, execute, spec.scope.on_region_unavailable)
    return Outcome(results)


def _surroundings(declared: tuple[str, ...], clients: Clients) -> Surroundings:
    """The designations in every other Region this account can reach, and Organizations' registration."""
    others = [RegionResult(r) for r in clients.securityhub_regions() if r not in declared]
    found: dict[str, list[AdminDesignation]] = {}

    def read(result: RegionResult) -> None:
        found[result.region] = observe.admin_designations(clients.securityhub(result.region))

    # A Region the account has not enabled holds no designation this account made: SKIP leaves it out quietly.
    run_in_regions(others, read, OnRegionUnavailable.SKIP)
    unreadable = {r.region: "; ".join(i.reason for i in r.failed) for r in others if r.failed}
    registered = observe.delegated_administrators(clients.organizations(), SECURITYHUB_PRINCIPAL)
    return Surroundings(found, unreadable, registered)


def _plan(
    spec: DelegatedAdminSpec, results: list[RegionResult], live: dict[str, list[AdminDesignation]]
) -> list[RegionPlan]:
    return [
        plan_designation(r.region, spec.admin_account_id, live[r.region], spec.allow_replace)
        for r in results
        if r.region in live
    ]


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
