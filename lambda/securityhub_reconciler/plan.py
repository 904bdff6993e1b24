"""Planning: pure functions from desired and live state to ordered actions. No AWS calls, no clocks.

Each planner returns a :class:`RegionPlan`. ``apply`` executes the actions in order; what cannot be done now goes
into ``pending`` (waiting on someone else: an invitation, an asynchronous status) or ``skipped`` (deliberately left
alone: a suspended account) or ``blocked`` (cannot be done as declared: the message says what to change).
"""

from __future__ import annotations

from collections.abc import Collection, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .desired import (
    ConfigurationType,
    MemberAccount,
    MemberListDocument,
    OrganizationConfigurationSpec,
    PrunePolicy,
    RegionLinkingMode,
)
from .live import (
    AdminDesignation,
    LiveAggregator,
    LiveMember,
    LiveOrganizationConfiguration,
    MemberAccountView,
    MemberStatus,
    OrganizationAccount,
)
from .result import Issue

BATCH_SIZE = 50  # CreateMembers takes at most 50 accounts; the other batch operations are batched alike


@dataclass(frozen=True)
class Action:
    """One API operation. Batch operations carry ``items`` under ``batch_key``; apply splits them into 50s."""

    operation: str
    parameters: Mapping[str, Any] = field(default_factory=dict)
    batch_key: str | None = None
    items: tuple[Any, ...] = ()

    def accounts(self) -> list[str]:
        return [item["AccountId"] if isinstance(item, Mapping) else item for item in self.items]

    def __str__(self) -> str:
        if self.batch_key:
            return f"{self.operation} x{len(self.items)}"
        shown = {k: v for k, v in self.parameters.items() if k not in ("AccountDetails",)}
        return f"{self.operation}({', '.join(f'{k}={v}' for k, v in sorted(shown.items()))})"


@dataclass(frozen=True)
class RegionPlan:
    region: str
    actions: tuple[Action, ...] = ()
    pending: tuple[Issue, ...] = ()
    skipped: tuple[Issue, ...] = ()
    blocked: tuple[Issue, ...] = ()
    in_sync: int = 0

    @property
    def is_empty(self) -> bool:
        return not self.actions


def combine_plans(plans: Sequence[RegionPlan]) -> RegionPlan:
    """One plan that does what ``plans`` (of one Region) do in turn, each batch operation's items in one action,
    at the place where the operation first comes."""
    actions: list[Action] = []
    for action in (a for plan in plans for a in plan.actions):
        same = next((i for i, a in enumerate(actions) if action.batch_key and a.operation == action.operation), None)
        if same is None:
            actions.append(action)
        else:
            actions[same] = replace(actions[same], items=actions[same].items + action.items)
    return RegionPlan(
        plans[0].region,
        actions=tuple(actions),
        pending=tuple(i for plan in plans for i in plan.pending),
        skipped=tuple(i for plan in plans for i in plan.skipped),
        blocked=tuple(i for plan in plans for i in plan.blocked),
        in_sync=sum(plan.in_sync for plan in plans),
    )


def whole_batches(plan: RegionPlan) -> tuple[RegionPlan, RegionPlan]:
    """Split ``plan`` into what can run now in whole batches (with the plan's notes) and the rest, which waits
    for more items. Once an action leaves items behind, every later action waits whole, so that nothing runs
    before what the plan puts ahead of it (an invitation before its account's creation)."""
    ready: list[Action] = []
    rest: list[Action] = []
    for action in plan.actions:
        whole = len(action.items) // BATCH_SIZE * BATCH_SIZE if action.batch_key and not rest else 0
        if whole:
            ready.append(replace(action, items=action.items[:whole]))
        if whole < len(action.items) or not action.batch_key:
            rest.append(replace(action, items=action.items[whole:]))
    return replace(plan, actions=tuple(ready)), RegionPlan(plan.region, actions=tuple(rest))


# ------------------------------------------------------------------------------------------ delegated administrator


