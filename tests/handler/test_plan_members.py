"""Pure planning of member lists: examples for each documented rule, then properties over random states."""

from __future__ import annotations

from collections import Counter

from cdk_securityhub_org.handler.engine.live import LiveMember, MemberStatus, OrganizationAccount
from cdk_securityhub_org.handler.engine.plan import BATCH_SIZE, combine_plans, whole_batches
from cdk_securityhub_org.handler.kinds.members.plan import (
    MemberPolicy,
    MemberSelection,
    StreamedMembers,
    needs_organization,
    plan_members,
)
from cdk_securityhub_org.handler.kinds.members.spec import (
    MemberAccount,
    MemberListDocument,
    OrganizationSelector,
    PrunePolicy,
)
from hypothesis import given, settings
from hypothesis import strategies as st

ORG_A, ORG_B, ORG_SUSPENDED = "111111111111", "222222222222", "333333333333"
GUEST = "444444444444"
ORGANIZATION = {
    ORG_A: OrganizationAccount(ORG_A, True),
    ORG_B: OrganizationAccount(ORG_B, True),
    ORG_SUSPENDED: OrganizationAccount(ORG_SUSPENDED, False),
}


def ops(plan):
    return {a.operation: a.accounts() for a in plan.actions}


def desired(*accounts, email=None):
    return {a: MemberAccount(a, email if a == GUEST else None) for a in accounts}


def test_fresh_organization_accounts_are_enrolled_with_create_members_only():
    plan = plan_members("us-east-1", desired(ORG_A, ORG_B), {}, ORGANIZATION, MemberPolicy())
    assert ops(plan) == {"CreateMembers": [ORG_A, ORG_B]}
    assert plan.actions[0].items == ({"AccountId": ORG_A}, {"AccountId": ORG_B})


def test_non_organization_account_is_created_with_its_email_then_invited():
    plan = plan_members("us-east-1", desired(GUEST, email="sec@example.com"), {}, ORGANIZATION, MemberPolicy())
    assert ops(plan) == {"CreateMembers": [GUEST], "InviteMembers": [GUEST]}
    assert plan.actions[0].items == ({"AccountId": GUEST, "Email": "sec@example.com"},)
    assert [i.subject for i in plan.pending] == [GUEST]


def test_inviting_can_be_turned_off():
    plan = plan_members("us-east-1", desired(GUEST), {}, ORGANIZATION, MemberPolicy(invite=False))
    assert ops(plan) == {"CreateMembers": [GUEST]}
    assert not plan.pending


def test_converged_members_need_nothing():
    live = {a: LiveMember(a, MemberStatus.ENABLED) for a in (ORG_A, GUEST)}
    live[ORG_B] = LiveMember(ORG_B, MemberStatus.ASSOCIATED)
    plan = plan_members("us-east-1", desired(ORG_A, ORG_B, GUEST), live, ORGANIZATION, MemberPolicy())
    assert plan.is_empty and plan.in_sync == 3


def test_disassociated_members_are_brought_back_as_declared():
    live = {
        ORG_A: LiveMember(ORG_A, MemberStatus.REMOVED),
        ORG_B: LiveMember(ORG_B, MemberStatus.DELETED),
        GUEST: LiveMember(GUEST, MemberStatus.RESIGNED),
    }
    plan = plan_members("us-east-1", desired(ORG_A, ORG_B, GUEST), live, ORGANIZATION, MemberPolicy())
    assert ops(plan) == {"CreateMembers": [ORG_A, ORG_B], "InviteMembers": [GUEST]}


def test_disassociated_members_stay_out_when_restoring_is_off():
    live = {ORG_A: LiveMember(ORG_A, MemberStatus.REMOVED), GUEST: LiveMember(GUEST, MemberStatus.RESIGNED)}
    plan = plan_members(
        "us-east-1", desired(ORG_A, GUEST), live, ORGANIZATION, MemberPolicy(restore_disassociated=False)
    )
    assert plan.is_empty
    assert sorted(i.subject for i in plan.skipped) == [ORG_A, GUEST]


