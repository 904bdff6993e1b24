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
