"""The CDK Provider framework (``aws_cdk.custom_resources.Provider``) and CloudFormation's side of the exchange.

Mirrors ``framework.js`` and ``cfn-response.js`` of aws-cdk-lib: the framework's ``onEvent`` calls the
user's ``onEvent``, merges its result into the event, and either answers CloudFormation at once or
starts the waiter state machine, whose task calls the user's ``isComplete`` and retries every
``IntervalSeconds`` up to ``MaxAttempts`` times before ``onTimeout`` answers "Operation timed out".
CloudFormation then checks the response size (4,096 bytes) and its own ``ServiceTimeout``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from cdk_securityhub_org.testing.simulator import inert_resources
from cdk_securityhub_org.testing.simulator.clock import Clock
from cdk_securityhub_org.testing.simulator.lambda_runtime import Invocation, LambdaFunction, LambdaRuntime
from cdk_securityhub_org.testing.simulator.results import CustomResourceReport, Phase
from cdk_securityhub_org.testing.simulator.state import ResourceState, SimulatorState, StackState

CREATE_FAILED_MARKER = "AWSCDK::CustomResourceProviderFramework::CREATE_FAILED"
"""Physical ID the framework reports when ``onEvent`` fails a Create; it ignores the Delete that follows."""
MISSING_PHYSICAL_ID_MARKER = "AWSCDK::CustomResourceProviderFramework::MISSING_PHYSICAL_ID"
RESPONSE_LIMIT_BYTES = 4096
"""CloudFormation's limit on a custom resource's response object."""
STATE_LIMIT_BYTES = 256 * 1024
"""Step Functions' limit on a state's input or output, which carries the whole event."""
DEFAULT_SERVICE_TIMEOUT_SECONDS = 3600
"""How long CloudFormation waits for a custom resource's response unless ``ServiceTimeout`` says otherwise."""


class BindingError(Exception):
    """A custom resource's ``ServiceToken`` does not lead to a simulated Provider framework."""


