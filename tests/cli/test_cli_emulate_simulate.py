"""``cdk-securityhub-org emulate`` and ``simulate``: the help of each, the sample app's assembly deployed, updated,
planned and destroyed against an emulator seeded from that assembly (the emulator in a subprocess, as a user runs
it), the message for an assembly whose assets were not staged, and the organization seeded from an assembly whose
member list selects and excludes OUs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from cdk_securityhub_org import cli
from cdk_securityhub_org.cli.report import EXIT_ERROR
from cdk_securityhub_org.cli.simulate import STATE_FILE_NAME
from cdk_securityhub_org.testing.organization import organization_from_assembly

REPO = Path(__file__).resolve().parents[2]
SAMPLE_MANAGEMENT, SAMPLE_ADMINISTRATOR, SAMPLE_SANDBOX = "000000000001", "000000000002", "000000000009"
SAMPLE_INVITED = {"111122223333", "444455556666", "012345678901"}


def command(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cdk_securityhub_org", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("name", ["emulate", "simulate"])
def test_help_of_each_command(name):
    result = command(name, "--help")
    assert result.returncode == 0, result.stderr
    assert f"cdk-securityhub-org {name}" in result.stdout
    assert "--assembly" in result.stdout


@pytest.fixture(scope="module")
def sample_assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample app synthesized as `cdk synth` runs it (app.py with CDK_OUTDIR)."""
    outdir = tmp_path_factory.mktemp("sample") / "cdk.out"
    result = subprocess.run(
        [sys.executable, "app.py"],
        cwd=REPO,
        env={**os.environ, "CDK_OUTDIR": str(outdir)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return outdir


@pytest.fixture(scope="module")
def emulator_url(sample_assembly: Path) -> Iterator[str]:
    """``cdk-securityhub-org emulate --assembly`` in a subprocess, on a free port; its printed URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "cdk_securityhub_org", "emulate", "--assembly", str(sample_assembly), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("AWS emulator listening on http://"), first + (process.stderr.read() or "")
        url = first.split()[-1]
        rest = [process.stdout.readline() for _ in range(3)]
        assert f"simulate --assembly {sample_assembly} --endpoint-url {url}" in rest[1]
        assert f"plan --assembly {sample_assembly} --endpoint-url {url} --emulator" in rest[2]
        yield url
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str]:
    capsys.readouterr()
    code = cli.main(list(arguments))
    return code, capsys.readouterr().out


def live_members(url: str, region: str) -> dict[str, str]:
    client = boto3.client(
        "securityhub",
        endpoint_url=url,
        region_name=region,
        aws_access_key_id=SAMPLE_ADMINISTRATOR,
        aws_secret_access_key="emulator",
    )
    found: dict[str, str] = {}
    for page in client.get_paginator("list_members").paginate(OnlyAssociated=False):
        found.update({m["AccountId"]: m["MemberStatus"] for m in page["Members"]})
    return found


@pytest.mark.slow
def test_simulate_deploys_updates_and_destroys_the_sample_against_an_emulate_seeded_emulator(
    sample_assembly, emulator_url, capsys, tmp_path
):
    state = tmp_path / "state.json"
    base = ["simulate", "--assembly", str(sample_assembly), "--endpoint-url", emulator_url, "--state", str(state)]

    code, out = run(capsys, *base)
    assert code == 0, out
    assert "SecurityHub/Administrator (000000000002/us-east-1): CREATE_COMPLETE" in out
    live = live_members(emulator_url, "eu-west-1")
    assert {a for a, s in live.items() if s == "Invited"} == SAMPLE_INVITED
    enabled = {a for a, s in live.items() if s == "Enabled"}
    assert SAMPLE_SANDBOX not in enabled
    assert (
        len(enabled) == 30 - 2
    )  # the organization's accounts, the management one too, but the administrator and the excluded one

    code, out = run(capsys, "plan", "--assembly", str(sample_assembly), "--endpoint-url", emulator_url, "--emulator")
    assert code == 0, out  # no drift: the seeded organization is the one the declaration describes

    code, out = run(capsys, *base, "--update")
    assert code == 0, out
    assert out.count("Update SUCCESS") == 3

    code, out = run(capsys, *base, "--destroy")
    assert code == 0, out
    assert "SecurityHub/Management (000000000001/us-east-1): DELETE_COMPLETE" in out


@pytest.mark.slow
def test_simulate_says_run_cdk_synth_again_when_the_assets_were_not_staged(sample_assembly, capsys, tmp_path):
    unstaged = tmp_path / "cdk.out"
    shutil.copytree(sample_assembly, unstaged, ignore=shutil.ignore_patterns("asset.*"))
    code, out = run(capsys, "simulate", "--assembly", str(unstaged), "--endpoint-url", "http://127.0.0.1:9")
    assert code == EXIT_ERROR
    assert "the assets were not staged" in out
    assert "run cdk synth again" in out
    assert not (tmp_path / STATE_FILE_NAME).exists()  # nothing was deployed


@pytest.mark.slow
def test_simulate_without_an_emulator_fails_with_the_reason(sample_assembly, capsys, tmp_path):
    code, out = run(
        capsys,
        *("simulate", "--assembly", str(sample_assembly), "--endpoint-url", "http://127.0.0.1:9"),
        *("--state", str(tmp_path / "state.json")),
    )
    assert code == EXIT_ERROR
    assert "Failed to publish asset" in out
    assert "is the emulator running at http://127.0.0.1:9?" in out


@pytest.mark.slow
def test_an_assembly_seeds_the_organization_with_its_ous_and_invited_accounts(tmp_path):
    import aws_cdk as cdk
    from cdk_securityhub_org import DelegatedAdmin, MemberList, Members

    selected, excluded_ou, excluded_account, invited = (
        "ou-ab12-selected1",
        "ou-ab12-excluded",
        "000000000077",
        "333333333333",
    )
    app = cdk.App(outdir=str(tmp_path / "cdk.out"))
    environment = cdk.Environment(account="000000000001", region="us-east-1")
    DelegatedAdmin(
        cdk.Stack(app, "Management", env=environment),
        "DelegatedAdmin",
        admin_account_id="000000000002",
        regions=["us-east-1"],
    )
    Members(
        cdk.Stack(app, "Administrator", env=cdk.Environment(account="000000000002", region="us-east-1")),
        "Members",
        member_list=MemberList.from_organization(
            organizational_units=[selected],
            exclude_organizational_units=[excluded_ou],
            exclude_accounts=[excluded_account],
        )
        | MemberList.from_accounts([(invited, "partner@example.com")]),
        regions=["us-east-1"],
    )
    app.synth()

    world = organization_from_assembly(tmp_path / "cdk.out", accounts=12)

    assert world.management_account == "000000000001"
    assert world.accounts["000000000002"].in_organization
    assert world.accounts[excluded_account].in_organization
    assert {selected, excluded_ou} <= set(world.organizational_units)
    assert any(a.parent_id == selected for a in world.accounts.values())
    assert not world.accounts[invited].in_organization
    assert world.accounts[invited].email == "partner@example.com"
    assert len([a for a in world.accounts.values() if a.in_organization]) == 12
