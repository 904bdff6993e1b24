"""Members against the emulator: enrollment, convergence, drift, prune, invitations, faults, budget."""

from __future__ import annotations

import hashlib
import json

import pytest
from cdk_securityhub_org.handler.engine.custom_resource import ReconcileFailed
from cdk_securityhub_org.handler.engine.declaration import DeclarationError
from cdk_securityhub_org.handler.kinds.delegated_admin import kind as delegated_admin
from cdk_securityhub_org.handler.kinds.members import kind as members
from cdk_securityhub_org.testing.emulator import FaultConfig
from reconciler_harness import REGIONS, create_members_minimum

GUEST = "999999999999"


def designate(org, deploy, regions=REGIONS, enable_in_management_account=False):
    deploy(delegated_admin, org.management).run(
        "Create",
        {
            "Regions": regions,
            "AdminAccountId": org.admin,
            "ExpectedAccount": org.management,
            "EnableInManagementAccount": str(enable_in_management_account).lower(),
        },
    )


def all_accounts(org, regions=REGIONS, **extra):
    return {
        "Regions": regions,
        "ExpectedAccount": org.admin,
        "MemberList": {"Accounts": [], "OrganizationSelectors": [{}]},
        **extra,
    }


def excluding_management(org, **extra):
    return all_accounts(org, MemberList={"OrganizationSelectors": [{"ExcludeAccounts": [org.management]}]}, **extra)


def test_fresh_organization_is_enrolled_in_every_region_with_the_minimum_of_calls(make_org, deploy):
    org = make_org(member_count=120)
    designate(org, deploy)
    org.emulator.reset_calls()
    data = deploy(members, org.admin).run("Create", excluding_management(org))
    expected = set(org.accounts) - {org.admin}
    for region in REGIONS:
        assert org.members(region) == dict.fromkeys(expected, "Enabled")
        assert org.calls_of("CreateMembers", region) == create_members_minimum(len(expected))
    assert data["Changed"] == str(len(expected) * len(REGIONS)) and data["Failed"] == "0"


def test_enrollment_starts_with_the_first_pages_of_the_organization(make_org, deploy):
    # 20 ms per call makes the ~25 ListAccounts pages last half a second: long enough to see the overlap.
    org = make_org(member_count=500, faults=FaultConfig(rate_limit=False, latency_ms=20))
    designate(org, deploy)
    org.emulator.reset_calls()
    deploy(members, org.admin).run("Create", excluding_management(org))
    last_page = org.emulator.calls(operation="ListAccounts")[-1].seq
    for region in REGIONS:
        creates = org.emulator.calls(operation="CreateMembers", region=region)
        assert creates[0].seq < last_page, f"{region} waited for the whole organization before enrolling"
        assert len(creates) == create_members_minimum(len(org.accounts) - 1)  # whole batches, however pages fell


def test_an_explicit_list_reads_the_organization_alongside_the_pages_that_show_drift(make_org, deploy):
    org = make_org(member_count=500, faults=FaultConfig(rate_limit=False, latency_ms=20))
    designate(org, deploy)
    listed = {
        "Regions": REGIONS,
        "ExpectedAccount": org.admin,
        "MemberList": {"Accounts": [{"AccountId": a} for a in org.accounts[1:]]},
    }
    resource = deploy(members, org.admin)
    resource.run("Create", listed)
    org.emulator.reset_calls()
    resource.run("Update", listed)
    assert org.calls_of("ListAccounts") == 0  # converged: Security Hub's pages only
    pages = org.calls_of("ListMembers", "us-west-2")
    first_page = org.securityhub(org.admin, "us-west-2").list_members(OnlyAssociated=False, MaxResults=50)
    org.securityhub(org.admin, "us-west-2").disassociate_members(AccountIds=[first_page["Members"][0]["AccountId"]])
    org.emulator.reset_calls()
    resource.run("Update", listed)
    first_read = org.emulator.calls(operation="ListAccounts")[0].seq
    last_member_page = org.emulator.calls(operation="ListMembers", region="us-west-2")[-1].seq
    assert pages >= 10 and first_read < last_member_page
    assert [(c.operation, c.region) for c in org.writes()] == [("CreateMembers", "us-west-2")]


def test_an_organization_that_cannot_be_read_fails_every_region_that_needs_it_by_name(make_org, deploy):
    org = make_org(member_count=120, faults=FaultConfig(rate_limit=False, deny_operations=["ListAccounts"]))
    designate(org, deploy)
    with pytest.raises(ReconcileFailed) as caught:
        deploy(members, org.admin).run("Create", excluding_management(org))
    message = str(caught.value)
    assert "us-east-1, us-west-2, eu-west-1" in message and "AccessDeniedException" in message
    assert org.writes(operation="CreateMembers") == []


