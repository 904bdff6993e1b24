"""examples/pipeline_app.py as `cdk synth` runs it: a pipeline in the tooling account that deploys the management
stack, then the administrator stack, each with the bootstrap roles of its own account."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from securityhub_templates import SynthesizedStack

pytestmark = pytest.mark.slow

TOOLING = "000000000003"
MANAGEMENT, ADMINISTRATOR = "000000000001", "000000000002"  # examples/securityhub.yaml
CONTEXT = {
    "tooling_account": TOOLING,
    "repository": "my-org/security-hub",
    "connection_arn": f"arn:aws:codeconnections:us-east-1:{TOOLING}:connection/example",
}


def synth(outdir: Path, context: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "examples/pipeline_app.py"],
        cwd=REPO,
        env={**os.environ, "CDK_OUTDIR": str(outdir), "CDK_CONTEXT_JSON": json.dumps(context)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@dataclass
class PipelineApp:
    manifest: dict[str, Any]
    stage_manifest: dict[str, Any]
    pipeline: dict[str, Any]
    stage_stacks: list[SynthesizedStack]

    def stage_actions(self, stage_name: str) -> list[dict[str, Any]]:
        (stage,) = [s for s in self.pipeline["Properties"]["Stages"] if s["Name"] == stage_name]
        return sorted(stage["Actions"], key=lambda action: action["RunOrder"])


@pytest.fixture(scope="module")
def pipeline_app(tmp_path_factory: pytest.TempPathFactory) -> PipelineApp:
    outdir = tmp_path_factory.mktemp("pipeline-cdk.out")
    result = synth(outdir, CONTEXT)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((outdir / "manifest.json").read_text())
    stage_dir = outdir / "assembly-SecurityHub"
    stage_manifest = json.loads((stage_dir / "manifest.json").read_text())
    (pipeline,) = (
        SynthesizedStack.from_file(outdir / "SecurityHubPipeline.template.json")
        .of_type("AWS::CodePipeline::Pipeline")
        .values()
    )
    stage_stacks = [SynthesizedStack.from_file(path) for path in sorted(stage_dir.glob("*.template.json"))]
    return PipelineApp(manifest, stage_manifest, pipeline, stage_stacks)


def stack_environments(manifest: dict[str, Any]) -> dict[str, str]:
    # A stack's name is its artifact ID unless the manifest says otherwise (stacks in a stage).
    return {
        artifact["properties"].get("stackName", artifact_id): artifact["environment"]
        for artifact_id, artifact in manifest["artifacts"].items()
        if artifact["type"] == "aws:cloudformation:stack"
    }


def role_account(role_arn: Any) -> str:
    """The account of a role ARN written as Fn::Join of the partition and ``:iam::<account>:role/...``."""
    text = "".join(part for part in role_arn["Fn::Join"][1] if isinstance(part, str))
    return text.split(":iam::")[1].split(":")[0]


def test_the_pipeline_stack_is_in_the_tooling_account(pipeline_app: PipelineApp) -> None:
    assert stack_environments(pipeline_app.manifest) == {"SecurityHubPipeline": f"aws://{TOOLING}/us-east-1"}


def test_the_stage_stacks_are_in_the_management_and_administrator_accounts(pipeline_app: PipelineApp) -> None:
    assert stack_environments(pipeline_app.stage_manifest) == {
        "SecurityHub-Management": f"aws://{MANAGEMENT}/us-east-1",
        "SecurityHub-Administrator": f"aws://{ADMINISTRATOR}/us-east-1",
    }


def test_the_pipeline_deploys_management_first_then_administrator(pipeline_app: PipelineApp) -> None:
    stage_names = [stage["Name"] for stage in pipeline_app.pipeline["Properties"]["Stages"]]
    assert stage_names[0] == "Source" and stage_names[-1] == "SecurityHub"
    deploys = [
        (action["Name"], action["Configuration"]["StackName"])
        for action in pipeline_app.stage_actions("SecurityHub")
        if action["Configuration"]["ActionMode"] == "CHANGE_SET_EXECUTE"
    ]
    assert deploys == [
        ("Management.Deploy", "SecurityHub-Management"),
        ("Administrator.Deploy", "SecurityHub-Administrator"),
    ]


def test_each_stack_is_deployed_with_the_bootstrap_roles_of_its_own_account(pipeline_app: PipelineApp) -> None:
    expected = {"SecurityHub-Management": MANAGEMENT, "SecurityHub-Administrator": ADMINISTRATOR}
    for action in pipeline_app.stage_actions("SecurityHub"):
        account = expected[action["Configuration"]["StackName"]]
        # The action assumes the account's deploy role; the change set is made with its CloudFormation role.
        assert role_account(action["RoleArn"]) == account, action["Name"]
        if action["Configuration"]["ActionMode"] == "CHANGE_SET_REPLACE":
            assert role_account(action["Configuration"]["RoleArn"]) == account, action["Name"]


def test_the_artifacts_are_encrypted_with_a_key_the_other_accounts_can_be_granted(pipeline_app: PipelineApp) -> None:
    store = pipeline_app.pipeline["Properties"]["ArtifactStore"]
    assert "EncryptionKey" in store, "cross_account_keys=True gives the artifact bucket a customer-managed key"


def test_every_role_of_the_stage_is_under_the_path_an_scp_can_exempt(pipeline_app: PipelineApp) -> None:
    paths = {
        (stack.name, logical_id): role["Properties"].get("Path")
        for stack in pipeline_app.stage_stacks
        for logical_id, role in stack.of_type("AWS::IAM::Role").items()
    }
    assert len(paths) >= 10
    assert set(paths.values()) == {"/securityhub-org/"}, paths


def test_missing_context_is_refused_with_the_keys_to_pass(tmp_path: Path) -> None:
    result = synth(tmp_path, {"tooling_account": TOOLING})
    assert result.returncode != 0
    assert "missing context repository, connection_arn" in result.stderr
    assert "-c repository=" in result.stderr and "-c connection_arn=" in result.stderr