def test_invited_member_is_pending_not_reinvited():
    live = {GUEST: LiveMember(GUEST, MemberStatus.INVITED)}
    plan = plan_members("us-east-1", desired(GUEST), live, ORGANIZATION, MemberPolicy())
    assert plan.is_empty and [i.reason for i in plan.pending] == ["invitation awaiting acceptance"]


def test_suspended_accounts_are_skipped_and_reported():
    live = {ORG_B: LiveMember(ORG_B, MemberStatus.ACCOUNT_SUSPENDED)}
    plan = plan_members("us-east-1", desired(ORG_SUSPENDED, ORG_B), live, ORGANIZATION, MemberPolicy())
    assert plan.is_empty
    assert sorted(i.subject for i in plan.skipped) == [ORG_B, ORG_SUSPENDED]


def test_undeclared_members_are_left_alone_without_a_prune_policy():
    live = {a: LiveMember(a, MemberStatus.ENABLED) for a in (ORG_A, GUEST)}
    assert plan_members("us-east-1", {}, live, ORGANIZATION, MemberPolicy()).is_empty


def test_prune_disassociates_but_never_deletes_organization_accounts():
    live = {ORG_A: LiveMember(ORG_A, MemberStatus.ENABLED), GUEST: LiveMember(GUEST, MemberStatus.ENABLED)}
    disassociate = plan_members("us-east-1", {}, live, ORGANIZATION, MemberPolicy(prune=PrunePolicy.DISASSOCIATE))
    assert ops(disassociate) == {"DisassociateMembers": [ORG_A, GUEST]}
    delete = plan_members("us-east-1", {}, live, ORGANIZATION, MemberPolicy(prune=PrunePolicy.DELETE_INVITED))
    assert ops(delete) == {"DisassociateMembers": [ORG_A, GUEST], "DeleteMembers": [GUEST]}


def test_resolution_unions_selectors_and_explicit_accounts_and_drops_the_administrator():
    organization = ORGANIZATION | {"555555555555": OrganizationAccount("555555555555", True)}
    document = MemberListDocument(
        accounts=(MemberAccount(GUEST, "sec@example.com"), MemberAccount(ORG_B, "b@example.com")),
        selectors=(
            OrganizationSelector(("ou-ab12-34567890",), exclude_organizational_units=("ou-ab12-excluded",)),
            OrganizationSelector(None, exclude_accounts=(ORG_A, ORG_B)),
        ),
    )
    selection = MemberSelection(
        document,
        {"ou-ab12-34567890": frozenset({ORG_A, ORG_B}), "ou-ab12-excluded": frozenset({ORG_B})},
        administrator="555555555555",
    )
    resolved = selection.resolve(organization)
    assert sorted(resolved) == [ORG_A, ORG_B, ORG_SUSPENDED, GUEST]
    assert resolved[GUEST].email == "sec@example.com"
    assert resolved[ORG_B].email == "b@example.com"  # the explicit entry wins over the selector
    # Page by page: each page's declared members, and the invited accounts once the organization is known.
    assert sorted(selection.among([ORG_A, "555555555555"])) == [ORG_A]
    assert sorted(selection.outside(organization)) == [GUEST]


def test_an_explicit_list_needs_the_organization_only_for_members_to_change():
    declared = {ORG_A}
    assert not needs_organization(LiveMember(ORG_A, MemberStatus.ENABLED), declared, PrunePolicy.DELETE_INVITED)
    assert needs_organization(LiveMember(ORG_A, MemberStatus.REMOVED), declared, PrunePolicy.NONE)
    # Disassociating an undeclared member is the same for organization and invited accounts; deleting is not.
    assert not needs_organization(LiveMember(GUEST, MemberStatus.ENABLED), declared, PrunePolicy.DISASSOCIATE)
    assert needs_organization(LiveMember(GUEST, MemberStatus.ENABLED), declared, PrunePolicy.DELETE_INVITED)
    assert not needs_organization(LiveMember(GUEST, MemberStatus.DELETED), declared, PrunePolicy.DELETE_INVITED)


