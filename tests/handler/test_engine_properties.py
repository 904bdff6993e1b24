"""Properties of the whole engine against the emulator: whatever the prior state and the drift, converging on a
declaration and then running again writes nothing, and undeclared members are touched only by a prune policy."""

from __future__ import annotations

from cdk_securityhub_org.handler.kinds.delegated_admin import kind as delegated_admin
from cdk_securityhub_org.handler.kinds.members import kind as members
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reconciler_harness import MANAGEMENT, Deployment

REGION = "us-east-1"
STANDALONE = ["900000000001", "900000000002", "900000000003"]
EMAILS = {a: f"owner-{a}@example.com" for a in STANDALONE}


def member_list(accounts):
    return {"Accounts": [{"AccountId": a, **({"Email": EMAILS[a]} if a in EMAILS else {})} for a in sorted(accounts)]}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_converged_state_needs_no_writes_and_prune_is_the_only_remover(make_org, monkeypatch, data):
    org = make_org(member_count=8)
    for account in STANDALONE:
        org.world.add_standalone_account(account, email=EMAILS[account])
    Deployment(delegated_admin, MANAGEMENT, monkeypatch).run(
        "Create", {"Regions": [REGION], "AdminAccountId": org.admin, "ExpectedAccount": MANAGEMENT}
    )
    candidates = org.accounts[1:] + STANDALONE
    before = data.draw(st.sets(st.sampled_from(candidates), max_size=8), label="previously declared")
    drifted = data.draw(
        st.sets(st.sampled_from(sorted(before)), max_size=4) if before else st.just(set()), label="drift"
    )
    wanted = data.draw(st.sets(st.sampled_from(candidates), max_size=8), label="declared")
    prune = data.draw(st.sampled_from(["NONE", "DISASSOCIATE", "DELETE_INVITED"]), label="prune")
    restore = data.draw(st.booleans(), label="restore_disassociated")

    resource = Deployment(members, org.admin, monkeypatch)
    properties = {"Regions": [REGION], "ExpectedAccount": org.admin}
    resource.run("Create", {**properties, "MemberList": member_list(before)})
    if drifted:
        org.securityhub(org.admin, REGION).disassociate_members(AccountIds=sorted(drifted))
    live_before = org.members(REGION)

    declared = {**properties, "MemberList": member_list(wanted), "Prune": prune, "RestoreDisassociated": str(restore)}
    resource.run("Update", declared)
    live_after = org.members(REGION)
    org.emulator.reset_calls()
    resource.run("Update", declared)

    assert org.writes() == [], [(c.operation, c.region) for c in org.writes()]
    for account in set(live_before) - set(wanted):
        if prune == "NONE":
            assert live_after.get(account) == live_before[account]
        else:
            assert live_after.get(account) in (None, "Removed", "Resigned", "Created", "Deleted")
    for account in wanted:
        expected = {"Enabled"} if account in org.accounts else {"Invited"}
        if not restore and live_before.get(account) == "Removed":
            expected = {"Removed"}
        assert live_after.get(account) in expected, (account, live_before.get(account), live_after.get(account))
