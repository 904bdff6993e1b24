"""What a deploy or destroy reports: stack statuses, stack events, custom-resource runs, and failures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from cdk_securityhub_org.testing.simulator.lambda_runtime import Invocation

Phase = Literal["deploy", "cleanup", "rollback", "destroy"]
"""Why a custom-resource request was sent: the deploy itself, the cleanup after a successful update,
a rollback after a failure, or a stack deletion."""


@dataclass(frozen=True)
class StackEvent:
    """One line of a stack's event history, as ``DescribeStackEvents`` shows it."""

    timestamp: datetime
    stack_name: str
    logical_id: str
    physical_id: str
    resource_type: str
    status: str
    reason: str = ""

    def __str__(self) -> str:
        reason = f"  {self.reason}" if self.reason else ""
        return (
            f"{self.timestamp:%H:%M:%S} {self.stack_name} {self.logical_id} {self.resource_type} {self.status}{reason}"
        )


@dataclass
class CustomResourceReport:
    """One request CloudFormation sent to a Provider-framework custom resource, and how it went."""

    stack_name: str
    logical_id: str
    resource_type: str
    request_type: str
    phase: Phase
    request_id: str
    status: Literal["SUCCESS", "FAILED", "IGNORED"] = "SUCCESS"
    """``IGNORED``: the framework answered without calling the handler (Delete after a failed Create)."""
    physical_id: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    reason: str = ""
    """On failure, the reason CloudFormation shows in the stack event."""
    elapsed_seconds: float = 0.0
    """From the request to CloudFormation's receiving the response, on the simulator's clock."""
    on_event: Invocation | None = None
    is_complete: list[Invocation] = field(default_factory=list)

    @property
    def is_complete_passes(self) -> int:
        """How many times ``isComplete`` ran."""
        return len(self.is_complete)

    @property
    def longest_pass_seconds(self) -> float:
        """The longest single ``isComplete`` run (0 without an ``isComplete`` handler)."""
        return max((run.duration_seconds for run in self.is_complete), default=0.0)

    @property
    def invocations(self) -> list[Invocation]:
        """Every handler invocation for this request, in order."""
        return ([self.on_event] if self.on_event else []) + self.is_complete


@dataclass(frozen=True)
class AssetUpload:
    """A ``file`` asset published to the emulator's S3 (or skipped when there is no endpoint)."""

    stack_name: str
    asset_id: str
    bucket: str
    key: str
    size_bytes: int
    uploaded: bool


@dataclass(frozen=True)
class Failure:
    """Something that failed: a resource operation, a stack-level check, or the assembly itself."""

    stack_name: str
    logical_id: str
    reason: str

    def __str__(self) -> str:
        return f"{self.stack_name}/{self.logical_id}: {self.reason}"


@dataclass
class StackResult:
    """A stack's status after the operation, and its outputs."""

    stack_name: str
    display_name: str
    account: str
    region: str
    status: str
    outputs: dict[str, Any] = field(default_factory=dict)


@dataclass
class DeployResult:
    """Everything a :meth:`CloudFormationSimulator.deploy` or ``destroy`` did, in order."""

    stacks: dict[str, StackResult] = field(default_factory=dict)
    """Keyed by display name (``Stage/Stack`` for stacks in a Stage)."""
    events: list[StackEvent] = field(default_factory=list)
    custom_resources: list[CustomResourceReport] = field(default_factory=list)
    asset_uploads: list[AssetUpload] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether nothing failed."""
        return not self.failures

    def stack(self, name: str) -> StackResult:
        """The result of the stack with this display name or stack name."""
        for key, stack in self.stacks.items():
            if name in (key, stack.stack_name):
                return stack
        raise KeyError(f"no stack {name!r} in this result; have {sorted(self.stacks)}")

    def requests(self, logical_id: str, stack_name: str | None = None) -> list[CustomResourceReport]:
        """The custom-resource requests sent for ``logical_id`` (optionally in one stack), in order."""
        return [
            report
            for report in self.custom_resources
            if report.logical_id == logical_id and stack_name in (None, report.stack_name)
        ]
