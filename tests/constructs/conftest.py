"""Synthesized apps shared by the construct tests: each is synthesized once per session (a synth costs seconds)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import aws_cdk as cdk
import pytest
from cdk_nag import AwsSolutionsChecks
from cdk_securityhub_org import DelegatedAdmin, InvitationAccepter, MemberList, Members, OrganizationConfiguration
from securityhub_templates import SynthesizedStack, stack_templates, write_member_csv

REPO = Path(__file__).resolve().parents[2]
MANAGEMENT, ADMINISTRATOR, INVITED = "111111111111", "222222222222", "333333333333"
OTHER_ADMINISTRATOR = "444444444444"
LARGE_LIST_ROWS = 10_000


@dataclass
class SampleApp:
    """The sample app as `cdk synth` runs it: app.py with CDK_OUTDIR."""

    outdir: Path
    management: SynthesizedStack
    administrator: SynthesizedStack


@pytest.fixture(scope="session")
def sample_app(tmp_path_factory: pytest.TempPathFactory) -> SampleApp:
    return synthesize_sample(tmp_path_factory.mktemp("sample-cdk.out"), config=None)


@pytest.fixture(scope="session")
def central_sample_app(tmp_path_factory: pytest.TempPathFactory) -> SampleApp:
    """The sample app with ``examples/securityhub-central.yaml``, as ``cdk synth -c config=...`` reads it."""
    config = REPO / "examples" / "securityhub-central.yaml"
    return synthesize_sample(tmp_path_factory.mktemp("central-sample-cdk.out"), config=config)


def synthesize_sample(outdir: Path, config: Path | None) -> SampleApp:
    context = {"CDK_CONTEXT_JSON": json.dumps({"config": str(config)})} if config else {}
    result = subprocess.run(
        [sys.executable, "app.py"],
        cwd=REPO,
        env={**os.environ, "CDK_OUTDIR": str(outdir), **context},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    templates = {path.name: SynthesizedStack.from_file(path) for path in stack_templates(outdir)}
    (management,) = [t for name, t in templates.items() if "Management" in name]
    (administrator,) = [t for name, t in templates.items() if "Administrator" in name]
    return SampleApp(outdir, management, administrator)


@dataclass
class Variants:
    """Non-default declarations of every construct, in one app checked by cdk-nag."""

    outdir: Path
    delegated_admin: DelegatedAdmin
    central_configuration: OrganizationConfiguration
    large_members: Members
    medium_members: Members
    small_members: Members
    accepter: InvitationAccepter
    stacks: dict[str, SynthesizedStack]


@pytest.fixture(scope="session")
def variants(tmp_path_factory: pytest.TempPathFactory) -> Variants:
    outdir = tmp_path_factory.mktemp("variants-cdk.out")
    inputs = tmp_path_factory.mktemp("member-lists")
    app = cdk.App(outdir=str(outdir))

    def stack(name: str, account: str | None) -> cdk.Stack:
        return cdk.Stack(app, name, env=cdk.Environment(account=account, region="us-east-1"))

    delegated_admin = DelegatedAdmin(
        stack("Management", MANAGEMENT),
        "DelegatedAdmin",
        admin_account_id=ADMINISTRATOR,
        regions=["us-east-1", "eu-west-1"],
        allow_replace=True,
        removal_policy=cdk.RemovalPolicy.DESTROY,
        on_region_unavailable="SKIP",
    )
    central_configuration = OrganizationConfiguration(
        stack("Central", ADMINISTRATOR),
        "OrganizationConfiguration",
        regions=["us-east-1", "eu-west-1", "ap-southeast-2"],
        configuration_type="CENTRAL",
        auto_enable=False,
        auto_enable_standards="NONE",
        home_region="us-east-1",
        region_linking_mode="SPECIFIED_REGIONS",
        linked_regions=["eu-west-1", "ap-southeast-2"],
        management_account_id=MANAGEMENT,
        removal_policy=cdk.RemovalPolicy.DESTROY,
    )
    large_members = Members(
        stack("LargeMembers", ADMINISTRATOR),
        "Members",
        member_list=MemberList.from_csv(write_member_csv(inputs / "large.csv", LARGE_LIST_ROWS))
        | MemberList.from_organization(organizational_units=["ou-ab12-cdefgh34"]),
        regions=["us-east-1", "eu-west-1"],
        prune="DELETE_INVITED",
    )
    medium_members = Members(
        # Another organization's administrator: two pruning Members of one administrator would fight.
        stack("MediumMembers", OTHER_ADMINISTRATOR),
        "Members",
        member_list=MemberList.from_csv(write_member_csv(inputs / "medium.csv", 300))
        | MemberList.from_organization(organizational_units=["ou-ab12-cdefgh34"]),
        regions=["us-east-1", "eu-west-1"],
        prune="DELETE_INVITED",
    )
    # No account in the environment: the handler is not pinned to one (no ExpectedAccount).
    small_members = Members(
        stack("AnyAccount", None),
        "Members",
        member_list=MemberList.from_accounts([(INVITED, "invited@example.com")]),
        regions=["us-east-1"],
        invite_non_organization_accounts=False,
    )
    accepter = InvitationAccepter(
        stack("Invited", INVITED),
        "InvitationAccepter",
        administrator_account_id=ADMINISTRATOR,
        regions=["us-east-1", "eu-west-1"],
        removal_policy=cdk.RemovalPolicy.DESTROY,
    )
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    assembly = app.synth()
    stacks = {
        artifact.stack_name: SynthesizedStack(artifact.template, artifact.stack_name) for artifact in assembly.stacks
    }
    return Variants(
        outdir, delegated_admin, central_configuration, large_members, medium_members, small_members, accepter, stacks
    )
