"""cdk-nag's packs (AwsSolutions, NIST 800-53 R5, HIPAA Security, PCI DSS 3.2.1, Serverless): no unacknowledged
finding, and every acknowledgement says why, per resource and rule."""

from __future__ import annotations

import json

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks
from cdk_securityhub_org import OrganizationConfiguration, SecurityHubOrganization, load_config

# Synthesizes CDK apps (shared per session) or runs the app.
pytestmark = pytest.mark.slow

ACKNOWLEDGED_RULES = "aws:cdk:acknowledged-rules"
ONE_MONTH = logs.RetentionDays.ONE_MONTH


def findings(outdir) -> list:
    report = json.loads((outdir / "validation-report.json").read_text())
    return [violation for plugin in report["pluginReports"] for violation in plugin.get("violations", [])]


PACKS = {
    "AwsSolutions": AwsSolutionsChecks,
    "NIST.800.53.R5": NIST80053R5Checks,
    "HIPAA.Security": HIPAASecurityChecks,
    "PCI.DSS.321": PCIDSS321Checks,
    "Serverless": ServerlessChecks,
}
# What each compliance pack finds in the sample app and this library acknowledges (reasons in _provider._WHY_NOT).
ACKNOWLEDGED_IN_PACKS = {
    "NIST.800.53.R5": {
        "CloudWatchLogGroupEncrypted",
        "IAMNoInlinePolicy",
        "LambdaConcurrency",
        "LambdaDLQ",
        "LambdaInsideVPC",
    },
    "HIPAA.Security": {
        "CloudWatchLogGroupEncrypted",
        "IAMNoInlinePolicy",
        "LambdaConcurrency",
        "LambdaDLQ",
        "LambdaInsideVPC",
    },
    "PCI.DSS.321": {"CloudWatchLogGroupEncrypted", "IAMNoInlinePolicy", "LambdaInsideVPC"},
    "Serverless": {"LambdaDLQ", "LambdaTracing", "LambdaDefaultMemorySize", "StepFunctionStateMachineXray"},
}


def test_sample_app_has_no_unacknowledged_finding(sample_app):
    # app.py registers every pack; a finding would have failed its synth (the fixture checks the exit code).
    assert findings(sample_app.outdir) == []


@pytest.mark.parametrize("pack", PACKS)
def test_each_pack_alone_finds_nothing_unacknowledged_in_the_sample(pack, tmp_path):
    app = cdk.App(outdir=str(tmp_path))
    config = load_config("examples/securityhub.yaml")
    stage = SecurityHubOrganization(app, config.stage_name, **config.organization_props())
    cdk.Validations.of(stage).add_plugins(PACKS[pack](stage))
    app.synth()  # raises on a finding
    assert findings(tmp_path) == []


def test_the_compliance_packs_do_find_what_is_acknowledged(sample_app):
    """The acknowledgements are not blanket: each names a rule the pack raises on that resource."""
    recorded = {
        rule["id"].split("[")[0]
        for stack in (sample_app.management, sample_app.administrator)
        for resource in stack.resources.values()
        for rule in resource.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", [])
    }
    assert recorded == {"AwsSolutions-IAM5", "AwsSolutions-SF2"} | {
        f"{pack}-{rule}" for pack, rules in ACKNOWLEDGED_IN_PACKS.items() for rule in rules
    }


def test_a_log_encryption_key_removes_the_encryption_acknowledgement(tmp_path):
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "Administrator", env=cdk.Environment(account="222222222222", region="us-east-1"))
    key = kms.Key(stack, "LogKey", enable_key_rotation=True)
    OrganizationConfiguration(
        stack, "OrganizationConfiguration", regions=["us-east-1"], log_encryption_key=key, log_retention=ONE_MONTH
    )
    cdk.Validations.of(app).add_plugins(NIST80053R5Checks(app, write_suppressions_to_cloud_formation=True))
    template = app.synth().get_stack_by_name("Administrator").template
    groups = [r for r in template["Resources"].values() if r["Type"] == "AWS::Logs::LogGroup"]
    assert len(groups) == 4
    assert all(
        g["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [stack.get_logical_id(key.node.default_child), "Arn"]}
        for g in groups
    )
    assert all(g["Properties"]["RetentionInDays"] == 30 for g in groups)
    assert not any("cdk_nag" in g.get("Metadata", {}) for g in groups)


def test_sample_templates_record_each_acknowledgement_and_its_reason(sample_app):
    for stack in (sample_app.management, sample_app.administrator):
        suppressed = [
            rule
            for resource in stack.resources.values()
            for rule in resource.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", [])
        ]
        assert {"AwsSolutions-IAM5", "AwsSolutions-SF2"} <= {rule["id"].split("[")[0] for rule in suppressed}
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
    found = {rule.split("[")[0].removeprefix("Annotation::") for rule in acknowledgements}
    in_packs = {f"{pack}-{rule}" for pack, rules in ACKNOWLEDGED_IN_PACKS.items() for rule in rules}
    assert found - in_packs == {"AwsSolutions-IAM5", "AwsSolutions-SF2"}
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