def test_management_account_is_a_member_once_the_delegated_admin_resource_enabled_its_hub(make_org, deploy):
    org = make_org(member_count=5)
    designate(org, deploy, enable_in_management_account=True)
    deploy(members, org.admin).run("Create", all_accounts(org))
    assert all(org.members(r)[org.management] == "Enabled" for r in REGIONS)


def test_management_account_failure_names_the_fix(make_org, deploy):
    org = make_org(member_count=5)
    designate(org, deploy)
    properties = all_accounts(org)
    with pytest.raises(ReconcileFailed) as caught:
        deploy(members, org.admin).run("Create", properties)
    message = str(caught.value)
    assert f"{org.management} in us-east-1, us-west-2, eu-west-1" in message
    assert "must enable Security Hub" in message


def test_second_pass_with_nothing_changed_makes_no_write_calls(make_org, deploy):
    org = make_org(member_count=80)
    designate(org, deploy)
    resource = deploy(members, org.admin)
    resource.run("Create", excluding_management(org))
    org.emulator.reset_calls()
    data = resource.run("Update", excluding_management(org))
    assert org.writes() == []
    assert data["Changed"] == "0"
    # Reads only: one ListMembers page per 50 members per Region, plus the organization's account list.
    assert org.calls_of("ListMembers") == len(REGIONS) * create_members_minimum(79)


def test_drift_is_repaired_and_only_the_drift(make_org, deploy):
    org = make_org(member_count=60)
    designate(org, deploy)
    resource = deploy(members, org.admin)
    resource.run("Create", excluding_management(org))
    drifted = org.accounts[5:8]
    org.securityhub(org.admin, "us-west-2").disassociate_members(AccountIds=drifted)
    org.emulator.reset_calls()
    resource.run("Update", excluding_management(org))
    writes = org.writes()
    assert [(c.operation, c.region) for c in writes] == [("CreateMembers", "us-west-2")]
    assert all(org.members("us-west-2")[a] == "Enabled" for a in drifted)


def test_undeclared_members_are_pruned_only_when_declared(make_org, deploy):
    org = make_org(member_count=20)
    world = org.world
    world.add_standalone_account(GUEST, email="guest@example.com")
    designate(org, deploy)
    keep = org.accounts[1:4]
    listed = {"Accounts": [{"AccountId": a} for a in keep]}
    resource = deploy(members, org.admin)
    resource.run(
        "Create",
        all_accounts(
            org,
            MemberList={
                "Accounts": [{"AccountId": a} for a in org.accounts[1:10]]
                + [{"AccountId": GUEST, "Email": "guest@example.com"}]
            },
        ),
    )
    resource.run("Update", all_accounts(org, MemberList=listed))
    assert len(org.members("us-east-1")) == 10  # prune NONE: nothing removed
    resource.run("Update", all_accounts(org, MemberList=listed, Prune="DELETE_INVITED"))
    live = org.members("us-east-1")
    assert GUEST not in live  # the invited account's record is deleted
    assert {a for a, s in live.items() if s == "Enabled"} == set(keep)
    assert all(live[a] == "Removed" for a in org.accounts[4:10])  # organization accounts only disassociated


def test_invited_accounts_are_created_with_email_and_invited_then_pending(make_org, deploy):
    org = make_org(member_count=5)
    org.world.add_standalone_account(GUEST, email="guest@example.com")
    designate(org, deploy)
    listed = {"Accounts": [{"AccountId": GUEST, "Email": "guest@example.com"}]}
    data = deploy(members, org.admin).run("Create", all_accounts(org, MemberList=listed))
    assert all(org.members(r)[GUEST] == "Invited" for r in REGIONS)
    assert data["Pending"] == str(len(REGIONS))
    invitations = org.securityhub(GUEST, "eu-west-1").list_invitations()["Invitations"]
    assert [i["AccountId"] for i in invitations] == [org.admin]


def test_throttling_and_server_errors_are_ridden_out(make_org, deploy):
    org = make_org(member_count=150, faults=FaultConfig(rate_limit=True, throttle_rate=0.3, error_rate=0.05, seed=3))
    designate(org, deploy)
    deploy(members, org.admin).run("Create", excluding_management(org))
    for region in REGIONS:
        assert sum(s == "Enabled" for s in org.members(region).values()) == 149
    assert any(c.http_status == 429 for c in org.emulator.calls())


