"""Members under CENTRAL configuration against the emulator, through the handler's real entry points: governed
organization accounts are not created but invited accounts are, a pruned or released governed account is first
designated self-managed, invited and organization accounts never share a DisassociateMembers batch, a FAILED
designation fails the pass by name and its rollback succeeds, and the IAM actions granted equal those called."""

from __future__ import annotations

import pytest
from cdk_securityhub_org.handler.engine.custom_resource import ReconcileFailed
from cdk_securityhub_org.handler.engine.declaration import DeclarationError
from cdk_securityhub_org.handler.kinds.configuration_policies import kind as configuration_policies
from cdk_securityhub_org.handler.kinds.configuration_policies.spec import SELF_MANAGED
from cdk_securityhub_org.handler.kinds.members import kind as members
from cdk_securityhub_org.handler.kinds.members.permissions import actions
from cdk_securityhub_org.handler.kinds.members.spec import parse_members
from cdk_securityhub_org.testing.emulator import FaultConfig
from reconciler_harness import REGIONS
from test_engine_configuration_policies import HOME, PROD, central_org, declaration

GUEST = "999999999999"


def governed_org(make_org, deploy, faults=None):
    """A CENTRAL organization whose root is associated with a policy that enables Security Hub."""
    org = central_org(make_org, deploy, faults)
    org.world.add_standalone_account(GUEST, email="guest@example.com")
    deploy(configuration_policies, org.admin).run("Create", declaration(org, [PROD], {org.world.root_id: "production"}))
    return org


def members_props(org, accounts, **extra):
    listed = [{"AccountId": a} for a in accounts] + [{"AccountId": GUEST, "Email": "guest@example.com"}]
    return {
        "Regions": REGIONS,
        "ExpectedAccount": org.admin,
        "ConfigurationType": "CENTRAL",
        "HomeRegion": HOME,
        "MemberList": {"Accounts": listed},
        **extra,
    }


def test_governed_accounts_are_not_created_and_invited_ones_are(make_org, deploy):
    org = governed_org(make_org, deploy)
    declared = org.accounts[1:3]
    org.emulator.reset_calls()
    deploy(members, org.admin).run("Create", members_props(org, declared))
    # The policy makes the organization accounts members in HOME: only the invited account is created there.
    assert org.calls_of("CreateMembers", HOME) == 1
    assert org.calls_of("InviteMembers", HOME) == 1
    assert all(org.members(HOME)[a] == "Enabled" for a in declared)
    assert org.members(HOME)[GUEST] == "Invited"
    # Every declared Region is linked to the home Region by default: the policy reaches them all.
    assert all(org.calls_of("CreateMembers", r) == 1 for r in REGIONS)
    assert {c.region for c in org.emulator.calls(operation="ListConfigurationPolicyAssociations")} == {HOME}


def test_prune_or_destroy_under_central_is_refused_without_self_manage_to_release(make_org):
    org_props = {"Regions": REGIONS, "ExpectedAccount": "111111111111", "ConfigurationType": "CENTRAL"}
    listed = {"MemberList": {"Accounts": []}, "HomeRegion": HOME}
    with pytest.raises(DeclarationError, match="set self_manage_to_release=True"):
        parse_members({**org_props, **listed, "Prune": "DISASSOCIATE"})
    with pytest.raises(DeclarationError, match="removal_policy=DESTROY"):
        parse_members({**org_props, **listed, "RemovalPolicy": "DESTROY"})


def test_a_pruned_governed_account_is_self_managed_then_disassociated_apart_from_invited_ones(make_org, deploy):
    org = governed_org(make_org, deploy)
    kept, pruned = org.accounts[1], org.accounts[2]
    resource = deploy(members, org.admin)
    resource.run("Create", members_props(org, [kept, pruned]))
    # Under CENTRAL every organization account the policy governs is a member: prune releases all but ``kept``.
    released = sorted(a for a in org.members(HOME) if a not in (kept, GUEST))
    assert pruned in released
    props = {**members_props(org, [kept]), "Prune": "DISASSOCIATE", "SelfManageToRelease": "true"}
    props["MemberList"] = {"Accounts": [{"AccountId": kept}]}  # the invited account is pruned too
    org.emulator.reset_calls()
    resource.run("Update", props)
    assert all(org.world.effective_configurations()[a] == SELF_MANAGED for a in released)
    for region in REGIONS:
        assert all(org.members(region)[a] == "Removed" for a in released)
        assert org.members(region)[GUEST] == "Removed"
        assert org.members(region)[kept] == "Enabled"
    assert org.calls_of("StartConfigurationPolicyAssociation") == len(released)  # one target per call
    for region in REGIONS:
        # One batch for the invited account, one for the organization's: never shared.
        assert org.calls_of("DisassociateMembers", region) == 2
    spec = parse_members(props)
    called = {f"{c.service}:{c.operation}" for c in org.emulator.calls()}
    granted = actions(spec, spec.member_list)  # type: ignore[arg-type]
    assert called <= granted
    central_actions = {a for a in granted if "Configuration" in a or "FindingAggregator" in a}
    assert len(central_actions) == 4 and central_actions <= called  # each one granted for CENTRAL is used
    org.emulator.reset_calls()
    resource.run("Update", props)
    assert org.writes() == []  # converged: reads only


def test_a_failed_self_management_fails_by_name_and_the_rollback_succeeds(make_org, deploy):
    org = governed_org(make_org, deploy)
    kept, pruned = org.accounts[1], org.accounts[2]
    resource = deploy(members, org.admin)
    before = members_props(org, [kept, pruned], Prune="DISASSOCIATE", SelfManageToRelease="true")
    resource.run("Create", before)
    after = {**before, "MemberList": {"Accounts": [{"AccountId": kept}, before["MemberList"]["Accounts"][-1]]}}
    org.emulator.set_faults(FaultConfig(rate_limit=False, association_failures={pruned: "AWS Config is not enabled"}))
    with pytest.raises(ReconcileFailed, match=f"{pruned}.*self-managed FAILED: AWS Config is not enabled"):
        resource.run("Update", after)
    # CloudFormation's rollback: an Update back to the old declaration, which prunes nothing.
    org.emulator.set_faults(FaultConfig(rate_limit=False))
    resource.run("Update", before)
    assert org.members(HOME)[pruned] == "Enabled"


def test_destroy_releases_governed_accounts_as_self_managed(make_org, deploy):
    org = governed_org(make_org, deploy)
    declared = org.accounts[1:3]
    props = members_props(org, declared, RemovalPolicy="DESTROY", SelfManageToRelease="true")
    resource = deploy(members, org.admin)
    resource.run("Create", props)
    resource.run("Delete", props)
    for region in REGIONS:
        assert all(org.members(region)[a] == "Removed" for a in declared)
        assert org.members(region)[GUEST] == "Removed"
    assert all(org.world.effective_configurations()[a] == SELF_MANAGED for a in declared)
