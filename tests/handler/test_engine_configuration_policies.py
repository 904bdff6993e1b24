"""Configuration policies and their associations against the emulator, through the handler's real entry points:
create, converge with reads only, change, drop, hand-made policies left alone, PENDING waited for, FAILED
reported, DESTROY, and the IAM actions granted against those called."""

from __future__ import annotations

import json

import pytest
from cdk_securityhub_org.handler.engine.custom_resource import ReconcileFailed
from cdk_securityhub_org.handler.kinds.configuration_policies import kind as configuration_policies
from cdk_securityhub_org.handler.kinds.configuration_policies.permissions import actions
from cdk_securityhub_org.handler.kinds.configuration_policies.spec import (
    SELF_MANAGED,
    parse_configuration_policies,
)
from cdk_securityhub_org.handler.kinds.delegated_admin import kind as delegated_admin
from cdk_securityhub_org.handler.kinds.organization_configuration import kind as organization_configuration
from cdk_securityhub_org.testing.emulator import FaultConfig, WorldSettings
from reconciler_harness import REGIONS

HOME = REGIONS[0]
FSBP = f"arn:aws:securityhub:{HOME}::standards/aws-foundational-security-best-practices/v/1.0.0"
CIS_30 = f"arn:aws:securityhub:{HOME}::standards/cis-aws-foundations-benchmark/v/3.0.0"
FAST = WorldSettings(central_config_seconds=0, policy_association_seconds=0)


def central_org(make_org, deploy, faults=None):
    """An organization whose delegated administrator has CENTRAL configuration ENABLED in the home Region."""
    org = make_org(member_count=6, settings=FAST, faults=faults)
    deploy(delegated_admin, org.management).run(
        "Create", {"Regions": REGIONS, "AdminAccountId": org.admin, "ExpectedAccount": org.management}
    )
    deploy(organization_configuration, org.admin).run(
        "Create",
        {
            "Regions": REGIONS,
            "ExpectedAccount": org.admin,
            "HomeRegion": HOME,
            "ConfigurationType": "CENTRAL",
            "AutoEnable": "false",
            "AutoEnableStandards": "NONE",
        },
    )
    return org


def ou(org, name):
    return next(o.id for o in org.world.organizational_units.values() if o.name == name)


PROD = {
    "Name": "production",
    "Description": "FSBP and CIS 3.0",
    "ServiceEnabled": True,
    "Standards": [FSBP, CIS_30],
    "ControlsMode": "DISABLED",
    "Controls": ["EC2.8"],
    "Parameters": [{"Control": "IAM.1", "Name": "maxDays", "Type": "Integer", "Value": 90}],
}
SANDBOX = {"Name": "sandbox", "Description": "off", "ServiceEnabled": False}


def declaration(org, policies, associations, **extra):
    return {
        "Regions": REGIONS,
        "ExpectedAccount": org.admin,
        "HomeRegion": HOME,
        "Policies": json.dumps(policies),
        "Associations": [{"Target": t, "Configuration": c} for t, c in associations.items()],
        **extra,
    }


def live_policies(org):
    client = org.securityhub(org.admin, HOME)
    return {p["Name"]: p for p in client.list_configuration_policies()["ConfigurationPolicySummaries"]}


def test_create_then_a_second_pass_reads_only_and_accounts_follow_their_policy(make_org, deploy):
    org = central_org(make_org, deploy)
    self_managed = org.accounts[2]
    associations = {ou(org, "Workloads"): "production", ou(org, "Sandbox"): "sandbox", self_managed: SELF_MANAGED}
    props = declaration(org, [PROD, SANDBOX], associations)
    resource = deploy(configuration_policies, org.admin)
    org.emulator.reset_calls()
    resource.run("Create", props)
    assert set(live_policies(org)) == {"production", "sandbox"}
    assert {c.region for c in org.emulator.calls()} == {HOME}  # the home Region only
    effective = org.world.effective_configurations()
    prod_accounts = [a.id for a in org.world.accounts.values() if a.parent_id == ou(org, "Prod")]
    assert prod_accounts and all(effective[a] == "production" for a in prod_accounts)
    assert effective[self_managed] == SELF_MANAGED
    starts = org.calls_of("StartConfigurationPolicyAssociation")
    assert starts == 3  # one call per target
    org.emulator.reset_calls()
    resource.run("Update", props)
    assert org.writes() == []
    assert resource.passes == 1


def test_a_changed_policy_is_updated_a_dropped_one_disassociated_then_deleted(make_org, deploy):
    org = central_org(make_org, deploy)
    workloads, sandbox = ou(org, "Workloads"), ou(org, "Sandbox")
    resource = deploy(configuration_policies, org.admin)
    resource.run("Create", declaration(org, [PROD, SANDBOX], {workloads: "production", sandbox: "sandbox"}))
    org.emulator.reset_calls()
    changed = {**PROD, "Controls": ["EC2.8", "S3.1"]}
    resource.run("Update", declaration(org, [changed], {workloads: "production"}))
    assert set(live_policies(org)) == {"production"}
    operations = [c.operation for c in org.writes()]
    assert operations == [
        "UpdateConfigurationPolicy",
        "StartConfigurationPolicyDisassociation",
        "DeleteConfigurationPolicy",
    ]
    policy = org.world.configuration_policies[live_policies(org)["production"]["Id"]]
    assert policy.disabled_controls() == {"EC2.8", "S3.1"}


