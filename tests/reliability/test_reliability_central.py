"""A CENTRAL stage deployed and deleted through the CloudFormation simulator against the 120-account organization:
configuration policies on an OU, a member list that prunes (so governed accounts are designated self-managed
first), an invited account, and DESTROY. The stage's order (OrganizationConfiguration, ConfigurationPolicies,
Members) must let both the deploy and the delete succeed; the delete must leave the organization LOCAL with no
policy and no association."""

from __future__ import annotations

import aws_cdk as cdk
from cdk_securityhub_org import MemberList, SecurityHubOrganization
from cdk_securityhub_org.configuration_policies import ConfigurationPolicy, PublishedStandard
from cdk_securityhub_org.testing.emulator import FaultConfig, WorldSettings
from reliability_harness import harness
from reliability_org import INVITED, LAYOUT, MANAGEMENT, REGIONS, build_world, email_of, member_table

ADMIN = LAYOUT.admin
HOME = REGIONS[0]
SETTINGS = WorldSettings(central_config_seconds=0.2, policy_association_seconds=0.2)


def central_stage(outdir, workloads_ou: str, declared: list[str]):
    app = cdk.App(outdir=str(outdir))
    SecurityHubOrganization(
        app,
        "Central",
        management_account_id=MANAGEMENT,
        administrator_account_id=ADMIN,
        regions=list(REGIONS),
        home_region=HOME,
        configuration_type="CENTRAL",
        auto_enable=False,
        auto_enable_standards="NONE",
        configuration_policies=[ConfigurationPolicy("workloads", standards=[PublishedStandard.FSBP])],
        policy_associations={workloads_ou: "workloads"},
        member_list=MemberList.union(
            MemberList.from_accounts(declared), MemberList.from_accounts([(INVITED[0], email_of(INVITED[0]))])
        ),
        prune="DISASSOCIATE",
        self_manage_to_release=True,
        removal_policy=cdk.RemovalPolicy.DESTROY,
        deployment_region=HOME,
    )
    app.synth()
    return outdir


def test_a_central_stage_deploys_prunes_governed_accounts_and_is_deleted_under_destroy(tmp_path):
    world = build_world(SETTINGS)
    workloads = next(ou.id for ou in world.organizational_units.values() if ou.name == "Workloads")
    governed = [a for a in LAYOUT.others() if workloads in world.ancestry(a)]  # Prod and NonProd too
    declared = governed[: len(governed) // 2]
    assembly = central_stage(tmp_path / "app", workloads, declared)
    with harness(world, FaultConfig(rate_limit=True)) as h:
        deployed = h.deploy(assembly, "deploy", ADMIN)
        assert deployed.result.ok, deployed.reasons()
        configurations = world.effective_configurations()
        # The Workloads OU's accounts that the list does not declare were released: self-managed, disassociated.
        released = [a for a in governed if a not in declared]
        assert released and all(configurations[a] == "SELF_MANAGED_SECURITY_HUB" for a in released)
        members = member_table(world, ADMIN, REGIONS)
        for region in REGIONS:
            assert all(members.get((region, a)) in (None, "Removed") for a in released)
            assert all(members[(region, a)] == "Enabled" for a in declared)
        again = h.deploy(assembly, "redeploy", ADMIN)
        assert again.result.ok and again.writes == [], [c.operation for c in again.writes]
        destroyed = h.destroy(assembly, "destroy", ADMIN)
        assert destroyed.result.ok, destroyed.reasons()
    config = world.organization_config(ADMIN, HOME)
    assert config.configuration_type == "LOCAL"
    assert not world.configuration_policies and not world.policy_associations
