"""``cdk-securityhub-org plan`` reviews the impact of the sample's Organizations Security Hub CSPM policy
(``examples/securityhub-orgpolicy.yaml``) on a pre-built emulated organization: exit 2 with the accounts and Regions
it would change and how, exit 0 once deployed and enforced, exit 1 when an account's state cannot be read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cdk_securityhub_org import cli
from cdk_securityhub_org.cli.declared_from_constructs import from_config
from cdk_securityhub_org.cli.report import EXIT_DRIFT, EXIT_ERROR, EXIT_NO_DRIFT
from cdk_securityhub_org.testing.emulator import Emulator, FaultConfig
from cdk_securityhub_org.testing.organization import emulated_organization
from cli_harness import Deployed

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "securityhub-orgpolicy.yaml"
IMPACT = "SecurityHubPolicy/Management/OrganizationsPolicy (impact)"
POLICY_TYPE = "Custom::SecurityHubOrganizationsPolicy"
CIS_1_2 = "cis-aws-foundations-benchmark/v/1.2.0"


@pytest.fixture(scope="module")
def declared():
    return from_config(SAMPLE)


@pytest.fixture
def organization(declared, monkeypatch: pytest.MonkeyPatch) -> Iterator[Deployed]:
    """The sample's organization with everything but the policy deployed: Security Hub as it runs today."""
    world = emulated_organization(SAMPLE, accounts=6)
    with Emulator(world, faults=FaultConfig(rate_limit=False)) as emulator:
        monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.endpoint_url)
        Deployed(emulator, world, [d for d in declared if d.resource_type != POLICY_TYPE]).deploy()
        yield Deployed(emulator, world, declared)


def run_plan(organization: Deployed, capsys) -> tuple[int, dict]:
    capsys.readouterr()
    arguments = ["plan", "--config", str(SAMPLE), "--endpoint-url", organization.emulator.endpoint_url, "--emulator"]
    code = cli.main([*arguments, "--json"])
    return code, json.loads(capsys.readouterr().out)


def impact(report: dict) -> dict:
    (found,) = [r for r in report["resources"] if r["resource"] == IMPACT]
    return found


def actions(resource: dict, region: str) -> dict[str, list[str]]:
    (found,) = [r for r in resource["regions"] if r["region"] == region]
    return {a["operation"]: a["accounts"] for a in found["actions"]}


def test_the_review_lists_every_account_and_region_the_policy_would_change(organization, capsys):
    world, emulator = organization.world, organization.emulator
    member = world.member_account_ids()[-1]
    emulator.client("securityhub", member, "ap-south-1").enable_security_hub(EnableDefaultStandards=True)

    code, report = run_plan(organization, capsys)

    assert code == EXIT_DRIFT
    found = impact(report)
    accounts = sorted(a for a in world.accounts if world.in_organization(a))
    assert actions(found, "ap-south-1") == {"DisableSecurityHub": [member]}
    # The management account runs the default standards (DelegatedAdmin enables them); eu-west-1's override
    # keeps only FSBP, so CIS v1.2.0 would go there.
    assert actions(found, "eu-west-1")[f"DisableStandard {CIS_1_2}"] == [world.management_account]
    for region in ("us-east-1", "us-west-2"):
        assert actions(found, region)["SetControlParameter IAM.7.MaxPasswordAge=60"] == accounts
        assert actions(found, region)["SetControlStatus IAM.1=DISABLED"] == accounts
        assert f"DisableStandard {CIS_1_2}" not in actions(found, region)
    assert f"computed for {len(accounts)} account(s)" in found["notes"][0]


def test_the_table_names_the_changes(organization, capsys):
    capsys.readouterr()
    code = cli.main(
        ["plan", "--config", str(SAMPLE), "--endpoint-url", organization.emulator.endpoint_url, "--emulator"]
    )
    table = capsys.readouterr().out
    assert code == EXIT_DRIFT
    assert "SetControlStatus IAM.1=DISABLED" in table and IMPACT in table
    assert "note" in table and "effective policy computed for" in table


def test_once_deployed_and_enforced_the_review_finds_nothing_and_uses_the_live_effective_policies(organization, capsys):
    organization.deploy()
    organization.deploy()  # the policy is attached on the pass after it is created
    code, report = run_plan(organization, capsys)
    assert code == EXIT_NO_DRIFT, json.dumps(report["summary"])
    assert "computed for 0 account(s)" in impact(report)["notes"][0]


def test_an_account_that_cannot_be_read_is_an_error(organization, capsys):
    organization.emulator.set_faults(FaultConfig(rate_limit=False, deny_operations=["ListSecurityControlDefinitions"]))
    code, report = run_plan(organization, capsys)
    assert code == EXIT_ERROR
    world = organization.world
    (us_east,) = [r for r in impact(report)["regions"] if r["region"] == "us-east-1"]
    assert [e["subject"] for e in us_east["errors"]] == sorted(a for a in world.accounts if world.in_organization(a))
    assert "cannot read Security Hub" in us_east["errors"][0]["reason"]
