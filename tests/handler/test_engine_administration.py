"""Delegated administrator, organization configuration and invitation acceptance against the emulator."""

from __future__ import annotations

import pytest
from cdk_securityhub_org.handler.engine.custom_resource import ReconcileFailed
from cdk_securityhub_org.handler.kinds.delegated_admin import kind as delegated_admin
from cdk_securityhub_org.handler.kinds.invitation_accepter import kind as invitation_accepter
from cdk_securityhub_org.handler.kinds.members import kind as members
from cdk_securityhub_org.handler.kinds.organization_configuration import kind as organization_configuration
from cdk_securityhub_org.testing.emulator import WorldSettings
from reconciler_harness import REGIONS

GUEST = "999999999999"
STRANGER = "888888888888"


def admin_properties(org, admin=None, **extra):
    return {"Regions": REGIONS, "AdminAccountId": admin or org.admin, "ExpectedAccount": org.management, **extra}


def admins(org, region):
    client = org.securityhub(org.management, region)
    return [(a["AccountId"], a["Status"]) for a in client.list_organization_admin_accounts()["AdminAccounts"]]


def test_designation_in_every_region_then_nothing_to_do(make_org, deploy):
    org = make_org(member_count=3)
    resource = deploy(delegated_admin, org.management)
    resource.run("Create", admin_properties(org))
    assert all(admins(org, r) == [(org.admin, "ENABLED")] for r in REGIONS)
    org.emulator.reset_calls()
    resource.run("Update", admin_properties(org))
    assert org.writes() == []


def test_a_different_administrator_is_replaced_only_when_allowed(make_org, deploy):
    org = make_org(member_count=3)
    resource = deploy(delegated_admin, org.management)
    resource.run("Create", admin_properties(org))
    newcomer = org.accounts[1]
    with pytest.raises(ReconcileFailed, match=f"{org.admin} is already the delegated administrator"):
        resource.run("Update", admin_properties(org, newcomer))
    assert all(admins(org, r) == [(org.admin, "ENABLED")] for r in REGIONS)
    resource.run("Update", admin_properties(org, newcomer, AllowReplace="true"))
    assert all(admins(org, r) == [(newcomer, "ENABLED")] for r in REGIONS)
    assert org.calls_of("DeregisterDelegatedAdministrator") == 0


def test_removal_in_progress_is_waited_for(make_org, deploy):
    org = make_org(member_count=3, settings=WorldSettings(admin_disable_delay_seconds=2.0))
    resource = deploy(delegated_admin, org.management)
    resource.run("Create", admin_properties(org))
    org.securityhub(org.management, "us-west-2").disable_organization_admin_account(AdminAccountId=org.admin)
    assert admins(org, "us-west-2") == [(org.admin, "DISABLE_IN_PROGRESS")]
    resource.run("Update", admin_properties(org))
    assert resource.passes > 1
    assert all(admins(org, r) == [(org.admin, "ENABLED")] for r in REGIONS)


def test_destroy_removes_only_in_declared_regions_and_never_organization_wide(make_org, deploy):
    org = make_org(member_count=3)
    resource = deploy(delegated_admin, org.management)
    resource.run("Create", admin_properties(org, RemovalPolicy="DESTROY"))
    resource.run("Update", admin_properties(org, RemovalPolicy="DESTROY", Regions=REGIONS[:2]))
    assert admins(org, REGIONS[2]) == []  # the dropped Region is released
    assert admins(org, REGIONS[0]) == [(org.admin, "ENABLED")]
    org.emulator.reset_calls()
    resource.run("Delete", admin_properties(org, RemovalPolicy="DESTROY", Regions=REGIONS[:1]))
    assert admins(org, REGIONS[0]) == [] and admins(org, REGIONS[1]) == [(org.admin, "ENABLED")]
    assert {c.region for c in org.writes()} == {REGIONS[0]}
    assert org.calls_of("DeregisterDelegatedAdministrator") == 0


def test_retain_leaves_the_designation_on_delete(make_org, deploy):
    org = make_org(member_count=3)
    resource = deploy(delegated_admin, org.management)
    resource.run("Create", admin_properties(org))
    org.emulator.reset_calls()
    resource.run("Delete", admin_properties(org))
    assert org.emulator.calls() == []


def configuration_properties(org, **extra):
    return {"Regions": REGIONS, "ExpectedAccount": org.admin, **extra}


def describe(org, region):
    answer = org.securityhub(org.admin, region).describe_organization_configuration()
    return answer["AutoEnable"], answer["AutoEnableStandards"], answer["OrganizationConfiguration"]["ConfigurationType"]


def test_local_configuration_in_every_region_with_an_aggregator(make_org, deploy):
    org = make_org(member_count=3)
    deploy(delegated_admin, org.management).run("Create", admin_properties(org))
    resource = deploy(organization_configuration, org.admin)
    resource.run("Create", configuration_properties(org, AutoEnable="true", HomeRegion="us-east-1"))
    assert all(describe(org, r) == (True, "DEFAULT", "LOCAL") for r in REGIONS)
    aggregators = org.securityhub(org.admin).list_finding_aggregators()["FindingAggregators"]
    details = org.securityhub(org.admin).get_finding_aggregator(
        FindingAggregatorArn=aggregators[0]["FindingAggregatorArn"]
    )
    assert details["RegionLinkingMode"] == "SPECIFIED_REGIONS" and sorted(details["Regions"]) == sorted(REGIONS[1:])
    org.emulator.reset_calls()
    resource.run("Update", configuration_properties(org, AutoEnable="true", HomeRegion="us-east-1"))
    assert org.writes() == []