def plan_designation(region: str, admin: str, live: Sequence[AdminDesignation], allow_replace: bool) -> RegionPlan:
    """Designate ``admin`` in one Region. A different administrator is removed first only when allowed; AWS
    requires the same administrator in every Region, so removals happen in every Region before any designation
    (see :func:`designation_phases`)."""
    if any(d.account_id == admin and d.status == "ENABLED" for d in live):
        return RegionPlan(region, in_sync=1)
    others = [d for d in live if d.account_id != admin]
    if any(d.account_id == admin for d in live):  # DISABLE_IN_PROGRESS: wait for it to finish, then designate
        return RegionPlan(region, pending=(Issue(admin, "administrator removal in progress", retryable=True),))
    if others and not allow_replace:
        current = others[0].account_id
        return RegionPlan(
            region,
            blocked=(
                Issue(
                    current,
                    f"{current} is already the delegated administrator; declare allow_replace=True to replace it"
                    f" with {admin}, or remove it first",
                ),
            ),
        )
    removals = tuple(
        Action("DisableOrganizationAdminAccount", {"AdminAccountId": d.account_id})
        for d in others
        if d.status == "ENABLED"
    )
    if any(d.status != "ENABLED" for d in others):
        pending = (Issue(others[0].account_id, "removal of the previous administrator in progress", retryable=True),)
        return RegionPlan(region, actions=removals, pending=pending)
    return RegionPlan(region, actions=(*removals, Action("EnableOrganizationAdminAccount", {"AdminAccountId": admin})))


def designation_phases(plans: Sequence[RegionPlan]) -> tuple[list[RegionPlan], list[RegionPlan]]:
    """Split per-Region plans into removals (run everywhere first) and designations (run after)."""
    removals, designations = [], []
    for plan in plans:
        removing = tuple(a for a in plan.actions if a.operation == "DisableOrganizationAdminAccount")
        designating = tuple(a for a in plan.actions if a.operation != "DisableOrganizationAdminAccount")
        removals.append(RegionPlan(plan.region, removing))
        designations.append(
            RegionPlan(plan.region, designating, plan.pending, plan.skipped, plan.blocked, plan.in_sync)
        )
    return removals, designations


def plan_management_hub(region: str, wanted: bool, enabled: bool) -> RegionPlan:
    """Security Hub in the management account itself, which CreateMembers cannot enable (seed 004)."""
    if not wanted or enabled:
        return RegionPlan(region)
    return RegionPlan(region, (Action("EnableSecurityHub", {"EnableDefaultStandards": True}),))


def plan_removal(region: str, admin: str, live: Sequence[AdminDesignation]) -> RegionPlan:
    """Remove ``admin`` in this Region only, and only if it is the one designated there."""
    if any(d.account_id == admin and d.status == "ENABLED" for d in live):
        return RegionPlan(region, (Action("DisableOrganizationAdminAccount", {"AdminAccountId": admin}),))
    return RegionPlan(region, in_sync=1)


# ---------------------------------------------------------------------------------------- organization configuration


def effective_linking(spec: OrganizationConfigurationSpec) -> tuple[str, tuple[str, ...]]:
    """The aggregator's linking mode and Regions. By default the other declared Regions are linked."""
    if spec.region_linking_mode is not None:
        return spec.region_linking_mode.value, tuple(sorted(spec.linked_regions))
    linked = spec.linked_regions or tuple(r for r in spec.scope.regions if r != spec.home_region)
    if not linked:
        return RegionLinkingMode.NO_REGIONS.value, ()
    return RegionLinkingMode.SPECIFIED_REGIONS.value, tuple(sorted(linked))


def plan_aggregator(spec: OrganizationConfigurationSpec, live: LiveAggregator | None) -> RegionPlan:
    home = spec.home_region
    assert home, "plan_aggregator needs a home Region"
    mode, regions = effective_linking(spec)
    linking: dict[str, Any] = {"RegionLinkingMode": mode, **({"Regions": list(regions)} if regions else {})}
    if live is None:
        return RegionPlan(home, (Action("CreateFindingAggregator", linking),))
    if live.home_region != home:
        reason = (
            f"the finding aggregator lives in {live.home_region}, not the declared home Region {home}; declare"
            f" home_region={live.home_region!r}, or delete that aggregator first (one per account)"
        )
        return RegionPlan(home, blocked=(Issue(live.arn, reason),))
    if live.linking_mode == mode and tuple(sorted(live.regions)) == regions:
        return RegionPlan(home, in_sync=1)
    return RegionPlan(home, (Action("UpdateFindingAggregator", {"FindingAggregatorArn": live.arn, **linking}),))


def plan_removal_of_aggregator(home: str, live: LiveAggregator | None) -> RegionPlan:
    if live is None or live.home_region != home:
        return RegionPlan(home, in_sync=1)
    return RegionPlan(home, (Action("DeleteFindingAggregator", {"FindingAggregatorArn": live.arn}),))


