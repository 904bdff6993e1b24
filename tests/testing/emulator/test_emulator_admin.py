"""Delegated administrator: who may designate it, uniqueness across Regions, removal per Region."""

from __future__ import annotations

import time

import pytest
from cdk_securityhub_org.testing.emulator import Emulator, FaultConfig

IMPLIED = ["organizations:EnableAWSServiceAccess", "organizations:RegisterDelegatedAdministrator"]


def test_only_the_management_account_designates(org, aws, aws_error):
    aws_error(
        "AccessDeniedException",
        aws("securityhub", org.admin).enable_organization_admin_account,
        AdminAccountId=org.admin,
    )


def test_designation_enables_the_hub_and_registers_in_organizations(emu: Emulator, org, aws):
    hub = aws("securityhub", org.management, "eu-west-1")
    answer = hub.enable_organization_admin_account(AdminAccountId=org.admin)
    assert answer["AdminAccountId"] == org.admin
    assert aws("securityhub", org.admin, "eu-west-1").describe_hub()["HubArn"].endswith(f"{org.admin}:hub/default")
    # Only in that Region.
    assert not emu.world.hub(org.admin, "us-east-1").enabled
    admins = aws("organizations", org.management).list_delegated_administrators()["DelegatedAdministrators"]
    assert [a["Id"] for a in admins] == [org.admin]
    access = aws("organizations", org.management).list_aws_service_access_for_organization()
    assert [p["ServicePrincipal"] for p in access["EnabledServicePrincipals"]] == ["securityhub.amazonaws.com"]
    (record,) = emu.calls(operation="EnableOrganizationAdminAccount")
    assert record.implied_actions == IMPLIED and record.write


def test_same_admin_again_is_a_noop(org, aws, designate):
    designate("us-east-1")
    hub = aws("securityhub", org.management)
    assert hub.enable_organization_admin_account(AdminAccountId=org.admin)["AdminAccountId"] == org.admin
    assert hub.list_organization_admin_accounts()["AdminAccounts"] == [{"AccountId": org.admin, "Status": "ENABLED"}]


