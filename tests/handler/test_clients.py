"""The reconciler's boto3 clients (``aws.Clients``): what they leave out of botocore's per-call work to save CPU, and
that the calls still say and do what they did."""

import botocore.exceptions
import pytest
from cdk_securityhub_org.handler.engine import aws, observe


@pytest.fixture
def org(make_org, monkeypatch):
    org = make_org(member_count=6)
    for region in ("us-east-1", "eu-west-1"):
        org.securityhub(org.management, region).enable_organization_admin_account(AdminAccountId=org.admin)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", org.admin)
    return org


def test_member_and_account_records_come_as_the_json_the_service_sent(org):
    clients = aws.Clients(org.admin)
    securityhub = clients.securityhub("us-east-1")
    securityhub.create_members(AccountDetails=[{"AccountId": a} for a in org.accounts[1:4]])

    (member, *_) = securityhub.list_members(OnlyAssociated=False)["Members"]
    (account, *_) = clients.organizations().list_accounts()["Accounts"]

    assert {"AccountId", "Email", "AdministratorId", "MemberStatus", "UpdatedAt"} <= member.keys()
    assert isinstance(member["UpdatedAt"], str)  # as every timestamp here: the text the service sent
    assert {"Id", "Arn", "Email", "Name", "Status", "JoinedTimestamp"} <= account.keys()
    assert {m.account_id for m in observe.members(securityhub).values()} == set(org.accounts[1:4])
    pages = list(observe.organization_account_pages(clients.organizations()))
    assert {a for page in pages for a in page} == set(org.world.accounts)
    assert all(a.active for page in pages for a in page.values())


def test_other_answers_are_still_parsed_by_the_model(org):
    securityhub = aws.Clients(org.admin).securityhub("us-east-1")
    answer = securityhub.create_members(AccountDetails=[{"AccountId": "111111111111", "Email": "not-in-the-org@x.io"}])
    assert answer["UnprocessedAccounts"] == []
    (designation,) = securityhub.list_organization_admin_accounts()["AdminAccounts"]
    assert designation == {"AccountId": org.admin, "Status": "ENABLED"}


def test_a_request_botocore_no_longer_checks_is_refused_by_the_service_and_not_retried(org):
    securityhub = aws.Clients(org.admin).securityhub("us-east-1")
    org.emulator.reset_calls()
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        securityhub.list_members(OnlyAssociated=False, MaxResults=500)  # botocore's range check would stop it
    failure = aws.classify("ListMembers", raised.value)
    assert (failure.code, failure.retryable) == ("InvalidInputException", False)
    assert org.calls_of("ListMembers") == 1  # sent once, refused by the service, not retried


def test_the_endpoint_kept_per_operation_is_the_one_of_each_clients_region(org):
    clients = aws.Clients(org.admin)
    for _ in range(3):
        for region in ("us-east-1", "eu-west-1"):
            clients.securityhub(region).list_members(OnlyAssociated=False)
    calls = org.emulator.calls(operation="ListMembers")
    assert sorted(c.region for c in calls) == ["eu-west-1"] * 3 + ["us-east-1"] * 3