def test_unprocessed_accounts_fail_the_deploy_by_name_after_the_rest_is_done(make_org, deploy):
    org = make_org(member_count=30)
    designate(org, deploy)
    broken = org.accounts[3]
    org.emulator.set_faults(FaultConfig(rate_limit=False, unprocessed={broken: "The account is in a bad state"}))
    with pytest.raises(ReconcileFailed) as caught:
        deploy(members, org.admin).run("Create", excluding_management(org))
    assert broken in str(caught.value) and "bad state" in str(caught.value)
    assert sum(s == "Enabled" for s in org.members("us-east-1").values()) == 28


def test_disabled_opt_in_region_fails_or_is_skipped_as_declared(make_org, deploy):
    org = make_org(member_count=10)
    designate(org, deploy)
    regions = ["us-east-1", "af-south-1"]
    with pytest.raises(ReconcileFailed, match="region in af-south-1: not enabled"):
        deploy(members, org.admin).run("Create", excluding_management(org, Regions=regions))
    data = deploy(members, org.admin).run(
        "Create", excluding_management(org, Regions=regions, OnRegionUnavailable="SKIP")
    )
    assert data["Skipped"] == "1"
    assert len(org.members("us-east-1")) == 9


def test_a_pass_cut_off_by_its_budget_is_finished_by_the_next(make_org, deploy):
    org = make_org(member_count=1000, faults=FaultConfig(rate_limit=False, latency_ms=50))
    designate(org, deploy)
    resource = deploy(members, org.admin)
    # 11.5 s left and a 10 s reserve: 1.5 s of work. Listing the organization takes 50 pages (2.5 s), and each
    # page's accounts are enrolled as it arrives, so the pass is cut off partway through each Region's batches.
    first = resource.one_pass("Create", excluding_management(org), seconds=11.5)
    assert first == {"IsComplete": False}
    enabled = [sum(s == "Enabled" for s in org.members(r).values()) for r in REGIONS]
    assert sum(enabled) < 3 * 999, enabled
    resource.run("Create", excluding_management(org))
    for region in REGIONS:
        assert sum(s == "Enabled" for s in org.members(region).values()) == 999


def test_handler_refuses_to_run_in_another_account(make_org, deploy):
    org = make_org(member_count=3)
    with pytest.raises(ReconcileFailed, match=f"declared for account {org.admin}.*runs in account {org.management}"):
        deploy(members, org.management).run("Create", excluding_management(org))
    assert org.writes() == []


def test_delete_with_retain_leaves_members_and_destroy_disassociates_only_the_declared(make_org, deploy):
    org = make_org(member_count=10)
    designate(org, deploy)
    declared = {"Accounts": [{"AccountId": a} for a in org.accounts[1:4]]}
    other = deploy(members, org.admin)
    other.run("Create", all_accounts(org, MemberList={"Accounts": [{"AccountId": org.accounts[5]}]}))
    resource = deploy(members, org.admin)
    resource.run("Create", all_accounts(org, MemberList=declared))
    org.emulator.reset_calls()
    resource.run("Delete", all_accounts(org, MemberList=declared))
    assert org.writes() == []
    resource.run("Delete", all_accounts(org, MemberList=declared, RemovalPolicy="DESTROY"))
    live = org.members("us-east-1")
    assert all(live[a] == "Removed" for a in org.accounts[1:4])
    assert live[org.accounts[5]] == "Enabled"


def test_no_email_address_reaches_the_logs(make_org, deploy, capsys):
    org = make_org(member_count=3)
    org.world.add_standalone_account(GUEST, email="guest@example.com")
    designate(org, deploy)
    listed = {"Accounts": [{"AccountId": GUEST, "Email": "guest@example.com"}]}
    org.emulator.set_faults(FaultConfig(rate_limit=False, unprocessed={GUEST: "guest@example.com is invalid"}))
    with pytest.raises(ReconcileFailed) as caught:
        deploy(members, org.admin).run("Create", all_accounts(org, MemberList=listed))
    out = capsys.readouterr().out
    assert GUEST in out and "@example.com" not in out
    assert "@example.com" not in str(caught.value)


