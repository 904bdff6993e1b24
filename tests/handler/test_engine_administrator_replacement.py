"""Replacing the delegated administrator (allow_replace) against the emulator: everything checked before the first
removal, and no designation while the old administrator is still listed anywhere (issue 15, observations 4 and 5)."""

from __future__ import annotations

import pytest
from cdk_securityhub_org.handler.engine.custom_resource import ReconcileFailed
from cdk_securityhub_org.handler.kinds.delegated_admin import kind as delegated_admin
from cdk_securityhub_org.testing.emulator import FaultConfig
from reconciler_harness import REGIONS

UNDECLARED = "ap-northeast-1"


def admin_properties(org, admin, **extra):
    return {"Regions": REGIONS, "AdminAccountId": admin, "ExpectedAccount": org.management, **extra}


def admins(org, region):
    client = org.securityhub(org.management, region)
    return [(a["AccountId"], a["Status"]) for a in client.list_organization_admin_accounts()["AdminAccounts"]]


def designated(org):
    """The administrator per declared Region, read from the world (reading through the API would use up the
    fault's pending reads)."""
    return {r: [(d.account_id, d.status) for d in org.world.designations(r)] for r in REGIONS}


def test_a_removal_in_progress_is_waited_for_and_the_new_administrator_designated_on_a_later_pass(make_org, deploy):
    org = make_org(member_count=3, faults=FaultConfig(rate_limit=False, admin_disable_pending_reads=2))
    resource = deploy(delegated_admin, org.management)
    resource.run("Create", admin_properties(org, org.admin))
    newcomer = org.accounts[1]
    org.emulator.reset_calls()

    first = resource.one_pass("Update", admin_properties(org, newcomer, AllowReplace="true"))
    assert first["IsComplete"] is False
    assert org.calls_of("DisableOrganizationAdminAccount") == len(REGIONS)
    assert org.calls_of("EnableOrganizationAdminAccount") == 0  # never while the old one is still being disabled
    assert all(designated(org)[r] == [(org.admin, "DISABLE_IN_PROGRESS")] for r in REGIONS)

    resource.run("Update", admin_properties(org, newcomer, AllowReplace="true"))
    assert all(designated(org)[r] == [(newcomer, "ENABLED")] for r in REGIONS)
    refused = [c for c in org.emulator.calls(operation="EnableOrganizationAdminAccount") if c.error_code]
    assert refused == []


def test_an_old_administrator_in_an_undeclared_region_refuses_the_replacement_before_any_write(make_org, deploy):
    org = make_org(member_count=3)
    resource = deploy(delegated_admin, org.management)
    resource.run("Create", admin_properties(org, org.admin))
    org.securityhub(org.management, UNDECLARED).enable_organization_admin_account(AdminAccountId=org.admin)
    newcomer = org.accounts[1]
    org.emulator.reset_calls()

    with pytest.raises(ReconcileFailed) as failure:
        resource.run("Update", admin_properties(org, newcomer, AllowReplace="true"))
    message = str(failure.value)
    assert f"{org.admin} is the delegated administrator in {UNDECLARED}, which the declaration does not list" in message
    assert f"Declare {UNDECLARED}, or remove {org.admin} there first" in message
    assert org.writes() == []
    # The check read the other Regions the account can reach, and the registration in Organizations.
    assert org.calls_of("ListOrganizationAdminAccounts", region=UNDECLARED) == 1
    assert org.calls_of("ListDelegatedAdministrators") == 1
    assert all(admins(org, r) == [(org.admin, "ENABLED")] for r in [*REGIONS, UNDECLARED])


def test_once_the_undeclared_region_is_declared_the_replacement_completes(make_org, deploy):
    org = make_org(member_count=3)
    resource = deploy(delegated_admin, org.management)
    resource.run("Create", admin_properties(org, org.admin))
    org.securityhub(org.management, UNDECLARED).enable_organization_admin_account(AdminAccountId=org.admin)
    newcomer = org.accounts[1]
    properties = {**admin_properties(org, newcomer, AllowReplace="true"), "Regions": [*REGIONS, UNDECLARED]}
    resource.run("Update", properties)
    assert all(admins(org, r) == [(newcomer, "ENABLED")] for r in [*REGIONS, UNDECLARED])


def test_another_account_registered_in_organizations_but_administrator_nowhere_refuses_the_replacement(
    make_org, deploy
):
    org = make_org(member_count=4)
    resource = deploy(delegated_admin, org.management)
    resource.run("Create", admin_properties(org, org.admin))
    # Registered through Organizations alone (RegisterDelegatedAdministrator), designated in no Region.
    stray = org.accounts[2]
    org.world.delegated_admins.setdefault(stray, {})["securityhub.amazonaws.com"] = 0.0
    newcomer = org.accounts[1]
    org.emulator.reset_calls()

    with pytest.raises(ReconcileFailed, match=f"{stray} is registered in Organizations as Security Hub's"):
        resource.run("Update", admin_properties(org, newcomer, AllowReplace="true"))
    assert org.writes() == []
    assert all(admins(org, r) == [(org.admin, "ENABLED")] for r in REGIONS)


def test_without_a_removal_the_other_regions_are_not_read(make_org, deploy):
    org = make_org(member_count=3)
    resource = deploy(delegated_admin, org.management)
    resource.run("Create", admin_properties(org, org.admin))
    assert org.calls_of("ListOrganizationAdminAccounts", region=UNDECLARED) == 0
    assert org.calls_of("ListDelegatedAdministrators") == 0
