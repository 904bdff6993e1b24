"""The lifecycle of one organization through the CloudFormation simulator: every step converges to its declaration,
releases only what it was told to, and leaves the organization-wide delegation alone."""

from __future__ import annotations

from collections import Counter

import pytest
from cdk_securityhub_org.configuration_policies import SELF_MANAGED
from reliability_lifecycle import (
    ALL_REGIONS,
    CENTRAL_DECLARED,
    FIRST_LIST,
    GOVERNED_UNDECLARED,
    REFUSED,
    RELEASED_GOVERNED,
    SECOND_LIST,
    THIRD_LIST,
    A,
    B,
    Lifecycle,
)
from reliability_org import EXTRA_REGION, INVITED, LAYOUT, MANAGEMENT, REGIONS, MemberTable, lost_members

pytestmark = pytest.mark.reliability

LOCAL = (True, "DEFAULT", "LOCAL", "ENABLED")
CENTRAL = (False, "NONE", "CENTRAL", "ENABLED")
I1, I2, I3 = INVITED


def in_region(table: MemberTable, region: str) -> dict[str, str]:
    return {account: status for (r, account), status in table.items() if r == region}


def with_status(table: MemberTable, region: str, status: str) -> set[str]:
    return {account for account, s in in_region(table, region).items() if s == status}


def security_hub_writes(step) -> Counter[tuple[str, str]]:
    return Counter((c.operation, c.region) for c in step.writes if c.service == "securityhub")


def test_create_converges_every_kind(lifecycle: Lifecycle):
    step = lifecycle["create"]
    assert step.ok
    state = step.state
    assert state.administrators == {**dict.fromkeys(REGIONS, A), EXTRA_REGION: None}
    assert state.settings == {(A, r): LOCAL for r in REGIONS}
    assert state.aggregators[A] == ("us-east-1", "SPECIFIED_REGIONS", ("eu-west-1", "us-west-2"))
    for region in REGIONS:
        assert with_status(state.members[A], region, "Enabled") == {*FIRST_LIST.accounts, I1}
        assert with_status(state.members[A], region, "Invited") == {I2}
        assert state.accepter[region] == (A, "Enabled")
    # The management account enabled Security Hub for itself, so that it can be a member too.
    enabled_by_management = {
        c.region for c in step.writes if c.account == MANAGEMENT and c.operation == "EnableSecurityHub"
    }
    assert enabled_by_management == set(REGIONS)


def test_delete_with_retain_changes_nothing_and_creating_again_adopts_it_without_a_write(lifecycle: Lifecycle):
    retained, again = lifecycle["delete with RETAIN"], lifecycle["create over the retained state"]
    assert retained.ok and again.ok
    (deletion,) = retained.operations
    assert {s.status for s in deletion.result.stacks.values()} == {"DELETE_COMPLETE"}
    assert deletion.result.custom_resources == []  # DeletionPolicy Retain: CloudFormation sends no Delete
    assert retained.writes == [] and again.writes == []
    assert retained.state == lifecycle["create"].state
    assert again.state == lifecycle["create"].state


def test_members_added_and_removed_change_only_those_members(lifecycle: Lifecycle):
    step = lifecycle["members added and removed"]
    assert step.ok
    (operation,) = step.operations
    removed = sorted(set(FIRST_LIST.accounts) - set(SECOND_LIST.accounts))
    added = sorted(set(SECOND_LIST.accounts) - set(FIRST_LIST.accounts))
    assert (len(removed), len(added)) == (10, 20)
    released = {(r, a) for r in REGIONS for a in (*removed, I2)}
    assert lost_members(operation.before, operation.after, released) == []
    for region in REGIONS:
        after = in_region(operation.after, region)
        assert {a: after[a] for a in removed} == dict.fromkeys(removed, "Removed")
        assert I2 not in after  # prune DELETE_INVITED: the invited account's record is deleted
        assert {a: after[a] for a in added} == dict.fromkeys(added, "Enabled")
        assert (after[I1], after[I3]) == ("Enabled", "Invited")
    assert {op for op, _ in security_hub_writes(step)} == {
        "CreateMembers",
        "InviteMembers",
        "DisassociateMembers",
        "DeleteMembers",
    }
    # The list outgrew the inline limit: the handler read it from the S3 asset.
    assert any(c.service == "s3" and c.operation == "GetObject" for c in operation.calls)


def test_a_region_added_gets_the_whole_declaration(lifecycle: Lifecycle):
    step = lifecycle["Region added"]
    assert step.ok
    state = step.state
    assert state.administrators == dict.fromkeys(ALL_REGIONS, A)
    assert state.settings[(A, EXTRA_REGION)] == LOCAL
    assert state.aggregators[A] == ("us-east-1", "SPECIFIED_REGIONS", ("ap-southeast-2", "eu-west-1", "us-west-2"))
    for region in ALL_REGIONS:
        # The Security OU selector brings in the future administrator (the current one is never its own member).
        assert with_status(state.members[A], region, "Enabled") == {*THIRD_LIST.accounts, B, I1}
        assert with_status(state.members[A], region, "Invited") == {I3}
        assert state.accepter[region] == (A, "Enabled")
    outside = {(op, r) for op, r in security_hub_writes(step) if r != EXTRA_REGION}
    assert outside == {("UpdateFindingAggregator", "us-east-1"), *(("CreateMembers", r) for r in REGIONS)}


