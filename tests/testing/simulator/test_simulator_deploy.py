"""A create → update → failed update → destroy sequence of the core test stacks, checked step by step.

The sequence runs once per module (``flow``); each test looks at one aspect of it.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cdk_securityhub_org.testing.simulator import CloudFormationSimulator, DeployResult, SimulatorState

CORE_STACKS = ["SimCore", "SimConsumer", "Members/*"]


@dataclass
class Step:
    result: DeployResult
    records: list[dict[str, Any]]


@dataclass
class Flow:
    create: Step
    update: Step
    failed_update: Step
    destroy: Step
    state_file: Path
    stub_requests: list[Any]


@pytest.fixture(scope="module")
def flow(assemblies, records, s3_stub, tmp_path_factory) -> Flow:
    records.take()
    state_file = tmp_path_factory.mktemp("simulator-state") / "state.json"

    def simulator() -> CloudFormationSimulator:
        # A new simulator per step, from the saved state: as if each step ran in its own process.
        state = SimulatorState.load(state_file) if state_file.exists() else None
        return CloudFormationSimulator(endpoint_url=s3_stub.url, state=state)

    def step(action: str, version: int) -> Step:
        sim = simulator()
        if action == "deploy":
            result = sim.deploy(assemblies[version], stacks=CORE_STACKS, exclusively=True)
        else:
            result = sim.destroy(assemblies[version], stacks=CORE_STACKS, exclusively=True)
        sim.state.save(state_file)
        return Step(result, records.take())

    return Flow(
        create=step("deploy", 1),
        update=step("deploy", 2),
        failed_update=step("deploy", 3),
        destroy=step("destroy", 3),
        state_file=state_file,
        stub_requests=list(s3_stub.requests),
    )


def invocations(step: Step, stack_account: str = "111111111111") -> list[tuple[str, str, str]]:
    """(handler, request type, logical id) of every recorded invocation in one account, in order."""
    return [
        (entry["kind"], entry["event"]["RequestType"], entry["event"]["LogicalResourceId"])
        for entry in step.records
        if entry["environment"]["AWS_ACCESS_KEY_ID"] == stack_account
    ]


def on_events(step: Step, logical_id: str) -> list[dict[str, Any]]:
    return [
        e["event"] for e in step.records if e["kind"] == "on_event" and e["event"]["LogicalResourceId"] == logical_id
    ]


def test_create_deploys_every_stack(flow: Flow) -> None:
    result = flow.create.result
    assert result.ok, result.failures
    assert {name: stack.status for name, stack in result.stacks.items()} == {
        "SimCore": "CREATE_COMPLETE",
        "SimConsumer": "CREATE_COMPLETE",
        "Members/Member": "CREATE_COMPLETE",
    }
    assert result.stack("SimCore").outputs == {"StableOut": "stable-value"}


def test_create_follows_dependency_order(flow: Flow) -> None:
    creates = [lid for kind, request, lid in invocations(flow.create) if kind == "on_event"]
    assert creates == ["First", "Second", "Static", "Replace", "Gone", "Kept", "Consumer"]
    # Every custom resource starts only after its Provider's functions exist.
    events = [(e.logical_id, e.status) for e in flow.create.result.events if e.stack_name == "SimCore"]
    framework = next(
        i for i, (lid, status) in enumerate(events) if "frameworkonEvent" in lid and status == "CREATE_COMPLETE"
    )
    first = events.index(("First", "CREATE_IN_PROGRESS"))
    assert framework < first


def test_properties_arrive_as_strings(flow: Flow) -> None:
    (create,) = on_events(flow.create, "First")
    properties = create["ResourceProperties"]
    assert properties["Number"] == "3"
    assert properties["Flag"] == "true"
    assert properties["Nested"] == {"List": ["1", "true", "x"], "Deep": {"Ratio": "2.5"}}
    assert properties["ServiceToken"].startswith("arn:aws:lambda:us-east-1:111111111111:function:SimCore-")


def test_intrinsics_resolve(flow: Flow) -> None:
    (second,) = on_events(flow.create, "Second")
    properties = second["ResourceProperties"]
    assert properties["Value"] == "one-joined"  # Fn::Join over Fn::GetAtt of a custom resource's Data
    assert properties["SubWithVariables"] == "us-east-1/one/${Literal}"
    assert properties["SubWithAttribute"] == "111111111111:one"
    assert properties["Selected"] == "111111111111"
    (consumer,) = on_events(flow.create, "Consumer")
    assert consumer["ResourceProperties"]["Imported"] == "stable-value"  # Fn::ImportValue


def test_is_complete_runs_until_complete_on_the_simulated_clock(flow: Flow) -> None:
    (report,) = flow.create.result.requests("First")
    assert report.is_complete_passes == 3
    assert report.data == {"Echo": "one", "Stable": "stable-value", "Passes": "3"}
    # Two waits of the 10 s query interval, plus the handlers' real run time, without sleeping.
    assert 20 <= report.elapsed_seconds < 25
    assert report.longest_pass_seconds == max(run.duration_seconds for run in report.is_complete)
    passes = [
        e["event"]
        for e in flow.create.records
        if e["kind"] == "is_complete" and e["event"]["LogicalResourceId"] == "First"
    ]
    # isComplete gets the onEvent event merged with onEvent's result.
    assert {p["PhysicalResourceId"] for p in passes} == {report.physical_id}
    assert all(p["Data"] == {"Echo": "one", "Stable": "stable-value"} for p in passes)


def test_handler_runs_like_lambda(flow: Flow, s3_stub) -> None:
    entry = next(e for e in flow.create.records if e["event"]["LogicalResourceId"] == "First")
    environment, context = entry["environment"], entry["context"]
    assert environment["AWS_ACCESS_KEY_ID"] == "111111111111"
    assert environment["AWS_REGION"] == environment["AWS_DEFAULT_REGION"] == "us-east-1"
    assert environment["AWS_ENDPOINT_URL"] == s3_stub.url
    assert environment["SIM_FIXTURE_MARK"] == "us-east-1-111111111111"  # Fn::Sub in a Lambda environment
    assert environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert environment["AWS_LAMBDA_FUNCTION_TIMEOUT"] == "30"
    assert (
        context["invoked_function_arn"] == f"arn:aws:lambda:us-east-1:111111111111:function:{context['function_name']}"
    )
    assert context["memory_limit_in_mb"] == "256"
    assert 0 < context["remaining_ms"] <= 30_000
    report = flow.create.result.requests("First")[0]
    assert report.on_event is not None
    assert any("on_event Create First" in line for line in report.on_event.log_lines)
    assert any("logged through the logging module" in line for line in report.on_event.log_lines)
    assert 0 < report.on_event.max_memory_mb < 200


def test_handler_environment_is_not_inherited(flow: Flow) -> None:
    allowed = {
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
        "AWS_EXECUTION_ENV",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
    }
    for entry in flow.create.records:
        aws_names = {
            name for name in entry["environment"] if name.startswith("AWS_") and not name.startswith("AWS_LAMBDA_")
        }
        assert aws_names == allowed


def test_runner_runs_the_synthesized_asset(flow: Flow, assemblies) -> None:
    for entry in flow.create.records:
        module = Path(entry["module_file"]).resolve()
        asset = module.parents[1]
        assert asset.parent == assemblies[1].resolve() or asset.parent.parent == assemblies[1].resolve()
        assert asset.name.startswith("asset.")


def test_nested_stage_runs_in_its_own_account_and_region(flow: Flow) -> None:
    assert invocations(flow.create, "222222222222") == [("on_event", "Create", "MemberResource")]
    entry = next(e for e in flow.create.records if e["event"]["LogicalResourceId"] == "MemberResource")
    assert entry["environment"]["AWS_REGION"] == "eu-west-2"
    assert entry["event"]["StackId"].startswith("arn:aws:cloudformation:eu-west-2:222222222222:stack/Members-Member/")


def test_file_assets_are_uploaded_with_the_stack_account(flow: Flow) -> None:
    csv = Path(__file__).parent / "fixture_files" / "members.csv"
    uploads = [r for r in flow.stub_requests if r.path.endswith(".csv")]
    assert uploads, flow.stub_requests
    assert all(r.body == csv.read_bytes() for r in uploads)
    assert uploads[0].path.startswith("/cdk-hnb659fds-assets-111111111111-us-east-1/")
    assert uploads[0].access_key == "111111111111"
    bucket_creations = {(r.path, r.access_key) for r in flow.stub_requests if r.path.count("/") == 1}
    assert ("/cdk-hnb659fds-assets-222222222222-eu-west-2", "222222222222") in bucket_creations
    assert all(u.uploaded for u in flow.create.result.asset_uploads)


def test_update_sends_old_and_new_properties(flow: Flow) -> None:
    assert flow.update.result.ok, flow.update.result.failures
    assert flow.update.result.stack("SimCore").status == "UPDATE_COMPLETE"
    (update,) = on_events(flow.update, "First")
    assert update["RequestType"] == "Update"
    assert update["ResourceProperties"]["Value"] == "two"
    assert update["OldResourceProperties"]["Value"] == "one"
    (first,) = flow.create.result.requests("First")
    assert update["PhysicalResourceId"] == first.physical_id


def test_unchanged_resources_and_stacks_get_no_request(flow: Flow) -> None:
    touched = {lid for _, _, lid in invocations(flow.update)}
    assert "Static" not in touched  # its Lambda code changed, its properties did not
    assert "Consumer" not in touched  # SimConsumer's template did not change at all
    function_updates = [
        e
        for e in flow.update.result.events
        if e.resource_type == "AWS::Lambda::Function" and e.status == "UPDATE_COMPLETE"
    ]
    assert {e.logical_id for e in function_updates} >= {"OnEvent74718524", "IsComplete544AE5AD"}
    assert flow.update.result.stack("SimConsumer").status == "CREATE_COMPLETE"


def test_replacement_deletes_the_old_physical_id_after_the_update(flow: Flow) -> None:
    replace = on_events(flow.update, "Replace")
    assert [(e["RequestType"], e.get("PhysicalResourceId")) for e in replace] == [
        ("Update", "phys-a"),
        ("Delete", "phys-a"),
    ]
    statuses = [(e.logical_id, e.status) for e in flow.update.result.events if e.stack_name == "SimCore"]
    cleanup = statuses.index(("SimCore", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"))
    assert statuses.index(("Replace", "DELETE_IN_PROGRESS")) > cleanup
    (delete,) = [r for r in flow.update.result.requests("Replace") if r.request_type == "Delete"]
    assert delete.phase == "cleanup"


def test_removed_resources_are_deleted_unless_retained(flow: Flow) -> None:
    assert [e["RequestType"] for e in on_events(flow.update, "Gone")] == ["Delete"]
    assert on_events(flow.update, "Kept") == []
    kept = [e.status for e in flow.update.result.events if e.logical_id == "Kept"]
    assert kept == ["DELETE_SKIPPED"]
    assert [e["RequestType"] for e in on_events(flow.update, "Added")] == ["Create"]


def test_failed_update_rolls_back_with_swapped_properties(flow: Flow) -> None:
    result = flow.failed_update.result
    assert not result.ok
    assert result.stack("SimCore").status == "UPDATE_ROLLBACK_COMPLETE"
    (failure,) = result.failures
    assert failure.logical_id == "Second"
    assert "on_event refused Update of Second" in failure.reason
    sequence = [(kind, request, lid) for kind, request, lid in invocations(flow.failed_update) if kind == "on_event"]
    assert sequence == [
        ("on_event", "Update", "First"),
        ("on_event", "Create", "AddedInV3"),
        ("on_event", "Update", "Second"),
        ("on_event", "Update", "Second"),  # rollback, the failed one first
        ("on_event", "Update", "First"),
        ("on_event", "Delete", "AddedInV3"),
    ]
    second_rollback = on_events(flow.failed_update, "Second")[1]
    assert "FailOnEvent" not in second_rollback["ResourceProperties"]
    assert second_rollback["OldResourceProperties"]["FailOnEvent"] == "Update"
    first_update, first_rollback = on_events(flow.failed_update, "First")
    assert (first_update["ResourceProperties"]["Value"], first_update["OldResourceProperties"]["Value"]) == (
        "three",
        "two",
    )
    assert (first_rollback["ResourceProperties"]["Value"], first_rollback["OldResourceProperties"]["Value"]) == (
        "two",
        "three",
    )
    assert [r.phase for r in result.requests("First")] == ["deploy", "rollback"]
    # The deploy stops at the failed stack, as the CDK CLI does.
    assert "SimConsumer" not in result.stacks


def test_state_survives_a_round_trip_through_json(flow: Flow) -> None:
    document = json.loads(flow.state_file.read_text())
    assert document["stacks"] == {}  # after the destroy
    assert flow.update.result.ok  # which ran from the state saved by the create


def test_destroy_deletes_in_reverse_dependency_order(flow: Flow) -> None:
    result = flow.destroy.result
    assert result.ok, result.failures
    assert [name for name, stack in result.stacks.items() if stack.status == "DELETE_COMPLETE"] == [
        "SimConsumer",
        "SimCore",
        "Members/Member",
    ]
    deletes = [lid for kind, request, lid in invocations(flow.destroy) if kind == "on_event"]
    assert deletes == ["Consumer", "Added", "Replace", "Static", "Second", "First"]
    assert {e["event"]["RequestType"] for e in flow.destroy.records} == {"Delete"}
    # The retained resource was left behind long ago and is never deleted.
    assert "Kept" not in deletes


def test_forced_updates_reach_unchanged_custom_resources(assemblies, records) -> None:
    simulator = CloudFormationSimulator()
    records.take()
    assert simulator.deploy(assemblies[1], stacks=["Members/*"]).ok
    assert simulator.deploy(assemblies[1], stacks=["Members/*"]).custom_resources == []
    forced = simulator.deploy(assemblies[1], stacks=["Members/*"], force_custom_resource_updates=True)
    assert forced.stack("Members/Member").status == "UPDATE_COMPLETE"
    (create, update) = [entry["event"] for entry in records.take()]
    assert (create["RequestType"], update["RequestType"]) == ("Create", "Update")
    assert update["OldResourceProperties"] == update["ResourceProperties"] == create["ResourceProperties"]
    assert simulator.destroy(assemblies[1], stacks=["Members/*"]).ok
    records.take()
