"""The IAM actions each handler needs, derived from its declaration.

The constructs grant exactly these; the reliability suite checks them against the operations the emulator saw.
An action is listed only when the declaration can lead to the call: ``DeleteMembers`` only with the
DELETE_INVITED prune policy, removals only with DESTROY or a declared replacement.
"""

from __future__ import annotations

from .desired import (
    DelegatedAdminSpec,
    InvitationAccepterSpec,
    MemberListDocument,
    MemberListLocation,
    MembersSpec,
    OrganizationConfigurationSpec,
    PrunePolicy,
    RemovalPolicy,
)

# EnableOrganizationAdminAccount calls Organizations on the caller's behalf (Security Hub user guide,
# "Designating the delegated administrator"): the caller needs these too.
ORGANIZATIONS_ACTIONS_FOR_DESIGNATION = frozenset(
    {"organizations:EnableAWSServiceAccess", "organizations:RegisterDelegatedAdministrator"}
)


def delegated_admin_actions(spec: DelegatedAdminSpec) -> frozenset[str]:
    actions = {
        "securityhub:ListOrganizationAdminAccounts",
        "securityhub:EnableOrganizationAdminAccount",
        *ORGANIZATIONS_ACTIONS_FOR_DESIGNATION,
    }
    if spec.allow_replace or spec.scope.removal_policy is RemovalPolicy.DESTROY:
        actions.add("securityhub:DisableOrganizationAdminAccount")
    if spec.enable_in_management_account:
        actions |= {"securityhub:DescribeHub", "securityhub:EnableSecurityHub"}
    return frozenset(actions)


def organization_configuration_actions(spec: OrganizationConfigurationSpec) -> frozenset[str]:
    actions = {"securityhub:DescribeOrganizationConfiguration", "securityhub:UpdateOrganizationConfiguration"}
    if spec.home_region:
        actions |= {
            "securityhub:ListFindingAggregators",
            "securityhub:GetFindingAggregator",
            "securityhub:CreateFindingAggregator",
            "securityhub:UpdateFindingAggregator",
        }
        if spec.scope.removal_policy is RemovalPolicy.DESTROY:
            actions.add("securityhub:DeleteFindingAggregator")
    return frozenset(actions)


def members_actions(spec: MembersSpec, document: MemberListDocument) -> frozenset[str]:
    """``document`` is the member list itself: inline in ``spec``, or the content behind its S3 location."""
    actions = {
        "securityhub:ListMembers",
        "securityhub:CreateMembers",
        # The organization's account list tells organization accounts (enrolled) from invited ones.
        "organizations:ListAccounts",
    }
    if spec.invite_non_organization_accounts:
        actions.add("securityhub:InviteMembers")
    if spec.prune is not PrunePolicy.NONE or spec.scope.removal_policy is RemovalPolicy.DESTROY:
        actions.add("securityhub:DisassociateMembers")
    if spec.prune is PrunePolicy.DELETE_INVITED:
        actions.add("securityhub:DeleteMembers")
    if isinstance(spec.member_list, MemberListLocation):
        actions.add("s3:GetObject")
    if any(s.organizational_units is not None or s.exclude_organizational_units for s in document.selectors):
        actions |= {"organizations:ListAccountsForParent", "organizations:ListOrganizationalUnitsForParent"}
    return frozenset(actions)


def invitation_accepter_actions(spec: InvitationAccepterSpec) -> frozenset[str]:
    actions = {
        "securityhub:DescribeHub",
        "securityhub:EnableSecurityHub",
        "securityhub:GetAdministratorAccount",
        "securityhub:ListInvitations",
        "securityhub:AcceptAdministratorInvitation",
    }
    if spec.scope.removal_policy is RemovalPolicy.DESTROY:
        actions.add("securityhub:DisassociateFromAdministratorAccount")
    return frozenset(actions)
