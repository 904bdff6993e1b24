"""The IAM actions the handler of an Organizations Security Hub CSPM policy needs, derived from its declaration;
the constructs grant exactly these."""

from __future__ import annotations

from ...engine.declaration import RemovalPolicy
from .spec import OrganizationsPolicySpec

READ_ACTIONS = frozenset(
    {
        "organizations:ListRoots",
        "organizations:ListAWSServiceAccessForOrganization",
        "organizations:ListPolicies",
        "organizations:DescribePolicy",
        "organizations:ListTargetsForPolicy",
    }
)


def actions(spec: OrganizationsPolicySpec) -> frozenset[str]:
    actions = {
        *READ_ACTIONS,
        "organizations:EnableAWSServiceAccess",
        "organizations:EnablePolicyType",
        "organizations:CreatePolicy",
        "organizations:UpdatePolicy",
        "organizations:AttachPolicy",
        "organizations:DetachPolicy",
    }
    if spec.scope.removal_policy is RemovalPolicy.DESTROY:
        actions.add("organizations:DeletePolicy")
    return frozenset(actions)