def test_a_prune_beyond_the_default_limit_fails_before_any_removal_and_names_the_prop(make_org, deploy):
    org = make_org(member_count=40)
    designate(org, deploy)
    resource = deploy(members, org.admin)
    resource.run("Create", excluding_management(org))
    enrolled = org.members("us-east-1")
    org.emulator.reset_calls()
    # An empty list with prune: every one of the 39 members would go, above the default limit of 25.
    empty = all_accounts(org, MemberList={"Accounts": []}, Prune="DISASSOCIATE")
    with pytest.raises(ReconcileFailed) as caught:
        resource.run("Update", empty)
    message = str(caught.value)
    assert "would remove 39 members" in message and "more than the limit of 25" in message
    assert "set max_prune to 39 or more" in message and sorted(enrolled)[0] in message
    assert org.writes() == []
    assert org.members("us-east-1") == enrolled


def test_a_prune_within_max_prune_goes_ahead_and_one_above_it_is_refused(make_org, deploy):
    org = make_org(member_count=12)
    designate(org, deploy)
    resource = deploy(members, org.admin)
    resource.run("Create", excluding_management(org))
    keep = org.accounts[1:9]  # 3 of the 11 members are no longer declared
    listed = all_accounts(org, MemberList={"Accounts": [{"AccountId": a} for a in keep]}, Prune="DISASSOCIATE")
    with pytest.raises(ReconcileFailed, match=r"would remove 3 members .*limit of 2 \(max_prune\)"):
        resource.run("Update", {**listed, "MaxPrune": "2"})  # CloudFormation delivers numbers as text
    assert org.writes(operation="DisassociateMembers") == []
    resource.run("Update", {**listed, "MaxPrune": "3"})
    assert {a for a, s in org.members("eu-west-1").items() if s == "Enabled"} == set(keep)


def test_max_prune_that_is_not_a_number_of_accounts_is_refused_with_the_fix(make_org, deploy):
    org = make_org(member_count=2)
    with pytest.raises(DeclarationError, match=r"MaxPrune: max_prune '-1' is not a number of accounts; write a whole"):
        deploy(members, org.admin).run("Create", all_accounts(org, MaxPrune="-1"))


def test_the_failure_reason_quotes_aws_text_with_the_real_region(make_org, deploy):
    org = make_org(member_count=3)  # no administrator designated: Security Hub is not enabled in its account
    with pytest.raises(ReconcileFailed) as caught:
        deploy(members, org.admin).run("Create", excluding_management(org))
    message = str(caught.value)
    assert "<Region>" not in message
    assert f"is not subscribed to AWS Security Hub in {REGIONS[0]}" in message
    assert f"in {', '.join(REGIONS)}:" in message  # one line for the same failure in every Region


def test_a_member_list_from_s3_over_the_quota_is_refused_before_any_write(make_org, deploy):
    org = make_org(member_count=3)
    designate(org, deploy)
    accounts = [{"AccountId": f"{n:012d}"} for n in range(10**6, 10**6 + 10_001)]
    body = json.dumps({"Accounts": accounts}).encode()
    s3 = org.emulator.client("s3", org.admin, "us-east-1")
    s3.create_bucket(Bucket="assets")
    s3.put_object(Bucket="assets", Key="members.json", Body=body)
    location = {"Bucket": "assets", "Key": "members.json", "Sha256": hashlib.sha256(body).hexdigest()}
    properties = {
        "Regions": REGIONS,
        "ExpectedAccount": org.admin,
        "MemberListLocation": location,
        "InviteNonOrganizationAccounts": "false",
    }
    org.emulator.reset_calls()
    with pytest.raises(DeclarationError, match=r"declares 10,001 accounts.*declare at most 10,000"):
        deploy(members, org.admin).run("Create", properties)
    assert org.writes() == []


def test_a_member_that_has_not_enabled_an_opt_in_region_fails_by_name_with_the_fix_and_the_others_go_on(
    make_org, deploy
):
    org = make_org(member_count=10)
    holdout = org.accounts[3]
    for account in [org.management, *org.accounts]:
        if account != holdout:
            org.world.enable_region(account, "af-south-1")
    regions = ["us-east-1", "af-south-1"]
    designate(org, deploy, regions=regions)
    with pytest.raises(ReconcileFailed) as failure:
        deploy(members, org.admin).run("Create", excluding_management(org, Regions=regions))
    message = str(failure.value)
    assert holdout in message
    assert (
        "the account's owner must enable the Region af-south-1 (AWS account settings), then the next pass enrolls it"
        in message
    )
    assert holdout not in org.members("af-south-1")
    assert len(org.members("af-south-1")) == 8  # every other member but the administrator itself
    assert len(org.members("us-east-1")) == 9
    org.world.enable_region(holdout, "af-south-1")
    deploy(members, org.admin).run("Create", excluding_management(org, Regions=regions))
    assert org.members("af-south-1")[holdout] == "Enabled"
