"""The declared custom resources, read back for the ``plan`` command, as the properties their handlers receive.

Both sources end in the properties of each ``Custom::SecurityHub*`` resource, and the plan parses them with the
handlers' own parsers, so that the plan reads the declaration exactly as a deploy would.

- Cloud assembly (here): each template's custom resources, their intrinsics resolved against the stack's account
  and Region as CloudFormation would; a member list in S3 is read from the asset file in the assembly when it is
  there (its SHA-256 checked), else fetched from S3 by the engine as the handler would.
- YAML (``declared_constructs``, which needs aws-cdk-lib): the constructs are built in memory and their specs
  read back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdk_securityhub_org.cloud_assembly.assembly import CloudAssembly, StackArtifact
from cdk_securityhub_org.cloud_assembly.errors import CloudAssemblyError, TemplateError
from cdk_securityhub_org.cloud_assembly.intrinsics import PseudoParameters, Resolver, as_delivered
from cdk_securityhub_org.handler.engine.declaration import DeclarationError
from cdk_securityhub_org.handler.kinds.members.spec import parse_member_list_document

RESOURCE_TYPE_PREFIX = "Custom::SecurityHub"
_CDK_PATH = "aws:cdk:path"
# The custom resource is the child "Resource" of the construct, and its CloudFormation resource "Default".
_CUSTOM_RESOURCE_SUFFIX = "/Resource/Default"


class DeclarationSourceError(Exception):
    """The declaration cannot be read: the message names the file and the fix."""


@dataclass(frozen=True)
class DeclaredResource:
    """One custom resource as declared.

    ``name`` is the construct path (``SecurityHub/Administrator/Members``), the same as the metrics' Resource
    dimension. ``properties`` are the resource properties without the service token. ``account`` and
    ``region`` are where its stack deploys, when known.
    """

    name: str
    resource_type: str
    properties: Mapping[str, Any]
    account: str | None = None
    region: str | None = None


# ---------------------------------------------------------------------------------------------------- cloud assembly


def from_assembly(directory: str | Path, stacks: Sequence[str] | None = None) -> list[DeclaredResource]:
    """The custom resources of the stacks of the cloud assembly in ``directory`` (all, or those matching the
    globs in ``stacks``), in deploy order."""
    try:
        assembly = CloudAssembly.read(directory)
        selected = assembly.select(stacks, widen="dependencies", exclusively=True)
        return [resource for stack in selected for resource in _stack_resources(stack)]
    except CloudAssemblyError as error:
        raise DeclarationSourceError(f"{directory}: {error}") from error


class _DeclarationOnly:
    """A resource lookup for a plan, which reads templates only: any live value is unknown."""

    def ref(self, logical_id: str) -> Any:
        raise TemplateError(f"refers to resource {logical_id}, whose value is known only once deployed")

    def get_att(self, logical_id: str, attribute: str) -> Any:
        raise TemplateError(f"refers to {logical_id}.{attribute}, whose value is known only once deployed")

    def import_value(self, export_name: str) -> Any:
        raise TemplateError(f"imports {export_name}, whose value is known only once deployed")


def _stack_resources(stack: StackArtifact) -> list[DeclaredResource]:
    template = stack.load_template()
    pseudo = PseudoParameters(stack.account, stack.region, stack.stack_name, stack_id=f"plan:{stack.stack_name}")
    resolver = Resolver(template, pseudo, _DeclarationOnly())
    found = []
    for logical_id, resource in template.get("Resources", {}).items():
        resource_type = resource.get("Type", "")
        if not resource_type.startswith(RESOURCE_TYPE_PREFIX):
            continue
        where = f"{stack.display_name}/{logical_id}"
        declared = {k: v for k, v in resource.get("Properties", {}).items() if k not in ("ServiceToken",)}
        properties = as_delivered(resolver.resolve(declared, where))
        location = properties.get("MemberListLocation")
        if isinstance(location, Mapping):
            properties = _inline_member_list(stack, properties, location)
        path = str(resource.get("Metadata", {}).get(_CDK_PATH, ""))
        name = path.removesuffix(_CUSTOM_RESOURCE_SUFFIX) if path.endswith(_CUSTOM_RESOURCE_SUFFIX) else where
        found.append(DeclaredResource(name, resource_type, properties, stack.account, stack.region))
    return found


def _inline_member_list(
    stack: StackArtifact, properties: Mapping[str, Any], location: Mapping[str, Any]
) -> Mapping[str, Any]:
    """The properties with the member list read from its asset file in the assembly, when the file is there."""
    source = next(
        (
            asset.source_path
            for asset in stack.assets
            if asset.packaging == "file" and any(d.object_key == location.get("Key") for d in asset.destinations)
        ),
        None,
    )
    if source is None or not source.is_file():
        return properties  # the engine fetches it from S3, as the handler does
    body = source.read_bytes()
    if hashlib.sha256(body).hexdigest() != location.get("Sha256"):
        raise DeclarationSourceError(
            f"{source}: the member list does not have the SHA-256 its stack declares; synthesize the app again"
        )
    try:
        document = parse_member_list_document(body, str(source))
    except DeclarationError as error:
        raise DeclarationSourceError(str(error)) from error
    inline = {k: v for k, v in properties.items() if k != "MemberListLocation"}
    return {**inline, "MemberList": as_delivered(document.to_json())}