def test_a_hand_made_policy_and_its_association_are_left_alone(make_org, deploy):
    org = central_org(make_org, deploy)
    client = org.securityhub(org.admin, HOME)
    manual = client.create_configuration_policy(
        Name="manual", Description="made in the console", ConfigurationPolicy={"SecurityHub": {"ServiceEnabled": False}}
    )
    client.start_configuration_policy_association(
        ConfigurationPolicyIdentifier=manual["Id"], Target={"OrganizationalUnitId": ou(org, "Infrastructure")}
    )
    resource = deploy(configuration_policies, org.admin)
    resource.run("Create", declaration(org, [SANDBOX], {ou(org, "Sandbox"): "sandbox"}))
    resource.run("Update", declaration(org, [], {}))
    assert set(live_policies(org)) == {"manual"}
    assert org.world.policy_associations[ou(org, "Infrastructure")].policy_id == manual["Id"]
    with pytest.raises(ReconcileFailed, match=r"'manual'.*was not made by this declaration"):
        resource.run("Update", declaration(org, [{**SANDBOX, "Name": "manual"}], {}))


def test_a_policy_edited_by_hand_is_put_back(make_org, deploy):
    org = central_org(make_org, deploy)
    resource = deploy(configuration_policies, org.admin)
    props = declaration(org, [PROD], {ou(org, "Workloads"): "production"})
    resource.run("Create", props)
    policy_id = live_policies(org)["production"]["Id"]
    org.securityhub(org.admin, HOME).update_configuration_policy(
        Identifier=policy_id, ConfigurationPolicy={"SecurityHub": {"ServiceEnabled": False}}
    )
    org.emulator.reset_calls()
    resource.run("Update", props)
    assert [c.operation for c in org.writes()] == ["UpdateConfigurationPolicy"]
    assert org.world.configuration_policies[policy_id].service_enabled


def test_pending_longer_than_a_pass_is_waited_for(make_org, deploy):
    org = central_org(make_org, deploy)
    workloads = ou(org, "Workloads")
    org.emulator.set_faults(FaultConfig(rate_limit=False, association_pending_reads={workloads: 3}))
    resource = deploy(configuration_policies, org.admin)
    resource.run("Create", declaration(org, [PROD], {workloads: "production"}))
    assert resource.passes >= 3
    assert org.calls_of("StartConfigurationPolicyAssociation") == 1  # waited for, never started again


def test_a_failed_association_fails_naming_the_target_and_the_message(make_org, deploy):
    org = central_org(make_org, deploy)
    sandbox = ou(org, "Sandbox")
    org.emulator.set_faults(FaultConfig(rate_limit=False, association_failures={sandbox: "AWS Config is not enabled"}))
    with pytest.raises(
        ReconcileFailed, match=f"{sandbox} in {HOME}: association with sandbox FAILED: AWS Config is not enabled"
    ):
        deploy(configuration_policies, org.admin).run("Create", declaration(org, [SANDBOX], {sandbox: "sandbox"}))


def test_destroy_removes_the_associations_then_the_owned_policies(make_org, deploy):
    org = central_org(make_org, deploy)
    resource = deploy(configuration_policies, org.admin)
    associations = {ou(org, "Workloads"): "production", org.accounts[2]: SELF_MANAGED}
    props = declaration(org, [PROD, SANDBOX], associations, RemovalPolicy="DESTROY")
    resource.run("Create", props)
    org.emulator.reset_calls()
    resource.run("Delete", props)
    assert live_policies(org) == {} and org.world.policy_associations == {}
    operations = [c.operation for c in org.writes()]
    assert operations.index("DeleteConfigurationPolicy") > max(
        i for i, o in enumerate(operations) if o == "StartConfigurationPolicyDisassociation"
    )


def test_retain_leaves_everything_on_delete(make_org, deploy):
    org = central_org(make_org, deploy)
    resource = deploy(configuration_policies, org.admin)
    props = declaration(org, [SANDBOX], {ou(org, "Sandbox"): "sandbox"})
    resource.run("Create", props)
    org.emulator.reset_calls()
    resource.run("Delete", props)
    assert org.emulator.calls() == [] and set(live_policies(org)) == {"sandbox"}


def test_the_granted_actions_are_the_ones_called(make_org, deploy):
    org = central_org(make_org, deploy)
    resource = deploy(configuration_policies, org.admin)
    workloads = ou(org, "Workloads")
    props = declaration(org, [PROD, SANDBOX], {workloads: "production"}, RemovalPolicy="DESTROY")
    org.emulator.reset_calls()
    resource.run("Create", props)
    changed = [{**PROD, "Controls": ["S3.1"]}]
    resource.run("Update", declaration(org, changed, {}, RemovalPolicy="DESTROY"))
    resource.run("Delete", declaration(org, changed, {}, RemovalPolicy="DESTROY"))
    called = {f"{c.service}:{c.operation}" for c in org.emulator.calls()}
    assert called == set(actions(parse_configuration_policies(props)))
