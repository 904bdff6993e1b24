"""The declared custom resources of constructs built in memory: the YAML declaration's stage, or any app.

Each construct's ``spec`` is what its custom resource's properties are made from, so reading it back gives the
properties a handler would receive. Building the stage is enough: no synth, and no asset bundling. A member list
that would travel as an S3 asset is taken inline from the ``Members`` construct, so that nothing is read from S3.

This module loads aws-cdk-lib (and its Node.js runtime); the cloud-assembly source in ``declarations`` does not.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import aws_cdk as cdk

from cdk_securityhub_org.cli.declared_from_assembly import DeclaredResource
from cdk_securityhub_org.configuration_policies import ConfigurationPolicies
from cdk_securityhub_org.delegated_admin import DelegatedAdmin
from cdk_securityhub_org.handler.registry import (
    CONFIGURATION_POLICIES,
    DELEGATED_ADMIN,
    INVITATION_ACCEPTER,
    MEMBERS,
    ORGANIZATION_CONFIGURATION,
    ORGANIZATIONS_POLICY,
    KindEntry,
)
from cdk_securityhub_org.invitation_accepter import InvitationAccepter
from cdk_securityhub_org.members import Members
from cdk_securityhub_org.organization import SecurityHubOrganization
from cdk_securityhub_org.organization_configuration import OrganizationConfiguration
from cdk_securityhub_org.organizations_policy import OrganizationsSecurityHubPolicy
from cdk_securityhub_org.yaml_declaration import load_config
from constructs import IConstruct

_KINDS: dict[type, KindEntry] = {
    DelegatedAdmin: DELEGATED_ADMIN,
    OrganizationConfiguration: ORGANIZATION_CONFIGURATION,
    Members: MEMBERS,
    InvitationAccepter: INVITATION_ACCEPTER,
    ConfigurationPolicies: CONFIGURATION_POLICIES,
    OrganizationsSecurityHubPolicy: ORGANIZATIONS_POLICY,
}


def from_config(path: str | Path) -> list[DeclaredResource]:
    """The custom resources that ``SecurityHubOrganization`` builds from the YAML declaration at ``path``."""
    config = load_config(path)
    app = cdk.App(context={"aws:cdk:bundling-stacks": []})
    SecurityHubOrganization(app, config.stage_name, **config.organization_props())
    return from_constructs(app)


def from_constructs(root: IConstruct) -> list[DeclaredResource]:
    """The custom resources of every construct of this library under ``root``, in construct-tree order."""
    found = []
    for construct in root.node.find_all():
        kind = _KINDS.get(type(construct))
        if kind is None:
            continue
        spec: Any = construct.spec  # type: ignore[attr-defined]
        if isinstance(construct, Members):
            spec = replace(construct.spec, member_list=construct.document)
        stack = cdk.Stack.of(construct)
        found.append(
            DeclaredResource(
                name=construct.node.path,
                resource_type=kind.resource_type,
                properties=spec.to_properties(),
                account=None if cdk.Token.is_unresolved(stack.account) else stack.account,
                region=None if cdk.Token.is_unresolved(stack.region) else stack.region,
            )
        )
    return found
