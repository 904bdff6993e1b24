"""Reads of live state. Everything is paginated to the end; nothing here writes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import botocore.exceptions

from .aws import error_code
from .live import (
    AdminDesignation,
    Invitation,
    LiveAggregator,
    LiveConfigurationPolicy,
    LiveMember,
    LiveOrganizationConfiguration,
    LivePolicyAssociation,
    MemberAccountView,
    MemberStatus,
    OrganizationAccount,
)

MEMBERS_PAGE = 50  # ListMembers / ListInvitations maximum
ADMIN_ACCOUNTS_PAGE = 10  # ListOrganizationAdminAccounts maximum
ORGANIZATIONS_PAGE = 20  # ListAccounts maximum


def _paged(client: Any, operation: str, key: str, **parameters: Any) -> Iterator[list[dict[str, Any]]]:
    token: str | None = None
    while True:
        page = getattr(client, operation)(**parameters, **({"NextToken": token} if token else {}))
        yield page.get(key, [])
        token = page.get("NextToken")
        if not token:
            return


def _pages(client: Any, operation: str, key: str, **parameters: Any) -> Iterator[dict[str, Any]]:
    for page in _paged(client, operation, key, **parameters):
        yield from page


def members(securityhub: Any) -> dict[str, LiveMember]:
    """Every member record, whatever its status: OnlyAssociated defaults to true, which hides most of them."""
    return {account_id: member for page in member_pages(securityhub) for account_id, member in page.items()}


def member_pages(securityhub: Any) -> Iterator[dict[str, LiveMember]]:
    """:func:`members` a page at a time, for a caller that acts on what it has seen before the last page."""
    for page in _paged(securityhub, "list_members", "Members", OnlyAssociated=False, MaxResults=MEMBERS_PAGE):
        yield {
            item["AccountId"]: LiveMember(item["AccountId"], MemberStatus(item["MemberStatus"]), item.get("Email"))
            for item in page
        }


def admin_designations(securityhub: Any) -> list[AdminDesignation]:
    return [
        AdminDesignation(item["AccountId"], item["Status"])
        for item in _pages(
            securityhub, "list_organization_admin_accounts", "AdminAccounts", MaxResults=ADMIN_ACCOUNTS_PAGE
        )
    ]


def delegated_administrators(organizations: Any, service_principal: str) -> list[str]:
    """The accounts Organizations lists as the service's delegated administrators."""
    return [
        item["Id"]
        for item in _pages(
            organizations,
            "list_delegated_administrators",
            "DelegatedAdministrators",
            ServicePrincipal=service_principal,
        )
    ]


def organization_configuration(securityhub: Any) -> LiveOrganizationConfiguration:
    answer = securityhub.describe_organization_configuration()
    configuration = answer.get("OrganizationConfiguration", {})
    return LiveOrganizationConfiguration(
        auto_enable=bool(answer.get("AutoEnable", False)),
        auto_enable_standards=answer.get("AutoEnableStandards", "NONE"),
        configuration_type=configuration.get("ConfigurationType", "LOCAL"),
        status=configuration.get("Status", "ENABLED"),
        status_message=configuration.get("StatusMessage", ""),
    )


def finding_aggregator(securityhub: Any) -> LiveAggregator | None:
    """The account's one finding aggregator (listed from any Region), or None."""
    arns = [
        item["FindingAggregatorArn"] for item in _pages(securityhub, "list_finding_aggregators", "FindingAggregators")
    ]
    if not arns:
        return None
    answer = securityhub.get_finding_aggregator(FindingAggregatorArn=arns[0])
    return LiveAggregator(
        arn=arns[0],
        home_region=answer["FindingAggregationRegion"],
        linking_mode=answer["RegionLinkingMode"],
        regions=tuple(answer.get("Regions") or ()),
    )


def configuration_policy_names(securityhub: Any) -> list[str]:
    """The names of the central configuration policies (read in the home Region, where they live)."""
    return [
        item["Name"]
        for item in _pages(securityhub, "list_configuration_policies", "ConfigurationPolicySummaries", MaxResults=100)
    ]


def hub_enabled(securityhub: Any) -> bool:
    try:
        securityhub.describe_hub()
    except botocore.exceptions.ClientError as error:
        if error_code(error) != "InvalidAccessException":
            raise
        return False
    return True


