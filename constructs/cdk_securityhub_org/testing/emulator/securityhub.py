"""Security Hub (CSPM) operations: administrators, organization configuration, finding aggregator, members
and invitations, per account and Region, with the rules documented in ``docs/securityhub-facts.md``.
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from cdk_securityhub_org.testing.emulator.base import (
    EmulatedService,
    RequestContext,
    ServiceError,
    decode_token,
    encode_token,
    max_results,
    offset_page,
)

from .central_configuration import CentralConfigurationOperations
from .faults import RateQuota
from .orgpolicies import SECURITYHUB_CSPM_POLICY
from .protocol import iso8601
from .standards import StandardsOperations, refuse_if_centrally_managed
from .world import (
    ADMIN_DISABLE_IN_PROGRESS,
    ALL_REGIONS,
    ASSOCIATED_STATUSES,
    INVITED_MEMBER_CAP,
    ORGANIZATION_MEMBER_CAP,
    SECURITYHUB_PRINCIPAL,
    AdministratorLink,
    FindingAggregator,
    Hub,
    Invitation,
    MemberRecord,
    OrganizationConfig,
    World,
)

# Published Security Hub quotas (per account and Region); everything else is 10 rps, burst 30.
_DEFAULT_QUOTA = RateQuota(10, 30)
_QUOTAS = {
    "BatchEnableStandards": RateQuota(1, 1),
    "GetFindings": RateQuota(3, 6),
    "BatchImportFindings": RateQuota(10, 30),
    "BatchUpdateFindings": RateQuota(10, 30),
    "UpdateStandardsControl": RateQuota(1, 5),
}

CREATE_MEMBERS_BATCH = 50
LINKING_MODES = ("ALL_REGIONS", "ALL_REGIONS_EXCEPT_SPECIFIED", "SPECIFIED_REGIONS", "NO_REGIONS")
_MODES_WITH_REGIONS = ("ALL_REGIONS_EXCEPT_SPECIFIED", "SPECIFIED_REGIONS")
_REVIVABLE = ("Removed", "Resigned", "Deleted")
_INVITABLE = ("Created", "Removed", "Resigned", "Invited")

IMPLIED_ACTIONS = {
    "EnableOrganizationAdminAccount": [
        "organizations:EnableAWSServiceAccess",
        "organizations:RegisterDelegatedAdministrator",
    ],
}
"""Actions of other services that a successful call performs with the caller's permissions."""


def _invalid_input(message: str) -> ServiceError:
    return ServiceError("InvalidInputException", message)


def _invalid_access(message: str) -> ServiceError:
    return ServiceError("InvalidAccessException", message)


def _not_subscribed(ctx: RequestContext) -> ServiceError:
    return _invalid_access(f"Account {ctx.account} is not subscribed to AWS Security Hub in {ctx.region}")


def _unprocessed(account_id: str, message: str) -> dict[str, str]:
    return {"AccountId": account_id, "ProcessingResult": message}


