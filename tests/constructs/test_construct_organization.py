"""SecurityHubOrganization: two stacks from one set of props, in the right order."""

from __future__ import annotations

import json

import pytest
from cdk_securityhub_org import SecurityHubOrganization
from securityhub_templates import stack_templates

# Synthesizes CDK apps (shared per session) or runs the app.
pytestmark = pytest.mark.slow


def _stack_artifacts(sample_app):
    (manifest,) = list(sample_app.outdir.glob("assembly-*/manifest.json"))
    artifacts = json.loads(manifest.read_text())["artifacts"]
    return {a["displayName"]: a for a in artifacts.values() if a["type"] == "aws:cloudformation:stack"}


def test_management_and_administrator_stacks_with_stable_names(sample_app):
    stacks = _stack_artifacts(sample_app)
    assert {name: (a["properties"]["stackName"], a["environment"]) for name, a in stacks.items()} == {
        "SecurityHub/Management": ("SecurityHub-Management", "aws://000000000001/us-east-1"),
        "SecurityHub/Administrator": ("SecurityHub-Administrator", "aws://000000000002/us-east-1"),
    }
    assert len(list(stack_templates(sample_app.outdir))) == 2


def test_administrator_stack_deploys_after_the_management_stack(sample_app):
    stacks = _stack_artifacts(sample_app)
    management_id = next(k for k, a in stacks.items() if k.endswith("Management"))
    management_artifact = [
        artifact_id
        for artifact_id, artifact in json.loads(next(sample_app.outdir.glob("assembly-*/manifest.json")).read_text())[
            "artifacts"
        ].items()
        if artifact.get("displayName") == management_id
    ]
    assert set(management_artifact) <= set(stacks["SecurityHub/Administrator"]["dependencies"])


def test_custom_resources_are_split_by_account(sample_app):
    assert set(sample_app.management.of_type("Custom::SecurityHubDelegatedAdmin")) == {"DelegatedAdmin2A670210"}
    assert set(sample_app.administrator.of_type("Custom::SecurityHubOrganizationConfiguration")) == {
        "OrganizationConfigurationCDB5FE48"
    }
    assert set(sample_app.administrator.of_type("Custom::SecurityHubMembers")) == {"MembersFEE56442"}


def test_without_a_member_list_there_is_no_members_resource():
    import aws_cdk as cdk

    stage = SecurityHubOrganization(
        cdk.App(),
        "SecurityHub",
        management_account_id="111111111111",
        administrator_account_id="222222222222",
        regions=["eu-west-1"],
    )
    assert stage.members is None
    assert stage.management_stack.region == stage.administrator_stack.region == "eu-west-1"


def test_each_stack_encrypts_its_log_groups_with_its_own_accounts_key_and_keeps_the_retention():
    import aws_cdk as cdk
    from aws_cdk import aws_logs as logs
    from aws_cdk.assertions import Template

    key = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd"
    stage = SecurityHubOrganization(
        cdk.App(),
        "SecurityHub",
        management_account_id="111111111111",
        administrator_account_id="222222222222",
        regions=["eu-west-1"],
        log_encryption_key_arns={"111111111111": key},
        log_retention=logs.RetentionDays.THREE_MONTHS,
    )

    def log_groups(stack: cdk.Stack) -> list[dict]:
        return [g["Properties"] for g in Template.from_stack(stack).find_resources("AWS::Logs::LogGroup").values()]

    management, administrator = log_groups(stage.management_stack), log_groups(stage.administrator_stack)
    assert [(g["KmsKeyId"], g["RetentionInDays"]) for g in management] == [(key, 90)] * 4
    assert [("KmsKeyId" in g, g["RetentionInDays"]) for g in administrator] == [(False, 90)] * 4


def test_constructs_of_one_stack_must_agree_on_the_log_settings():
    import aws_cdk as cdk
    from aws_cdk import aws_logs as logs
    from cdk_securityhub_org import MemberList, Members, OrganizationConfiguration

    stack = cdk.Stack(cdk.App(), "Administrator", env=cdk.Environment(account="222222222222", region="eu-west-1"))
    OrganizationConfiguration(stack, "OrganizationConfiguration", regions=["eu-west-1"])
    with pytest.raises(ValueError, match="must be the same for every construct of stack Administrator"):
        Members(
            stack,
            "Members",
            member_list=MemberList.from_organization(),
            regions=["eu-west-1"],
            log_retention=logs.RetentionDays.ONE_WEEK,
        )
