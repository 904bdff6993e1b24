"""``SecurityHubOrganization``: the management-account and administrator-account stacks from one set of props."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import aws_cdk as cdk
from constructs import Construct
from securityhub_reconciler.desired import (
    AutoEnableStandards,
    ConfigurationType,
    OnRegionUnavailable,
    PrunePolicy,
    RegionLinkingMode,
)

from ._validation import SecurityHubConfigurationError
from .delegated_admin import DelegatedAdmin
from .member_list import MemberList
from .members import Members
from .organization_configuration import OrganizationConfiguration

T = TypeVar("T")


class SecurityHubOrganization(cdk.Stage):
    """Security Hub across an organization, as a ``cdk.Stage`` for CDK Pipelines and landing zones.

    Stacks (ids are stable; stack names are ``<stage>-Management`` and ``<stage>-Administrator``):

    - ``Management`` (management account): ``DelegatedAdmin``;
    - ``Administrator`` (administrator account): ``OrganizationConfiguration``, then ``Members`` when a
      ``member_list`` is given. It depends on ``Management``: the account must be administrator first.

    Props are those of the constructs (see each for defaults), plus ``deployment_region``: the Region the two
    stacks are deployed in. Default: ``home_region``, else the first of ``regions``. The custom resources act in
    every declared Region from there.

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
        allow_replace: bool = False,
        removal_policy: cdk.RemovalPolicy = cdk.RemovalPolicy.RETAIN,
        on_region_unavailable: OnRegionUnavailable | str = OnRegionUnavailable.FAIL,
        deployment_region: str | None = None,
    ) -> None:
        super().__init__(scope, id)
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

        errors: list[SecurityHubConfigurationError] = []

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
                    removal_policy=removal_policy,
                    on_region_unavailable=on_region_unavailable,
                )
            )
        if errors:
            raise SecurityHubConfigurationError.combine(errors)
        if self.members and self.organization_configuration:
            # Auto-enable and the configuration type decide how members are enrolled: settle them first.
            self.members.resource.node.add_dependency(self.organization_configuration.resource)