class SecurityHub(EmulatedService):
    """The Security Hub operations the reconciler uses (others answer ``InvalidAction``); central configuration
    and standards operations come from ``central_configuration.py`` and ``standards.py``."""

    name = "securityhub"

    def __init__(self, world: World) -> None:
        super().__init__()
        self.world = world
        self.operations = {
            "EnableOrganizationAdminAccount": self.enable_organization_admin_account,
            "DisableOrganizationAdminAccount": self.disable_organization_admin_account,
            "ListOrganizationAdminAccounts": self.list_organization_admin_accounts,
            "DescribeOrganizationConfiguration": self.describe_organization_configuration,
            "UpdateOrganizationConfiguration": self.update_organization_configuration,
            "CreateFindingAggregator": self.create_finding_aggregator,
            "ListFindingAggregators": self.list_finding_aggregators,
            "GetFindingAggregator": self.get_finding_aggregator,
            "UpdateFindingAggregator": self.update_finding_aggregator,
            "DeleteFindingAggregator": self.delete_finding_aggregator,
            "CreateMembers": self.create_members,
            "InviteMembers": self.invite_members,
            "ListMembers": self.list_members,
            "GetMembers": self.get_members,
            "DisassociateMembers": self.disassociate_members,
            "DeleteMembers": self.delete_members,
            "ListInvitations": self.list_invitations,
            "GetAdministratorAccount": self.get_administrator_account,
            "AcceptAdministratorInvitation": self.accept_administrator_invitation,
            "DeclineInvitations": self.decline_invitations,
            "DeleteInvitations": self.delete_invitations,
            "DisassociateFromAdministratorAccount": self.disassociate_from_administrator_account,
            "EnableSecurityHub": self.enable_security_hub,
            "DescribeHub": self.describe_hub,
            "DisableSecurityHub": self.disable_security_hub,
        }
        self.operations.update(CentralConfigurationOperations(world).operations)
        self.operations.update(StandardsOperations(world).operations)

    # ------------------------------------------------------------------ service hooks

    def throttle_error(self) -> ServiceError:
        return ServiceError("LimitExceededException", "Rate exceeded", 429)

    def internal_error(self) -> ServiceError:
        return ServiceError("InternalException", "Internal service error (injected by the emulator)", 500)

    def check_region(self, account: str, region: str) -> None:
        # An opt-in Region the account has not enabled rejects the credentials, like AWS does.
        if not self.world.region_enabled(account, region):
            raise self.invalid_identity_error()

    def quota(self, operation: str, region: str) -> tuple[tuple[str, ...], RateQuota]:
        return (region, operation), _QUOTAS.get(operation, _DEFAULT_QUOTA)

    # ------------------------------------------------------------------ helpers

    def _hub(self, ctx: RequestContext) -> Hub:
        return self.world.hub(ctx.account, ctx.region)

    def _subscribed_hub(self, ctx: RequestContext) -> Hub:
        hub = self._hub(ctx)
        if not hub.enabled:
            raise _not_subscribed(ctx)
        return hub

    def _require_management(self, ctx: RequestContext) -> None:
        if ctx.account != self.world.management_account:
            raise ServiceError(
                "AccessDeniedException",
                f"Account {ctx.account} is not the management account of the organization; only the management "
                "account can manage the Security Hub administrator account",
            )

    def _require_admin(self, ctx: RequestContext) -> None:
        designation = self.world.current_admin(ctx.region)
        if designation is None or designation.account_id != ctx.account:
            raise _invalid_access(f"Account {ctx.account} is not an administrator for this organization")
        if ctx.now < designation.designated_at + self.world.settings.admin_sync_seconds:
            raise ServiceError(
                "DataUnavailableException",
                "Security Hub is still syncing the organization's accounts for the new administrator. Retry later.",
                400,
            )

    def _forced(self, ctx: RequestContext, account_id: str) -> str | None:
        return ctx.faults.unprocessed.get(account_id)

    def _member_dict(self, admin: str, record: MemberRecord) -> dict[str, Any]:
        return {
            "AccountId": record.account_id,
            "Email": record.email,
            "MasterId": admin,
            "AdministratorId": admin,
            "MemberStatus": record.status,
            "InvitedAt": record.invited_at,
            "UpdatedAt": record.updated_at,
        }

    def _visible(self, ctx: RequestContext, record: MemberRecord) -> bool:
        return record.created_at + ctx.faults.consistency_delay_seconds <= ctx.now

    # ------------------------------------------------------------------ delegated administrator

    def enable_organization_admin_account(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._require_management(ctx)
        admin = params["AdminAccountId"]
        feature = params.get("Feature") or "SecurityHub"
        if feature != "SecurityHub":
            raise _invalid_input(f"The emulator models only the SecurityHub feature, not {feature}")
        account = self.world.accounts.get(admin)
        if account is None or not account.in_organization:
            raise _invalid_input(f"Account {admin} is not a member of the organization")
        if account.status != "ACTIVE":
            raise _invalid_input(f"Account {admin} is {account.status} and cannot be the administrator")
        owner = self.world.central_owner()
        if owner is not None and owner.account_id != admin:
            # Security Hub user guide, "Understanding central configuration": under central configuration the
            # delegated administrator cannot be changed through the Security Hub console or API.
            raise _invalid_input(
                f"Account {owner.account_id} is the delegated administrator and central configuration is in "
                f"effect; it cannot be changed through Security Hub. Stop central configuration first."
            )
        current = self.world.current_admin(ctx.region)
        if current is not None and current.account_id != admin:
            raise _invalid_input(
                f"Account {current.account_id} is already the Security Hub administrator account in "
                f"{ctx.region}. Remove it before you designate another account."
            )
        if current is None:
            if any(d.account_id == admin for d in self.world.designations(ctx.region)):
                raise _invalid_input(f"The removal of administrator {admin} in {ctx.region} is still in progress")
            # Security Hub user guide, "Removing or changing the delegated administrator": the current
            # administrator must be removed before another is designated. The guide is silent on a removal still
            # DISABLE_IN_PROGRESS; the emulator takes the strictest reading: until it ends, that account is still
            # the administrator, in its Region and for every other Region.
            elsewhere = sorted(
                {
                    f"{d.account_id} in {region}"
                    + (" (removal in progress)" if d.status == ADMIN_DISABLE_IN_PROGRESS else "")
                    for region, designations in self.world.admins.items()
                    for d in designations
                    if d.account_id != admin
                }
            )
            if elsewhere:
                raise _invalid_input(
                    "The Security Hub administrator account must be the same in every Region: "
                    f"the administrator is {', '.join(elsewhere)}"
                )
            # Organizations API reference, "RegisterDelegatedAdministrator" (which this call makes for the caller):
            # ConstraintViolationException MAX_DELEGATED_ADMINISTRATORS_FOR_SERVICE_LIMIT_EXCEEDED. Security Hub
            # takes one administrator; the emulator refuses while another account is still registered for it.
            registered = sorted(
                account_id
                for account_id, services in self.world.delegated_admins.items()
                if SECURITYHUB_PRINCIPAL in services and account_id != admin
            )
            if registered:
                raise _invalid_input(
                    f"Account {registered[0]} is registered in Organizations as the delegated administrator for "
                    f"{SECURITYHUB_PRINCIPAL}. Deregister it before you designate another account."
                )
            self.world.designate_admin(ctx.region, admin, ctx.now)
        ctx.implied_actions.extend(IMPLIED_ACTIONS["EnableOrganizationAdminAccount"])
        return {"AdminAccountId": admin, "Feature": feature}

    def disable_organization_admin_account(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._require_management(ctx)
        admin = params["AdminAccountId"]
        designation = next((d for d in self.world.designations(ctx.region) if d.account_id == admin), None)
        if designation is None:
            raise _invalid_input(f"Account {admin} is not the Security Hub administrator account in {ctx.region}")
        if designation.status == ADMIN_DISABLE_IN_PROGRESS:
            return {}
        if self.world.central_applies(admin, ctx.region):
            raise _invalid_input(
                f"The administrator account {admin} cannot be removed while central configuration is in effect. "
                "Stop central configuration first, or use the Organizations API."
            )
        delay = self.world.settings.admin_disable_delay_seconds
        if ctx.faults.admin_disable_pending_reads > 0:
            designation.status = ADMIN_DISABLE_IN_PROGRESS
            designation.reads_left = ctx.faults.admin_disable_pending_reads
        elif delay > 0:
            designation.status = ADMIN_DISABLE_IN_PROGRESS
            designation.removal_at = ctx.now + delay
        else:
            self.world.remove_admin(ctx.region, admin)
        return {}

    def list_organization_admin_accounts(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        for ended in [d for d in self.world.designations(ctx.region) if d.reads_left == 0]:
            self.world.remove_admin(ctx.region, ended.account_id)
        designations = self.world.designations(ctx.region)
        is_admin = any(d.account_id == ctx.account for d in designations)
        if not is_admin:
            self._require_management(ctx)
        limit = max_results(params, 10, 10)
        page, token = offset_page(designations, params, limit)
        for designation in designations:
            if designation.reads_left:
                designation.reads_left -= 1
        return {
            "AdminAccounts": [{"AccountId": d.account_id, "Status": d.status} for d in page],
            "NextToken": token,
            "Feature": params.get("Feature") or "SecurityHub",
        }

    # ------------------------------------------------------------------ organization configuration

    def describe_organization_configuration(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._require_admin(ctx)
        config = self.world.organization_config(ctx.account, ctx.region)
        members = self._hub(ctx).members
        return {
            "AutoEnable": config.auto_enable,
            "MemberAccountLimitReached": members.organization_count >= ORGANIZATION_MEMBER_CAP,
            "AutoEnableStandards": config.auto_enable_standards,
            "OrganizationConfiguration": {
                "ConfigurationType": config.configuration_type,
                "Status": config.status,
                "StatusMessage": config.status_message,
            },
        }

    def update_organization_configuration(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._require_admin(ctx)
        auto_enable = bool(params["AutoEnable"])
        standards = params.get("AutoEnableStandards")
        requested = (params.get("OrganizationConfiguration") or {}).get("ConfigurationType")
        central = self.world.central_config(ctx.account, ctx.region)
        aggregator = self.world.aggregators.get(ctx.account)
        if central is not None and aggregator is not None and ctx.region != aggregator.home_region:
            raise _invalid_input(
                f"Central configuration is managed from the home Region {aggregator.home_region}; "
                f"call UpdateOrganizationConfiguration there"
            )
        wants_central = requested == "CENTRAL" or (requested is None and central is not None)
        if wants_central:
            if aggregator is None or aggregator.home_region != ctx.region:
                home = aggregator.home_region if aggregator else None
                raise _invalid_input(
                    "Central configuration must be requested in the home Region "
                    + (f"({home})" if home else "(create a finding aggregator to designate one)")
                )
            if auto_enable or standards != "NONE":
                raise _invalid_input(
                    "Central configuration requires AutoEnable to be false and AutoEnableStandards to be NONE"
                )
            if ctx.account == self.world.management_account:
                raise _invalid_input(
                    "Central configuration cannot be used while the organization management account is the "
                    "delegated administrator"
                )
            # Security Hub user guide, "How declarative policies work in Security Hub CSPM": declarative policies
            # and central configuration cannot be used at the same time (Organizations refuses the other way in).
            if SECURITYHUB_CSPM_POLICY in self.world.policy_types and (
                central is None or not central.central_in_effect
            ):
                raise _invalid_input(
                    f"Central configuration cannot be used while the organization's root has {SECURITYHUB_CSPM_POLICY} "
                    "enabled; disable that policy type in AWS Organizations first"
                )
            if central is None or not central.central_in_effect:
                self.world.request_central_config(ctx.account, ctx.region, ctx.now)
            return {}
        if central is not None:
            # Security Hub user guide, "Stopping central configuration": every account and OU must first be
            # disassociated from its configuration (policy or self-managed) and every policy deleted.
            applied = sorted(self.world.policy_associations)
            policies = sorted(p.name for p in self.world.configuration_policies.values())
            if applied or policies:
                raise _invalid_input(
                    "Central configuration cannot be stopped while configurations are associated "
                    f"({', '.join(applied) or 'none'}) or policies exist ({', '.join(policies) or 'none'}): "
                    "disassociate every target and delete every policy first"
                )
            self.world.clear_central_configuration()
        hub = self._hub(ctx)
        previous = hub.org_config or OrganizationConfig()
        hub.org_config = OrganizationConfig(
            auto_enable=auto_enable,
            auto_enable_standards=standards or previous.auto_enable_standards,
        )
        return {}

    # ------------------------------------------------------------------ finding aggregator

    def _validate_linking(self, ctx: RequestContext, params: dict[str, Any]) -> tuple[str, list[str]]:
        mode = params.get("RegionLinkingMode")
        regions = list(params.get("Regions") or [])
        if mode not in LINKING_MODES:
            raise _invalid_input(f"RegionLinkingMode must be one of {', '.join(LINKING_MODES)}")
        if mode in _MODES_WITH_REGIONS and not regions:
            raise _invalid_input(f"RegionLinkingMode {mode} requires Regions")
        if mode not in _MODES_WITH_REGIONS and regions:
            raise _invalid_input(f"RegionLinkingMode {mode} does not take Regions")
        unknown = [r for r in regions if r not in ALL_REGIONS]
        if unknown:
            raise _invalid_input(f"Unknown Regions: {', '.join(unknown)}")
        if ctx.region in regions:
            raise _invalid_input(f"Regions must not include the home Region {ctx.region}")
        return mode, regions

    @staticmethod
    def _aggregator_dict(aggregator: FindingAggregator) -> dict[str, Any]:
        return {
            "FindingAggregatorArn": aggregator.arn,
            "FindingAggregationRegion": aggregator.home_region,
            "RegionLinkingMode": aggregator.mode,
            "Regions": aggregator.regions or None,
        }

    def _own_aggregator(self, ctx: RequestContext, arn: str, *, home_only: bool) -> FindingAggregator:
        aggregator = self.world.aggregators.get(ctx.account)
        if aggregator is None or aggregator.arn != arn:
            raise ServiceError("ResourceNotFoundException", f"Finding aggregator {arn} was not found")
        if home_only and ctx.region != aggregator.home_region:
            raise _invalid_input(
                f"The finding aggregator can be changed only from its home Region {aggregator.home_region}"
            )
        return aggregator

    def create_finding_aggregator(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        hub = self._subscribed_hub(ctx)
        if hub.administrator is not None:
            raise _invalid_input(
                f"Account {ctx.account} is a member account of administrator {hub.administrator.account_id} "
                "and cannot create a finding aggregator"
            )
        existing = self.world.aggregators.get(ctx.account)
        if existing is not None:
            raise _invalid_input(
                f"Account {ctx.account} already has a finding aggregator (home Region {existing.home_region})"
            )
        mode, regions = self._validate_linking(ctx, params)
        arn = f"arn:aws:securityhub:{ctx.region}:{ctx.account}:finding-aggregator/{uuid.uuid4()}"
        aggregator = FindingAggregator(arn, ctx.account, ctx.region, mode, regions)
        self.world.aggregators[ctx.account] = aggregator
        return self._aggregator_dict(aggregator)

    def list_finding_aggregators(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._subscribed_hub(ctx)
        aggregator = self.world.aggregators.get(ctx.account)
        return {"FindingAggregators": [{"FindingAggregatorArn": aggregator.arn}] if aggregator else []}

    def get_finding_aggregator(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._subscribed_hub(ctx)
        return self._aggregator_dict(self._own_aggregator(ctx, params["FindingAggregatorArn"], home_only=False))

    def update_finding_aggregator(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._subscribed_hub(ctx)
        aggregator = self._own_aggregator(ctx, params["FindingAggregatorArn"], home_only=True)
        aggregator.mode, aggregator.regions = self._validate_linking(ctx, params)
        return self._aggregator_dict(aggregator)

    def delete_finding_aggregator(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._subscribed_hub(ctx)
        aggregator = self._own_aggregator(ctx, params["FindingAggregatorArn"], home_only=True)
        if self.world.central_applies(ctx.account, ctx.region):
            raise _invalid_input(
                "The finding aggregator cannot be deleted while central configuration uses its home Region"
            )
        del self.world.aggregators[aggregator.account_id]
        return {}

    # ------------------------------------------------------------------ members (administrator side)

    def create_members(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        hub = self._subscribed_hub(ctx)
        if hub.administrator is not None:
            raise _invalid_input(
                f"Account {ctx.account} is a member of administrator {hub.administrator.account_id} "
                "and cannot add member accounts"
            )
        details = list(params.get("AccountDetails") or [])
        unprocessed = [
            _unprocessed(d.get("AccountId", ""), "Maximum number of results exceeded")
            for d in details[CREATE_MEMBERS_BATCH:]
        ]
        designation = self.world.current_admin(ctx.region)
        is_org_admin = designation is not None and designation.account_id == ctx.account
        for detail in details[:CREATE_MEMBERS_BATCH]:
            account_id = str(detail.get("AccountId", ""))
            reason = self._forced(ctx, account_id)
            if reason is None and (len(account_id) != 12 or not account_id.isdigit()):
                reason = f"Invalid account ID {account_id!r}"
            if reason is None and account_id == ctx.account:
                reason = f"Account {account_id} is the administrator account and cannot be added as a member"
            if reason is None:
                if is_org_admin and self.world.in_organization(account_id):
                    reason = self._enroll(ctx, hub, account_id)
                else:
                    reason = self._create_invitation_member(ctx, hub, account_id, detail.get("Email"))
            if reason is not None:
                unprocessed.append(_unprocessed(account_id, reason))
        return {"UnprocessedAccounts": unprocessed}

    def _other_admin(self, ctx: RequestContext, account_id: str) -> str | None:
        member_hub = self.world.hubs.get((account_id, ctx.region))
        link = member_hub.administrator if member_hub else None
        return link.account_id if link is not None and link.account_id != ctx.account else None

    def _enroll(self, ctx: RequestContext, hub: Hub, account_id: str) -> str | None:
        """CreateMembers for an organization account by the delegated administrator; returns why not."""
        account = self.world.accounts[account_id]
        record = hub.members.get(account_id)
        if record is not None and record.status in ASSOCIATED_STATUSES:
            return f"Account {account_id} is already a member of this administrator account (status {record.status})"
        other = self._other_admin(ctx, account_id)
        if other is not None:
            return f"Account {account_id} is already a member of another administrator account ({other})"
        if account.status == "SUSPENDED":
            # AWS records the attempt: the member shows AccountSuspended instead of being enabled.
            hub.members.put(MemberRecord(account_id, account.email, "AccountSuspended", True, ctx.now, ctx.now))
            return None
        if not self.world.region_enabled(account_id, ctx.region):
            # AWS General Reference, "Specify which AWS Regions your account can use": an opt-in Region works for
            # an account only once that account enables it. The Security Hub pages do not give CreateMembers'
            # ProcessingResult for such a member; the wording is the emulator's, and the strictest behaviour is
            # taken: the account is not enrolled (no member record), so nothing pretends it is covered.
            return f"Account {account_id} has not enabled the Region {ctx.region}"
        if account_id == self.world.management_account and not self.world.hub(account_id, ctx.region).enabled:
            return (
                f"Security Hub is not enabled in the organization management account {account_id} in "
                f"{ctx.region}. The management account must enable Security Hub before it can be added as a member."
            )
        if (record is None or not record.organization) and hub.members.organization_count >= ORGANIZATION_MEMBER_CAP:
            return f"The administrator account has reached the limit of {ORGANIZATION_MEMBER_CAP} member accounts"
        self.world.enroll_organization_member(ctx.account, account_id, ctx.region, ctx.now)
        return None

    def _create_invitation_member(
        self, ctx: RequestContext, hub: Hub, account_id: str, email: str | None
    ) -> str | None:
        """CreateMembers for an account managed by invitation; returns why not."""
        record = hub.members.get(account_id)
        if record is not None and record.status in ASSOCIATED_STATUSES:
            return f"Account {account_id} is already a member of this administrator account (status {record.status})"
        other = self._other_admin(ctx, account_id)
        if other is not None:
            return f"Account {account_id} is already a member of another administrator account ({other})"
        if record is None and hub.members.invited_count >= INVITED_MEMBER_CAP:
            return f"The administrator account has reached the limit of {INVITED_MEMBER_CAP} invited member accounts"
        if record is None or record.status in _REVIVABLE:
            hub.members.put(MemberRecord(account_id, email, "Created", False, ctx.now, ctx.now))
        elif email and email != record.email:
            hub.members.put(dataclasses.replace(record, email=email, updated_at=ctx.now))
        return None

    def invite_members(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        hub = self._subscribed_hub(ctx)
        unprocessed = []
        for account_id in params.get("AccountIds") or []:
            record = hub.members.get(account_id)
            reason = self._forced(ctx, account_id)
            if reason is not None:
                pass
            elif record is None:
                reason = (
                    f"Account {account_id} is not a member of this administrator account. Call CreateMembers first."
                )
            elif record.organization:
                reason = (
                    f"Account {account_id} is an organization account, managed through AWS Organizations; "
                    "organization accounts cannot be invited"
                )
            elif record.status not in _INVITABLE:
                reason = f"Account {account_id} cannot be invited: its member status is {record.status}"
            elif (other := self._other_admin(ctx, account_id)) is not None:
                reason = f"Account {account_id} is already a member of another administrator account ({other})"
            if reason is not None:
                unprocessed.append(_unprocessed(account_id, reason))
                continue
            assert record is not None
            invitation_id = uuid.uuid4().hex
            hub.members.put(dataclasses.replace(record, status="Invited", invited_at=ctx.now, updated_at=ctx.now))
            if account_id in self.world.accounts:
                # The invitation exists only in the Region it was sent from.
                self.world.hub(account_id, ctx.region).invitations[ctx.account] = Invitation(
                    ctx.account, invitation_id, ctx.now
                )
        return {"UnprocessedAccounts": unprocessed}

    def list_members(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        hub = self._subscribed_hub(ctx)
        limit = max_results(params, 50, 50)
        only_associated = params.get("OnlyAssociated", True)
        after = decode_token(params.get("NextToken"))
        page, cursor = hub.members.page(after, limit, only_associated, lambda r: self._visible(ctx, r))
        return {
            "Members": [self._member_dict(ctx.account, r) for r in page],
            "NextToken": encode_token(cursor) if cursor else None,
        }

    def get_members(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        hub = self._subscribed_hub(ctx)
        members, unprocessed = [], []
        for account_id in params.get("AccountIds") or []:
            record = hub.members.get(account_id)
            reason = self._forced(ctx, account_id)
            if reason is None and record is None:
                reason = f"Account {account_id} is not a member of this administrator account"
            if reason is not None:
                unprocessed.append(_unprocessed(account_id, reason))
                continue
            assert record is not None
            if not self._visible(ctx, record):
                # A member created a moment ago is not readable yet (eventual consistency).
                raise ServiceError(
                    "BadRequestException", "The request was rejected because no such resource found", 400
                )
            members.append(self._member_dict(ctx.account, record))
        return {"Members": members, "UnprocessedAccounts": unprocessed}

    def disassociate_members(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        hub = self._subscribed_hub(ctx)
        account_ids = list(params.get("AccountIds") or [])
        if self.world.central_applies(ctx.account, ctx.region):
            # Security Hub user guide, "Disassociating member accounts": a centrally managed member can be
            # disassociated only once it is self-managed or governed by a policy that disables Security Hub.
            # The response has no UnprocessedAccounts field, so the whole call is refused.
            managed = [
                a
                for a in account_ids
                if (r := hub.members.get(a)) is not None
                and r.organization
                and (policy := self.world.governing_policy(a, ctx.region)) is not None
                and policy.service_enabled
            ]
            if managed:
                raise _invalid_input(
                    f"Accounts {', '.join(managed)} are centrally managed by central configuration; designate "
                    "them as self-managed before you disassociate them"
                )
        for account_id in account_ids:
            if hub.members.get(account_id) is not None:
                self.world.disassociate_member(ctx.account, account_id, ctx.region, "Removed", ctx.now)
        return {}

    def delete_members(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        hub = self._subscribed_hub(ctx)
        unprocessed = []
        for account_id in params.get("AccountIds") or []:
            record = hub.members.get(account_id)
            reason = self._forced(ctx, account_id)
            if reason is None and record is None:
                reason = f"Account {account_id} is not a member of this administrator account"
            elif reason is None and record is not None and record.organization:
                reason = (
                    f"Account {account_id} is an organization account; organization accounts cannot be deleted, "
                    "disassociate them instead"
                )
            if reason is not None:
                unprocessed.append(_unprocessed(account_id, reason))
                continue
            self.world.disassociate_member(ctx.account, account_id, ctx.region, "Removed", ctx.now)
            hub.members.remove(account_id)
        return {"UnprocessedAccounts": unprocessed}

    # ------------------------------------------------------------------ member side

    def list_invitations(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        limit = max_results(params, 50, 50)
        invitations = sorted(self._hub(ctx).invitations.values(), key=lambda i: i.sender)
        page, token = offset_page(invitations, params, limit)
        return {
            "Invitations": [
                {
                    "AccountId": i.sender,
                    "InvitationId": i.invitation_id,
                    "InvitedAt": i.invited_at,
                    "MemberStatus": "Invited",
                }
                for i in page
            ],
            "NextToken": token,
        }

    def get_administrator_account(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        link = self._hub(ctx).administrator
        if link is None:
            return {}
        return {
            "Administrator": {
                "AccountId": link.account_id,
                "InvitationId": link.invitation_id,
                "InvitedAt": link.invited_at,
                "MemberStatus": link.status,
            }
        }

    def accept_administrator_invitation(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        hub = self._subscribed_hub(ctx)
        sender, invitation_id = params["AdministratorId"], params["InvitationId"]
        invitation = hub.invitations.get(sender)
        if invitation is None or invitation.invitation_id != invitation_id:
            raise ServiceError(
                "ResourceNotFoundException",
                f"Invitation {invitation_id} from account {sender} was not found in {ctx.region}",
            )
        if hub.administrator is not None and hub.administrator.account_id != sender:
            raise _invalid_input(
                f"Account {ctx.account} is already associated with administrator {hub.administrator.account_id}; "
                "disassociate from it first"
            )
        if any(r.status in ASSOCIATED_STATUSES for r in hub.members):
            # Security Hub user guide, "Restrictions and recommendations on account management" (Restrictions on
            # administrator-member relationships): an account cannot be both an administrator and a member.
            raise _invalid_input(
                f"Account {ctx.account} is an administrator account with members in {ctx.region}; an administrator "
                "account cannot accept an invitation"
            )
        admin_members = self.world.hub(sender, ctx.region).members
        record = admin_members.get(ctx.account)
        if record is None or record.status != "Invited":
            raise ServiceError(
                "ResourceNotFoundException",
                f"Account {sender} no longer has an invitation pending for account {ctx.account}",
            )
        admin_members.put(dataclasses.replace(record, status="Enabled", updated_at=ctx.now))
        hub.administrator = AdministratorLink(sender, "Enabled", invitation_id, invitation.invited_at)
        del hub.invitations[sender]
        return {}

    def _drop_invitations(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        hub = self._hub(ctx)
        unprocessed = []
        for sender in params.get("AccountIds") or []:
            reason = self._forced(ctx, sender)
            if reason is None and sender not in hub.invitations:
                reason = f"No invitation from account {sender} was found in {ctx.region}"
            if reason is not None:
                unprocessed.append(_unprocessed(sender, reason))
            else:
                del hub.invitations[sender]
        return {"UnprocessedAccounts": unprocessed}

    def decline_invitations(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self._drop_invitations(ctx, params)

    def delete_invitations(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self._drop_invitations(ctx, params)

    def disassociate_from_administrator_account(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        link = self._hub(ctx).administrator
        if link is None:
            return {}
        record = self.world.hub(link.account_id, ctx.region).members.get(ctx.account)
        if record is not None and record.organization:
            raise _invalid_input(
                "Organization member accounts cannot disassociate themselves from the administrator account; "
                "only the administrator account can disassociate them"
            )
        self.world.disassociate_member(link.account_id, ctx.account, ctx.region, "Resigned", ctx.now)
        return {}

    # ------------------------------------------------------------------ the hub itself

    def _refuse_if_governed(self, ctx: RequestContext) -> None:
        # Security Hub user guide, "Reviewing a declarative policy's impact before you apply it": governed accounts
        # can't change the settings back through the console or API. The page names no error; AccessDenied is the
        # emulator's choice (no retry helps).
        if self.world.cspm_governance(ctx.account, ctx.region) is not None:
            raise ServiceError(
                "AccessDeniedException",
                f"Security Hub CSPM in account {ctx.account} and {ctx.region} is governed by an AWS Organizations "
                f"{SECURITYHUB_CSPM_POLICY}; change the policy instead",
                403,
            )

    def enable_security_hub(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._refuse_if_governed(ctx)
        hub = self._hub(ctx)
        if hub.enabled:
            raise ServiceError(
                "ResourceConflictException", f"Account {ctx.account} is already subscribed to Security Hub"
            )
        refuse_if_centrally_managed(self.world, ctx)
        hub.enable(ctx.now)
        if params.get("EnableDefaultStandards", True):
            hub.enable_default_standards(ctx.now)
        return {}

    def describe_hub(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        hub = self._subscribed_hub(ctx)
        assert hub.subscribed_at is not None
        return {
            "HubArn": f"arn:aws:securityhub:{ctx.region}:{ctx.account}:hub/default",
            "SubscribedAt": iso8601(hub.subscribed_at),
            "AutoEnableControls": True,
            "ControlFindingGenerator": "SECURITY_CONTROL",
        }

    def disable_security_hub(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        hub = self._subscribed_hub(ctx)
        self._refuse_if_governed(ctx)
        designation = self.world.current_admin(ctx.region)
        if designation is not None and designation.account_id == ctx.account:
            raise _invalid_input(
                f"Account {ctx.account} is the delegated administrator in {ctx.region}; remove it as administrator "
                "before you disable Security Hub"
            )
        if hub.administrator is not None:
            raise _invalid_input(
                f"Account {ctx.account} is a member of administrator {hub.administrator.account_id}; "
                "disassociate it before you disable Security Hub"
            )
        if any(r.status in ASSOCIATED_STATUSES for r in hub.members):
            raise _invalid_input(
                f"Account {ctx.account} has member accounts; disassociate them before you disable Security Hub"
            )
        refuse_if_centrally_managed(self.world, ctx)
        hub.disable()
        return {}
