"""Reliability of the Organizations Security Hub CSPM policy, from the sample declaration
(``examples/securityhub-orgpolicy.yaml``) synthesized by ``app.py`` and deployed through the simulator:

- a policy that would disable Security Hub CSPM in the administrator's own Regions is refused at synth;
- an attach that fails (a transient 500) is retried, and the deploy completes once it succeeds;
- a change reviewed (``plan`` exit 2), applied (deploy), then reviewed again (``plan`` exit 0).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import yaml
from cdk_securityhub_org import cli
from cdk_securityhub_org.cli.declared_from_assembly import from_assembly
from cdk_securityhub_org.handler.engine.aws import Budget, Clients
from cdk_securityhub_org.handler.registry import KINDS, ORGANIZATIONS_POLICY
from cdk_securityhub_org.testing.emulator import Emulator, FaultConfig
from cdk_securityhub_org.testing.organization import emulated_organization
from cdk_securityhub_org.testing.simulator import CloudFormationSimulator

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "examples" / "securityhub-orgpolicy.yaml"
POLICY = "SecurityHubPolicy/Management/OrganizationsPolicy"


def run_app(config: Path, outdir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "app.py"],
        cwd=REPO,
        env={**os.environ, "CDK_OUTDIR": str(outdir), "CDK_CONTEXT_JSON": json.dumps({"config": str(config)})},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("orgpolicy-cdk.out")
    result = run_app(SAMPLE, outdir)
    assert result.returncode == 0, result.stderr
    return outdir


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(emulated_organization(SAMPLE, accounts=6), faults=FaultConfig(rate_limit=False)) as running:
        yield running


def plan(emulator: Emulator, assembly: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    capsys.readouterr()
    code = cli.main(
        ["plan", "--assembly", str(assembly), "--endpoint-url", emulator.endpoint_url, "--emulator", "--json"]
    )
    return code, json.loads(capsys.readouterr().out)


def test_a_policy_disabling_the_administrators_regions_is_refused_at_synth(tmp_path: Path):
    declaration = yaml.safe_load(SAMPLE.read_text())
    declaration["organizations_policy"]["disable_in_regions"] = ["eu-west-1"]
    declaration["organizations_policy"]["enable_in_regions"] = ["us-east-1", "us-west-2"]
    config = tmp_path / "disables-admin.yaml"
    config.write_text(yaml.safe_dump(declaration))
    result = run_app(config, tmp_path / "cdk.out")
    assert result.returncode != 0
    assert f"{POLICY}: disable_in_regions disables Security Hub CSPM in ['eu-west-1']" in result.stderr
    assert "Take those Regions out of disable_in_regions" in result.stderr
    assert not (tmp_path / "cdk.out" / "manifest.json").exists()


def test_an_attach_that_fails_is_retried_and_the_deploy_completes_once_it_succeeds(emulator, assembly):
    # AttachPolicy answers 500 (transient) for the root until the fault clears, once the deploy has met it.
    root = emulator.world.root_id
    emulator.set_faults(FaultConfig(rate_limit=False, fail_attach_targets=[root]))
    done = threading.Event()

    def clear_after_first_failure() -> None:
        while not done.wait(0.2):
            if any(c.error_code for c in emulator.calls(operation="AttachPolicy")):
                emulator.set_faults(FaultConfig(rate_limit=False))
                return

    watcher = threading.Thread(target=clear_after_first_failure, daemon=True)
    watcher.start()
    try:
        deployed = CloudFormationSimulator(emulator.endpoint_url).deploy(assembly)
    finally:
        done.set()
        watcher.join()
    assert deployed.ok, deployed.failures
    attaches = emulator.calls(operation="AttachPolicy")
    assert {c.error_code for c in attaches} == {"ServiceException", None}
    organizations = emulator.client("organizations", emulator.world.management_account, "us-east-1")
    (policy,) = organizations.list_policies(Filter="SECURITYHUB_CSPM_POLICY")["Policies"]
    targets = organizations.list_targets_for_policy(PolicyId=policy["Id"])["Targets"]
    assert [t["TargetId"] for t in targets] == [root]


def converge_all_but_the_policy(emulator: Emulator, assembly: Path) -> None:
    """Security Hub as it runs before the policy: every other declared resource converged by its engine pass."""
    for resource in from_assembly(assembly):
        if resource.resource_type == ORGANIZATIONS_POLICY.resource_type:
            continue
        kind = KINDS[resource.resource_type].load()
        spec = kind.parse(resource.properties)
        account = resource.properties["ExpectedAccount"]
        session = boto3.session.Session(aws_access_key_id=account, aws_secret_access_key="emulator")
        outcome = kind.reconcile(spec, kind.scope(spec).regions, Clients(account, session), Budget(600))
        assert not outcome.permanent_failures, outcome.summary()


def test_a_change_reviewed_then_applied_then_in_sync(emulator, assembly, capsys, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.endpoint_url)
    converge_all_but_the_policy(emulator, assembly)
    code, before = plan(emulator, assembly, capsys)
    assert code == 2
    (impact,) = [r for r in before["resources"] if r["resource"].endswith(" (impact)")]
    assert any(region["actions"] for region in impact["regions"])

    deployed = CloudFormationSimulator(emulator.endpoint_url).deploy(assembly)
    assert deployed.ok, deployed.failures

    code, after = plan(emulator, assembly, capsys)
    assert code == 0, json.dumps(after["summary"])
    world = emulator.world
    member = world.member_account_ids()[-1]
    assert world.cspm_governance(member, "ap-south-1").enabled is False
    assert emulator.client("securityhub", member, "eu-west-1").get_enabled_standards()["StandardsSubscriptions"]
