"""Synth-time guards across the whole app: declarations that are each valid but fight each other once deployed.

Each construct is checked alone when it is built (``_validation.py``); these checks need every construct of the
app at once, so they run as one CDK validation on the app's root, registered by the first construct that asks,
and report every conflict together when the app is synthesized.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import aws_cdk as cdk
import jsii

from cdk_securityhub_org.handler.kinds.members.spec import MemberListDocument, PrunePolicy
from constructs import Construct, IValidation

if TYPE_CHECKING:
    from cdk_securityhub_org.delegated_admin import DelegatedAdmin
    from cdk_securityhub_org.members import Members
    from cdk_securityhub_org.organization_configuration import OrganizationConfiguration

_GUARD_ID = "SecurityHubOrgConflicts"


class AppDeclarations(Construct):
    """The app's Security Hub constructs, registered as they are built, checked together at synth."""

    def __init__(self, root: Construct) -> None:
        super().__init__(root, _GUARD_ID)
        self.members: list[Members] = []
        self.designations: list[DelegatedAdmin] = []
        self.configurations: list[OrganizationConfiguration] = []
        self.node.add_validation(_Conflicts(self))

    @classmethod
    def of(cls, construct: Construct) -> AppDeclarations:
        """The registry of the app holding ``construct``, created with its validation on first use."""
        root = construct.node.root
        found = root.node.try_find_child(_GUARD_ID)
        if isinstance(found, AppDeclarations):
            return found
        assert isinstance(root, Construct)  # an App or a Stage: the root of a construct tree is a Construct
        return cls(root)


@jsii.implements(IValidation)
class _Conflicts:
    def __init__(self, declarations: AppDeclarations) -> None:
        self._declarations = declarations

    def validate(self) -> list[str]:
        found = self._declarations
        return [
            *pruning_members_that_overlap(found.members),
            *different_administrators(found.designations),
            *auto_enable_against_pruning(found.configurations, found.members),
        ]


def _account_of(construct: Construct, expected_account: str | None) -> str:
    """The account a construct acts in; constructs in one account-agnostic stack share that stack's."""
    return expected_account or f"the account of stack {cdk.Stack.of(construct).node.path}"


def _prunes(members: Members) -> bool:
    return members.spec.prune is not PrunePolicy.NONE


def _shared_regions(first: Sequence[str], second: Sequence[str]) -> list[str]:
    return [region for region in first if region in second]


def pruning_members_that_overlap(members: Iterable[Members]) -> list[str]:
    """Two pruning ``Members`` of one administrator in one Region each remove the accounts the other declares."""
    by_account: dict[str, list[Members]] = defaultdict(list)
    for construct in members:
        if _prunes(construct):
            by_account[_account_of(construct, construct.spec.scope.expected_account)].append(construct)
    found = []
    for account, pruning in by_account.items():
        for index, first in enumerate(pruning):
            for second in pruning[index + 1 :]:
                shared = _shared_regions(first.spec.scope.regions, second.spec.scope.regions)
                if shared:
                    found.append(
                        f"{first.node.path} and {second.node.path} both prune the members of {account} in"
                        f" {shared} (prune={first.spec.prune.value!r} and {second.spec.prune.value!r}), so each"
                        " removes the accounts the other declares; declare them in one Members"
                        " (MemberList.union), or set prune='NONE' on all but one"
                    )
    return found


def different_administrators(designations: Iterable[DelegatedAdmin]) -> list[str]:
    """An organization has one Security Hub administrator, the same in every Region: two names fight."""
    by_management: dict[str, list[DelegatedAdmin]] = defaultdict(list)
    for construct in designations:
        by_management[_account_of(construct, construct.spec.scope.expected_account)].append(construct)
    found = []
    for management, constructs in by_management.items():
        named = {c.spec.admin_account_id for c in constructs}
        if len(named) > 1:
            listed = ", ".join(f"{c.node.path} names {c.spec.admin_account_id}" for c in constructs)
            found.append(
                f"DelegatedAdmin constructs of {management} name different administrators ({listed}); an"
                " organization has one Security Hub administrator in every Region: name the same account in"
                " each, or keep one DelegatedAdmin"
            )
    return found


def _exclusions(document: MemberListDocument) -> str | None:
    """The accounts and OUs that ``document``'s organization selectors exclude, in words; ``None`` for none."""
    parts = []
    for selector in document.selectors:
        if selector.exclude_accounts:
            parts.append(f"excludes the accounts {list(selector.exclude_accounts)}")
        if selector.exclude_organizational_units:
            parts.append(f"excludes the OUs {list(selector.exclude_organizational_units)}")
    return "; ".join(parts) or None


def auto_enable_against_pruning(
    configurations: Iterable[OrganizationConfiguration], members: Iterable[Members]
) -> list[str]:
    """Auto-enable enrols every new organization account; a pruning list that excludes accounts or OUs removes
    those it excludes again, on every pass, forever."""
    auto_enabling: dict[str, list[OrganizationConfiguration]] = defaultdict(list)
    for configuration in configurations:
        if configuration.spec.auto_enable:
            auto_enabling[_account_of(configuration, configuration.spec.scope.expected_account)].append(configuration)
    found = []
    for construct in members:
        account = _account_of(construct, construct.spec.scope.expected_account)
        if not _prunes(construct) or not auto_enabling.get(account):
            continue
        excluded = _exclusions(construct.document)
        if excluded is None:
            continue
        for configuration in auto_enabling[account]:
            shared = _shared_regions(configuration.spec.scope.regions, construct.spec.scope.regions)
            if shared:
                found.append(
                    f"{configuration.node.path} auto-enables new organization accounts in {shared}, and"
                    f" {construct.node.path} prunes (prune={construct.spec.prune.value!r}) with a member list that"
                    f" {excluded}: an account it excludes is enrolled, then removed, on every pass; set auto_enable=False,"
                    " or prune='NONE'"
                )
    return found