def test_removing_a_region_touches_only_that_region_and_never_the_organization_wide_delegation(lifecycle: Lifecycle):
    before, step = lifecycle["Region added"], lifecycle["Region removed under DESTROY"]
    assert step.ok
    # Outside the dropped Region the only write unlinks it from the aggregator, in the home Region.
    outside = {(op, r) for op, r in security_hub_writes(step) if r != EXTRA_REGION}
    assert outside == {("UpdateFindingAggregator", "us-east-1")}
    for region in REGIONS:
        assert in_region(step.state.members[A], region) == in_region(before.state.members[A], region)
        assert step.state.settings[(A, region)] == LOCAL
    assert step.state.administrators == {**dict.fromkeys(REGIONS, A), EXTRA_REGION: None}
    assert step.state.delegated == {A}
    # In the dropped Region: the designation is removed there only, the invited members are disassociated.
    assert in_region(step.state.members[A], EXTRA_REGION) == {I1: "Removed", I3: "Removed"}
    assert step.state.accepter[EXTRA_REGION] is None


def test_local_to_central_is_asked_in_the_home_region_and_waits_for_it(lifecycle: Lifecycle):
    step = lifecycle["LOCAL to CENTRAL"]
    assert step.ok, step.operations[0].reasons()
    assert step.state.settings == {(A, r): CENTRAL for r in REGIONS}
    # Central configuration, then the two policies and their OUs, then the governed accounts the list leaves out
    # designated self-managed in the home Region, and the one of them that was a member disassociated everywhere.
    assert security_hub_writes(step) == Counter(
        {
            ("UpdateOrganizationConfiguration", "us-east-1"): 1,
            ("CreateConfigurationPolicy", "us-east-1"): 2,
            ("StartConfigurationPolicyAssociation", "us-east-1"): 2 + len(GOVERNED_UNDECLARED),
            **{("DisassociateMembers", r): 1 for r in REGIONS},
        }
    )
    reports = step.operations[0].result.custom_resources
    # Members is updated too (it now knows the configuration type), and DelegatedAdmin (allow_replace is off under
    # CENTRAL).
    assert sorted(r.resource_type for r in reports) == [
        "Custom::SecurityHubConfigurationPolicies",
        "Custom::SecurityHubDelegatedAdmin",
        "Custom::SecurityHubMembers",
        "Custom::SecurityHubOrganizationConfiguration",
    ]
    (configuration,) = [r for r in reports if "OrganizationConfiguration" in r.resource_type]
    assert configuration.is_complete_passes >= 2  # PENDING, then ENABLED
    configurations = step.state.configurations
    assert {a for a, c in configurations.items() if c == "workloads"} == CENTRAL_DECLARED & set(
        LAYOUT.workloads_accounts
    )
    assert {a for a, c in configurations.items() if c == "sandbox"} == CENTRAL_DECLARED & set(LAYOUT.sandbox_accounts)
    assert RELEASED_GOVERNED in GOVERNED_UNDECLARED
    assert {configurations[a] for a in GOVERNED_UNDECLARED} == {SELF_MANAGED}
    # The policies made their governed accounts members; those the list leaves out are disassociated again, one
    # DisassociateMembers per Region; no other member changed.
    before, after = lifecycle["Region removed under DESTROY"].state.members[A], step.state.members[A]
    released = {(r, a) for r in REGIONS for a in GOVERNED_UNDECLARED}
    assert {k: v for k, v in after.items() if k not in released} == {
        k: v for k, v in before.items() if k not in released
    }
    assert {after[k] for k in released if k in after} == {"Removed"}
    assert {after[(r, RELEASED_GOVERNED)] for r in REGIONS} == {"Removed"}


def test_a_policy_changed_and_one_dropped_are_updated_then_disassociated_and_deleted(lifecycle: Lifecycle):
    step = lifecycle["configuration policies changed"]
    assert step.ok, step.operations[0].reasons()
    assert [c.operation for c in step.writes] == [
        "UpdateConfigurationPolicy",
        "StartConfigurationPolicyDisassociation",
        "DeleteConfigurationPolicy",
    ]
    configurations = step.state.configurations
    assert {a for a, c in configurations.items() if c == "sandbox"} == set()
    assert {configurations[a] for a in LAYOUT.sandbox_accounts} == {SELF_MANAGED}
    assert {a for a, c in configurations.items() if c == "workloads"} == CENTRAL_DECLARED & set(
        LAYOUT.workloads_accounts
    )
    assert step.state.members == lifecycle["LOCAL to CENTRAL"].state.members


