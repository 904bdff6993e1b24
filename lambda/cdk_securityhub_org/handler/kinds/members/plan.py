"""Planners of the member list, in the administrator account: pure functions from desired and live state to actions."""

from __future__ import annotations

from collections.abc import Collection, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from ...engine.live import (
    LiveMember,
    LivePolicyAssociation,
    MemberStatus,
    OrganizationAccount,
)
from ...engine.plan import Action, RegionPlan, combine_plans, whole_batches
from ...engine.result import Issue
from ..configuration_policies.spec import SELF_MANAGED
from .spec import DEFAULT_MAX_PRUNE_ACCOUNTS, MemberAccount, MemberListDocument, PrunePolicy, prune_limit

# How many of the accounts a refused prune would remove the failure names (the reason must stay small).
PRUNE_ACCOUNTS_SHOWN = 5


@dataclass(frozen=True)
class CentralView:
    """Central configuration as the members see it in one Region: each organization account's configuration in
    effect (a policy's ID or ``SELF_MANAGED``, with the association's status), read in the home Region, where
    associations are made. Invited accounts are never in it: policies govern organization accounts only.
    ``covers``: whether policies reach this Region (the home Region and the linked ones)."""

    home: str
    configurations: Mapping[str, LivePolicyAssociation]
    linking_mode: str = "NO_REGIONS"
    linked: frozenset[str] = frozenset()
    covers: bool = True

    def in_region(self, region: str) -> CentralView:
        # Security Hub user guide, "Central configuration and cross-Region aggregation": a policy applies in the
        # home Region and the linked Regions only.
        if self.linking_mode == "ALL_REGIONS":
            covered = True
        elif self.linking_mode == "ALL_REGIONS_EXCEPT_SPECIFIED":
            covered = region not in self.linked
        else:
            covered = region == self.home or region in self.linked
        return replace(self, covers=covered)

    def governed(self, account_id: str) -> bool:
        """Whether a configuration policy manages the account here (and so makes it a member itself)."""
        configuration = self.configurations.get(account_id)
        return self.covers and configuration is not None and configuration.configuration != SELF_MANAGED

    def release_problem(self, account_id: str) -> Issue | None:
        """Why the account cannot be disassociated yet (None: it can): Security Hub user guide, "Disassociating
        member accounts", a centrally managed member is disassociated only once it is self-managed."""
        configuration = self.configurations.get(account_id)
        if configuration is None or not self.covers:
            return None
        if configuration.status == "FAILED":
            message = configuration.status_message or "AWS gave no message"
            return Issue(
                account_id,
                f"designating it self-managed FAILED: {message}; fix the cause, then associate it with"
                " SELF_MANAGED_SECURITY_HUB again (or declare it as a member)",
            )
        if configuration.configuration != SELF_MANAGED or configuration.status == "PENDING":
            return Issue(account_id, "being designated self-managed before it is disassociated", retryable=True)
        return None


@dataclass(frozen=True)
class MemberPolicy:
    prune: PrunePolicy = PrunePolicy.NONE
    invite: bool = True
    restore_disassociated: bool = True
    max_prune: int | None = None
    central: CentralView | None = None


def explicit_members(document: MemberListDocument, administrator: str) -> dict[str, MemberAccount]:
    """The accounts the list names one by one. The administrator is never its own member."""
    return {a.account_id: a for a in document.accounts if a.account_id != administrator}


