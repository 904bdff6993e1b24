"""Live state as the reconciler sees it: plain frozen records, filled by ``observe`` and read by ``plan``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class MemberStatus(StrEnum):
    CREATED = "Created"
    INVITED = "Invited"
    ENABLED = "Enabled"
    ASSOCIATED = "Associated"  # legacy name of Enabled
    REMOVED = "Removed"
    RESIGNED = "Resigned"
    DELETED = "Deleted"
    ACCOUNT_SUSPENDED = "AccountSuspended"

    @property
    def is_active(self) -> bool:
        return self in (MemberStatus.ENABLED, MemberStatus.ASSOCIATED)

    @property
    def is_disassociated(self) -> bool:
        return self in (MemberStatus.REMOVED, MemberStatus.RESIGNED)


@dataclass(frozen=True)
class LiveMember:
    account_id: str
    status: MemberStatus
    email: str | None = None


@dataclass(frozen=True)
class OrganizationAccount:
    account_id: str
    active: bool  # Organizations status ACTIVE; SUSPENDED accounts are reported and skipped


@dataclass(frozen=True)
class AdminDesignation:
    account_id: str
    status: str  # ENABLED | DISABLE_IN_PROGRESS


@dataclass(frozen=True)
class LiveOrganizationConfiguration:
    auto_enable: bool
    auto_enable_standards: str
    configuration_type: str
    status: str
    status_message: str = ""


@dataclass(frozen=True)
class LiveAggregator:
    arn: str
    home_region: str
    linking_mode: str
    regions: tuple[str, ...]


@dataclass(frozen=True)
class Invitation:
    sender: str
    invitation_id: str


@dataclass(frozen=True)
class MemberAccountView:
    """What an invited account sees of its own membership in one Region."""

    hub_enabled: bool
    administrator: AdminDesignation | None
    invitations: tuple[Invitation, ...]
    # The account is an administrator itself (it has associated members): it cannot accept an invitation.
    has_members: bool = False


@dataclass(frozen=True)
class LiveConfigurationPolicy:
    """A configuration policy of the delegated administrator. ``configuration`` is the ``Policy`` union, read
    only for the policies a pass compares (ListConfigurationPolicies does not return it)."""

    policy_id: str
    name: str
    description: str
    configuration: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class LivePolicyAssociation:
    """A configuration applied directly to a target (ListConfigurationPolicyAssociations, AssociationType
    APPLIED): ``configuration`` is a policy ID or ``SELF_MANAGED_SECURITY_HUB``."""

    target: str
    target_type: str
    configuration: str
    status: str
    status_message: str = ""