def plan_settings(
    region: str,
    auto_enable: bool,
    auto_enable_standards: str,
    configuration_type: str,
    live: LiveOrganizationConfiguration,
) -> RegionPlan:
    """One Region's organization configuration. CENTRAL is asynchronous: PENDING is waited for, FAILED reported."""
    if live.status == "PENDING":
        return RegionPlan(region, pending=(Issue("configuration", "status PENDING", retryable=True),))
    wanted = (auto_enable, auto_enable_standards, configuration_type)
    current = (live.auto_enable, live.auto_enable_standards, live.configuration_type)
    if live.status == "FAILED" and current == wanted:
        reason = f"{configuration_type} configuration FAILED: {live.status_message or 'no message'}"
        return RegionPlan(region, blocked=(Issue("configuration", reason),))
    if current == wanted:
        return RegionPlan(region, in_sync=1)
    parameters = {
        "AutoEnable": auto_enable,
        "AutoEnableStandards": auto_enable_standards,
        "OrganizationConfiguration": {"ConfigurationType": configuration_type},
    }
    update = (Action("UpdateOrganizationConfiguration", parameters),)
    if configuration_type == ConfigurationType.CENTRAL.value:
        # CENTRAL goes PENDING, then ENABLED or FAILED: a later pass observes which.
        return RegionPlan(region, update, pending=(Issue("configuration", "CENTRAL requested", retryable=True),))
    return RegionPlan(region, update)


def desired_settings(spec: OrganizationConfigurationSpec) -> tuple[bool, str, str]:
    if spec.configuration_type is ConfigurationType.CENTRAL:
        return False, "NONE", ConfigurationType.CENTRAL.value
    return spec.auto_enable, spec.auto_enable_standards.value, ConfigurationType.LOCAL.value


# Removing the declaration leaves the Region as a fresh administrator finds it: LOCAL, nothing automatic.
RELEASED_SETTINGS = (False, "NONE", ConfigurationType.LOCAL.value)


# -------------------------------------------------------------------------------------------------------- members


@dataclass(frozen=True)
class MemberPolicy:
    prune: PrunePolicy = PrunePolicy.NONE
    invite: bool = True
    restore_disassociated: bool = True


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
            plan_prune(region, desired, live, organization, policy.prune),
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
    declared: Container[str],
    live: Mapping[str, LiveMember],
    organization: Mapping[str, OrganizationAccount],
    prune: PrunePolicy,
) -> RegionPlan:
    """The members that ``declared`` (the whole declared list) does not name: left alone, disassociated, or also
    deleted when invited, as ``prune`` says. Only membership of ``organization`` tells an invited account apart, and
    only DELETE_INVITED needs it."""
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
    actions = [
        Action("DisassociateMembers", batch_key="AccountIds", items=tuple(disassociate)),
        Action("DeleteMembers", batch_key="AccountIds", items=tuple(delete)),
    ]
    return RegionPlan(region, actions=tuple(a for a in actions if a.items))


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
                plan_prune(self._region, declared, self._live, organization, self._policy.prune),
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


# ---------------------------------------------------------------------------------------------- invitation acceptance


def plan_acceptance(region: str, administrator: str, view: MemberAccountView) -> RegionPlan:
    """Accept only the declared administrator's invitation, enabling Security Hub first where needed."""
    current = view.administrator
    if current and current.account_id == administrator and current.status in ("Enabled", "Associated"):
        return RegionPlan(region, in_sync=1)
    if current and current.account_id != administrator and current.status in ("Enabled", "Associated"):
        reason = f"already a member of administrator {current.account_id}; disassociate from it first"
        return RegionPlan(region, blocked=(Issue(administrator, reason),))
    invitation = next((i for i in view.invitations if i.sender == administrator), None)
    if invitation is None:
        return RegionPlan(region, pending=(Issue(administrator, "no invitation from the administrator yet"),))
    accept = Action(
        "AcceptAdministratorInvitation",
        {"AdministratorId": administrator, "InvitationId": invitation.invitation_id},
    )
    enable = () if view.hub_enabled else (Action("EnableSecurityHub", {"EnableDefaultStandards": True}),)
    return RegionPlan(region, (*enable, accept))


def plan_resignation(region: str, administrator: str, view: MemberAccountView) -> RegionPlan:
    current = view.administrator
    if current and current.account_id == administrator and current.status in ("Enabled", "Associated"):
        return RegionPlan(region, (Action("DisassociateFromAdministratorAccount"),))
    return RegionPlan(region, in_sync=1)
