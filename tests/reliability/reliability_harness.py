"""One emulated organization plus the simulator that deploys into it, recording everything the checks need.

``Harness.deploy`` and ``Harness.destroy`` return the simulator's result and keep it, with the member tables before
and after, so that every case can state its outcome: converged, or failed with a reason naming the accounts and
Regions, and never a lost member.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from cdk_securityhub_org.testing.emulator import CallRecord, Emulator, FaultConfig, World
from cdk_securityhub_org.testing.simulator import CloudFormationSimulator, DeployResult
from reliability_calls import RecordingRuntime, Window, attribute, recording_simulator
from reliability_org import MemberTable, member_table


@dataclass
class Operation:
    """One deploy or destroy, and the state around it."""

    label: str
    result: DeployResult
    before: MemberTable
    after: MemberTable
    calls: list[CallRecord] = field(default_factory=list)

    @property
    def writes(self) -> list[CallRecord]:
        return [c for c in self.calls if c.write and c.service in ("securityhub", "organizations")]

    def reasons(self) -> list[str]:
        return [failure.reason for failure in self.result.failures]


class Harness:
    def __init__(self, world: World, emulator: Emulator, simulator: CloudFormationSimulator, runtime: RecordingRuntime):
        self.world = world
        self.emulator = emulator
        self.simulator = simulator
        self.runtime = runtime
        self.operations: list[Operation] = []

    def deploy(
        self, assembly: Path, label: str, admin: str, stacks: Sequence[str] | None = None, *, force: bool = False
    ) -> Operation:
        """Deploy ``stacks`` only (not their dependencies), or the whole assembly."""
        return self._run(
            label,
            admin,
            lambda: self.simulator.deploy(
                assembly, stacks, exclusively=stacks is not None, force_custom_resource_updates=force
            ),
        )

    def destroy(self, assembly: Path, label: str, admin: str, stacks: Sequence[str] | None = None) -> Operation:
        return self._run(label, admin, lambda: self.simulator.destroy(assembly, stacks, exclusively=stacks is not None))

    def set_faults(self, faults: FaultConfig) -> None:
        self.emulator.set_faults(faults)

    @property
    def windows(self) -> list[Window]:
        return self.runtime.windows

    def attribute(self) -> list[CallRecord]:
        """Attribute every call so far to its handler invocation; returns the deployer's own calls."""
        for window in self.windows:
            window.calls.clear()
        return attribute(self.windows, self.emulator.calls())

    def _run(self, label: str, admin: str, operation: Callable[[], DeployResult]) -> Operation:
        before = member_table(self.world, admin)
        first = len(self.emulator.calls())
        result = operation()
        after = member_table(self.world, admin)
        record = Operation(label, result, before, after, self.emulator.calls()[first:])
        self.operations.append(record)
        return record


@contextmanager
def harness(world: World, faults: FaultConfig | None = None) -> Iterator[Harness]:
    """An emulator serving ``world`` (real rate quotas unless ``faults`` says otherwise) and a recording simulator."""
    with Emulator(world, faults=faults or FaultConfig(rate_limit=True)) as emulator:
        simulator, runtime = recording_simulator(emulator)
        yield Harness(world, emulator, simulator, runtime)
