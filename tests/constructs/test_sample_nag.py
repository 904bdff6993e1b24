"""cdk-nag's AwsSolutions pack: no unacknowledged finding, and every acknowledgement says why."""

from __future__ import annotations

import json

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from cdk_nag import AwsSolutionsChecks

# Synthesizes CDK apps (shared per session) or runs the app.
pytestmark = pytest.mark.slow

ACKNOWLEDGED_RULES = "aws:cdk:acknowledged-rules"


def findings(outdir) -> list:
    report = json.loads((outdir / "validation-report.json").read_text())
    return [violation for plugin in report["pluginReports"] for violation in plugin.get("violations", [])]


def test_sample_app_has_no_unacknowledged_finding(sample_app):
    # app.py registers AwsSolutionsChecks; a finding would have failed its synth (the fixture checks the exit code).
    assert findings(sample_app.outdir) == []


def test_sample_templates_record_each_acknowledgement_and_its_reason(sample_app):
    for stack in (sample_app.management, sample_app.administrator):
        suppressed = [
            rule
            for resource in stack.resources.values()
            for rule in resource.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", [])
        ]
        assert {rule["id"].split("[")[0] for rule in suppressed} == {"AwsSolutions-IAM5", "AwsSolutions-SF2"}
        assert all(len(rule["reason"]) >= 60 for rule in suppressed)


def test_every_construct_variant_has_no_unacknowledged_finding(variants):
    assert findings(variants.outdir) == []


def test_every_acknowledgement_gives_its_reason(variants):
    acknowledgements = {
        rule: reason
        for construct in variants.delegated_admin.node.root.node.find_all()
        for entry in construct.node.metadata
        if entry.type == ACKNOWLEDGED_RULES
        for rule, reason in entry.data.items()
    }
    assert {rule.split("[")[0].removeprefix("Annotation::") for rule in acknowledgements} == {
        "AwsSolutions-IAM5",
        "AwsSolutions-SF2",
    }
    assert all(len(reason) >= 60 for reason in acknowledgements.values())


def test_the_checks_do_catch_a_wildcard(tmp_path):
    app = cdk.App(outdir=str(tmp_path))
    iam.Role(
        cdk.Stack(app, "Stack"),
        "Role",
        assumed_by=iam.AccountRootPrincipal(),
        inline_policies={
            "All": iam.PolicyDocument(statements=[iam.PolicyStatement(actions=["s3:*"], resources=["*"])])
        },
    )
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    with pytest.raises(RuntimeError, match=r"AwsSolutions-IAM5\[Action::s3:\*\]"):
        app.synth()