@dataclass(frozen=True)
class WaiterPolicy:
    """The waiter state machine's retry policy for the ``isComplete`` task."""

    interval_seconds: float
    max_attempts: int
    backoff_rate: float = 1.0

    @classmethod
    def from_totals(cls, query_interval_seconds: float, total_timeout_seconds: float) -> WaiterPolicy:
        """The policy the Provider construct derives from ``queryInterval`` and ``totalTimeout``."""
        return cls(query_interval_seconds, max(int(total_timeout_seconds // query_interval_seconds), 1))

    @classmethod
    def from_definition(cls, definition: str) -> WaiterPolicy | None:
        """Read the policy from the state machine definition the Provider construct synthesized."""
        try:
            states = json.loads(definition)["States"]
        except (ValueError, KeyError, TypeError):
            return None
        for state in states.values():
            for retry in state.get("Retry", []) if state.get("Type") == "Task" else []:
                if "IntervalSeconds" in retry and "MaxAttempts" in retry:
                    return cls(
                        float(retry["IntervalSeconds"]), int(retry["MaxAttempts"]), float(retry.get("BackoffRate", 2.0))
                    )
        return None


@dataclass(frozen=True)
class ProviderBinding:
    """The user handlers and waiter behind one Provider framework ``onEvent`` function."""

    on_event: LambdaFunction
    is_complete: LambdaFunction | None
    waiter: WaiterPolicy


class ProviderFramework:
    """Carries custom-resource requests through the Provider framework to the user's handlers."""

    def __init__(
        self, runtime: LambdaRuntime, clock: Clock, world: SimulatorState, default_waiter: WaiterPolicy
    ) -> None:
        self._runtime = runtime
        self._clock = clock
        self._world = world
        self._default_waiter = default_waiter

    def handle(self, event: dict[str, Any], *, stack_name: str, phase: Phase) -> CustomResourceReport:
        """Send ``event`` (a CloudFormation custom-resource request) and return what CloudFormation received."""
        report = CustomResourceReport(
            stack_name=stack_name,
            logical_id=event["LogicalResourceId"],
            resource_type=event["ResourceType"],
            request_type=event["RequestType"],
            phase=phase,
            request_id=event["RequestId"],
        )
        started = self._clock.elapsed()
        service_timeout = float(event["ResourceProperties"].get("ServiceTimeout", DEFAULT_SERVICE_TIMEOUT_SECONDS))
        self._run(report, event, started, service_timeout)
        report.elapsed_seconds = self._clock.elapsed() - started
        if report.status == "SUCCESS" and report.elapsed_seconds > service_timeout:
            # The answer came, but CloudFormation had stopped waiting for it.
            report.status, report.data = "FAILED", {}
            report.reason = _service_timeout_reason(event, service_timeout)
        return report

    def _run(self, report: CustomResourceReport, event: dict[str, Any], started: float, service_timeout: float) -> None:
        if event["RequestType"] == "Delete" and event.get("PhysicalResourceId") == CREATE_FAILED_MARKER:
            # safeHandler: the Delete after a failed Create has nothing to delete.
            self._respond(report, "SUCCESS", event)
            report.status = "IGNORED"
            return
        try:
            binding = self._binding(str(event["ResourceProperties"].get("ServiceToken", "")))
        except BindingError as error:
            report.status, report.reason, report.physical_id = "FAILED", str(error), event.get("PhysicalResourceId", "")
            return
        invocation = report.on_event = self._invoke(binding.on_event, event)
        if invocation.error is not None:
            self._respond_failure(report, event, _user_function_error(invocation))
            return
        result = invocation.payload if isinstance(invocation.payload, dict) else {}
        physical_id = result.get("PhysicalResourceId") or (
            event["RequestId"] if event["RequestType"] == "Create" else event["PhysicalResourceId"]
        )
        if event["RequestType"] == "Delete" and physical_id != event["PhysicalResourceId"]:
            message = (
                f'DELETE: cannot change the physical resource ID from "{event["PhysicalResourceId"]}" '
                f'to "{result.get("PhysicalResourceId")}" during deletion'
            )
            self._respond_failure(report, event, message)
            return
        resource_event = {**event, **result, "PhysicalResourceId": physical_id}
        if binding.is_complete is None:
            self._respond(report, "SUCCESS", resource_event)
            return
        self._wait(report, resource_event, binding, started=started, service_timeout=service_timeout)

    def _wait(
        self,
        report: CustomResourceReport,
        event: dict[str, Any],
        binding: ProviderBinding,
        *,
        started: float,
        service_timeout: float,
    ) -> None:
        assert binding.is_complete is not None
        is_complete, waiter = binding.is_complete, binding.waiter
        retries = 0
        while True:
            state_bytes = len(json.dumps(event).encode())
            if state_bytes > STATE_LIMIT_BYTES:
                self._data_limit_exceeded(report, event, state_bytes, "the input of isComplete (the whole event)")
                return
            invocation = self._invoke(is_complete, event)
            report.is_complete.append(invocation)
            if invocation.error is not None:
                self._respond_failure(report, event, _user_function_error(invocation))
                return
            result = invocation.payload
            if result is None:
                self._respond_failure(report, event, "TypeError: Cannot read properties of null (reading 'IsComplete')")
                return
            result = result if isinstance(result, dict) else {}
            if _js_truthy(result.get("IsComplete")):
                data = {**(event.get("Data") or {}), **(result.get("Data") or {})}
                self._respond(report, "SUCCESS", {**event, **result, "Data": data})
                return
            if result.get("Data"):
                self._respond_failure(report, event, 'Error: "Data" is not allowed if "IsComplete" is "False"')
                return
            # Not complete: the task fails with a Retry error whose Cause carries the event again, as an
            # escaped JSON string inside a JSON string, so it outgrows the event itself.
            cause = json.dumps({"errorType": "Error", "errorMessage": json.dumps(event), "trace": []})
            error_bytes = len(json.dumps({"Error": "Error", "Cause": cause}).encode())
            if error_bytes > STATE_LIMIT_BYTES:
                self._data_limit_exceeded(report, event, error_bytes, "the Retry error output of isComplete")
                return
            if retries >= waiter.max_attempts:
                # onTimeout answers for the waiter once its retries are used up.
                self._respond_failure(report, event, "Operation timed out")
                return
            delay = waiter.interval_seconds * waiter.backoff_rate**retries
            retries += 1
            if self._clock.elapsed() + delay - started > service_timeout:
                report.status, report.physical_id = "FAILED", event["PhysicalResourceId"]
                report.reason = _service_timeout_reason(event, service_timeout)
                return
            self._clock.sleep(delay)

    @staticmethod
    def _data_limit_exceeded(report: CustomResourceReport, event: dict[str, Any], size: int, what: str) -> None:
        # A terminal error that States.ALL does not catch: the execution fails and nobody answers
        # CloudFormation, which in AWS fails the resource only when its ServiceTimeout runs out.
        report.status, report.physical_id = "FAILED", event["PhysicalResourceId"]
        report.reason = (
            f"States.DataLimitExceeded: {what} is {size} bytes, over the Step Functions limit of "
            f"{STATE_LIMIT_BYTES} bytes (the waiter carries the whole event, old properties included); "
            "the waiter execution failed without answering CloudFormation"
        )

    def _invoke(self, function: LambdaFunction, event: dict[str, Any]) -> Invocation:
        invocation = self._runtime.invoke(function, event)
        self._clock.spend(invocation.duration_seconds)
        return invocation

    def _binding(self, service_token: str) -> ProviderBinding:
        # The framework's own functions (Node.js) never run here: only their wiring is read.
        _stack, framework = self._lambda_resource(service_token, "ServiceToken")
        environment = framework.properties.get("Environment", {}).get("Variables", {})
        on_event_arn = environment.get("USER_ON_EVENT_FUNCTION_ARN")
        if not on_event_arn:
            raise BindingError(
                f"ServiceToken {service_token} ({framework.physical_id}) is not a CDK Provider framework onEvent "
                "function: only custom resources backed by aws_cdk.custom_resources.Provider are simulated"
            )
        is_complete_arn = environment.get("USER_IS_COMPLETE_FUNCTION_ARN")
        waiter = None
        state_machine_arn = environment.get("WAITER_STATE_MACHINE_ARN")
        found = self._world.find_by_arn(state_machine_arn) if state_machine_arn else None
        if found is not None:
            definition = found[1].properties.get("DefinitionString")
            waiter = WaiterPolicy.from_definition(definition) if isinstance(definition, str) else None
        return ProviderBinding(
            on_event=self._function(on_event_arn, "USER_ON_EVENT_FUNCTION_ARN"),
            is_complete=self._function(is_complete_arn, "USER_IS_COMPLETE_FUNCTION_ARN") if is_complete_arn else None,
            waiter=waiter or self._default_waiter,
        )

    def _lambda_resource(self, arn: str, what: str) -> tuple[StackState, ResourceState]:
        found = self._world.find_by_arn(arn)
        if found is None or found[1].resource_type != inert_resources.LAMBDA_FUNCTION:
            raise BindingError(f"{what} {arn!r} is not a Lambda function of a deployed stack")
        return found

    def _function(self, arn: str, what: str) -> LambdaFunction:
        try:
            return inert_resources.lambda_function(*self._lambda_resource(arn, what))
        except ValueError as error:
            raise BindingError(str(error)) from error

    def _respond_failure(self, report: CustomResourceReport, event: dict[str, Any], reason: str) -> None:
        failed = dict(event)
        if not failed.get("PhysicalResourceId") and failed["RequestType"] == "Create":
            # safeHandler: a Create that failed before it had a physical ID gets the marker, so that
            # the Delete CloudFormation sends during rollback is ignored.
            failed["PhysicalResourceId"] = CREATE_FAILED_MARKER
        self._respond(report, "FAILED", failed, reason)

    def _respond(self, report: CustomResourceReport, status: str, event: dict[str, Any], reason: str = "") -> None:
        """cfn-response's submitResponse, and CloudFormation's reading of the response."""
        body = {
            "Status": status,
            "Reason": reason or status,
            "StackId": event["StackId"],
            "RequestId": event["RequestId"],
            "PhysicalResourceId": event.get("PhysicalResourceId") or MISSING_PHYSICAL_ID_MARKER,
            "LogicalResourceId": event["LogicalResourceId"],
            "Data": event.get("Data"),
        }
        report.physical_id = body["PhysicalResourceId"]
        size = len(json.dumps(body).encode())
        if size > RESPONSE_LIMIT_BYTES:
            report.status = "FAILED"
            report.reason = (
                f"Response object is too long. ({size} bytes; CloudFormation accepts {RESPONSE_LIMIT_BYTES})"
            )
            return
        if status == "SUCCESS":
            report.status = "SUCCESS"
            report.data = body["Data"] if isinstance(body["Data"], dict) else {}
            return
        report.status = "FAILED"
        report.reason = (
            f"Received response status [FAILED] from custom resource. Message returned: {body['Reason']} "
            f"(RequestId: {event['RequestId']})"
        )


def _service_timeout_reason(event: dict[str, Any], service_timeout: float) -> str:
    return (
        "CloudFormation did not receive a response from your Custom Resource within its ServiceTimeout of "
        f"{service_timeout:.0f} seconds. Please check your logs for requestId [{event['RequestId']}]."
    )


def _user_function_error(invocation: Invocation) -> str:
    """The message the framework builds from a failed user function (``invokeUserFunction``)."""
    assert invocation.error is not None
    return f"Error: {invocation.error.message}\n\nLogs: /aws/lambda/{invocation.function_name}\n"


def _js_truthy(value: Any) -> bool:
    # The framework tests `isCompleteResult.IsComplete` in JavaScript: the string "false" is true.
    if isinstance(value, float) and math.isnan(value):
        return False
    return value not in (None, False, 0, "")
