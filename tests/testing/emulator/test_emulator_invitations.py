"""Invitation flow: InviteMembers per Region, the member side, and the hub subscription itself."""

from __future__ import annotations

import pytest


@pytest.fixture
def inviter(org, aws):
    """A standalone administrator (standalone_2) that created the standalone account as a member."""
    client = aws("securityhub", org.standalone_2)
    client.enable_security_hub()
    client.create_members(AccountDetails=[{"AccountId": org.standalone, "Email": "s@example.com"}])
    return client


def _status(client, account_id: str) -> str:
    return client.get_members(AccountIds=[account_id])["Members"][0]["MemberStatus"]


def test_invitation_lands_in_this_region_only(org, aws, inviter):
    assert inviter.invite_members(AccountIds=[org.standalone])["UnprocessedAccounts"] == []
    assert _status(inviter, org.standalone) == "Invited"
    (invitation,) = aws("securityhub", org.standalone).list_invitations()["Invitations"]
    assert invitation["AccountId"] == org.standalone_2 and invitation["MemberStatus"] == "Invited"
    assert aws("securityhub", org.standalone, "eu-west-1").list_invitations()["Invitations"] == []


def test_invite_refusals(org, aws, inviter, designate):
    unprocessed = inviter.invite_members(AccountIds=["999999999999"])["UnprocessedAccounts"]
    assert "CreateMembers first" in unprocessed[0]["ProcessingResult"]
    designate("us-east-1")
    admin = aws("securityhub", org.admin)
    admin.create_members(AccountDetails=[{"AccountId": org.members[0]}])
    (refused,) = admin.invite_members(AccountIds=[org.members[0]])["UnprocessedAccounts"]
    assert "cannot be invited" in refused["ProcessingResult"]


def test_accept_flow(org, aws, aws_error, inviter):
    inviter.invite_members(AccountIds=[org.standalone])
    member = aws("securityhub", org.standalone)
    invitation_id = member.list_invitations()["Invitations"][0]["InvitationId"]
    response = aws_error(
        "InvalidAccessException",
        member.accept_administrator_invitation,
        AdministratorId=org.standalone_2,
        InvitationId=invitation_id,
    )
    assert "not subscribed" in response["Error"]["Message"]
    member.enable_security_hub()
    aws_error(
        "ResourceNotFoundException",
        member.accept_administrator_invitation,
        AdministratorId=org.standalone_2,
        InvitationId="0" * 32,
    )
    aws_error(
        "ResourceNotFoundException",
        member.accept_administrator_invitation,
        AdministratorId=org.admin,
        InvitationId=invitation_id,
    )
    member.accept_administrator_invitation(AdministratorId=org.standalone_2, InvitationId=invitation_id)
    assert _status(inviter, org.standalone) == "Enabled"
    administrator = member.get_administrator_account()["Administrator"]
    assert administrator["AccountId"] == org.standalone_2
    assert administrator["InvitationId"] == invitation_id
    assert administrator["MemberStatus"] == "Enabled"
    assert member.list_invitations()["Invitations"] == []
    (refused,) = inviter.invite_members(AccountIds=[org.standalone])["UnprocessedAccounts"]
    assert "Enabled" in refused["ProcessingResult"]


def test_member_resigns_and_is_invited_again(org, aws, inviter):
    inviter.invite_members(AccountIds=[org.standalone])
    member = aws("securityhub", org.standalone)
    member.enable_security_hub()
    invitation_id = member.list_invitations()["Invitations"][0]["InvitationId"]
    member.accept_administrator_invitation(AdministratorId=org.standalone_2, InvitationId=invitation_id)
    member.disassociate_from_administrator_account()
    assert _status(inviter, org.standalone) == "Resigned"
    assert member.get_administrator_account().get("Administrator") is None
    inviter.invite_members(AccountIds=[org.standalone])
    assert member.list_invitations()["Invitations"][0]["InvitationId"] != invitation_id


def test_decline_and_delete_invitations(org, aws, inviter):
    inviter.invite_members(AccountIds=[org.standalone])
    member = aws("securityhub", org.standalone)
    unprocessed = member.decline_invitations(AccountIds=[org.standalone_2, org.admin])["UnprocessedAccounts"]
    assert [u["AccountId"] for u in unprocessed] == [org.admin]
    assert member.list_invitations()["Invitations"] == []
    inviter.invite_members(AccountIds=[org.standalone])
    assert member.delete_invitations(AccountIds=[org.standalone_2])["UnprocessedAccounts"] == []
    assert member.list_invitations()["Invitations"] == []


def test_list_invitations_max_results(org, aws, aws_error):
    aws_error("InvalidInputException", aws("securityhub", org.standalone).list_invitations, MaxResults=51)


def test_organization_members_cannot_leave_by_themselves(org, aws, aws_error, designate):
    designate("us-east-1")
    aws("securityhub", org.admin).create_members(AccountDetails=[{"AccountId": org.members[0]}])
    aws_error("InvalidInputException", aws("securityhub", org.members[0]).disassociate_from_administrator_account)


def test_enable_describe_disable_hub(org, aws, aws_error):
    hub = aws("securityhub", org.standalone, "ca-central-1")
    aws_error("InvalidAccessException", hub.describe_hub)
    hub.enable_security_hub()
    described = hub.describe_hub()
    assert described["HubArn"] == f"arn:aws:securityhub:ca-central-1:{org.standalone}:hub/default"
    assert described["SubscribedAt"].endswith("Z")
    response = aws_error("ResourceConflictException", hub.enable_security_hub)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 409
    hub.disable_security_hub()
    aws_error("InvalidAccessException", hub.describe_hub)


def test_an_administrator_with_members_cannot_accept_an_invitation(org, aws, aws_error, inviter, designate):
    inviter.invite_members(AccountIds=[org.standalone])
    member = aws("securityhub", org.standalone)
    member.enable_security_hub()
    invitation_id = member.list_invitations()["Invitations"][0]["InvitationId"]
    member.accept_administrator_invitation(AdministratorId=org.standalone_2, InvitationId=invitation_id)
    designate("us-east-1")
    admin = aws("securityhub", org.admin)
    admin.create_members(AccountDetails=[{"AccountId": org.standalone_2, "Email": "s2@example.com"}])
    admin.invite_members(AccountIds=[org.standalone_2])
    (invitation,) = [i for i in inviter.list_invitations()["Invitations"] if i["AccountId"] == org.admin]
    response = aws_error(
        "InvalidInputException",
        inviter.accept_administrator_invitation,
        AdministratorId=org.admin,
        InvitationId=invitation["InvitationId"],
    )
    assert "an administrator account cannot accept an invitation" in response["Error"]["Message"]
    assert _status(admin, org.standalone_2) == "Invited"
