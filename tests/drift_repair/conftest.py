"""Fixtures of the between-deploys tests: the app of ``between-deploys.yaml`` synthesized once per session (about
5 s), and the engine-test harness (``tests/handler``) for the handler tests."""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_events as events
from cdk_nag import AwsSolutionsChecks
from cdk_securityhub_org import MemberList, Members, SecurityHubOrganization, load_config
from drift_harness import CONFIG, MANAGEMENT

# The engine tests' harness drives the handlers the same way here: its make_org and deploy fixtures.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "handler"))
reconciler_harness = importlib.import_module("reconciler_harness")
make_org, deploy = reconciler_harness.make_org, reconciler_harness.deploy

__all__ = ["BetweenDeploysApp", "between_deploys_app", "deploy", "make_org"]


@dataclass
class BetweenDeploysApp:
    outdir: Path
    app: cdk.App
    stage: SecurityHubOrganization
    unforwarded: cdk.Stack  # a Members with enrollment that nothing forwards the events to


@pytest.fixture(scope="session")
def between_deploys_app(tmp_path_factory: pytest.TempPathFactory) -> BetweenDeploysApp:
    outdir = tmp_path_factory.mktemp("between-deploys-cdk.out")
    # Path metadata, as `cdk synth` writes it: the plan names each resource by its construct path.
    app = cdk.App(outdir=str(outdir), context={"aws:cdk:enable-path-metadata": True})
    config = load_config(CONFIG)
    stage = SecurityHubOrganization(app, config.stage_name, **config.organization_props())
    cdk.Validations.of(stage).add_plugins(AwsSolutionsChecks(stage))
    unforwarded = cdk.Stack(app, "Unforwarded", env=cdk.Environment(account="333333333333", region="eu-west-1"))
    Members(
        unforwarded,
        "Members",
        member_list=MemberList.from_organization(),
        regions=["eu-west-1"],
        drift_repair=events.Schedule.rate(cdk.Duration.days(1)),
        enroll_new_accounts=True,
        management_account_id=MANAGEMENT,
    )
    app.synth()
    return BetweenDeploysApp(outdir, app, stage, unforwarded)
