"""The declaration of an AWS Organizations ``SECURITYHUB_CSPM_POLICY`` policy: its spec, and both directions of its
properties.

The policy content arrives already built (the construct builds it from typed props and checks it at synth); the
handler checks only that it is a JSON object within Organizations' size limit, so that a hand-written template
fails here with a clear message rather than at CreatePolicy.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...engine.declaration import (
    PropertyReader,
    Scope,
    account_id_problem,
    finish,
    organizational_unit_problem,
    parse_scope,
)
from ...registry import ORGANIZATIONS_POLICY
from .document import POLICY_CONTENT_LIMIT

SECURITYHUB_PRINCIPAL = "securityhub.amazonaws.com"
RESOURCE_TYPE = ORGANIZATIONS_POLICY.resource_type


@dataclass(frozen=True)
class OrganizationsPolicySpec:
    """``name`` identifies the policy among the organization's policies of the type (Organizations allows
    duplicate names; this kind owns the one with its name). ``target_ids``: root, OU and account IDs."""

    scope: Scope
    name: str
    description: str
    content: str
    target_ids: tuple[str, ...]

    @property
    def document(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self.content)
        return document

    def to_properties(self) -> dict[str, Any]:
        return {
            **self.scope.to_properties(),
            "Name": self.name,
            "Description": self.description,
            "Content": self.content,
            "TargetIds": list(self.target_ids),
        }


def target_problem(value: object) -> str | None:
    """Why ``value`` is not a root, OU or account ID, with the fix; ``None`` when it is one."""
    if organizational_unit_problem(value) is None or account_id_problem(value) is None:
        return None
    return f"target {value!r} is not a root ID ('r-xxxx'), an OU ID ('ou-xxxx-xxxxxxxx') or a 12-digit account ID"


def content_problem(value: object) -> str | None:
    """Why ``value`` is not a policy document Organizations can store, with the fix; ``None`` when it is."""
    if not isinstance(value, str):
        return f"the policy content must be a JSON string, got {type(value).__name__}"
    if len(value) > POLICY_CONTENT_LIMIT:
        return (
            f"the policy content has {len(value)} characters, over the limit of {POLICY_CONTENT_LIMIT}; "
            "move settings into Regional overrides of fewer Regions or split the policy by OU"
        )
    try:
        document = json.loads(value)
    except ValueError as error:
        return f"the policy content is not valid JSON ({error})"
    if not isinstance(document, dict) or "securityhub" not in document:
        return 'the policy content must be a JSON object with a "securityhub" key'
    return None


def parse_organizations_policy(properties: Mapping[str, Any]) -> OrganizationsPolicySpec:
    reader = PropertyReader(properties)
    spec = OrganizationsPolicySpec(
        scope=parse_scope(reader),
        name=reader.text("Name"),
        description=reader.text("Description", required=False),
        content=reader.text("Content", check=content_problem),
        target_ids=reader.strings("TargetIds", target_problem),
    )
    # Organizations is global: the policy is written once, from the one Region the resource names.
    if len(spec.scope.regions) != 1:
        reader.problems.append(
            f"Regions must name exactly one Region (Organizations is global), got {list(spec.scope.regions)}"
        )
    if len(set(spec.target_ids)) != len(spec.target_ids):
        reader.problems.append(f"TargetIds lists a target twice: {list(spec.target_ids)}")
    finish(reader, RESOURCE_TYPE)
    return spec
