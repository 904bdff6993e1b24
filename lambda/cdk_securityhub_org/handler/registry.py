"""The one list of custom-resource kinds, and the names the constructs, the handlers and the CLI share.

Standard library only and importing nothing else of the package, so that every side can read it cheaply: the
constructs take a kind's resource type and Lambda handler strings from here, the drift-repair function and the
``plan`` command dispatch on the resource type through :func:`kind_for`, and the Provider's environment variables
are named once. A new kind is a folder under ``kinds/`` (``spec``, ``plan``, ``permissions``, ``kind`` with a
``KIND``) plus one line in :data:`KINDS`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

PACKAGE = __name__.rpartition(".")[0]
"""``cdk_securityhub_org.handler``, installed and in the Lambda asset alike (the asset root holds the same path)."""

RESOURCE_TYPE_PREFIX = "Custom::SecurityHub"
ON_EVENT = "on_event"
IS_COMPLETE = "is_complete"
DRIFT_REPAIR_HANDLER = f"{PACKAGE}.drift_repair.handler"


def shared_handler(entry_point: str) -> str:
    """The Lambda handler string of the stack's shared function for ``entry_point`` (:data:`ON_EVENT` or
    :data:`IS_COMPLETE`), which serves every kind (``dispatch``)."""
    return f"{PACKAGE}.dispatch.{entry_point}"


# Environment variables the constructs set on the handler functions, read by the engine.
TOTAL_TIMEOUT_VARIABLE = "TOTAL_TIMEOUT_SECONDS"
"""The Provider framework's total timeout: how long isComplete may keep a change pending."""
QUERY_INTERVAL_VARIABLE = "QUERY_INTERVAL_SECONDS"
"""How often the Provider framework calls isComplete."""
METRICS_RESOURCE_VARIABLE = "METRICS_RESOURCE"
"""The construct path that the metrics' Resource dimension, the dashboard and the alarm name. The shared isComplete
function serves several resources, so it carries one variable per resource: see :func:`metrics_resource_variable`."""


def metrics_resource_variable(logical_id: str) -> str:
    """The variable holding the construct path of the custom resource ``logical_id`` on the shared function."""
    return f"{METRICS_RESOURCE_VARIABLE}_{logical_id}"


class RunsIn(StrEnum):
    """The account whose credentials a kind's handler needs (the ``plan`` command asks for one per role)."""

    MANAGEMENT = "management"
    ADMINISTRATOR = "administrator"
    MEMBER = "member"


@dataclass(frozen=True)
class KindEntry:
    """One kind: its CloudFormation resource type, its folder under ``kinds/``, and where its handler runs."""

    resource_type: str
    folder: str
    runs_in: RunsIn
    description: str

    @property
    def module(self) -> str:
        """The module holding the kind's ``KIND`` and its Lambda entry points."""
        return f"{PACKAGE}.kinds.{self.folder}.kind"

    def handler(self, entry_point: str) -> str:
        """The Lambda handler string of ``entry_point`` (:data:`ON_EVENT` or :data:`IS_COMPLETE`)."""
        return f"{self.module}.{entry_point}"

    def load(self) -> Any:
        """The engine's ``Kind`` object (imports the handler code, boto3 included)."""
        return importlib.import_module(self.module).KIND


DELEGATED_ADMIN = KindEntry(
    "Custom::SecurityHubDelegatedAdmin", "delegated_admin", RunsIn.MANAGEMENT, "Security Hub delegated administrator"
)
ORGANIZATION_CONFIGURATION = KindEntry(
    "Custom::SecurityHubOrganizationConfiguration",
    "organization_configuration",
    RunsIn.ADMINISTRATOR,
    "Security Hub organization configuration",
)
MEMBERS = KindEntry("Custom::SecurityHubMembers", "members", RunsIn.ADMINISTRATOR, "Security Hub members")
INVITATION_ACCEPTER = KindEntry(
    "Custom::SecurityHubInvitationAccepter", "invitation_accepter", RunsIn.MEMBER, "Security Hub invitation accepter"
)
ORGANIZATIONS_POLICY = KindEntry(
    "Custom::SecurityHubOrganizationsPolicy",
    "organizations_policy",
    RunsIn.MANAGEMENT,
    "AWS Organizations Security Hub CSPM policy",
)

CONFIGURATION_POLICIES = KindEntry(
    "Custom::SecurityHubConfigurationPolicies",
    "configuration_policies",
    RunsIn.ADMINISTRATOR,
    "Security Hub configuration policies and their associations",
)

KINDS: dict[str, KindEntry] = {
    entry.resource_type: entry
    for entry in (
        DELEGATED_ADMIN,
        ORGANIZATION_CONFIGURATION,
        MEMBERS,
        INVITATION_ACCEPTER,
        CONFIGURATION_POLICIES,
        ORGANIZATIONS_POLICY,
    )
}
"""Every kind, by resource type."""


def kind_for(resource_type: str) -> KindEntry | None:
    """The kind of ``resource_type``, or ``None`` when it is not one of ours."""
    return KINDS.get(resource_type)
