"""``OrganizationConfiguration``: the organization's Security Hub settings, from the administrator account."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs

from cdk_securityhub_org._app_guards import AppDeclarations
from cdk_securityhub_org._provider import LOG_RETENTION, LogSettings, custom_resource, grants_for, policy_regions
from cdk_securityhub_org._validation import Problems, declared_account, partition_of, scope_spec
from cdk_securityhub_org.drift_repair import BetweenDeploys
from cdk_securityhub_org.handler.engine.declaration import OnRegionUnavailable
from cdk_securityhub_org.handler.kinds.organization_configuration import permissions
from cdk_securityhub_org.handler.kinds.organization_configuration.spec import (
    AutoEnableStandards,
    ConfigurationType,
    OrganizationConfigurationSpec,
    RegionLinkingMode,
    organization_configuration_problems,
    parse_organization_configuration,
)
from cdk_securityhub_org.handler.registry import ORGANIZATION_CONFIGURATION
from constructs import Construct


class OrganizationConfiguration(Construct):
    """Sets auto-enable, the configuration type and the finding aggregator (home and linked Regions).

    Deploy it in a stack of the delegated administrator account, after ``DelegatedAdmin``.

    :param regions: the Regions whose organization configuration is managed (under CENTRAL only the home Region's
        is written, since central configuration acts from there).
    :param auto_enable: add new organization accounts as members automatically. Default: ``True``. Must be
        ``False`` under CENTRAL.
    :param auto_enable_standards: ``"DEFAULT"`` (default) or ``"NONE"``. Must be ``"NONE"`` under CENTRAL.
    :param configuration_type: ``"LOCAL"`` (default) or ``"CENTRAL"``.
    :param home_region: the aggregation Region, where the finding aggregator lives; one of ``regions``.
        Default: no aggregator.
    :param linked_regions: the Regions linked to the home Region (not the home Region itself).
    :param region_linking_mode: ``ALL_REGIONS``, ``ALL_REGIONS_EXCEPT_SPECIFIED``, ``SPECIFIED_REGIONS`` or
        ``NO_REGIONS``. Default: none, which leaves the mode to the handler's default for ``linked_regions``.
    :param management_account_id: the organization's management account; CENTRAL refuses it as administrator.
        Default: unknown, and that check is skipped.
    :param log_encryption_key: the KMS key of the handlers' log groups (default: CloudWatch Logs' own encryption);
        its key policy must allow the CloudWatch Logs service principal. The stack's constructs share one
        Provider framework and its log groups, so they must give the same key and retention.
    :param log_retention: how long those log groups keep events (default ``RetentionDays.ONE_YEAR``).
    :param removal_policy: ``RETAIN`` (default) leaves the settings and the aggregator on delete; ``DESTROY``
        deletes the aggregator.
    :param on_region_unavailable: ``"FAIL"`` (default) or ``"SKIP"``.
    :param administrator_account_id: the account the handler must run in. Default: the stack's account, when it
        is concrete.
    :param drift_repair: repair drift between deploys on this schedule (``events.Schedule``), with the last
        deployed declaration: see ``DriftRepair``. Default: no repair between deploys.
    :param failure_alarm: an alarm when a drift repair fails (something cannot be changed as declared); needs
        ``drift_repair``. Default: ``False``.

    Attributes: ``spec`` (the ``OrganizationConfigurationSpec`` behind the properties), ``resource``
    (the ``cdk.CustomResource``) and ``drift_repair`` (the ``DriftRepair``, or ``None``).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        regions: Sequence[str],
        auto_enable: bool = True,
        auto_enable_standards: AutoEnableStandards | str = AutoEnableStandards.DEFAULT,
        configuration_type: ConfigurationType | str = ConfigurationType.LOCAL,
        home_region: str | None = None,
        linked_regions: Sequence[str] | None = None,
        region_linking_mode: RegionLinkingMode | str | None = None,
        management_account_id: str | None = None,
        removal_policy: cdk.RemovalPolicy = cdk.RemovalPolicy.RETAIN,
        on_region_unavailable: OnRegionUnavailable | str = OnRegionUnavailable.FAIL,
        administrator_account_id: str | None = None,
        drift_repair: events.Schedule | None = None,
        failure_alarm: bool = False,
        log_encryption_key: kms.IKey | None = None,
        log_retention: logs.RetentionDays = LOG_RETENTION,
    ) -> None:
        super().__init__(scope, id)
        problems = Problems(self.node.path)
        administrator = declared_account(problems, self, "administrator_account_id", administrator_account_id)
        self.spec = OrganizationConfigurationSpec(
            scope=scope_spec(
                problems,
                regions=regions,
                expected_account=administrator,
                on_region_unavailable=on_region_unavailable,
                removal_policy=removal_policy,
            ),
            auto_enable=problems.flag("auto_enable", auto_enable),
            auto_enable_standards=problems.choice("auto_enable_standards", auto_enable_standards, AutoEnableStandards),
            configuration_type=problems.choice("configuration_type", configuration_type, ConfigurationType),
            home_region=problems.region("home_region", home_region) if home_region is not None else None,
            region_linking_mode=(
                problems.choice("region_linking_mode", region_linking_mode, RegionLinkingMode)
                if region_linking_mode is not None
                else None
            ),
            linked_regions=(
                problems.regions("linked_regions", linked_regions, required=False) if linked_regions else ()
            ),
        )
        for problem in organization_configuration_problems(self.spec):
            problems.add("configuration", problem)
        home_partitions = {partition_of(r) for r in self.spec.scope.regions} - {None}
        elsewhere = [r for r in self.spec.linked_regions if partition_of(r) not in home_partitions]
        if len(home_partitions) == 1 and elsewhere:
            problems.add(
                "linked_regions",
                f"{elsewhere} are not in the partition of the declared Regions ({home_partitions.pop()}); declare"
                " the Regions of one partition, since a finding aggregator links Regions of its own partition only",
            )
        if management_account_id is not None:
            management = problems.account_id("management_account_id", management_account_id)
            if self.spec.configuration_type is ConfigurationType.CENTRAL and management == administrator:
                problems.add(
                    "configuration_type",
                    f"CENTRAL configuration cannot be run by the management account {management}; designate another"
                    " account as delegated administrator, or use LOCAL",
                )
        problems.round_trip(self.spec.to_properties(), parse_organization_configuration)
        between_deploys = BetweenDeploys(problems, drift_repair=drift_repair, failure_alarm=failure_alarm)
        problems.raise_if_any()
        AppDeclarations.of(self).configurations.append(self)

        self.resource = custom_resource(
            self,
            kind=ORGANIZATION_CONFIGURATION,
            properties=self.spec.to_properties(),
            grants=grants_for(self, permissions.actions(self.spec), regions=policy_regions(self.spec.scope)),
            removal_policy=self.spec.scope.removal_policy,
            log_settings=LogSettings(log_encryption_key, log_retention),
        )
        self.drift_repair = between_deploys.build(self, ORGANIZATION_CONFIGURATION, self.spec.to_properties())
