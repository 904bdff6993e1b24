"""``SecurityHubOrganization``: the management-account and administrator-account stacks from one set of props."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs

from cdk_securityhub_org._provider import DEFAULT_MEMORY_MB, LOG_RETENTION
from cdk_securityhub_org._validation import SecurityHubConfigurationError, region_value_problem
from cdk_securityhub_org.configuration_policies import ConfigurationPolicies, ConfigurationPolicy
from cdk_securityhub_org.dashboard import SecurityHubDashboard
from cdk_securityhub_org.delegated_admin import DelegatedAdmin
from cdk_securityhub_org.drift_repair import ORGANIZATIONS_EVENTS_REGION, OrganizationEventForwarding
from cdk_securityhub_org.handler.engine.declaration import OnRegionUnavailable
from cdk_securityhub_org.handler.kinds.delegated_admin.central import CENTRAL_REPLACEMENT_PROCEDURE
from cdk_securityhub_org.handler.kinds.members.spec import PrunePolicy
from cdk_securityhub_org.handler.kinds.organization_configuration.spec import (
    AutoEnableStandards,
    ConfigurationType,
    RegionLinkingMode,
)
from cdk_securityhub_org.member_list import MemberList
from cdk_securityhub_org.members import Members
from cdk_securityhub_org.organization_configuration import OrganizationConfiguration
from cdk_securityhub_org.organizations_policy import OrganizationsPolicyProps, OrganizationsSecurityHubPolicy
from constructs import Construct

T = TypeVar("T")


class SecurityHubOrganization(cdk.Stage):
    """Security Hub across an organization, as a ``cdk.Stage`` for CDK Pipelines and landing zones.

    Stacks (ids are stable; stack names are ``<stage>-Management`` and ``<stage>-Administrator``):

    - ``Management`` (management account): ``DelegatedAdmin``, and ``OrganizationsPolicy`` (an
      ``OrganizationsSecurityHubPolicy``) when ``organizations_policy`` is given;
    - ``Administrator`` (administrator account): ``OrganizationConfiguration``, then ``Members`` when a
      ``member_list`` is given. It depends on ``Management``: the account must be administrator first.

    Props are those of the constructs (see each for defaults), plus ``deployment_region``: the Region the two
    stacks are deployed in. Default: ``home_region``, else the first of ``regions``. The custom resources act in
    every declared Region from there. ``members_reconciler_memory_size`` is ``Members``' ``reconciler_memory_size``.

    Between deploys (see ``DriftRepair``): ``drift_repair`` (a schedule) and ``failure_alarm`` apply to every
    resource; ``enroll_new_accounts`` to ``Members``. Organizations emits its new-account events only in us-east-1,
    in the management account: unless both stacks are there already, the stage forwards the events to the
    administrator's bus with ``OrganizationEventForwarding``, from the ``Management`` stack when it is in us-east-1,
    else from a third stack ``OrganizationEvents`` (management account, us-east-1), deployed last.
    ``configuration_policies`` and ``policy_associations`` (CENTRAL only) are ``ConfigurationPolicies``'
    ``policies`` and ``associations``, in the ``Administrator`` stack after ``OrganizationConfiguration``, in the
    home Region. Under CENTRAL, ``Members`` comes after them and ``self_manage_to_release`` is its prop of that
    name (needed with ``prune`` or ``DESTROY``). ``dashboard=True`` adds a ``SecurityHubDashboard`` of the administrator's resources to its stack.

    Logs and keys: ``log_retention`` applies to every stack's log groups; ``log_encryption_key_arns`` maps an
    account ID (management, administrator) to the KMS key ARN that encrypts that account's stack's log groups (a
    key lives in one account, so each stack names its own); ``asset_bucket_key_arn`` is ``Members``'
    ``asset_bucket_key``, the KMS key of the administrator account's CDK asset bucket.

    Problems in any of the constructs are raised together in one ``SecurityHubConfigurationError``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        management_account_id: str,
        administrator_account_id: str,
        regions: Sequence[str],
        home_region: str | None = None,
        linked_regions: Sequence[str] | None = None,
        region_linking_mode: RegionLinkingMode | str | None = None,
        configuration_type: ConfigurationType | str = ConfigurationType.LOCAL,
        auto_enable: bool = True,
        auto_enable_standards: AutoEnableStandards | str = AutoEnableStandards.DEFAULT,
        member_list: MemberList | None = None,
        prune: PrunePolicy | str = PrunePolicy.NONE,
        invite_non_organization_accounts: bool = True,
        restore_disassociated: bool = True,
        max_prune: int | None = None,
        allow_empty_member_list: bool = False,
        members_reconciler_memory_size: int = DEFAULT_MEMORY_MB,
        allow_replace: bool = False,
        removal_policy: cdk.RemovalPolicy = cdk.RemovalPolicy.RETAIN,
        on_region_unavailable: OnRegionUnavailable | str = OnRegionUnavailable.FAIL,
        deployment_region: str | None = None,
        drift_repair: events.Schedule | None = None,
        failure_alarm: bool = False,
        enroll_new_accounts: bool = False,
        dashboard: bool = False,
        configuration_policies: Sequence[ConfigurationPolicy] | None = None,
        policy_associations: Mapping[str, str] | None = None,
        self_manage_to_release: bool = False,
        log_encryption_key_arns: Mapping[str, str] | None = None,
        log_retention: logs.RetentionDays = LOG_RETENTION,
        asset_bucket_key_arn: str | None = None,
        organizations_policy: OrganizationsPolicyProps | None = None,
    ) -> None:
        super().__init__(scope, id)
        errors: list[SecurityHubConfigurationError] = []
        if deployment_region is not None and (problem := region_value_problem(deployment_region)):
            errors.append(SecurityHubConfigurationError({self.node.path: [f"deployment_region: {problem}"]}))
        if allow_replace is True and str(configuration_type) == ConfigurationType.CENTRAL:
            errors.append(
                SecurityHubConfigurationError(
                    {self.node.path: [f"allow_replace=True: {CENTRAL_REPLACEMENT_PROCEDURE}"]}
                )
            )
        if deployment_region is None:
            declared = regions if isinstance(regions, Sequence) and not isinstance(regions, str) else ()
            deployment_region = home_region or next(iter(declared), None)

        def environment(account: object) -> cdk.Environment:
            # A malformed account ID is reported by the constructs below; the stack is left account-agnostic.
            return cdk.Environment(account=account if isinstance(account, str) else None, region=deployment_region)

        self.management_stack = cdk.Stack(
            self,
            "Management",
            env=environment(management_account_id),
            description="Security Hub delegated administrator (management account)",
        )
        self.administrator_stack = cdk.Stack(
            self,
            "Administrator",
            env=environment(administrator_account_id),
            description="Security Hub organization configuration and members (delegated administrator account)",
        )
        self.administrator_stack.add_stack_dependency(
            self.management_stack, "the account must be the delegated administrator before it acts as one"
        )

        # With enrollment only, only Members has a repair function to watch; otherwise each construct reports a
        # failure_alarm without drift_repair itself.
        alarm_without_members = failure_alarm if drift_repair is not None or not enroll_new_accounts else False

        def log_options(stack: cdk.Stack, account: object) -> dict[str, Any]:
            arn = (log_encryption_key_arns or {}).get(account) if isinstance(account, str) else None
            key = kms.Key.from_key_arn(stack, "LogEncryptionKey", arn) if arn else None
            return {"log_encryption_key": key, "log_retention": log_retention}

        management_logs = log_options(self.management_stack, management_account_id)
        administrator_logs = log_options(self.administrator_stack, administrator_account_id)

        def build(factory: Callable[[], T]) -> T | None:
            try:
                return factory()
            except SecurityHubConfigurationError as error:
                errors.append(error)
                return None

        self.delegated_admin = build(
            lambda: DelegatedAdmin(
                self.management_stack,
                "DelegatedAdmin",
                admin_account_id=administrator_account_id,
                regions=regions,
                allow_replace=allow_replace,
                removal_policy=removal_policy,
                on_region_unavailable=on_region_unavailable,
                management_account_id=management_account_id,
                drift_repair=drift_repair,
                failure_alarm=alarm_without_members,
                **management_logs,
            )
        )
        self.organization_configuration = build(
            lambda: OrganizationConfiguration(
                self.administrator_stack,
                "OrganizationConfiguration",
                regions=regions,
                auto_enable=auto_enable,
                auto_enable_standards=auto_enable_standards,
                configuration_type=configuration_type,
                home_region=home_region,
                linked_regions=linked_regions,
                region_linking_mode=region_linking_mode,
                management_account_id=management_account_id,
                removal_policy=removal_policy,
                on_region_unavailable=on_region_unavailable,
                drift_repair=drift_repair,
                failure_alarm=alarm_without_members,
                **administrator_logs,
            )
        )
        self.configuration_policies = None
        if configuration_policies is not None or policy_associations is not None:
            self.configuration_policies = build(
                lambda: ConfigurationPolicies(
                    self.administrator_stack,
                    "ConfigurationPolicies",
                    home_region=home_region,
                    policies=configuration_policies or (),
                    associations=policy_associations,
                    configuration_type=str(configuration_type),
                    removal_policy=removal_policy,
                    on_region_unavailable=on_region_unavailable,
                    drift_repair=drift_repair,
                    failure_alarm=alarm_without_members,
                    **administrator_logs,
                )
            )
        self.organizations_policy = None
        if organizations_policy is not None:
            self.organizations_policy = build(
                lambda: OrganizationsSecurityHubPolicy(
                    self.management_stack,
                    "OrganizationsPolicy",
                    **vars(organizations_policy),
                    management_account_id=management_account_id,
                    removal_policy=removal_policy,
                )
            )
        self.members = None
        if member_list is not None:
            self.members = build(
                lambda: Members(
                    self.administrator_stack,
                    "Members",
                    member_list=member_list,
                    regions=regions,
                    prune=prune,
                    invite_non_organization_accounts=invite_non_organization_accounts,
                    restore_disassociated=restore_disassociated,
                    max_prune=max_prune,
                    allow_empty_member_list=allow_empty_member_list,
                    removal_policy=removal_policy,
                    on_region_unavailable=on_region_unavailable,
                    drift_repair=drift_repair,
                    failure_alarm=failure_alarm,
                    enroll_new_accounts=enroll_new_accounts,
                    management_account_id=management_account_id,
                    reconciler_memory_size=members_reconciler_memory_size,
                    configuration_type=configuration_type,
                    home_region=home_region if str(configuration_type) == ConfigurationType.CENTRAL else None,
                    self_manage_to_release=self_manage_to_release,
                    asset_bucket_key=(
                        kms.Key.from_key_arn(self.administrator_stack, "AssetBucketKey", asset_bucket_key_arn)
                        if asset_bucket_key_arn
                        else None
                    ),
                    **administrator_logs,
                )
            )
        if errors:
            raise SecurityHubConfigurationError.combine(errors)
        if self.configuration_policies and self.organization_configuration:
            # Policies exist only under CENTRAL, and CENTRAL can go back to LOCAL only once they are gone: created
            # after the organization configuration, they are deleted before it.
            self.configuration_policies.resource.node.add_dependency(self.organization_configuration.resource)
        if self.members and self.organization_configuration:
            # Auto-enable and the configuration type decide how members are enrolled: settle them first.
            self.members.resource.node.add_dependency(self.organization_configuration.resource)
        if self.members and self.configuration_policies:
            # Under CENTRAL the associations decide which accounts are members through a policy: Members reads
            # them after they are made, and releases its accounts before they go (a delete runs in reverse).
            self.members.resource.node.add_dependency(self.configuration_policies.resource)
        self.organization_events_stack: cdk.Stack | None = None
        if self.members and enroll_new_accounts:
            self._forward_organization_events(management_account_id, administrator_account_id, deployment_region)
        self.dashboard = None
        if dashboard:
            candidates = (self.organization_configuration, self.configuration_policies, self.members)
            shown = [r for r in candidates if r is not None]
            self.dashboard = SecurityHubDashboard(self.administrator_stack, "Dashboard", resources=shown)

    def _forward_organization_events(self, management: str, administrator: str, region: str | None) -> None:
        if management == administrator and region == ORGANIZATIONS_EVENTS_REGION:
            return  # the enrollment rule is on the bus where the events arrive
        source = self.management_stack
        if region != ORGANIZATIONS_EVENTS_REGION:
            source = self.organization_events_stack = cdk.Stack(
                self,
                "OrganizationEvents",
                env=cdk.Environment(account=management, region=ORGANIZATIONS_EVENTS_REGION),
                description="Forwards Organizations new-account events to the Security Hub administrator",
            )
            # After the administrator's bus allows the management account to put events on it.
            source.add_stack_dependency(self.administrator_stack, "the target bus must allow the forwarding")
        OrganizationEventForwarding(
            source, "OrganizationEventForwarding", target_account=administrator, target_region=str(region)
        )
