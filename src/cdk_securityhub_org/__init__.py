"""AWS CDK constructs that run AWS Security Hub (CSPM) across an AWS Organization.

The constructs are imported on first use, so that ``cdk_securityhub_org.emulator`` and the other tools in this
package load without starting aws-cdk-lib's Node.js runtime.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from securityhub_reconciler.desired import MemberAccount

    from ._validation import SecurityHubConfigurationError
    from .config import SecurityHubConfig, load_config
    from .dashboard import SecurityHubDashboard
    from .delegated_admin import DelegatedAdmin
    from .drift_repair import DriftRepair, OrganizationEventForwarding
    from .invitation_accepter import InvitationAccepter
    from .member_list import MemberList
    from .members import Members
    from .organization import SecurityHubOrganization
    from .organization_configuration import OrganizationConfiguration

_EXPORTS = {
    "DelegatedAdmin": ".delegated_admin",
    "DriftRepair": ".drift_repair",
    "InvitationAccepter": ".invitation_accepter",
    "MemberAccount": ".member_list",
    "MemberList": ".member_list",
    "Members": ".members",
    "OrganizationConfiguration": ".organization_configuration",
    "OrganizationEventForwarding": ".drift_repair",
    "SecurityHubConfig": ".config",
    "SecurityHubConfigurationError": "._validation",
    "SecurityHubDashboard": ".dashboard",
    "SecurityHubOrganization": ".organization",
    "load_config": ".config",
}

__all__ = [
    "DelegatedAdmin",
    "DriftRepair",
    "InvitationAccepter",
    "MemberAccount",
    "MemberList",
    "Members",
    "OrganizationConfiguration",
    "OrganizationEventForwarding",
    "SecurityHubConfig",
    "SecurityHubConfigurationError",
    "SecurityHubDashboard",
    "SecurityHubOrganization",
    "load_config",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name], __name__), name)
