"""Administrator side of membership: CreateMembers, ListMembers, GetMembers, Disassociate, Delete."""

from __future__ import annotations

import time

import pytest
from cdk_securityhub_org.testing.emulator import Emulator, FaultConfig
from cdk_securityhub_org.testing.emulator.world import MemberRecord


@pytest.fixture
def admin(org, aws, designate):
    designate("us-east-1")
    return aws("securityhub", org.admin)


def _statuses(client, **kwargs) -> dict[str, str]:
    pages = client.get_paginator("list_members").paginate(**kwargs)
    return {m["AccountId"]: m["MemberStatus"] for page in pages for m in page["Members"]}


def test_organization_accounts_are_enrolled_without_invitation(emu: Emulator, org, admin, aws):
    answer = admin.create_members(AccountDetails=[{"AccountId": a} for a in org.members[:5]])
    assert answer["UnprocessedAccounts"] == []
    assert _statuses(admin) == dict.fromkeys(org.members[:5], "Enabled")
    member = aws("securityhub", org.members[0])
    assert member.describe_hub()["HubArn"]
    administrator = member.get_administrator_account()["Administrator"]
    assert (administrator["AccountId"], administrator["MemberStatus"]) == (org.admin, "Enabled")
    assert member.list_invitations()["Invitations"] == []
    record = admin.get_members(AccountIds=[org.members[0]])["Members"][0]
    assert record["Email"] == emu.world.accounts[org.members[0]].email
    assert record["AdministratorId"] == org.admin and "UpdatedAt" in record


def test_only_the_first_50_are_processed(org, admin):
    details = [{"AccountId": f"{900000000000 + i}"} for i in range(55)]
    unprocessed = admin.create_members(AccountDetails=details)["UnprocessedAccounts"]
    assert [u["AccountId"] for u in unprocessed] == [d["AccountId"] for d in details[50:]]
    assert {u["ProcessingResult"] for u in unprocessed} == {"Maximum number of results exceeded"}
    assert len(_statuses(admin, OnlyAssociated=False)) == 50


def test_unprocessed_reasons(emu: Emulator, org, admin):
    emu.world.suspend_account(org.members[1])
    admin.create_members(AccountDetails=[{"AccountId": org.members[0]}])
    unprocessed = admin.create_members(
        AccountDetails=[
            {"AccountId": org.admin},
            {"AccountId": org.management},
            {"AccountId": org.members[0]},
            {"AccountId": org.members[1]},
            {"AccountId": "12345"},
        ]
    )["UnprocessedAccounts"]
    reasons = {u["AccountId"]: u["ProcessingResult"] for u in unprocessed}
    assert set(reasons) == {org.admin, org.management, org.members[0], "12345"}
    assert "management account must enable Security Hub" in reasons[org.management]
    assert "already a member" in reasons[org.members[0]]
    # A suspended account is recorded, not refused.
    assert _statuses(admin, OnlyAssociated=False)[org.members[1]] == "AccountSuspended"


def test_management_account_enrolled_once_its_hub_is_enabled(org, aws, admin):
    aws("securityhub", org.management).enable_security_hub()
    assert admin.create_members(AccountDetails=[{"AccountId": org.management}])["UnprocessedAccounts"] == []
    assert _statuses(admin)[org.management] == "Enabled"


def test_removed_organization_member_comes_back(org, admin):
    admin.create_members(AccountDetails=[{"AccountId": org.members[0]}])
    admin.disassociate_members(AccountIds=[org.members[0]])
    assert _statuses(admin, OnlyAssociated=False)[org.members[0]] == "Removed"
    assert _statuses(admin) == {}
    admin.create_members(AccountDetails=[{"AccountId": org.members[0]}])
    assert _statuses(admin) == {org.members[0]: "Enabled"}


def test_non_organization_account_is_created_with_email(org, admin):
    admin.create_members(AccountDetails=[{"AccountId": org.standalone, "Email": "sec@example.com"}])
    (member,) = admin.get_members(AccountIds=[org.standalone])["Members"]
    assert (member["MemberStatus"], member["Email"]) == ("Created", "sec@example.com")


def test_member_of_another_administrator_is_refused(org, aws, admin):
    other = aws("securityhub", org.standalone_2)
    other.enable_security_hub()
    other.create_members(AccountDetails=[{"AccountId": org.members[2]}])
    other.invite_members(AccountIds=[org.members[2]])
    member = aws("securityhub", org.members[2])
    member.enable_security_hub()
    invitation = member.list_invitations()["Invitations"][0]
    member.accept_administrator_invitation(AdministratorId=org.standalone_2, InvitationId=invitation["InvitationId"])
    (refused,) = admin.create_members(AccountDetails=[{"AccountId": org.members[2]}])["UnprocessedAccounts"]
    assert "already a member of another administrator" in refused["ProcessingResult"]


def test_invited_member_cap(emu: Emulator, org, admin):
    members = emu.world.hub(org.admin, "us-east-1").members
    with emu.world.lock:
        for index in range(1_000):
            members.put(MemberRecord(f"{700000000000 + index}", None, "Created", False, 0.0, 0.0))
    (refused,) = admin.create_members(AccountDetails=[{"AccountId": org.standalone}])["UnprocessedAccounts"]
    assert "limit of 1000 invited" in refused["ProcessingResult"]
    # Organization accounts do not count against the invitation cap.
    assert admin.create_members(AccountDetails=[{"AccountId": org.members[0]}])["UnprocessedAccounts"] == []


