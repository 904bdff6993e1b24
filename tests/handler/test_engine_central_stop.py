"""Leaving CENTRAL configuration against the emulator, through the handlers' real entry points: going back to
LOCAL and deleting under DESTROY first remove every association (self-managed designations too) and the owned
policies; replacing the administrator under CENTRAL fails with the documented procedure."""

from __future__ import annotations

import pytest
from cdk_securityhub_org.handler.engine.custom_resource import ReconcileFailed
from cdk_securityhub_org.handler.kinds.configuration_policies import kind as configuration_policies
from cdk_securityhub_org.handler.kinds.configuration_policies.spec import SELF_MANAGED
from cdk_securityhub_org.handler.kinds.delegated_admin import kind as delegated_admin
from cdk_securityhub_org.handler.kinds.organization_configuration import kind as organization_configuration
from reconciler_harness import REGIONS
from test_engine_configuration_policies import HOME, PROD, central_org, declaration

CENTRAL = {
    "Regions": REGIONS,
    "HomeRegion": HOME,
    "ConfigurationType": "CENTRAL",
    "AutoEnable": "false",
    "AutoEnableStandards": "NONE",
}


def governed(make_org, deploy):
    """CENTRAL, a policy on the root, one account designated self-managed by hand."""
    org = central_org(make_org, deploy)
    deploy(configuration_policies, org.admin).run("Create", declaration(org, [PROD], {org.world.root_id: "production"}))
    org.securityhub(org.admin, HOME).start_configuration_policy_association(
        ConfigurationPolicyIdentifier=SELF_MANAGED, Target={"AccountId": org.accounts[3]}
    )
    return org


def configuration_type(org):
    answer = org.securityhub(org.admin, HOME).describe_organization_configuration()
    return answer["OrganizationConfiguration"]["ConfigurationType"]


def test_central_to_local_removes_the_associations_then_the_policies_first(make_org, deploy):
    org = governed(make_org, deploy)
    resource = deploy(organization_configuration, org.admin)
    resource.run("Create", {**CENTRAL, "ExpectedAccount": org.admin})
    org.emulator.reset_calls()
    resource.run("Update", {**CENTRAL, "ExpectedAccount": org.admin, "ConfigurationType": "LOCAL"})
    assert configuration_type(org) == "LOCAL"
    assert not org.world.configuration_policies and not org.world.policy_associations
    operations = [c.operation for c in org.writes()]
    assert operations.count("StartConfigurationPolicyDisassociation") == 2  # the root and the designation
    assert operations.index("DeleteConfigurationPolicy") > operations.index("StartConfigurationPolicyDisassociation")
    assert operations.index("UpdateOrganizationConfiguration") > operations.index("DeleteConfigurationPolicy")


def test_a_central_configuration_deleted_under_destroy_stops_central_first(make_org, deploy):
    org = governed(make_org, deploy)
    props = {**CENTRAL, "ExpectedAccount": org.admin, "RemovalPolicy": "DESTROY"}
    resource = deploy(organization_configuration, org.admin)
    resource.run("Create", props)
    resource.run("Delete", props)
    assert configuration_type(org) == "LOCAL"
    assert not org.world.configuration_policies and not org.world.policy_associations


def test_replacing_the_administrator_under_central_fails_with_the_procedure(make_org, deploy):
    org = central_org(make_org, deploy)
    replacement = org.accounts[1]
    props = {"Regions": REGIONS, "ExpectedAccount": org.management, "AllowReplace": "true"}
    with pytest.raises(ReconcileFailed, match=r"central configuration.*\(1\) declare configuration_type=LOCAL"):
        deploy(delegated_admin, org.management).run("Update", {**props, "AdminAccountId": replacement})
    assert {d.account_id for d in org.world.designations(HOME)} == {org.admin}


def test_a_policy_deleted_out_of_band_is_made_again_and_associated_again(make_org, deploy):
    org = central_org(make_org, deploy)
    props = declaration(org, [PROD], {org.world.root_id: "production"})
    resource = deploy(configuration_policies, org.admin)
    resource.run("Create", props)
    client = org.securityhub(org.admin, HOME)
    (policy,) = client.list_configuration_policies()["ConfigurationPolicySummaries"]
    # By hand, as AWS requires: the association first, then the policy.
    client.start_configuration_policy_disassociation(
        ConfigurationPolicyIdentifier=policy["Id"], Target={"RootId": org.world.root_id}
    )
    client.delete_configuration_policy(Identifier=policy["Id"])
    assert not org.world.configuration_policies
    resource.run("Update", props)
    (again,) = client.list_configuration_policies()["ConfigurationPolicySummaries"]
    assert again["Name"] == "production" and again["Id"] != policy["Id"]
    assert all(c == "production" for c in org.world.effective_configurations().values())


def test_policies_deleted_after_central_stopped_have_nothing_left_to_release(make_org, deploy):
    """CENTRAL to LOCAL in one update: the organization configuration tears the policies down and goes LOCAL, then
    the dropped ConfigurationPolicies resource is deleted in the cleanup, where Security Hub refuses policy reads."""
    org = central_org(make_org, deploy)
    policies = deploy(configuration_policies, org.admin)
    props = declaration(org, [PROD], {org.world.root_id: "production"}, RemovalPolicy="DESTROY")
    policies.run("Create", props)
    configuration = deploy(organization_configuration, org.admin)
    configuration.run("Create", {**CENTRAL, "ExpectedAccount": org.admin})
    configuration.run("Update", {**CENTRAL, "ExpectedAccount": org.admin, "ConfigurationType": "LOCAL"})
    org.emulator.reset_calls()
    policies.run("Delete", props)
    assert [c.operation for c in org.emulator.calls()] == ["DescribeOrganizationConfiguration"]
    assert configuration_type(org) == "LOCAL"