def test_local_to_central_waits_for_pending_and_is_asked_in_the_home_region_only(make_org, deploy):
    org = make_org(member_count=3, settings=WorldSettings(central_config_seconds=0.5))
    deploy(delegated_admin, org.management).run("Create", admin_properties(org))
    resource = deploy(organization_configuration, org.admin)
    resource.run("Create", configuration_properties(org, HomeRegion="us-east-1"))
    org.emulator.reset_calls()
    central = configuration_properties(
        org, HomeRegion="us-east-1", ConfigurationType="CENTRAL", AutoEnable="false", AutoEnableStandards="NONE"
    )
    resource.run("Update", central)
    assert resource.passes > 1  # PENDING, then ENABLED
    assert [(c.operation, c.region) for c in org.writes()] == [("UpdateOrganizationConfiguration", "us-east-1")]
    assert describe(org, "us-east-1") == (False, "NONE", "CENTRAL")


def test_central_failure_is_reported_with_its_status_message(make_org, deploy):
    org = make_org(member_count=3, settings=WorldSettings(central_config_failure="policy association failed"))
    deploy(delegated_admin, org.management).run("Create", admin_properties(org))
    central = configuration_properties(
        org, HomeRegion="us-east-1", ConfigurationType="CENTRAL", AutoEnable="false", AutoEnableStandards="NONE"
    )
    with pytest.raises(ReconcileFailed, match="policy association failed"):
        deploy(organization_configuration, org.admin).run("Create", central)


def test_invited_account_accepts_only_its_declared_administrator(make_org, deploy):
    org = make_org(member_count=3)
    org.world.add_standalone_account(GUEST, email="guest@example.com")
    org.world.add_standalone_account(STRANGER, email="stranger@example.com")
    deploy(delegated_admin, org.management).run("Create", admin_properties(org))
    # A stranger invites the guest too, first.
    stranger = org.securityhub(STRANGER, "us-east-1")
    stranger.enable_security_hub()
    stranger.create_members(AccountDetails=[{"AccountId": GUEST, "Email": "guest@example.com"}])
    stranger.invite_members(AccountIds=[GUEST])
    listed = {"Accounts": [{"AccountId": GUEST, "Email": "guest@example.com"}]}
    deploy(members, org.admin).run("Create", {"Regions": REGIONS, "ExpectedAccount": org.admin, "MemberList": listed})
    accepter = deploy(invitation_accepter, GUEST)
    accepter.run("Create", {"Regions": REGIONS, "AdministratorAccountId": org.admin, "ExpectedAccount": GUEST})
    for region in REGIONS:
        administrator = org.securityhub(GUEST, region).get_administrator_account()["Administrator"]
        assert administrator["AccountId"] == org.admin and administrator["MemberStatus"] == "Enabled"
        assert org.members(region)[GUEST] == "Enabled"
    accepted = org.emulator.calls(operation="AcceptAdministratorInvitation")
    assert len(accepted) == len(REGIONS)
    assert "EnableSecurityHub" in {c.operation for c in org.emulator.calls(account=GUEST)}


def test_invitation_not_sent_yet_is_reported_pending(make_org, deploy):
    org = make_org(member_count=3)
    org.world.add_standalone_account(GUEST, email="guest@example.com")
    data = deploy(invitation_accepter, GUEST).run(
        "Create", {"Regions": REGIONS, "AdministratorAccountId": org.admin, "ExpectedAccount": GUEST}
    )
    assert data["Pending"] == str(len(REGIONS)) and data["Changed"] == "0"


def test_an_accepter_whose_account_has_members_refuses_before_any_write(make_org, deploy):
    org = make_org(member_count=3)
    org.world.add_standalone_account(GUEST, email="guest@example.com")
    org.world.add_standalone_account(STRANGER, email="stranger@example.com")
    deploy(delegated_admin, org.management).run("Create", admin_properties(org))
    # The guest is an administrator itself: the stranger is its member, in every Region.
    for region in REGIONS:
        guest = org.securityhub(GUEST, region)
        guest.enable_security_hub()
        guest.create_members(AccountDetails=[{"AccountId": STRANGER, "Email": "stranger@example.com"}])
        guest.invite_members(AccountIds=[STRANGER])
        stranger = org.securityhub(STRANGER, region)
        stranger.enable_security_hub()
        (invitation,) = stranger.list_invitations()["Invitations"]
        stranger.accept_administrator_invitation(AdministratorId=GUEST, InvitationId=invitation["InvitationId"])
    listed = {"Accounts": [{"AccountId": GUEST, "Email": "guest@example.com"}]}
    deploy(members, org.admin).run("Create", {"Regions": REGIONS, "ExpectedAccount": org.admin, "MemberList": listed})
    org.emulator.reset_calls()
    accepter = deploy(invitation_accepter, GUEST)
    with pytest.raises(ReconcileFailed, match=r"is a Security Hub administrator itself .* cannot accept an invitation"):
        accepter.run("Create", {"Regions": REGIONS, "AdministratorAccountId": org.admin, "ExpectedAccount": GUEST})
    assert org.writes(account=GUEST) == []
    assert all(org.members(region)[GUEST] == "Invited" for region in REGIONS)