def test_a_failed_update_is_rolled_back_with_the_properties_swapped(lifecycle: Lifecycle):
    step = lifecycle["update rolled back"]
    (operation,) = step.operations
    assert not step.ok
    assert f"{REFUSED} in us-east-1, us-west-2, eu-west-1: CreateMembers: The email address is not valid" in (
        "\n".join(operation.reasons())
    )
    assert operation.result.stack("Reliability/Administrator").status == "UPDATE_ROLLBACK_COMPLETE"
    configuration = [r for r in operation.result.custom_resources if "OrganizationConfiguration" in r.resource_type]
    assert [(r.phase, r.status) for r in configuration] == [("deploy", "SUCCESS"), ("rollback", "SUCCESS")]
    # The configuration went to LOCAL, then back: the earlier resource is restored.
    assert [c.operation for c in step.writes if c.operation == "UpdateOrganizationConfiguration"] == [
        "UpdateOrganizationConfiguration"
    ] * 2
    central = lifecycle["configuration policies changed"].state
    assert step.state.settings == central.settings
    assert step.state.members == central.members
    assert lost_members(operation.before, operation.after) == []
    # Members went back to its CENTRAL declaration under the LOCAL policy (rolled back after it), with central
    # configuration already stopped: its read of the associations was denied, and it handled the members as
    # under LOCAL, pruning again the governed account the failed update had added back.
    members = [r for r in operation.result.custom_resources if r.resource_type == "Custom::SecurityHubMembers"]
    assert [(r.phase, r.status) for r in members] == [("deploy", "FAILED"), ("rollback", "SUCCESS")]


def test_central_to_local(lifecycle: Lifecycle):
    step = lifecycle["CENTRAL to LOCAL"]
    assert step.ok, step.operations[0].reasons()
    assert step.state.settings == {(A, r): LOCAL for r in REGIONS}
    assert set(step.state.configurations.values()) == {SELF_MANAGED}
    # The dropped ConfigurationPolicies resource is deleted in the cleanup, after LOCAL: nothing left to release.
    (policies,) = [r for r in step.operations[0].result.custom_resources if "ConfigurationPolicies" in r.resource_type]
    assert (policies.phase, policies.status) == ("cleanup", "SUCCESS")
    for region in REGIONS:
        assert step.state.members[A][(region, RELEASED_GOVERNED)] == "Enabled"


def test_the_administrator_is_replaced(lifecycle: Lifecycle):
    step = lifecycle["administrator replaced"]
    assert step.ok
    state = step.state
    assert state.administrators == {**dict.fromkeys(REGIONS, B), EXTRA_REGION: None}
    assert state.delegated == {B}
    removals = {(c.region, c.account) for c in step.writes if c.operation == "DisableOrganizationAdminAccount"}
    assert removals == {(r, MANAGEMENT) for r in REGIONS}
    for region in REGIONS:
        # The former administrator is an ordinary member now, selected through the Security OU.
        assert with_status(state.members[B], region, "Enabled") == {*THIRD_LIST.accounts, A, I1}
        assert with_status(state.members[B], region, "Invited") == {I3}
        assert state.accepter[region] == (B, "Enabled")
    assert state.aggregators == {A: None, B: ("us-east-1", "SPECIFIED_REGIONS", ("eu-west-1", "us-west-2"))}


def test_delete_with_destroy_releases_what_was_declared(lifecycle: Lifecycle):
    step = lifecycle["delete with DESTROY"]
    assert step.ok
    (operation,) = step.operations
    assert {s.status for s in operation.result.stacks.values()} == {"DELETE_COMPLETE"}
    state = step.state
    assert set(state.administrators.values()) == {None}
    assert state.aggregators[B] is None
    assert set(state.accepter.values()) == {None}
    for region in REGIONS:
        assert set(in_region(state.members[B], region).values()) == {"Removed", "Resigned"}
        assert in_region(state.members[B], region)[I1] == "Resigned"


def test_no_step_loses_a_member_it_did_not_release(lifecycle: Lifecycle):
    for name in (
        "create",
        "delete with RETAIN",
        "create over the retained state",
        "Region added",
        "update rolled back",
        "CENTRAL to LOCAL",
    ):
        for operation in lifecycle[name].operations:
            assert lost_members(operation.before, operation.after) == [], name
    # The CENTRAL step releases the governed accounts its list leaves out, and nothing else.
    for operation in lifecycle["LOCAL to CENTRAL"].operations:
        released = [(r, a) for r in REGIONS for a in GOVERNED_UNDECLARED]
        assert lost_members(operation.before, operation.after, released) == []


def test_the_organization_wide_delegation_is_never_deregistered(lifecycle: Lifecycle):
    calls = lifecycle.harness.emulator.calls(service="organizations")
    assert [c for c in calls if c.operation == "DeregisterDelegatedAdministrator"] == []
    # The handlers read Organizations; its only writes are those EnableOrganizationAdminAccount implies.
    assert {c.operation for c in calls} <= {
        "ListAccounts",
        "ListAccountsForParent",
        "ListOrganizationalUnitsForParent",
        "ListDelegatedAdministrators",  # read before the administrator is replaced
    }
