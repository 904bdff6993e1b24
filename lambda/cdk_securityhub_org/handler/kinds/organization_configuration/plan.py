"""Planners of the organization configuration and the finding aggregator, in the administrator account: pure functions from desired and live state to actions."""

from __future__ import annotations

from typing import Any

from ...engine.live import (
    LiveAggregator,
    LiveOrganizationConfiguration,
)
from ...engine.plan import Action, RegionPlan
from ...engine.result import Issue
from .spec import ConfigurationType, OrganizationConfigurationSpec, RegionLinkingMode


def effective_linking(spec: OrganizationConfigurationSpec) -> tuple[str, tuple[str, ...]]:
    """The aggregator's linking mode and Regions. By default the other declared Regions are linked."""
    if spec.region_linking_mode is not None:
        return spec.region_linking_mode.value, tuple(sorted(spec.linked_regions))
    linked = spec.linked_regions or tuple(r for r in spec.scope.regions if r != spec.home_region)
    if not linked:
        return RegionLinkingMode.NO_REGIONS.value, ()
    return RegionLinkingMode.SPECIFIED_REGIONS.value, tuple(sorted(linked))


def plan_aggregator(spec: OrganizationConfigurationSpec, live: LiveAggregator | None) -> RegionPlan:
    home = spec.home_region
    assert home, "plan_aggregator needs a home Region"
    mode, regions = effective_linking(spec)
    linking: dict[str, Any] = {"RegionLinkingMode": mode, **({"Regions": list(regions)} if regions else {})}
    if live is None:
        return RegionPlan(home, (Action("CreateFindingAggregator", linking),))
    if live.home_region != home:
        reason = (
            f"the finding aggregator lives in {live.home_region}, not the declared home Region {home}; declare"
            f" home_region={live.home_region!r}, or delete that aggregator first (one per account)"
        )
        return RegionPlan(home, blocked=(Issue(live.arn, reason),))
    if live.linking_mode == mode and tuple(sorted(live.regions)) == regions:
        return RegionPlan(home, in_sync=1)
    return RegionPlan(home, (Action("UpdateFindingAggregator", {"FindingAggregatorArn": live.arn, **linking}),))


def plan_removal_of_aggregator(home: str, live: LiveAggregator | None) -> RegionPlan:
    if live is None or live.home_region != home:
        return RegionPlan(home, in_sync=1)
    return RegionPlan(home, (Action("DeleteFindingAggregator", {"FindingAggregatorArn": live.arn}),))


def plan_settings(
    region: str,
    auto_enable: bool,
    auto_enable_standards: str,
    configuration_type: str,
    live: LiveOrganizationConfiguration,
) -> RegionPlan:
    """One Region's organization configuration. CENTRAL is asynchronous: PENDING is waited for, FAILED reported."""
    if live.status == "PENDING":
        return RegionPlan(region, pending=(Issue("configuration", "status PENDING", retryable=True),))
    wanted = (auto_enable, auto_enable_standards, configuration_type)
    current = (live.auto_enable, live.auto_enable_standards, live.configuration_type)
    if live.status == "FAILED" and current == wanted:
        reason = f"{configuration_type} configuration FAILED: {live.status_message or 'no message'}"
        return RegionPlan(region, blocked=(Issue("configuration", reason),))
    if current == wanted:
        return RegionPlan(region, in_sync=1)
    parameters = {
        "AutoEnable": auto_enable,
        "AutoEnableStandards": auto_enable_standards,
        "OrganizationConfiguration": {"ConfigurationType": configuration_type},
    }
    update = (Action("UpdateOrganizationConfiguration", parameters),)
    if configuration_type == ConfigurationType.CENTRAL.value:
        # CENTRAL goes PENDING, then ENABLED or FAILED: a later pass observes which.
        return RegionPlan(region, update, pending=(Issue("configuration", "CENTRAL requested", retryable=True),))
    return RegionPlan(region, update)


def desired_settings(spec: OrganizationConfigurationSpec) -> tuple[bool, str, str]:
    if spec.configuration_type is ConfigurationType.CENTRAL:
        return False, "NONE", ConfigurationType.CENTRAL.value
    return spec.auto_enable, spec.auto_enable_standards.value, ConfigurationType.LOCAL.value


# Removing the declaration leaves the Region as a fresh administrator finds it: LOCAL, nothing automatic.
RELEASED_SETTINGS = (False, "NONE", ConfigurationType.LOCAL.value)
