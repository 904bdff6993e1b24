"""Which handler made which AWS call, and what its IAM policy allowed it at that moment.

The simulator runs one handler invocation at a time, each in its own process. ``RecordingRuntime`` is the
simulator's own Lambda runtime with a stopwatch around each invocation: the emulator logs the arrival time of every
request, so a request belongs to the invocation whose window contains it. Requests outside every window come from
the deployer (asset uploads) or from the test's own inspection, never from a handler. A request sent by an
invocation that is then killed still arrived inside its window, so it is attributed right.

At the start of each invocation the runtime also copies the IAM statements in force for the function's role, from
the simulator's live stack state (resolved ARNs included): during an update that is the new template's policy,
which CloudFormation updates before the functions and custom resources that depend on it, and during that update's
rollback still the new one (rolled back after them). The stack's status then is kept too, so that a rollback's
invocations can be told apart.
"""

from __future__ import annotations

import copy
import re
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cdk_securityhub_org.handler import registry
from cdk_securityhub_org.testing.emulator import CallRecord, Emulator
from cdk_securityhub_org.testing.simulator import CloudFormationSimulator, Invocation, SimulatorState
from cdk_securityhub_org.testing.simulator.lambda_runtime import LambdaFunction, LambdaRuntime

# A kind's own entry points, or the stack's shared ones (dispatch), which serve the kind the event names.
_HANDLER = re.compile(
    rf"^{re.escape(registry.PACKAGE)}\.(?:kinds\.(?P<kind>\w+)\.kind|dispatch)\.(?P<entry>on_event|is_complete)$"
)
# The Lambda runtime writes the function's logs itself; the emulator has no CloudWatch Logs to call.
RUNTIME_LOG_ACTIONS = frozenset({"logs:CreateLogStream", "logs:PutLogEvents"})


@dataclass(frozen=True)
class Statement:
    actions: frozenset[str]
    resources: tuple[str, ...]


@dataclass
class Window:
    """One handler invocation: when it ran, what it is, and the policy its role had."""

    function: LambdaFunction
    stack_name: str
    started: float
    ended: float = 0.0
    statements: tuple[Statement, ...] = ()
    stack_status: str = ""  # when the invocation started
    invocation: Invocation | None = None
    calls: list[CallRecord] = field(default_factory=list)
    event: Any = None

    @property
    def kind(self) -> str:
        """The kind's folder (delegated_admin, members, ...): from the handler string, or, for the stack's shared
        function, from the event's resource type."""
        found = _HANDLER.match(self.function.handler)
        if found is None:
            return self.function.handler
        if found["kind"]:
            return found["kind"]
        entry = registry.kind_for(str((self.event or {}).get("ResourceType")))
        return entry.folder if entry else self.function.handler

    @property
    def entry_point(self) -> str:
        found = _HANDLER.match(self.function.handler)
        return found["entry"] if found else ""

    @property
    def rolling_back(self) -> bool:
        """A rollback's invocation: the old declaration runs under the policy of the update being rolled back."""
        return "ROLLBACK_IN_PROGRESS" in self.stack_status

    @property
    def allowed(self) -> frozenset[str]:
        """Every action the role's statements allow, but the runtime's own log writing."""
        return frozenset(a for s in self.statements for a in s.actions) - RUNTIME_LOG_ACTIONS

    @property
    def used(self) -> frozenset[str]:
        """Every IAM action the invocation's calls needed: the operations and what they implied."""
        return frozenset(action for call in self.calls for action in actions_of(call))

    def allows_in_region(self, action: str, region: str) -> bool:
        """Whether a statement allows ``action`` on a resource in ``region`` (a Security Hub ARN names its Region;
        '*' and Region-less ARNs cover every Region)."""
        for statement in self.statements:
            if action not in statement.actions:
                continue
            for resource in statement.resources:
                parts = resource.split(":")
                if resource == "*" or len(parts) < 4 or parts[3] in ("", "*", region):
                    return True
        return False


def actions_of(call: CallRecord) -> list[str]:
    return [f"{call.service}:{call.operation}", *call.implied_actions]


class RecordingRuntime(LambdaRuntime):
    """The simulator's Lambda runtime, recording a ``Window`` per invocation."""

    def __init__(self, endpoint_url: str, state: SimulatorState) -> None:
        super().__init__(endpoint_url)
        self.windows: list[Window] = []
        self._state = state
        self._lock = threading.Lock()

    def invoke(self, function: LambdaFunction, event: Any) -> Invocation:
        stack_name, stack_status, statements = self._policy_in_force(function)
        window = Window(
            function, stack_name, time.time(), statements=statements, stack_status=stack_status, event=event
        )
        try:
            window.invocation = super().invoke(function, event)
        finally:
            window.ended = time.time()
            with self._lock:
                self.windows.append(window)
        return window.invocation

    def _policy_in_force(self, function: LambdaFunction) -> tuple[str, str, tuple[Statement, ...]]:
        found = self._state.find_by_arn(function.arn)
        if found is None:
            return "", "", ()
        stack, resource = found
        role_arn = resource.properties.get("Role")
        role = next((r for r in stack.resources.values() if r.attributes.get("Arn") == role_arn), None)
        statements: list[Statement] = []
        for candidate in stack.resources.values():
            if candidate.resource_type != "AWS::IAM::Policy" or role is None:
                continue
            if role.physical_id not in (candidate.properties.get("Roles") or []):
                continue
            for raw in copy.deepcopy(candidate.properties["PolicyDocument"]["Statement"]):
                if raw.get("Effect") != "Allow":
                    continue
                statements.append(Statement(frozenset(_listed(raw["Action"])), tuple(_listed(raw["Resource"]))))
        return stack.stack_name, stack.status, tuple(statements)


def _listed(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def recording_simulator(emulator: Emulator) -> tuple[CloudFormationSimulator, RecordingRuntime]:
    """A simulator against ``emulator`` whose handler invocations are recorded."""
    simulator = CloudFormationSimulator(emulator.endpoint_url)
    runtime = RecordingRuntime(emulator.endpoint_url, simulator.state)
    # The simulator takes no runtime argument; its invocations all go through this attribute.
    simulator._runtime = runtime
    return simulator, runtime


def attribute(windows: Iterable[Window], calls: Iterable[CallRecord]) -> list[CallRecord]:
    """Fill each window's ``calls``; returns the calls no handler made."""
    ordered = sorted(windows, key=lambda w: w.started)
    unattributed = []
    for call in calls:
        owner = next((w for w in ordered if w.started <= call.time <= w.ended), None)
        if owner is None:
            unattributed.append(call)
        else:
            owner.calls.append(call)
    return unattributed


def handler_lines(windows: Iterable[Window]) -> Iterator[tuple[Window, str]]:
    for window in windows:
        for line in window.invocation.log_lines if window.invocation else ():
            yield window, line
