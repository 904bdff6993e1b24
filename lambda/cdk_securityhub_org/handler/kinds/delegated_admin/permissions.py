"""The IAM actions the handler of the delegated administrator, designated from the management account needs, derived from its declaration; the constructs grant
exactly these, and the reliability suite checks them against the operations the emulator saw."""

from __future__ import annotations

from ...engine.declaration import RemovalPolicy
from .spec import DelegatedAdminSpec

# EnableOrganizationAdminAccount calls Organizations on the caller's behalf (Security Hub user guide,
# "Designating the delegated administrator"): the caller needs these too.
ORGANIZATIONS_ACTIONS_FOR_DESIGNATION = frozenset(
    {"organizations:EnableAWSServiceAccess", "organizations:RegisterDelegatedAdministrator"}
)


def actions(spec: DelegatedAdminSpec) -> frozenset[str]:
    actions = {
        "securityhub:ListOrganizationAdminAccounts",
        "securityhub:EnableOrganizationAdminAccount",
        # Before a designation: is the old administrator registered where no readable Region shows it?
        "organizations:ListDelegatedAdministrators",
        *ORGANIZATIONS_ACTIONS_FOR_DESIGNATION,
    }
    if spec.allow_replace or spec.scope.removal_policy is RemovalPolicy.DESTROY:
        actions.add("securityhub:DisableOrganizationAdminAccount")
    if spec.enable_in_management_account:
        actions |= {"securityhub:DescribeHub", "securityhub:EnableSecurityHub"}
    return frozenset(actions)