def test_forced_unprocessed_fault(emu: Emulator, org, admin):
    emu.set_faults(FaultConfig(rate_limit=False, unprocessed={org.members[0]: "Internal error, try again"}))
    answer = admin.create_members(AccountDetails=[{"AccountId": a} for a in org.members[:2]])
    assert answer["UnprocessedAccounts"] == [
        {"AccountId": org.members[0], "ProcessingResult": "Internal error, try again"}
    ]
    assert admin.get_members(AccountIds=[org.members[0]])["UnprocessedAccounts"][0]["AccountId"] == org.members[0]


def test_list_members_pagination_and_only_associated(org, admin):
    admin.create_members(AccountDetails=[{"AccountId": a} for a in org.members])
    admin.create_members(AccountDetails=[{"AccountId": org.standalone}])
    first = admin.list_members(MaxResults=7)
    assert len(first["Members"]) == 7 and first["NextToken"]
    everything = _statuses(admin, OnlyAssociated=False, PaginationConfig={"PageSize": 7})
    assert len(everything) == len(org.members) + 1 and everything[org.standalone] == "Created"
    associated = _statuses(admin, PaginationConfig={"PageSize": 7})
    assert set(associated) == set(org.members)
    ids = [m["AccountId"] for m in admin.list_members(OnlyAssociated=False, MaxResults=50)["Members"]]
    assert ids == sorted(ids)


def test_list_members_max_results_range(admin, aws_error):
    aws_error("InvalidInputException", admin.list_members, MaxResults=51)


def test_operations_need_an_enabled_hub(org, aws, aws_error):
    client = aws("securityhub", org.standalone)
    for call, kwargs in [
        (client.list_members, {}),
        (client.create_members, {"AccountDetails": [{"AccountId": org.members[0]}]}),
        (client.get_members, {"AccountIds": [org.members[0]]}),
        (client.describe_hub, {}),
    ]:
        response = aws_error("InvalidAccessException", call, **kwargs)
        assert "not subscribed" in response["Error"]["Message"]


def test_eventual_consistency(emu: Emulator, org, admin, aws_error):
    emu.set_faults(FaultConfig(rate_limit=False, consistency_delay_seconds=0.4))
    admin.create_members(AccountDetails=[{"AccountId": org.members[0]}])
    response = aws_error("BadRequestException", admin.get_members, AccountIds=[org.members[0]])
    assert "no such resource found" in response["Error"]["Message"]
    assert admin.list_members()["Members"] == []
    time.sleep(0.45)
    assert [m["AccountId"] for m in admin.get_members(AccountIds=[org.members[0]])["Members"]] == [org.members[0]]


def test_disassociate_members(emu: Emulator, org, aws, admin):
    admin.create_members(AccountDetails=[{"AccountId": org.members[0]}])
    admin.disassociate_members(AccountIds=[org.members[0], "999999999999"])
    assert _statuses(admin, OnlyAssociated=False) == {org.members[0]: "Removed"}
    member = aws("securityhub", org.members[0])
    assert member.get_administrator_account().get("Administrator") is None
    assert member.describe_hub()["HubArn"]  # Security Hub stays enabled


def test_delete_members(org, aws, admin):
    admin.create_members(AccountDetails=[{"AccountId": a} for a in (org.members[0], org.standalone)])
    unprocessed = admin.delete_members(AccountIds=[org.members[0], org.standalone, "999999999999"])[
        "UnprocessedAccounts"
    ]
    reasons = {u["AccountId"]: u["ProcessingResult"] for u in unprocessed}
    assert set(reasons) == {org.members[0], "999999999999"}
    assert "organization accounts cannot be deleted" in reasons[org.members[0]]
    assert _statuses(admin, OnlyAssociated=False) == {org.members[0]: "Enabled"}


def test_ten_thousand_members_page_in_o_page(emu: Emulator, org, admin):
    world = emu.world
    with world.lock:
        for index in range(10_000):
            account_id = world.add_account(f"{500000000000 + index}")
            world.enroll_organization_member(org.admin, account_id, "us-east-1", time.time() - 1)
    token, seen = None, 0
    for _ in range(5):
        page = admin.list_members(**({"NextToken": token} if token else {}))
        seen += len(page["Members"])
        token = page["NextToken"]
    assert seen == 250
    assert admin.describe_organization_configuration()["MemberAccountLimitReached"] is True
    (refused,) = admin.create_members(AccountDetails=[{"AccountId": org.members[0]}])["UnprocessedAccounts"]
    assert "limit of 10000" in refused["ProcessingResult"]
    # A page examines at most MaxResults + 1 records wherever it starts (sorted index, no scan).
    table = world.hub(org.admin, "us-east-1").members
    examined = []
    records, cursor = table.page("500000005000", 50, True, lambda r: examined.append(r) or True)
    assert len(records) == 50 and cursor == records[-1].account_id and len(examined) == 51


def test_a_member_that_has_not_enabled_the_opt_in_region_is_not_enrolled_there(emu, org, aws, designate):
    region = "af-south-1"
    for account in (org.management, org.admin, org.members[1]):
        emu.world.enable_region(account, region)
    designate(region)
    hub = aws("securityhub", org.admin, region)
    answer = hub.create_members(AccountDetails=[{"AccountId": org.members[0]}, {"AccountId": org.members[1]}])
    assert [(u["AccountId"], u["ProcessingResult"]) for u in answer["UnprocessedAccounts"]] == [
        (org.members[0], f"Account {org.members[0]} has not enabled the Region {region}")
    ]
    listed = {m["AccountId"] for m in hub.list_members(OnlyAssociated=False)["Members"]}
    assert listed == {org.members[1]}