def test_plans_combine_each_batch_operation_into_one_action_in_first_place():
    first = plan_members("us-east-1", desired(ORG_A), {}, ORGANIZATION, MemberPolicy())
    second = plan_members("us-east-1", desired(GUEST, ORG_B), {}, ORGANIZATION, MemberPolicy())
    combined = combine_plans([first, second])
    assert ops(combined) == {"CreateMembers": [ORG_A, ORG_B, GUEST], "InviteMembers": [GUEST]}
    assert [a.operation for a in combined.actions] == ["CreateMembers", "InviteMembers"]
    assert [i.subject for i in combined.pending] == [GUEST]


def test_whole_batches_run_now_and_the_rest_waits_with_everything_after_it():
    accounts = [f"{n:012d}" for n in range(1, 2 * BATCH_SIZE + 8)]
    plan = plan_members(
        "us-east-1", {a: MemberAccount(a) for a in accounts}, {}, {}, MemberPolicy()
    )  # none in the organization: each is created, then invited
    ready, rest = whole_batches(plan)
    assert ops(ready) == {"CreateMembers": accounts[: 2 * BATCH_SIZE]}
    assert ops(rest) == {"CreateMembers": accounts[2 * BATCH_SIZE :], "InviteMembers": accounts}
    assert len(ready.pending) == len(accounts) and not rest.pending


# ------------------------------------------------------------------------------------------------------ properties

ACCOUNTS = [f"{n:012d}" for n in range(1, 13)]
statuses = st.sampled_from(list(MemberStatus))
policies = st.builds(
    MemberPolicy, prune=st.sampled_from(list(PrunePolicy)), invite=st.booleans(), restore_disassociated=st.booleans()
)


@st.composite
def states(draw):
    in_org = draw(st.sets(st.sampled_from(ACCOUNTS)))
    suspended = draw(st.sets(st.sampled_from(sorted(in_org)))) if in_org else set()
    organization = {a: OrganizationAccount(a, a not in suspended) for a in in_org}
    wanted = draw(st.sets(st.sampled_from(ACCOUNTS)))
    live = {a: LiveMember(a, draw(statuses)) for a in draw(st.sets(st.sampled_from(ACCOUNTS)))}
    # Organization accounts are never Invited or Created-by-invitation in Security Hub's model.
    live = {
        a: m
        for a, m in live.items()
        if not (a in organization and m.status in (MemberStatus.INVITED, MemberStatus.CREATED))
    }
    return {a: MemberAccount(a) for a in wanted}, live, organization


def apply_reference(live, organization, plan):
    """Security Hub's documented effect of each operation (seed 000 and 004), the oracle for the properties."""
    after = dict(live)
    for action in plan.actions:
        for account in action.accounts():
            if action.operation == "CreateMembers":
                suspended = account in organization and not organization[account].active
                status = MemberStatus.ACCOUNT_SUSPENDED if suspended else None
                status = status or (MemberStatus.ENABLED if account in organization else MemberStatus.CREATED)
                after[account] = LiveMember(account, status)
            elif action.operation == "InviteMembers":
                after[account] = LiveMember(account, MemberStatus.INVITED)
            elif action.operation == "DisassociateMembers":
                after[account] = LiveMember(account, MemberStatus.REMOVED)
            elif action.operation == "DeleteMembers":
                after.pop(account, None)
    return after


@settings(max_examples=300, deadline=None)
@given(states(), policies)
def test_apply_then_plan_again_gives_nothing(state, policy):
    wanted, live, organization = state
    plan = plan_members("us-east-1", wanted, live, organization, policy)
    after = apply_reference(live, organization, plan)
    again = plan_members("us-east-1", wanted, after, organization, policy)
    assert again.is_empty, [str(a) for a in again.actions]


