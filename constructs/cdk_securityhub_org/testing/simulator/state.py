"""The simulator's persistent state: what CloudFormation would remember about each deployed stack.

Saved as JSON, so that a deploy, a later update, and a destroy can run in different processes.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cdk_securityhub_org.cloud_assembly.assembly import stack_key

STATE_VERSION = 1


def is_custom_resource(resource_type: str) -> bool:
    """Whether CloudFormation hands resources of this type to a custom-resource provider."""
    return resource_type == "AWS::CloudFormation::CustomResource" or resource_type.startswith("Custom::")


@dataclass
class ResourceState:
    """One live resource of a stack."""

    logical_id: str
    resource_type: str
    physical_id: str
    properties: dict[str, Any]
    """Resolved properties; for custom resources exactly as delivered (scalars as strings)."""
    attributes: dict[str, Any] = field(default_factory=dict)
    """``Fn::GetAtt`` values: a custom resource's ``Data``, or synthetic values of other resources."""
    status: str = "CREATE_COMPLETE"
    deletion_policy: str = "Delete"
    update_replace_policy: str = "Delete"
    code_directory: str | None = None
    """Lambda functions only: the synthesized asset directory the code runs from."""

    @property
    def is_custom(self) -> bool:
        """Whether this is a custom resource."""
        return is_custom_resource(self.resource_type)


@dataclass
class OutputState:
    """A resolved stack output."""

    value: Any
    export_name: str | None = None


@dataclass
class StackState:
    """One stack as CloudFormation knows it."""

    stack_name: str
    display_name: str
    account: str
    region: str
    stack_id: str
    status: str
    template: dict[str, Any] = field(default_factory=dict)
    resources: dict[str, ResourceState] = field(default_factory=dict)
    outputs: dict[str, OutputState] = field(default_factory=dict)
    imports: list[str] = field(default_factory=list)
    """Export names this stack's resources import (exports in use cannot be changed or deleted)."""

    @property
    def key(self) -> str:
        """The stack's identity: account, Region, and name."""
        return stack_key(self.account, self.region, self.stack_name)

    def exports(self) -> dict[str, Any]:
        """Export name → value for this stack's exported outputs."""
        return {output.export_name: output.value for output in self.outputs.values() if output.export_name}


@dataclass
class SimulatorState:
    """Every stack the simulator has deployed, keyed by :attr:`StackState.key`."""

    stacks: dict[str, StackState] = field(default_factory=dict)

    def save(self, path: str | Path) -> None:
        """Write the state to ``path`` as JSON."""
        document = {"version": STATE_VERSION, "stacks": {key: asdict(stack) for key, stack in self.stacks.items()}}
        # Key order is kept: the template's resource order breaks ties in the dependency order.
        Path(path).write_text(json.dumps(document, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> SimulatorState:
        """Read a state written by :meth:`save`."""
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        if document.get("version") != STATE_VERSION:
            raise ValueError(f"{path}: state version {document.get('version')}, expected {STATE_VERSION}")
        stacks = {}
        for key, raw in document["stacks"].items():
            resources = {lid: ResourceState(**resource) for lid, resource in raw.pop("resources").items()}
            outputs = {name: OutputState(**output) for name, output in raw.pop("outputs").items()}
            stacks[key] = StackState(**raw, resources=resources, outputs=outputs)
        return cls(stacks=stacks)

    def find_by_arn(self, arn: str) -> tuple[StackState, ResourceState] | None:
        """The live resource whose ARN (or ARN-valued physical ID) is ``arn``."""
        for stack in self.stacks.values():
            for resource in stack.resources.values():
                if arn in (resource.attributes.get("Arn"), resource.physical_id):
                    return stack, resource
        return None

    def exports(self, account: str, region: str) -> dict[str, tuple[str, Any]]:
        """Export name → (exporting stack name, value) in one account and Region."""
        found: dict[str, tuple[str, Any]] = {}
        for stack in self.stacks.values():
            if (stack.account, stack.region) == (account, region):
                for name, value in stack.exports().items():
                    found[name] = (stack.stack_name, value)
        return found

    def importers(self, exporter: StackState, export_name: str) -> list[str]:
        """Names of other stacks in the exporter's account and Region that import ``export_name``."""
        return sorted(
            stack.stack_name
            for stack in self.stacks.values()
            if stack is not exporter
            and (stack.account, stack.region) == (exporter.account, exporter.region)
            and export_name in stack.imports
        )
