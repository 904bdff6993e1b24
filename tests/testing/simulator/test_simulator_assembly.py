"""Reading cloud assemblies and stack-level CloudFormation rules, on small hand-written assemblies."""

import json
from pathlib import Path
from typing import Any

import pytest
from cdk_securityhub_org.cloud_assembly.assembly import CloudAssembly
from cdk_securityhub_org.testing.simulator import AssemblyError, CloudFormationSimulator

ENV = "aws://111111111111/us-east-1"


def write_assembly(directory: Path, stacks: dict[str, dict[str, Any]], environment: str = ENV) -> Path:
    """A cdk.out with one template per stack; ``stacks`` maps a name to its template (``_deps`` lists dependencies)."""
    directory.mkdir(parents=True, exist_ok=True)
    artifacts = {}
    for name, template in stacks.items():
        dependencies = template.pop("_deps", [])
        (directory / f"{name}.template.json").write_text(json.dumps(template))
        artifacts[name] = {
            "type": "aws:cloudformation:stack",
            "environment": environment,
            "properties": {"templateFile": f"{name}.template.json"},
            "dependencies": dependencies,
        }
    (directory / "manifest.json").write_text(json.dumps({"version": "55.0.0", "artifacts": artifacts}))
    return directory


def topic(**extra: Any) -> dict[str, Any]:
    return {"Type": "AWS::SNS::Topic", **extra}


def test_unknown_intrinsic_fails_validation_and_names_it(tmp_path: Path) -> None:
    assembly = write_assembly(
        tmp_path, {"Bad": {"Resources": {"T": topic(Properties={"TopicName": {"Fn::Frobnicate": "x"}})}}}
    )
    simulator = CloudFormationSimulator()
    result = simulator.deploy(assembly)
    assert result.stack("Bad").status == "VALIDATION_FAILED"
    (failure,) = result.failures
    assert "Unsupported intrinsic function Fn::Frobnicate" in failure.reason
    assert "Resources.T" in failure.reason
    assert simulator.state.stacks == {}
    assert result.events == []  # rejected before anything happened


def test_circular_dependencies_fail_validation(tmp_path: Path) -> None:
    template = {"Resources": {"A": topic(DependsOn="B"), "B": topic(Properties={"TopicName": {"Ref": "A"}})}}
    result = CloudFormationSimulator().deploy(write_assembly(tmp_path, {"Loop": template}))
    assert "Circular dependency" in result.failures[0].reason


def test_conditions_decide_which_resources_and_outputs_exist(tmp_path: Path) -> None:
    template = {
        "Conditions": {"InEurope": {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]}},
        "Resources": {"Always": topic(), "EuropeOnly": topic(Condition="InEurope")},
        "Outputs": {
            "Name": {"Value": {"Fn::GetAtt": ["Always", "TopicName"]}},
            "Europe": {"Condition": "InEurope", "Value": {"Ref": "EuropeOnly"}},
        },
    }
    simulator = CloudFormationSimulator()
    result = simulator.deploy(write_assembly(tmp_path, {"Conditional": template}))
    assert result.ok, result.failures
    (stack,) = simulator.state.stacks.values()
    assert set(stack.resources) == {"Always"}
    assert list(result.stack("Conditional").outputs) == ["Name"]
    assert result.stack("Conditional").outputs["Name"].startswith("Conditional-Always-")


def test_an_export_in_use_cannot_be_deleted(tmp_path: Path) -> None:
    exporter = {
        "Resources": {"T": topic()},
        "Outputs": {"Arn": {"Value": {"Ref": "T"}, "Export": {"Name": "SharedTopic"}}},
    }
    importer = {
        "_deps": ["Exporter"],
        "Resources": {"T": topic(Properties={"DisplayName": {"Fn::ImportValue": "SharedTopic"}})},
    }
    assembly = write_assembly(tmp_path, {"Exporter": exporter, "Importer": importer})
    simulator = CloudFormationSimulator()
    assert simulator.deploy(assembly).ok
    (imported,) = [s for s in simulator.state.stacks.values() if s.stack_name == "Importer"]
    assert imported.resources["T"].properties["DisplayName"].startswith("arn:aws:sns:us-east-1:111111111111:")
    result = simulator.destroy(assembly, stacks=["Exporter"], exclusively=True)
    assert result.stack("Exporter").status == "DELETE_FAILED"
    assert "Export SharedTopic cannot be deleted as it is in use by Importer" in result.failures[0].reason
    # Without `exclusively`, destroying the exporter takes its dependents first.
    assert simulator.destroy(assembly, stacks=["Exporter"]).ok
    assert simulator.state.stacks == {}


def test_a_service_token_that_is_not_a_provider_framework_fails_clearly(tmp_path: Path) -> None:
    template = {
        "Resources": {
            "Plain": {"Type": "AWS::Lambda::Function", "Properties": {"Handler": "index.handler", "Code": {}}},
            "Custom": {
                "Type": "Custom::Thing",
                "Properties": {"ServiceToken": {"Fn::GetAtt": ["Plain", "Arn"]}},
            },
        }
    }
    result = CloudFormationSimulator().deploy(write_assembly(tmp_path, {"Direct": template}))
    assert result.stack("Direct").status == "ROLLBACK_COMPLETE"
    (failure,) = result.failures
    assert "is not a CDK Provider framework onEvent function" in failure.reason
    # It never got a physical ID, so the rollback has nothing to send a Delete for.
    assert [r.request_type for r in result.custom_resources] == ["Create"]


def test_selection_widens_like_the_cdk_cli(tmp_path: Path) -> None:
    assembly = CloudAssembly.read(
        write_assembly(
            tmp_path,
            {"Base": {"Resources": {}}, "App": {"_deps": ["Base"], "Resources": {}}, "Other": {"Resources": {}}},
        )
    )

    def names(*patterns: str, **options: Any) -> list[str]:
        return [s.stack_name for s in assembly.select(list(patterns), **options)]

    assert names("App", widen="dependencies") == ["Base", "App"]
    assert names("App", widen="dependencies", exclusively=True) == ["App"]
    assert names("Base", widen="dependents") == ["Base", "App"]
    assert names("O*", widen="dependencies") == ["Other"]
    with pytest.raises(AssemblyError, match="no stack matches"):
        names("Missing*", widen="dependencies")


def test_environment_agnostic_stacks_are_refused(tmp_path: Path) -> None:
    assembly = write_assembly(
        tmp_path, {"Agnostic": {"Resources": {}}}, environment="aws://unknown-account/unknown-region"
    )
    with pytest.raises(AssemblyError, match="concrete account and Region"):
        CloudAssembly.read(assembly)
