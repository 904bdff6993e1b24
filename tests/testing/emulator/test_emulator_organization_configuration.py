"""Organization configuration: who may call it, LOCAL per Region, CENTRAL and its rules."""

from __future__ import annotations

import time

import pytest
from cdk_securityhub_org.testing.emulator import Emulator

CENTRAL = {
    "AutoEnable": False,
    "AutoEnableStandards": "NONE",
    "OrganizationConfiguration": {"ConfigurationType": "CENTRAL"},
}


@pytest.fixture
def central_ready(emu: Emulator, org, aws, designate):
    """Administrator in us-east-1 (home, aggregator linking eu-west-1) and eu-west-1; members enrolled."""
    emu.world.settings.central_config_seconds = 0.2
    designate("us-east-1", "eu-west-1")
    admin = aws("securityhub", org.admin)
    admin.create_finding_aggregator(RegionLinkingMode="SPECIFIED_REGIONS", Regions=["eu-west-1"])
    admin.create_members(AccountDetails=[{"AccountId": a} for a in org.members[:3]])
    return admin


def _wait_for(admin, status: str, timeout: float = 2.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        config = admin.describe_organization_configuration()["OrganizationConfiguration"]
        if config["Status"] == status or time.monotonic() > deadline:
            return config
        time.sleep(0.05)


def test_only_the_delegated_admin_may_call(org, aws, aws_error, designate):
    designate("us-east-1")
    for account in (org.management, org.members[0]):
        response = aws_error("InvalidAccessException", aws("securityhub", account).describe_organization_configuration)
        assert f"Account {account} is not an administrator for this organization" in response["Error"]["Message"]
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 401
    aws_error(
        "InvalidAccessException",
        aws("securityhub", org.management).update_organization_configuration,
        AutoEnable=True,
    )


def test_still_syncing_right_after_designation(emu: Emulator, org, aws, aws_error, designate):
    emu.world.settings.admin_sync_seconds = 0.3
    designate("us-east-1")
    client = aws("securityhub", org.admin, retries=False)
    response = aws_error("DataUnavailableException", client.describe_organization_configuration)
    assert "Retry later" in response["Error"]["Message"]
    time.sleep(0.35)
    assert client.describe_organization_configuration()["OrganizationConfiguration"]["Status"] == "ENABLED"


def test_local_configuration_is_per_region(org, aws, designate):
    designate("us-east-1", "eu-west-1")
    aws("securityhub", org.admin).update_organization_configuration(AutoEnable=True, AutoEnableStandards="NONE")
    east = aws("securityhub", org.admin).describe_organization_configuration()
    west = aws("securityhub", org.admin, "eu-west-1").describe_organization_configuration()
    assert (east["AutoEnable"], east["AutoEnableStandards"]) == (True, "NONE")
    assert (west["AutoEnable"], west["AutoEnableStandards"]) == (False, "DEFAULT")
    assert east["OrganizationConfiguration"] == {"ConfigurationType": "LOCAL", "Status": "ENABLED"}
    assert east["MemberAccountLimitReached"] is False


def test_auto_enable_enrolls_new_organization_accounts(emu: Emulator, org, aws, designate):
    designate("us-east-1", "eu-west-1")
    aws("securityhub", org.admin).update_organization_configuration(AutoEnable=True)
    newcomer = emu.world.add_account(name="newcomer")
    east = aws("securityhub", org.admin).get_members(AccountIds=[newcomer])["Members"]
    assert [m["MemberStatus"] for m in east] == ["Enabled"]
    west = aws("securityhub", org.admin, "eu-west-1").get_members(AccountIds=[newcomer])
    assert west["Members"] == [] and west["UnprocessedAccounts"][0]["AccountId"] == newcomer


def test_central_goes_pending_then_enabled_and_covers_linked_regions(org, aws, central_ready):
    central_ready.update_organization_configuration(**CENTRAL)
    assert central_ready.describe_organization_configuration()["OrganizationConfiguration"] == {
        "ConfigurationType": "CENTRAL",
        "Status": "PENDING",
    }
    assert _wait_for(central_ready, "ENABLED")["Status"] == "ENABLED"
    west = aws("securityhub", org.admin, "eu-west-1").describe_organization_configuration()
    assert west["OrganizationConfiguration"]["ConfigurationType"] == "CENTRAL"
    assert (west["AutoEnable"], west["AutoEnableStandards"]) == (False, "NONE")


def test_central_failure_hook(emu: Emulator, central_ready):
    emu.world.settings.central_config_failure = "Policy association failed for 1 account"
    central_ready.update_organization_configuration(**CENTRAL)
    config = _wait_for(central_ready, "FAILED")
    assert config == {
        "ConfigurationType": "CENTRAL",
        "Status": "FAILED",
        "StatusMessage": "Policy association failed for 1 account",
    }


def test_central_invalid_input_rules(org, aws, aws_error, central_ready):
    admin_west = aws("securityhub", org.admin, "eu-west-1")
    message = aws_error("InvalidInputException", admin_west.update_organization_configuration, **CENTRAL)
    assert "home Region" in message["Error"]["Message"]
    aws_error(
        "InvalidInputException",
        central_ready.update_organization_configuration,
        **{**CENTRAL, "AutoEnable": True},
    )
    aws_error(
        "InvalidInputException",
        central_ready.update_organization_configuration,
        **{**CENTRAL, "AutoEnableStandards": "DEFAULT"},
    )


def test_central_needs_an_aggregator(org, aws, aws_error, designate):
    designate("us-east-1")
    response = aws_error(
        "InvalidInputException", aws("securityhub", org.admin).update_organization_configuration, **CENTRAL
    )
    assert "finding aggregator" in response["Error"]["Message"]


def test_central_refused_when_the_management_account_is_admin(org, aws, aws_error, designate):
    designate("us-east-1", admin=org.management)
    hub = aws("securityhub", org.management)
    hub.create_finding_aggregator(RegionLinkingMode="NO_REGIONS")
    response = aws_error("InvalidInputException", hub.update_organization_configuration, **CENTRAL)
    assert "management account" in response["Error"]["Message"]


def test_central_blocks_admin_removal_disassociation_and_aggregator_deletion(
    emu: Emulator, org, aws, aws_error, central_ready
):
    central_ready.create_members(AccountDetails=[{"AccountId": org.standalone}])
    central_ready.update_organization_configuration(**CENTRAL)
    _wait_for(central_ready, "ENABLED")
    for region in ("us-east-1", "eu-west-1"):
        response = aws_error(
            "InvalidInputException",
            aws("securityhub", org.management, region).disable_organization_admin_account,
            AdminAccountId=org.admin,
        )
        assert "central configuration" in response["Error"]["Message"]
    # Self-managed by default under the API: a policy that enables Security Hub makes the member centrally managed.
    policy = central_ready.create_configuration_policy(
        Name="baseline",
        ConfigurationPolicy={
            "SecurityHub": {
                "ServiceEnabled": True,
                "EnabledStandardIdentifiers": [],
                "SecurityControlsConfiguration": {"DisabledSecurityControlIdentifiers": []},
            }
        },
    )
    central_ready.start_configuration_policy_association(
        ConfigurationPolicyIdentifier=policy["Id"], Target={"AccountId": org.members[0]}
    )
    response = aws_error("InvalidInputException", central_ready.disassociate_members, AccountIds=[org.members[0]])
    assert "self-managed" in response["Error"]["Message"]
    # Invited (non-organization) members can still be disassociated.
    central_ready.disassociate_members(AccountIds=[org.standalone])
    assert emu.world.hub(org.admin, "us-east-1").members.get(org.standalone).status == "Removed"
    arn = central_ready.list_finding_aggregators()["FindingAggregators"][0]["FindingAggregatorArn"]
    aws_error("InvalidInputException", central_ready.delete_finding_aggregator, FindingAggregatorArn=arn)


def test_back_to_local_lifts_central(org, aws, central_ready):
    central_ready.update_organization_configuration(**CENTRAL)
    _wait_for(central_ready, "ENABLED")
    central_ready.update_organization_configuration(
        AutoEnable=False, OrganizationConfiguration={"ConfigurationType": "LOCAL"}
    )
    assert central_ready.describe_organization_configuration()["OrganizationConfiguration"] == {
        "ConfigurationType": "LOCAL",
        "Status": "ENABLED",
    }
    aws("securityhub", org.management, "eu-west-1").disable_organization_admin_account(AdminAccountId=org.admin)
