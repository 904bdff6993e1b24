"""The sample app's synthesized stacks deployed, updated and deleted through the CloudFormation simulator,
against an emulated organization shaped like the declaration (as `make demo` does)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from cdk_securityhub_org.testing.emulator import Emulator, FaultConfig
from cdk_securityhub_org.testing.organization import emulated_organization
from cdk_securityhub_org.testing.simulator import CloudFormationSimulator

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "examples" / "securityhub.yaml"
REGIONS = ["us-east-1", "us-west-2", "eu-west-1"]
ADMIN, SANDBOX = "000000000002", "000000000009"
INVITED = ["111122223333", "444455556666", "012345678901"]


def members(emulator: Emulator, region: str) -> dict[str, str]:
    client = emulator.client("securityhub", ADMIN, region)
    found: dict[str, str] = {}
    for page in client.get_paginator("list_members").paginate(OnlyAssociated=False):
        found.update({m["AccountId"]: m["MemberStatus"] for m in page["Members"]})
    return found


@pytest.fixture(scope="module")
def deployed(sample_app):
    world = emulated_organization(CONFIG, accounts=30)
    with Emulator(world, faults=FaultConfig(rate_limit=True)) as emulator:
        simulator = CloudFormationSimulator(emulator.endpoint_url)
        result = simulator.deploy(sample_app.outdir)
        yield world, emulator, simulator, result


def test_deploy_converges_the_organization_in_every_region(deployed):
    world, emulator, _, result = deployed
    assert result.ok, result.failures
    organization_accounts = {a for a, acct in world.accounts.items() if acct.in_organization}
    for region in REGIONS:
        live = members(emulator, region)
        assert {a for a, s in live.items() if s == "Enabled"} == organization_accounts - {ADMIN, SANDBOX}
        assert {a for a, s in live.items() if s == "Invited"} == set(INVITED)
        admins = emulator.client("securityhub", world.management_account, region).list_organization_admin_accounts()
        assert [a["AccountId"] for a in admins["AdminAccounts"]] == [ADMIN]
    order = [r.logical_id for r in result.custom_resources]
    assert order == sorted(order, key=lambda lid: ("Delegated" not in lid, "Members" in lid))


def test_update_with_unchanged_properties_makes_no_writes(deployed, sample_app):
    _, emulator, simulator, _ = deployed
    emulator.reset_calls()
    result = simulator.deploy(sample_app.outdir, force_custom_resource_updates=True)
    assert result.ok
    assert {r.request_type for r in result.custom_resources} == {"Update"}
    assert emulator.calls(writes_only=True, service="securityhub") == []


def test_changed_declaration_updates_only_the_difference(deployed, tmp_path: Path):
    world, emulator, simulator, _ = deployed
    declaration = yaml.safe_load(CONFIG.read_text())
    removed = sorted(a for a in world.accounts if world.accounts[a].in_organization and a not in (ADMIN, SANDBOX))[3]
    declaration["members"]["organization"]["exclude_accounts"] = [SANDBOX, removed]
    declaration["members"]["prune"] = "DISASSOCIATE"
    # Auto-enable would enrol new accounts of the organization that the pruning list leaves out: synth refuses both.
    declaration["auto_enable"] = False
    declaration["members"]["csv"] = str(REPO / "examples" / "members.csv")
    changed = tmp_path / "securityhub.yaml"
    changed.write_text(yaml.safe_dump(declaration))
    outdir = tmp_path / "cdk.out"
    synth = subprocess.run(
        [sys.executable, "app.py"],
        cwd=REPO,
        env={**os.environ, "CDK_OUTDIR": str(outdir), "CDK_CONTEXT_JSON": f'{{"config": "{changed}"}}'},
        capture_output=True,
        text=True,
        check=False,
    )
    assert synth.returncode == 0, synth.stderr
    emulator.reset_calls()
    result = simulator.deploy(outdir)
    assert result.ok, result.failures
    assert [r.logical_id for r in result.custom_resources if "Members" in r.logical_id]
    writes = emulator.calls(writes_only=True, service="securityhub")
    assert sorted((c.operation, c.region) for c in writes) == sorted(
        [("DisassociateMembers", r) for r in REGIONS] + [("UpdateOrganizationConfiguration", r) for r in REGIONS]
    )
    assert all(members(emulator, r)[removed] == "Removed" for r in REGIONS)


def test_delete_with_retain_leaves_security_hub_as_it_is(deployed, sample_app):
    _, emulator, simulator, _ = deployed
    emulator.reset_calls()
    result = simulator.destroy(sample_app.outdir)
    assert result.ok
    assert all(s.status == "DELETE_COMPLETE" for s in result.stacks.values())
    assert emulator.calls(writes_only=True, service="securityhub") == []
    assert sum(s == "Enabled" for s in members(emulator, "us-east-1").values()) > 20
