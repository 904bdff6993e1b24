"""The IAM actions the handler of configuration policies and their associations needs; the constructs grant
exactly these, and the engine tests compare them with the operations the emulator saw."""

from __future__ import annotations

from .spec import ConfigurationPoliciesSpec

_ACTIONS = frozenset(
    {
        "securityhub:ListConfigurationPolicies",
        "securityhub:GetConfigurationPolicy",
        "securityhub:CreateConfigurationPolicy",
        "securityhub:UpdateConfigurationPolicy",
        "securityhub:DeleteConfigurationPolicy",
        "securityhub:ListConfigurationPolicyAssociations",
        "securityhub:StartConfigurationPolicyAssociation",
        "securityhub:StartConfigurationPolicyDisassociation",
        # A delete first asks whether central configuration is still in effect (nothing to release otherwise).
        "securityhub:DescribeOrganizationConfiguration",
    }
)


def actions(spec: ConfigurationPoliciesSpec) -> frozenset[str]:
    """The same for every declaration: converging removes what the declaration dropped (a policy, an
    association) whatever the removal policy, so deletion and disassociation are always needed."""
    return _ACTIONS
