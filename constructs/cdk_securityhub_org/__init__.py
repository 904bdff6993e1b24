"""AWS CDK constructs that run AWS Security Hub (CSPM) across an AWS Organization.

The constructs load on first use, so that ``cdk_securityhub_org.handler`` (the Lambda code) and
``cdk_securityhub_org.testing`` (the emulator and simulator) import without starting aws-cdk-lib's Node.js runtime.
The user-facing enums are importable from here too.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING, Any

# In the repository the handler's source lives in lambda/cdk_securityhub_org/handler/ (the Lambda asset is lambda/),
# beside this package's source in constructs/; extending the path lets one import name serve both. Installed from
# the wheel, both are already one folder and this adds nothing.
__path__ = pkgutil.extend_path(__path__, __name__)

from cdk_securityhub_org.handler.engine.declaration import OnRegionUnavailable
from cdk_securityhub_org.handler.kinds.configuration_policies.spec import (
    SELF_MANAGED,
    ControlParameter,
    ParameterType,
)
from cdk_securityhub_org.handler.kinds.members.spec import MemberAccount, PrunePolicy
from cdk_securityhub_org.handler.kinds.organization_configuration.spec import (
    AutoEnableStandards,
    ConfigurationType,
    RegionLinkingMode,
)

if TYPE_CHECKING:
    from cdk_securityhub_org._validation import SecurityHubConfigurationError
    from cdk_securityhub_org.configuration_policies import ConfigurationPolicies, ConfigurationPolicy, PublishedStandard
    from cdk_securityhub_org.dashboard import SecurityHubDashboard
    from cdk_securityhub_org.delegated_admin import DelegatedAdmin
    from cdk_securityhub_org.drift_repair import DriftRepair, OrganizationEventForwarding
    from cdk_securityhub_org.invitation_accepter import InvitationAccepter
    from cdk_securityhub_org.member_list import MemberList
    from cdk_securityhub_org.members import Members
    from cdk_securityhub_org.organization import SecurityHubOrganization
    from cdk_securityhub_org.organization_configuration import OrganizationConfiguration
    from cdk_securityhub_org.organizations_policy import OrganizationsSecurityHubPolicy, PolicyConfiguration
    from cdk_securityhub_org.yaml_declaration import SecurityHubConfig, load_config

_LAZY = {
    "ConfigurationPolicies": "configuration_policies",
    "ConfigurationPolicy": "configuration_policies",
    "PublishedStandard": "configuration_policies",
    "DelegatedAdmin": "delegated_admin",
    "DriftRepair": "drift_repair",
    "InvitationAccepter": "invitation_accepter",
    "MemberList": "member_list",
    "Members": "members",
    "OrganizationConfiguration": "organization_configuration",
    "OrganizationEventForwarding": "drift_repair",
    "OrganizationsSecurityHubPolicy": "organizations_policy",
    "PolicyConfiguration": "organizations_policy",
    "SecurityHubConfig": "yaml_declaration",
    "SecurityHubConfigurationError": "_validation",
    "SecurityHubDashboard": "dashboard",
    "SecurityHubOrganization": "organization",
    "load_config": "yaml_declaration",
}

__all__ = [
    "SELF_MANAGED",
    "AutoEnableStandards",
    "ConfigurationPolicies",
    "ConfigurationPolicy",
    "ConfigurationType",
    "ControlParameter",
    "DelegatedAdmin",
    "DriftRepair",
    "InvitationAccepter",
    "MemberAccount",
    "MemberList",
    "Members",
    "OnRegionUnavailable",
    "OrganizationConfiguration",
    "OrganizationEventForwarding",
    "OrganizationsSecurityHubPolicy",
    "ParameterType",
    "PolicyConfiguration",
    "PrunePolicy",
    "PublishedStandard",
    "RegionLinkingMode",
    "SecurityHubConfig",
    "SecurityHubConfigurationError",
    "SecurityHubDashboard",
    "SecurityHubOrganization",
    "load_config",
]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