@settings(max_examples=300, deadline=None)
@given(states(), policies)
def test_plans_are_minimal_and_safe(state, policy):
    wanted, live, organization = state
    plan = plan_members("us-east-1", wanted, live, organization, policy)
    by_op = ops(plan)
    for operation, accounts in by_op.items():
        assert len(accounts) == len(set(accounts)), f"{operation} repeats an account"
    touched = {a for accounts in by_op.values() for a in accounts}
    # Declared members already active are never touched.
    assert not {a for a in wanted if a in live and live[a].status.is_active} & touched
    # Undeclared accounts are only pruned, and only when a prune policy says so.
    undeclared_touched = touched - set(wanted)
    assert undeclared_touched <= set(by_op.get("DisassociateMembers", [])) | set(by_op.get("DeleteMembers", []))
    if policy.prune is PrunePolicy.NONE:
        assert not undeclared_touched
    # Organization accounts are never invited or deleted; suspended accounts are never acted on.
    assert not set(organization) & (set(by_op.get("InviteMembers", [])) | set(by_op.get("DeleteMembers", [])))
    assert not {a for a, acct in organization.items() if not acct.active} & set(by_op.get("CreateMembers", []))


@st.composite
def streamed_states(draw):
    """Up to 160 accounts (several batches), the organization read in pages of random size and order."""
    pool = [f"{n:012d}" for n in range(1, 161)]
    in_org = draw(st.sets(st.sampled_from(pool), max_size=160))
    suspended = draw(st.sets(st.sampled_from(sorted(in_org)), max_size=5)) if in_org else set()
    organization = {a: OrganizationAccount(a, a not in suspended) for a in in_org}
    wanted = {a: MemberAccount(a) for a in draw(st.sets(st.sampled_from(pool), max_size=160))}
    live_accounts = draw(st.sets(st.sampled_from(pool), max_size=40))
    live = {a: LiveMember(a, draw(statuses)) for a in sorted(live_accounts)}
    live = {
        a: m
        for a, m in live.items()
        if not (a in organization and m.status in (MemberStatus.INVITED, MemberStatus.CREATED))
    }
    order = draw(st.permutations(sorted(in_org)))
    page = draw(st.integers(min_value=1, max_value=60))
    pages = [order[i : i + page] for i in range(0, len(order), page)]
    return wanted, live, organization, pages


@settings(max_examples=200, deadline=None)
@given(streamed_states(), policies)
def test_planning_page_by_page_does_what_one_plan_does_in_as_few_batches(state, policy):
    wanted, live, organization, pages = state
    streamed = StreamedMembers("us-east-1", live, policy)
    plans = [
        streamed.arrived({a: wanted[a] for a in page if a in wanted}, {a: organization[a] for a in page})
        for page in pages
    ]
    plans.append(streamed.finish(wanted, organization))
    at_once = plan_members("us-east-1", wanted, live, organization, policy)

    def sorted_ops(plan):
        return {operation: sorted(accounts) for operation, accounts in ops(plan).items()}

    together = combine_plans(plans)
    assert sorted_ops(together) == sorted_ops(at_once)
    for notes in ("pending", "skipped"):
        assert sorted(map(str, getattr(together, notes))) == sorted(map(str, getattr(at_once, notes)))
    assert together.in_sync == at_once.in_sync
    # The batches of 50 that apply sends: no more than the single plan would send.
    sent = Counter()
    for plan in plans:
        for action in plan.actions:
            sent[action.operation] += -(-len(action.items) // BATCH_SIZE)
    assert sent == Counter({a.operation: -(-len(a.items) // BATCH_SIZE) for a in at_once.actions})
    # Nothing is invited before it is created.
    to_create = set(ops(at_once).get("CreateMembers", []))
    created_by: dict[str, int] = {}
    for step, plan in enumerate(plans):
        for action in plan.actions:
            for account in action.accounts():
                if action.operation == "CreateMembers":
                    created_by[account] = step
                elif action.operation == "InviteMembers" and account in to_create:
                    assert created_by.get(account, step + 1) <= step
