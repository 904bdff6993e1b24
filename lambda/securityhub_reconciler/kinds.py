"""Every custom-resource kind, by its CloudFormation resource type (the drift-repair function and the ``plan``
command receive a resource type and its properties, and dispatch here)."""

from __future__ import annotations

from typing import Any

from . import delegated_admin, invitation_accepter, members, organization_configuration
from .custom_resource import Kind

KINDS: dict[str, Kind[Any]] = {
    kind.resource_type: kind
    for kind in (delegated_admin.KIND, organization_configuration.KIND, members.KIND, invitation_accepter.KIND)
}
