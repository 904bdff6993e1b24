"""Failure paths: create rollback, waiter and Lambda timeouts, response and state size limits, real clock."""

import time
from typing import Any

import pytest
from cdk_securityhub_org.testing.simulator import CloudFormationSimulator, DeployResult


@pytest.fixture
def deploy(assemblies, records):
    """Deploy one scenario stack of the version-1 app with a fresh simulator; return result and records."""

    def run(stack: str, **options: Any) -> tuple[DeployResult, list[tuple[str, str, str, str | None]]]:
        records.take()
        result = CloudFormationSimulator(**options).deploy(assemblies[1], stacks=[stack], exclusively=True)
        calls = [
            (
                e["kind"],
                e["event"]["RequestType"],
                e["event"]["LogicalResourceId"],
                e["event"].get("PhysicalResourceId"),
            )
            for e in records.take()
        ]
        return result, calls

    return run


def test_create_failure_rolls_back_and_the_failed_resource_gets_no_delete(deploy) -> None:
    result, calls = deploy("SimCreateFail")
    assert result.stack("SimCreateFail").status == "ROLLBACK_COMPLETE"
    a_id = result.requests("A")[0].physical_id
    assert calls == [
        ("on_event", "Create", "A", None),
        ("is_complete", "Create", "A", a_id),
        ("on_event", "Create", "B", None),
        ("on_event", "Delete", "A", a_id),
        ("is_complete", "Delete", "A", a_id),
    ]
    create_b, delete_b = result.requests("B")
    assert "on_event refused Create of B" in create_b.reason
    assert create_b.physical_id == "AWSCDK::CustomResourceProviderFramework::CREATE_FAILED"
    # CloudFormation does send the Delete; the framework answers it without calling the handler.
    assert (delete_b.request_type, delete_b.status, delete_b.invocations) == ("Delete", "IGNORED", [])
    assert [f.logical_id for f in result.failures] == ["B"]
    stack_events = [e.status for e in result.events if e.logical_id == "SimCreateFail"]
    assert stack_events == ["CREATE_IN_PROGRESS", "ROLLBACK_IN_PROGRESS", "ROLLBACK_COMPLETE"]


def test_is_complete_failure_on_create_is_followed_by_a_real_delete(deploy) -> None:
    # Unlike an onEvent failure, the resource already has a physical ID, so the framework forwards
    # the rollback's Delete to the handler: a Create must be able to clean up its partial work.
    result, calls = deploy("SimLateFail")
    assert result.stack("SimLateFail").status == "ROLLBACK_COMPLETE"
    create, _delete = result.requests("Late")
    assert "is_complete refused Create of Late" in create.reason
    assert [(kind, request) for kind, request, _, _ in calls] == [
        ("on_event", "Create"),
        ("is_complete", "Create"),
        ("on_event", "Delete"),
        ("is_complete", "Delete"),
    ]
    assert calls[2][3] == create.physical_id


def test_waiter_gives_up_after_its_attempts(deploy) -> None:
    result, _calls = deploy("SimWaiterTimeout")
    create, delete = result.requests("Slow")
    # totalTimeout 30 s / queryInterval 10 s: one call, then three retries.
    assert create.is_complete_passes == 4
    assert "Operation timed out" in create.reason
    assert 30 <= create.elapsed_seconds < 35
    # The rollback's Delete never completes either, so the stack is stuck, as it would be in AWS.
    assert "Operation timed out" in delete.reason
    assert result.stack("SimWaiterTimeout").status == "ROLLBACK_FAILED"


def test_lambda_timeout_kills_the_handler(deploy) -> None:
    started = time.monotonic()
    result, _calls = deploy("SimLambdaTimeout")
    assert time.monotonic() - started < 4  # the handler sleeps 5 s; Timeout is 1 s
    (report, _delete) = result.requests("Sleepy")
    assert report.on_event is not None and report.on_event.timed_out
    assert "Task timed out after 1.00 seconds" in report.reason
    assert any("on_event Create Sleepy" in line for line in report.on_event.log_lines)


def test_an_answer_after_the_service_timeout_is_too_late(deploy) -> None:
    result, _calls = deploy("SimServiceTimeout")
    create, _delete = result.requests("Overdue")
    assert create.is_complete_passes == 2  # at 0 s and 10 s; the next would come after 15 s
    assert create.reason.startswith("CloudFormation did not receive a response from your Custom Resource")
    assert "ServiceTimeout of 15 seconds" in create.reason


def test_response_over_4096_bytes_fails_the_resource(deploy) -> None:
    result, _calls = deploy("SimDataLimit")
    (report, _delete) = result.requests("Big")
    assert report.status == "FAILED"
    assert report.reason.startswith("Response object is too long.")


def test_event_over_the_step_functions_limit_fails_the_waiter(deploy) -> None:
    result, calls = deploy("SimStateLimit")
    create, delete = result.requests("Huge")
    assert create.reason.startswith("States.DataLimitExceeded")
    assert create.is_complete_passes == 0
    # The rollback's Delete carries the same properties, so it cannot get through the waiter either.
    assert delete.reason.startswith("States.DataLimitExceeded")
    assert [kind for kind, *_ in calls] == ["on_event", "on_event"]
    assert result.stack("SimStateLimit").status == "ROLLBACK_FAILED"


def test_real_clock_really_waits(deploy) -> None:
    started = time.monotonic()
    result, _calls = deploy("SimRealClock", clock="real")
    assert result.ok, result.failures
    (report,) = result.requests("Waits")
    assert report.is_complete_passes == 2
    assert time.monotonic() - started >= 1.0  # one query interval of 1 s
    assert report.elapsed_seconds >= 1.0


def test_redeploy_after_rollback_complete_starts_over(deploy, assemblies) -> None:
    simulator = CloudFormationSimulator()
    first = simulator.deploy(assemblies[1], stacks=["SimLateFail"], exclusively=True)
    assert first.stack("SimLateFail").status == "ROLLBACK_COMPLETE"
    second = simulator.deploy(assemblies[1], stacks=["SimLateFail"], exclusively=True)
    statuses = [e.status for e in second.events if e.logical_id == "SimLateFail"]
    # The CDK CLI deletes a stack whose creation rolled back, then creates it again.
    assert statuses[:2] == ["DELETE_IN_PROGRESS", "DELETE_COMPLETE"]
    assert statuses[2] == "CREATE_IN_PROGRESS"
