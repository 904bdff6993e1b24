"""The IAM actions the handler of the member list, in the administrator account needs, derived from its declaration; the constructs grant
exactly these, and the reliability suite checks them against the operations the emulator saw."""

from __future__ import annotations

from ...engine.declaration import RemovalPolicy
from .spec import MemberListDocument, MemberListLocation, MembersSpec, PrunePolicy


def actions(spec: MembersSpec, document: MemberListDocument) -> frozenset[str]:
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
    if spec.central:
        # Which organization accounts a configuration policy governs, and in which Regions (the aggregator's
        # linked ones); designating the released ones self-managed.
        actions |= {
            "securityhub:ListConfigurationPolicyAssociations",
            "securityhub:ListFindingAggregators",
            "securityhub:GetFindingAggregator",
        }
        if spec.self_manage_to_release:
            actions.add("securityhub:StartConfigurationPolicyAssociation")
    if isinstance(spec.member_list, MemberListLocation):
        actions.add("s3:GetObject")
    if any(s.organizational_units is not None or s.exclude_organizational_units for s in document.selectors):
        actions |= {"organizations:ListAccountsForParent", "organizations:ListOrganizationalUnitsForParent"}
    return frozenset(actions)