def test_another_admin_in_the_same_region_is_refused(org, aws, aws_error, designate):
    designate("us-east-1")
    response = aws_error(
        "InvalidInputException",
        aws("securityhub", org.management).enable_organization_admin_account,
        AdminAccountId=org.members[0],
    )
    assert org.admin in response["Error"]["Message"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_admin_must_be_the_same_in_every_region(org, aws, aws_error, designate):
    designate("us-east-1")
    response = aws_error(
        "InvalidInputException",
        aws("securityhub", org.management, "eu-west-1").enable_organization_admin_account,
        AdminAccountId=org.members[0],
    )
    assert "same in every Region" in response["Error"]["Message"]


def test_non_organization_account_cannot_be_admin(org, aws, aws_error):
    aws_error(
        "InvalidInputException",
        aws("securityhub", org.management).enable_organization_admin_account,
        AdminAccountId=org.standalone,
    )


def test_disable_removes_the_admin_in_this_region_only(emu: Emulator, org, aws, designate):
    designate("us-east-1", "eu-west-1")
    aws("securityhub", org.admin).create_members(AccountDetails=[{"AccountId": org.members[0]}])
    aws("securityhub", org.management).disable_organization_admin_account(AdminAccountId=org.admin)
    assert aws("securityhub", org.management).list_organization_admin_accounts()["AdminAccounts"] == []
    west = aws("securityhub", org.management, "eu-west-1").list_organization_admin_accounts()
    assert west["AdminAccounts"] == [{"AccountId": org.admin, "Status": "ENABLED"}]
    # Organization members are disassociated from the removed administrator; Security Hub stays enabled.
    member_hub = emu.world.hub(org.members[0], "us-east-1")
    assert member_hub.enabled and member_hub.administrator is None
    # Still registered in Organizations while another Region has it.
    admins = aws("organizations", org.management).list_delegated_administrators()["DelegatedAdministrators"]
    assert [a["Id"] for a in admins] == [org.admin]


def test_disable_requires_management_and_the_current_admin(org, aws, aws_error, designate):
    designate("us-east-1")
    aws_error(
        "AccessDeniedException",
        aws("securityhub", org.admin).disable_organization_admin_account,
        AdminAccountId=org.admin,
    )
    aws_error(
        "InvalidInputException",
        aws("securityhub", org.management).disable_organization_admin_account,
        AdminAccountId=org.members[0],
    )


def test_disable_in_progress_then_gone_and_admin_list_pagination(emu: Emulator, org, aws, aws_error, designate):
    emu.world.settings.admin_disable_delay_seconds = 0.3
    designate("us-east-1")
    hub = aws("securityhub", org.management)
    hub.disable_organization_admin_account(AdminAccountId=org.admin)
    first = hub.list_organization_admin_accounts(MaxResults=1)
    assert first["AdminAccounts"] == [{"AccountId": org.admin, "Status": "DISABLE_IN_PROGRESS"}]
    assert "NextToken" not in first
    aws_error("InvalidInputException", hub.list_organization_admin_accounts, MaxResults=11)
    time.sleep(0.35)
    assert hub.list_organization_admin_accounts()["AdminAccounts"] == []
    hub.enable_organization_admin_account(AdminAccountId=org.members[0])
    assert hub.list_organization_admin_accounts()["AdminAccounts"] == [
        {"AccountId": org.members[0], "Status": "ENABLED"}
    ]


def test_no_new_administrator_while_the_old_ones_removal_is_in_progress_anywhere(
    emu: Emulator, org, aws, aws_error, designate
):
    emu.world.settings.admin_disable_delay_seconds = 30.0
    designate("us-east-1", "eu-west-1")
    for region in ("us-east-1", "eu-west-1"):
        aws("securityhub", org.management, region).disable_organization_admin_account(AdminAccountId=org.admin)
    for region in ("us-east-1", "us-west-2"):  # its own Region, and a Region it was never in
        response = aws_error(
            "InvalidInputException",
            aws("securityhub", org.management, region).enable_organization_admin_account,
            AdminAccountId=org.members[0],
        )
        assert f"{org.admin} in us-east-1 (removal in progress)" in response["Error"]["Message"]
    assert emu.world.designations("us-west-2") == []


def test_a_removal_can_last_a_given_number_of_reads(emu: Emulator, org, aws, designate):
    emu.set_faults(FaultConfig(rate_limit=False, admin_disable_pending_reads=2))
    designate("us-east-1", "eu-west-1")
    hub = aws("securityhub", org.management)
    hub.disable_organization_admin_account(AdminAccountId=org.admin)
    in_progress = [{"AccountId": org.admin, "Status": "DISABLE_IN_PROGRESS"}]
    assert hub.list_organization_admin_accounts()["AdminAccounts"] == in_progress
    assert hub.list_organization_admin_accounts()["AdminAccounts"] == in_progress
    assert hub.list_organization_admin_accounts()["AdminAccounts"] == []
    # Reads in another Region do not count, and the removal there is its own.
    eu = aws("securityhub", org.management, "eu-west-1")
    assert eu.list_organization_admin_accounts()["AdminAccounts"] == [{"AccountId": org.admin, "Status": "ENABLED"}]


def test_pending_reads_of_a_removal_must_be_a_whole_number():
    with pytest.raises(ValueError, match="admin_disable_pending_reads must be a whole number >= 0, got -1"):
        FaultConfig(admin_disable_pending_reads=-1)


def test_admin_list_is_for_management_and_the_admin(org, aws, aws_error, designate):
    designate("us-east-1")
    assert aws("securityhub", org.admin).list_organization_admin_accounts()["AdminAccounts"]
    aws_error("AccessDeniedException", aws("securityhub", org.members[3]).list_organization_admin_accounts)


def test_deregister_delegated_administrator_removes_it_everywhere(emu: Emulator, org, aws, aws_error, designate):
    designate("us-east-1", "eu-west-1", "ap-southeast-2")
    organizations = aws("organizations", org.management)
    organizations.deregister_delegated_administrator(AccountId=org.admin, ServicePrincipal="securityhub.amazonaws.com")
    for region in ("us-east-1", "eu-west-1", "ap-southeast-2"):
        assert aws("securityhub", org.management, region).list_organization_admin_accounts()["AdminAccounts"] == []
    assert organizations.list_delegated_administrators()["DelegatedAdministrators"] == []
    aws_error(
        "AccountNotRegisteredException",
        organizations.deregister_delegated_administrator,
        AccountId=org.admin,
        ServicePrincipal="securityhub.amazonaws.com",
    )
    assert [c.operation for c in emu.calls(service="organizations", writes_only=True)] == [
        "DeregisterDelegatedAdministrator",
        "DeregisterDelegatedAdministrator",
    ]


def test_no_new_administrator_while_another_account_is_registered_in_organizations(emu: Emulator, org, aws, aws_error):
    emu.world.delegated_admins.setdefault(org.members[1], {})["securityhub.amazonaws.com"] = 0.0
    response = aws_error(
        "InvalidInputException",
        aws("securityhub", org.management).enable_organization_admin_account,
        AdminAccountId=org.admin,
    )
    assert f"Account {org.members[1]} is registered in Organizations" in response["Error"]["Message"]
    assert emu.world.designations("us-east-1") == []