def member_account_view(securityhub: Any) -> MemberAccountView:
    enabled = hub_enabled(securityhub)
    administrator = None
    if enabled:
        current = securityhub.get_administrator_account().get("Administrator") or {}
        if current.get("AccountId"):
            administrator = AdminDesignation(current["AccountId"], current.get("MemberStatus", ""))
    invitations = tuple(
        Invitation(item["AccountId"], item["InvitationId"])
        for item in _pages(securityhub, "list_invitations", "Invitations", MaxResults=MEMBERS_PAGE)
    )
    has_members = enabled and bool(securityhub.list_members(OnlyAssociated=True, MaxResults=1).get("Members"))
    return MemberAccountView(enabled, administrator, invitations, has_members)


def organization_account_pages(organizations: Any) -> Iterator[dict[str, OrganizationAccount]]:
    """The organization's accounts a ListAccounts page at a time (20 accounts, the most a page holds)."""
    for page in _paged(organizations, "list_accounts", "Accounts", MaxResults=ORGANIZATIONS_PAGE):
        yield {item["Id"]: OrganizationAccount(item["Id"], item.get("Status", "ACTIVE") == "ACTIVE") for item in page}


def accounts_under(organizations: Any, parents: Iterable[str]) -> set[str]:
    """Account IDs under the given OUs or roots, nested OUs included."""
    found: set[str] = set()
    queue = list(dict.fromkeys(parents))
    seen = set(queue)
    while queue:
        parent = queue.pop()
        found.update(
            item["Id"]
            for item in _pages(
                organizations, "list_accounts_for_parent", "Accounts", ParentId=parent, MaxResults=ORGANIZATIONS_PAGE
            )
        )
        for child in _pages(
            organizations,
            "list_organizational_units_for_parent",
            "OrganizationalUnits",
            ParentId=parent,
            MaxResults=ORGANIZATIONS_PAGE,
        ):
            if child["Id"] not in seen:
                seen.add(child["Id"])
                queue.append(child["Id"])
    return found


CONFIGURATION_PAGE = 100  # ListConfigurationPolicies / ListConfigurationPolicyAssociations maximum


def configuration_policies(securityhub: Any) -> list[LiveConfigurationPolicy]:
    """Every configuration policy's summary (no configuration: see :func:`configuration_policy`)."""
    return [
        LiveConfigurationPolicy(item["Id"], item["Name"], item.get("Description") or "")
        for item in _pages(
            securityhub, "list_configuration_policies", "ConfigurationPolicySummaries", MaxResults=CONFIGURATION_PAGE
        )
    ]


def configuration_policy(securityhub: Any, policy_id: str) -> LiveConfigurationPolicy:
    answer = securityhub.get_configuration_policy(Identifier=policy_id)
    return LiveConfigurationPolicy(
        answer["Id"], answer["Name"], answer.get("Description") or "", answer.get("ConfigurationPolicy") or {}
    )


def _association(item: Mapping[str, Any]) -> LivePolicyAssociation:
    return LivePolicyAssociation(
        item["TargetId"],
        item.get("TargetType", ""),
        item["ConfigurationPolicyId"],
        item.get("AssociationStatus", "SUCCESS"),
        item.get("AssociationStatusMessage") or "",
    )


def account_configurations(securityhub: Any) -> dict[str, LivePolicyAssociation]:
    """Each organization account's configuration in effect, applied or inherited, by account ID (home Region)."""
    return {
        item["TargetId"]: _association(item)
        for item in _pages(
            securityhub,
            "list_configuration_policy_associations",
            "ConfigurationPolicyAssociationSummaries",
            MaxResults=CONFIGURATION_PAGE,
        )
        if item.get("TargetType") == "ACCOUNT"
    }


def applied_policy_associations(securityhub: Any) -> dict[str, LivePolicyAssociation]:
    """The configurations applied directly to a target (inherited ones follow from these), by target ID."""
    return {
        item["TargetId"]: _association(item)
        for item in _pages(
            securityhub,
            "list_configuration_policy_associations",
            "ConfigurationPolicyAssociationSummaries",
            Filters={"AssociationType": "APPLIED"},
            MaxResults=CONFIGURATION_PAGE,
        )
    }