class MemberSelection:
    """The declared member list applied to the organization's accounts, which can arrive a page at a time: the
    explicit accounts, plus the accounts an organization selector chooses. An explicit entry's email wins.

    ``accounts_by_parent``: the accounts under each OU a selector names, nested OUs included.
    """

    def __init__(
        self, document: MemberListDocument, accounts_by_parent: Mapping[str, frozenset[str]], administrator: str
    ) -> None:
        self.explicit = explicit_members(document, administrator)
        self._administrator = administrator
        self._selectors = tuple(
            (
                None
                if s.organizational_units is None
                else frozenset().union(*(accounts_by_parent[p] for p in s.organizational_units)),
                frozenset(s.exclude_accounts).union(*(accounts_by_parent[p] for p in s.exclude_organizational_units)),
            )
            for s in document.selectors
        )

    def among(self, accounts: Iterable[str]) -> dict[str, MemberAccount]:
        """The declared members among these organization accounts."""
        chosen: dict[str, MemberAccount] = {}
        for account_id in accounts:
            if account_id == self._administrator:
                continue
            explicit = self.explicit.get(account_id)
            if explicit is not None:
                chosen[account_id] = explicit
            elif any(
                (under is None or account_id in under) and account_id not in excluded
                for under, excluded in self._selectors
            ):
                chosen[account_id] = MemberAccount(account_id)
        return chosen

    def outside(self, organization: Container[str]) -> dict[str, MemberAccount]:
        """The explicit accounts that are not organization accounts (invited ones)."""
        return {a: m for a, m in self.explicit.items() if a not in organization}

    def resolve(self, organization: Collection[str]) -> dict[str, MemberAccount]:
        """The whole declared member list, given all of the organization's accounts."""
        return self.among(organization) | self.outside(organization)


def plan_members(
    region: str,
    desired: Mapping[str, MemberAccount],
    live: Mapping[str, LiveMember],
    organization: Mapping[str, OrganizationAccount],
    policy: MemberPolicy,
) -> RegionPlan:
    """Members of one Region: enrol what is declared (:func:`plan_enrollment`), then prune what is not, as
    ``policy.prune`` says (:func:`plan_prune`)."""
    return combine_plans(
        [
            plan_enrollment(region, desired, live, organization, policy),
            plan_prune(
                region, desired, live, organization, policy.prune, max_prune=policy.max_prune, central=policy.central
            ),
        ]
    )


def plan_enrollment(
    region: str,
    desired: Mapping[str, MemberAccount],
    live: Mapping[str, LiveMember],
    organization: Mapping[str, OrganizationAccount],
    policy: MemberPolicy,
) -> RegionPlan:
    """The declared accounts ``desired``. Organization accounts are enrolled with CreateMembers (no invitation);
    other accounts are created with their email, then invited. ``organization`` must hold every organization
    account among ``desired``: an account missing from it is taken for an invited one. Under central
    configuration (``policy.central``), an organization account that a policy governs is a member through the policy: not created."""
    create: list[dict[str, str]] = []
    invite: list[str] = []
    pending: list[Issue] = []
    skipped: list[Issue] = []
    in_sync = 0
    for account_id, declared in sorted(desired.items()):
        in_organization = account_id in organization
        member = live.get(account_id)
        status = member.status if member else None
        if in_organization and not organization[account_id].active:
            skipped.append(Issue(account_id, "account is suspended in the organization"))
        elif status is MemberStatus.ACCOUNT_SUSPENDED:
            skipped.append(Issue(account_id, "member status AccountSuspended"))
        elif status is not None and status.is_active:
            in_sync += 1
        elif in_organization and policy.central is not None and policy.central.governed(account_id):
            # Security Hub user guide, "Managing accounts with AWS Organizations": its policy decides whether it
            # uses Security Hub, and it becomes a member when it does.
            skipped.append(Issue(account_id, "centrally managed: a configuration policy decides its membership"))
        elif status is MemberStatus.INVITED:
            pending.append(Issue(account_id, "invitation awaiting acceptance"))
        elif (
            status is MemberStatus.DELETED or (status and status.is_disassociated)
        ) and not policy.restore_disassociated:
            skipped.append(Issue(account_id, f"member status {status.value}; restore_disassociated is off"))
        elif in_organization:
            create.append(_account_details(account_id, None))
        else:
            if status is None or status is MemberStatus.DELETED:
                create.append(_account_details(account_id, declared.email))
            if policy.invite:
                invite.append(account_id)
                pending.append(Issue(account_id, "invitation awaiting acceptance"))
            elif status is not MemberStatus.CREATED and status is not None:
                skipped.append(Issue(account_id, f"member status {status.value}; inviting is off"))
    actions = [
        Action("CreateMembers", batch_key="AccountDetails", items=tuple(create)),
        Action("InviteMembers", batch_key="AccountIds", items=tuple(invite)),
    ]
    return RegionPlan(
        region,
        actions=tuple(a for a in actions if a.items),
        pending=tuple(pending),
        skipped=tuple(skipped),
        in_sync=in_sync,
    )


