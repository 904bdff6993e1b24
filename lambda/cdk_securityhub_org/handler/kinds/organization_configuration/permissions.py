"""The IAM actions the handler of the organization configuration and the finding aggregator, in the administrator account needs, derived from its declaration; the constructs grant
exactly these, and the reliability suite checks them against the operations the emulator saw."""

from __future__ import annotations

from ...engine.declaration import RemovalPolicy
from .spec import OrganizationConfigurationSpec


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
    return frozenset(actions)
