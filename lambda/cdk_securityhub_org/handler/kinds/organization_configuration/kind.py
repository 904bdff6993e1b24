"""Custom::SecurityHubOrganizationConfiguration, in the administrator account.

Order matters: the finding aggregator makes its Region the home Region, and CENTRAL configuration can only be
requested there once it exists. So: aggregator, then the home Region's settings, then every other Region's.
"""

from __future__ import annotations

from typing import Any

import botocore.exceptions

from ...engine import observe
from ...engine.apply import Execute, apply_in_regions, applying
from ...engine.aws import Budget, Clients
from ...engine.custom_resource import Kind
from ...engine.plan import RegionPlan
from ...engine.regions import run_in_regions
from ...engine.result import Outcome, RegionResult
from ...registry import ORGANIZATION_CONFIGURATION
from ..configuration_policies.plan import plan_central_teardown
from .plan import RELEASED_SETTINGS, desired_settings, plan_aggregator, plan_removal_of_aggregator, plan_settings
from .spec import ConfigurationType, OrganizationConfigurationSpec, parse_organization_configuration


def converge(
    spec: OrganizationConfigurationSpec, regions: tuple[str, ...], clients: Clients, execute: Execute
) -> Outcome:
    results = {r: RegionResult(r) for r in regions}
    home = spec.home_region
    if home:
        _step(spec, [results[home]], clients, execute, lambda r: plan_aggregator(spec, _aggregator(clients, r)))
    if home and spec.configuration_type is ConfigurationType.LOCAL:
        _step(spec, [results[home]], clients, execute, lambda r: _central_teardown_plan(clients, r))
        if results[home].pending or results[home].failed:
            return Outcome(list(results.values()))  # LOCAL only once the associations are gone
    settings = desired_settings(spec)
    home_first = [results[r] for r in spec.settings_regions if r == home]
    others = [results[r] for r in spec.settings_regions if r != home]
    for group in (home_first, others):
        _step(spec, group, clients, execute, lambda r: _settings_plan(clients, r, settings))
    return Outcome(list(results.values()))


def release(spec: OrganizationConfigurationSpec, regions: tuple[str, ...], clients: Clients, budget: Budget) -> Outcome:
    """Leave the Regions as a fresh administrator finds them: LOCAL, nothing automatic; delete the aggregator
    when its home Region is released. Only the given Regions are touched."""
    results = {r: RegionResult(r) for r in regions}
    execute = applying(budget)
    home = spec.home_region if spec.home_region in results else None
    first = [results[home]] if home else []
    _step(spec, first, clients, execute, lambda r: _central_teardown_plan(clients, r))
    if home and (results[home].pending or results[home].failed):
        return Outcome(list(results.values()))
    _step(spec, first, clients, execute, lambda r: _released_settings_plan(clients, r))
    if home:
        _step(spec, first, clients, execute, lambda r: plan_removal_of_aggregator(r, _aggregator(clients, r)))
    rest = [results[r] for r in regions if r != home]
    _step(spec, rest, clients, execute, lambda r: _released_settings_plan(clients, r))
    return Outcome(list(results.values()))


def _aggregator(clients: Clients, region: str) -> Any:
    return observe.finding_aggregator(clients.securityhub(region))


def _settings_plan(clients: Clients, region: str, settings: tuple[bool, str, str]) -> RegionPlan:
    live = observe.organization_configuration(clients.securityhub(region))
    return plan_settings(region, *settings, live=live)


def _central_teardown_plan(clients: Clients, region: str) -> RegionPlan:
    """In the home Region, while CENTRAL is in effect: remove the associations, then the owned policies."""
    securityhub = clients.securityhub(region)
    try:
        live = observe.organization_configuration(securityhub)
    except botocore.exceptions.ClientError as error:
        if not _no_longer_administrator(error):
            raise
        return RegionPlan(region)
    if live.configuration_type != ConfigurationType.CENTRAL.value or live.status != "ENABLED":
        return RegionPlan(region)
    applied = observe.applied_policy_associations(securityhub)
    return plan_central_teardown(region, observe.configuration_policies(securityhub), applied)


def _no_longer_administrator(error: botocore.exceptions.ClientError) -> bool:
    detail = error.response.get("Error", {})
    return detail.get("Code") == "InvalidAccessException" and "not an administrator" in detail.get("Message", "")


def _released_settings_plan(clients: Clients, region: str) -> RegionPlan:
    """Where this account is no longer the delegated administrator there is nothing left to release: the
    organization configuration went with the designation. That is the usual case for a Region dropped under
    DESTROY, since the management account's stack (deployed first) has already removed the designation there."""
    try:
        return _settings_plan(clients, region, RELEASED_SETTINGS)
    except botocore.exceptions.ClientError as error:
        if not _no_longer_administrator(error):
            raise
        return RegionPlan(region, in_sync=1)


def _step(
    spec: OrganizationConfigurationSpec,
    results: list[RegionResult],
    clients: Clients,
    execute: Execute,
    make_plan: Any,
) -> None:
    """Observe and plan in each Region (concurrently), then execute."""
    plans: dict[str, RegionPlan] = {}

    def read(result: RegionResult) -> None:
        plans[result.region] = make_plan(result.region)

    run_in_regions(results, read, spec.scope.on_region_unavailable)
    apply_in_regions(results, plans.values(), clients, execute, spec.scope.on_region_unavailable)


KIND: Kind[OrganizationConfigurationSpec] = Kind(
    resource_type=ORGANIZATION_CONFIGURATION.resource_type,
    parse=parse_organization_configuration,
    converge=converge,
    release=release,
)


# The Lambda handler strings name these (registry.KindEntry.handler).
on_event = KIND.on_event
is_complete = KIND.is_complete
