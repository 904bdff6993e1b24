"""The declaration of the organization configuration and the finding aggregator, in the administrator account: its spec, and both directions of its properties."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ...engine.declaration import (
    PropertyReader,
    Scope,
    finish,
    parse_scope,
    region_problem,
)


class ConfigurationType(StrEnum):
    LOCAL = "LOCAL"
    CENTRAL = "CENTRAL"


class AutoEnableStandards(StrEnum):
    DEFAULT = "DEFAULT"
    NONE = "NONE"


class RegionLinkingMode(StrEnum):
    ALL_REGIONS = "ALL_REGIONS"
    ALL_REGIONS_EXCEPT_SPECIFIED = "ALL_REGIONS_EXCEPT_SPECIFIED"
    SPECIFIED_REGIONS = "SPECIFIED_REGIONS"
    NO_REGIONS = "NO_REGIONS"


@dataclass(frozen=True)
class OrganizationConfigurationSpec:
    scope: Scope
    auto_enable: bool = True
    auto_enable_standards: AutoEnableStandards = AutoEnableStandards.DEFAULT
    configuration_type: ConfigurationType = ConfigurationType.LOCAL
    home_region: str | None = None
    region_linking_mode: RegionLinkingMode | None = None
    linked_regions: tuple[str, ...] = ()

    def to_properties(self) -> dict[str, Any]:
        properties: dict[str, Any] = {
            **self.scope.to_properties(),
            "AutoEnable": self.auto_enable,
            "AutoEnableStandards": self.auto_enable_standards.value,
            "ConfigurationType": self.configuration_type.value,
        }
        if self.home_region:
            properties["HomeRegion"] = self.home_region
        if self.region_linking_mode:
            properties["RegionLinkingMode"] = self.region_linking_mode.value
        if self.linked_regions:
            properties["LinkedRegions"] = list(self.linked_regions)
        return properties

    @property
    def settings_regions(self) -> tuple[str, ...]:
        """The Regions whose organization configuration this spec writes: the home Region only under CENTRAL."""
        if self.configuration_type is ConfigurationType.CENTRAL and self.home_region:
            return (self.home_region,)
        return self.scope.regions


def parse_organization_configuration(properties: Mapping[str, Any]) -> OrganizationConfigurationSpec:
    reader = PropertyReader(properties)
    scope = parse_scope(reader)
    home_region = reader.text("HomeRegion", required=False, check=region_problem) or None
    mode_value = properties.get("RegionLinkingMode")
    linking_mode = reader.choice("RegionLinkingMode", RegionLinkingMode, None) if mode_value is not None else None
    spec = OrganizationConfigurationSpec(
        scope=scope,
        auto_enable=reader.flag("AutoEnable", True),
        auto_enable_standards=reader.choice("AutoEnableStandards", AutoEnableStandards, AutoEnableStandards.DEFAULT),
        configuration_type=reader.choice("ConfigurationType", ConfigurationType, ConfigurationType.LOCAL),
        home_region=home_region,
        region_linking_mode=linking_mode,
        linked_regions=reader.strings("LinkedRegions", region_problem),
    )
    reader.problems.extend(organization_configuration_problems(spec))
    finish(reader, "Custom::SecurityHubOrganizationConfiguration")
    return spec


def organization_configuration_problems(spec: OrganizationConfigurationSpec) -> list[str]:
    """Rules between fields (the facts doc): shared by the synth-time and the deploy-time checks."""
    problems: list[str] = []
    central = spec.configuration_type is ConfigurationType.CENTRAL
    if central and not spec.home_region:
        problems.append("CENTRAL configuration needs a home Region (HomeRegion), where the finding aggregator lives")
    if central and spec.auto_enable:
        problems.append("CENTRAL configuration requires AutoEnable=false; configuration policies enable accounts")
    if central and spec.auto_enable_standards is not AutoEnableStandards.NONE:
        problems.append("CENTRAL configuration requires AutoEnableStandards=NONE")
    if spec.home_region and spec.home_region not in spec.scope.regions:
        problems.append(f"HomeRegion {spec.home_region!r} must also be one of Regions {list(spec.scope.regions)}")
    if spec.home_region and spec.home_region in spec.linked_regions:
        problems.append(
            f"HomeRegion {spec.home_region!r} is also listed in LinkedRegions; remove it from LinkedRegions"
        )
    if spec.linked_regions and not spec.home_region:
        problems.append("LinkedRegions needs a HomeRegion to link them to")
    needs_regions = spec.region_linking_mode in (
        RegionLinkingMode.SPECIFIED_REGIONS,
        RegionLinkingMode.ALL_REGIONS_EXCEPT_SPECIFIED,
    )
    if spec.region_linking_mode is not None and not needs_regions and spec.linked_regions:
        problems.append(f"RegionLinkingMode {spec.region_linking_mode.value} takes no LinkedRegions; remove them")
    if needs_regions and not spec.linked_regions and spec.region_linking_mode is not None:
        problems.append(f"RegionLinkingMode {spec.region_linking_mode.value} needs LinkedRegions")
    if central and spec.home_region and (outside := unreached_regions(spec)):
        # Security Hub user guide, "Central configuration and cross-Region aggregation": policies reach the home
        # Region and the linked Regions only; elsewhere the Region would silently stay as it was.
        problems.append(
            f"Regions {outside} are neither the home Region {spec.home_region!r} nor linked to it, so no"
            " configuration policy reaches them under CENTRAL: link them (LinkedRegions, or a RegionLinkingMode"
            " that covers them) or remove them from Regions"
        )
    return problems


def unreached_regions(spec: OrganizationConfigurationSpec) -> list[str]:
    """The declared Regions that the finding aggregator's linking leaves out (by default every declared Region
    is linked to the home Region)."""
    mode, linked = spec.region_linking_mode, set(spec.linked_regions)

    def reached(region: str) -> bool:
        if region == spec.home_region or mode is RegionLinkingMode.ALL_REGIONS:
            return True
        if mode is RegionLinkingMode.ALL_REGIONS_EXCEPT_SPECIFIED:
            return region not in linked
        if mode is RegionLinkingMode.NO_REGIONS:
            return False
        return region in linked or (mode is None and not linked)

    return [r for r in spec.scope.regions if not reached(r)]
