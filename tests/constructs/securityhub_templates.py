"""Reading synthesized templates: the functions, roles and policy statements behind each custom resource."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cdk_securityhub_org.handler import registry


class SynthesizedStack:
    """One synthesized stack template, with lookups along the references CloudFormation would follow."""

    def __init__(self, template: dict[str, Any], name: str = "") -> None:
        self.template = template
        self.name = name
        self.resources: dict[str, dict[str, Any]] = template["Resources"]

    @classmethod
    def from_file(cls, path: Path) -> SynthesizedStack:
        return cls(json.loads(path.read_text()), path.name)

    def of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {lid: r for lid, r in self.resources.items() if r["Type"] == resource_type}

    def custom_resource(self, resource_type: str) -> dict[str, Any]:
        (resource,) = self.of_type(resource_type).values()
        return resource

    def function_by_handler(self, handler: str) -> tuple[str, dict[str, Any]]:
        (found,) = [
            (lid, r)
            for lid, r in self.of_type("AWS::Lambda::Function").items()
            if r["Properties"].get("Handler") == handler
        ]
        return found

    def statements_of_role(self, role_logical_id: str) -> list[dict[str, Any]]:
        """Every statement of every AWS::IAM::Policy attached to the role (the roles have no inline policies)."""
        return [
            statement
            for policy in self.of_type("AWS::IAM::Policy").values()
            if {"Ref": role_logical_id} in policy["Properties"]["Roles"]
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        ]

    def handler_statements(self, handler: str) -> list[dict[str, Any]]:
        _, function = self.function_by_handler(handler)
        role = function["Properties"]["Role"]["Fn::GetAtt"][0]
        assert not self.resources[role]["Properties"].get("ManagedPolicyArns"), "no managed policy on handler roles"
        return self.statements_of_role(role)

    def handler_actions(self, handler: str) -> set[str]:
        """The non-logging actions the handler's role allows."""
        return {a for s in self.handler_statements(handler) for a in as_list(s["Action"]) if not a.startswith("logs:")}

    def reconciler_actions(self, construct_id: str) -> set[str]:
        """The actions of the reconcile policy of the construct ``construct_id`` (a child of the stack) alone: its
        share of the stack's shared isComplete role, and all that its drift-repair function gets."""
        (policy,) = [
            p
            for lid, p in self.of_type("AWS::IAM::Policy").items()
            if lid.startswith(f"{construct_id}ReconcilerIsCompletePolicy")
        ]
        return {a for s in policy["Properties"]["PolicyDocument"]["Statement"] for a in as_list(s["Action"])}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def rendered(value: Any) -> str:
    """A resolved CloudFormation value as one string: {"Ref": "AWS::Partition"} becomes ${AWS::Partition}."""
    if isinstance(value, str):
        return value
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(rendered(part) for part in parts)
    if "Ref" in value:
        return "${" + value["Ref"] + "}"
    if "Fn::GetAtt" in value:
        return "${" + ".".join(value["Fn::GetAtt"]) + "}"
    if "Fn::Sub" in value:
        return value["Fn::Sub"]
    raise ValueError(f"cannot render {value!r}")


def stack_templates(assembly_dir: Path) -> Iterator[Path]:
    """The templates of a cloud assembly, nested stage assemblies included."""
    yield from sorted(assembly_dir.rglob("*.template.json"))


def delivered_properties(resource: dict[str, Any]) -> dict[str, Any]:
    """A custom resource's properties as its handler receives them: every scalar a string, no framework keys."""

    def as_strings(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: as_strings(item) for key, item in value.items()}
        if isinstance(value, list):
            return [as_strings(item) for item in value]
        if isinstance(value, bool):
            return "true" if value else "false"
        return value

    return {k: as_strings(v) for k, v in resource["Properties"].items() if k not in ("ServiceToken", "ServiceTimeout")}


def expect_reconciler(
    template: Any, resource_type: str, module: str, *, deletion_policy: str, **properties: Any
) -> None:
    """With ``aws_cdk.assertions``: one custom resource of ``resource_type`` with ``properties``, the removal policy as
    its DeletionPolicy, CloudFormation waiting as long as the Provider polls, and the two handler functions."""
    from aws_cdk.assertions import Match

    template.resource_count_is(resource_type, 1)
    template.has_resource(
        resource_type,
        {
            "DeletionPolicy": deletion_policy,
            "UpdateReplacePolicy": deletion_policy,
            "Properties": Match.object_like({"ServiceTimeout": "3600", **properties}),
        },
    )
    for entry_point, timeout in (("on_event", 60), ("is_complete", 900)):
        template.has_resource_properties(
            "AWS::Lambda::Function",
            {
                "Handler": registry.shared_handler(entry_point),
                "Runtime": "python3.14",
                "Architectures": ["arm64"],
                "MemorySize": 512,
                "Timeout": timeout,
            },
        )


def write_member_csv(path: Path, rows: int) -> Path:
    """A member list in the console's CSV format, with ``rows`` distinct accounts."""
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["Account ID", "Email"])
        writer.writerows([f"{500000000000 + n}", f"member{n}@example.com"] for n in range(rows))
    return path