def plan_prune(
    region: str,
    declared: Collection[str],
    live: Mapping[str, LiveMember],
    organization: Mapping[str, OrganizationAccount],
    prune: PrunePolicy,
    *,
    max_prune: int | None = None,
    central: CentralView | None = None,
) -> RegionPlan:
    """The members that ``declared`` (the whole declared list) does not name: left alone, disassociated, or also
    deleted when invited, as ``prune`` says. Only membership of ``organization`` tells an invited account apart, and
    only DELETE_INVITED needs it. Under ``central`` configuration, invited and organization accounts are
    disassociated in separate batches, the organization's once they are self-managed.

    More members than :func:`prune_limit` allows makes the plan blocked, with no action: nothing is removed in the
    Region, and the failure names the count, the first accounts and the prop to raise."""
    disassociate = prune_candidates(declared, live, prune)
    delete = [
        a
        for a in disassociate_or_delete(declared, live, prune)
        if prune is PrunePolicy.DELETE_INVITED and a not in organization and live[a].status is not MemberStatus.DELETED
    ]
    removed = sorted({*disassociate, *delete})
    limit = prune_limit(max_prune, len(declared))
    if len(removed) > limit:
        return RegionPlan(region, blocked=(_over_prune_limit(removed, limit, max_prune, len(declared), prune),))
    plan = plan_disassociation(region, disassociate, central)
    if not delete:
        return plan
    # DeleteMembers takes invited accounts only; deleting an associated one is done after disassociating it.
    return replace(plan, actions=(*plan.actions, Action("DeleteMembers", batch_key="AccountIds", items=tuple(delete))))


def prune_candidates(declared: Container[str], live: Mapping[str, LiveMember], prune: PrunePolicy) -> list[str]:
    """The associated members that ``prune`` disassociates because ``declared`` does not name them."""
    return [a for a in disassociate_or_delete(declared, live, prune) if _associated(live[a].status)]


def disassociate_or_delete(declared: Container[str], live: Mapping[str, LiveMember], prune: PrunePolicy) -> list[str]:
    if prune is PrunePolicy.NONE:
        return []
    return sorted(a for a in live if a not in declared)


def plan_disassociation(region: str, accounts: Iterable[str], central: CentralView | None) -> RegionPlan:
    """DisassociateMembers for ``accounts``. Under ``central`` configuration the organization's accounts (those
    with a configuration) go in batches of their own, each once it is self-managed (:func:`plan_self_management`
    designates it)."""
    chosen = sorted(accounts)
    if central is None:
        if not chosen:
            return RegionPlan(region)
        return RegionPlan(region, (Action("DisassociateMembers", batch_key="AccountIds", items=tuple(chosen)),))
    invited = [a for a in chosen if a not in central.configurations]
    ready: list[str] = []
    pending: list[Issue] = []
    blocked: list[Issue] = []
    for account_id in (a for a in chosen if a in central.configurations):
        problem = central.release_problem(account_id)
        if problem is None:
            ready.append(account_id)
        else:
            (pending if problem.retryable else blocked).append(problem)
    actions = [
        Action("DisassociateMembers", batch_key="AccountIds", items=tuple(items), group=group)
        for group, items in (("invited", invited), ("organization", ready))
        if items
    ]
    return RegionPlan(region, tuple(actions), pending=tuple(pending), blocked=tuple(blocked))


def plan_self_management(central: CentralView, releasing: Iterable[str]) -> RegionPlan:
    """In the home Region: designate self-managed each account being released that a policy still governs, one
    target per call (the API takes one); the disassociation waits until a later read sees it SUCCESS."""
    # A FAILED designation is not started again on its own: the pass fails with AWS's message instead.
    chosen = sorted({a for a in releasing if central.governed(a) and central.configurations[a].status != "FAILED"})
    actions = tuple(
        Action(
            "StartConfigurationPolicyAssociation",
            {"ConfigurationPolicyIdentifier": SELF_MANAGED, "Target": {"AccountId": account_id}},
        )
        for account_id in chosen
    )
    pending = tuple(Issue(a, "designation as self-managed started", retryable=True) for a in chosen)
    return RegionPlan(central.home, actions, pending=pending)


