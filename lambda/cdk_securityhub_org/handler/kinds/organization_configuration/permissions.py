"""The IAM actions the handler of the organization configuration and the finding aggregator, in the administrator account needs, derived from its declaration; the constructs grant
exactly these, and the reliability suite checks them against the operations the emulator saw."""

from __future__ import annotations

from ...engine.declaration import RemovalPolicy
from .spec import ConfigurationType, OrganizationConfigurationSpec


def actions(spec: OrganizationConfigurationSpec) -> frozenset[str]:
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
        if spec.configuration_type is ConfigurationType.LOCAL or spec.scope.removal_policy is RemovalPolicy.DESTROY:
            # Stopping central configuration (a LOCAL declaration may follow a CENTRAL one; the policy is
            # updated before the resource) first removes the associations and the owned policies.
            actions |= {
                "securityhub:ListConfigurationPolicyAssociations",
                "securityhub:StartConfigurationPolicyDisassociation",
                "securityhub:ListConfigurationPolicies",
                "securityhub:DeleteConfigurationPolicy",
            }
    return frozenset(actions)
