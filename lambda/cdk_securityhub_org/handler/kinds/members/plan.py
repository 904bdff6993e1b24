"""Planners of the member list, in the administrator account: pure functions from desired and live state to actions."""

from __future__ import annotations

from collections.abc import Collection, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass

from ...engine.live import (
    LiveMember,
    MemberStatus,
    OrganizationAccount,
)
from ...engine.plan import Action, RegionPlan, combine_plans, whole_batches
from ...engine.result import Issue
from .spec import DEFAULT_MAX_PRUNE_ACCOUNTS, MemberAccount, MemberListDocument, PrunePolicy, prune_limit

# How many of the accounts a refused prune would remove the failure names (the reason must stay small).
PRUNE_ACCOUNTS_SHOWN = 5


@dataclass(frozen=True)
class MemberPolicy:
    prune: PrunePolicy = PrunePolicy.NONE
    invite: bool = True
    restore_disassociated: bool = True
    max_prune: int | None = None


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
            plan_prune(region, desired, live, organization, policy.prune, max_prune=policy.max_prune),
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
    account among ``desired``: an account missing from it is taken for an invited one."""
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
) -> RegionPlan:
    """The members that ``declared`` (the whole declared list) does not name: left alone, disassociated, or also
    deleted when invited, as ``prune`` says. Only membership of ``organization`` tells an invited account apart, and
    only DELETE_INVITED needs it.

    More members than :func:`prune_limit` allows makes the plan blocked, with no action: nothing is removed in the
    Region, and the failure names the count, the first accounts and the prop to raise."""
    if prune is PrunePolicy.NONE:
        return RegionPlan(region)
    disassociate, delete = [], []
    for account_id, member in sorted(live.items()):
        if account_id in declared:
            continue
        if _associated(member.status):
            disassociate.append(account_id)
        # DeleteMembers takes invited accounts only; deleting an associated one is done after disassociating it.
        invited = account_id not in organization
        if prune is PrunePolicy.DELETE_INVITED and invited and member.status is not MemberStatus.DELETED:
            delete.append(account_id)
    removed = sorted({*disassociate, *delete})
    limit = prune_limit(max_prune, len(declared))
    if len(removed) > limit:
        return RegionPlan(region, blocked=(_over_prune_limit(removed, limit, max_prune, len(declared), prune),))
    actions = [
        Action("DisassociateMembers", batch_key="AccountIds", items=tuple(disassociate)),
        Action("DeleteMembers", batch_key="AccountIds", items=tuple(delete)),
    ]
    return RegionPlan(region, actions=tuple(a for a in actions if a.items))


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
                ),
            ]
        )


def plan_member_release(region: str, declared: Iterable[str], live: Mapping[str, LiveMember]) -> RegionPlan:
    """On DESTROY: disassociate the declared members that are associated. Nothing is deleted."""
    chosen = sorted(a for a in declared if a in live and _associated(live[a].status))
    if not chosen:
        return RegionPlan(region)
    return RegionPlan(region, (Action("DisassociateMembers", batch_key="AccountIds", items=tuple(chosen)),))


def _associated(status: MemberStatus) -> bool:
    return status.is_active or status is MemberStatus.INVITED


def _account_details(account_id: str, email: str | None) -> dict[str, str]:
    return {"AccountId": account_id, **({"Email": email} if email else {})}