def _over_prune_limit(
    removed: Sequence[str], limit: int, max_prune: int | None, declared: int, prune: PrunePolicy
) -> Issue:
    shown = ", ".join(removed[:PRUNE_ACCOUNTS_SHOWN]) + (", …" if len(removed) > PRUNE_ACCOUNTS_SHOWN else "")
    origin = (
        "max_prune"
        if max_prune is not None
        else f"the default, the larger of 10% of the {declared} declared members and {DEFAULT_MAX_PRUNE_ACCOUNTS}"
    )
    return Issue(
        "prune",
        f"prune {prune.value} would remove {len(removed)} members ({shown}), more than the limit of {limit}"
        f" ({origin}); nothing was disassociated or deleted. Check the member list; if the removal is intended,"
        f" set max_prune to {len(removed)} or more",
    )


def needs_organization(member: LiveMember, declared: Container[str], prune: PrunePolicy) -> bool:
    """Whether planning this live member of an explicit list needs the organization's accounts: a declared member
    that is not active is enrolled one way or the other depending on them, and DELETE_INVITED deletes only
    undeclared members outside the organization."""
    if member.account_id in declared:
        return not member.status.is_active
    return prune is PrunePolicy.DELETE_INVITED and member.status is not MemberStatus.DELETED


class StreamedMembers:
    """One Region's members planned while the organization's accounts are still being read.

    Each arrival of organization accounts is planned at once and handed over in whole batches of
    :data:`BATCH_SIZE`; the rest is carried into the next arrival. Enrollment so keeps pace with the read and
    costs no more calls than one plan made at the end would. Invited accounts (known only once every organization
    account has arrived) and pruning (which needs the whole declared list) come in the last plan.
    """

    def __init__(self, region: str, live: Mapping[str, LiveMember], policy: MemberPolicy) -> None:
        self._region = region
        self._live = live
        self._policy = policy
        self._planned: set[str] = set()
        self._carried = RegionPlan(region)

    def arrived(self, declared: Mapping[str, MemberAccount], accounts: Mapping[str, OrganizationAccount]) -> RegionPlan:
        """The plan to run now, given newly arrived organization ``accounts`` and the declared members among them."""
        self._planned.update(declared)
        planned = plan_enrollment(self._region, declared, self._live, accounts, self._policy)
        ready, self._carried = whole_batches(combine_plans([self._carried, planned]))
        return ready

    def finish(
        self, declared: Mapping[str, MemberAccount], organization: Mapping[str, OrganizationAccount]
    ) -> RegionPlan:
        """The last plan, once all of the organization's accounts have arrived: ``declared`` is the whole list."""
        remaining = {a: m for a, m in declared.items() if a not in self._planned}
        return combine_plans(
            [
                self._carried,
                plan_enrollment(self._region, remaining, self._live, organization, self._policy),
                plan_prune(
                    self._region,
                    declared,
                    self._live,
                    organization,
                    self._policy.prune,
                    max_prune=self._policy.max_prune,
                    central=self._policy.central,
                ),
            ]
        )


def plan_member_release(
    region: str,
    declared: Iterable[str],
    live: Mapping[str, LiveMember],
    central: CentralView | None = None,
) -> RegionPlan:
    """On DESTROY: disassociate the declared members that are associated. Nothing is deleted."""
    return plan_disassociation(region, release_candidates(declared, live), central)


def release_candidates(declared: Iterable[str], live: Mapping[str, LiveMember]) -> list[str]:
    """The declared members that DESTROY disassociates: those associated."""
    return sorted(a for a in declared if a in live and _associated(live[a].status))


def _associated(status: MemberStatus) -> bool:
    return status.is_active or status is MemberStatus.INVITED


def _account_details(account_id: str, email: str | None) -> dict[str, str]:
    return {"AccountId": account_id, **({"Email": email} if email else {})}
