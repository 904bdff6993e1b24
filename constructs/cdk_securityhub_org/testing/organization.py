"""An emulated organization seeded from a declaration: its management and administrator accounts, the accounts and
OUs its member lists name or exclude, other accounts up to the size asked for, and the invited accounts outside the
organization. So that a user's own app deploys and plans against the emulator without hand-written setup.

The declaration is read from one of two sources, one function each: the YAML configuration
(:func:`emulated_organization`) or a synthesized cloud assembly (:func:`organization_from_assembly`, the declared
resources exactly as ``cdk-securityhub-org plan`` reads them). Both end in :func:`_seeded`.
"""

from __future__ import annotations

import pathlib
from collections.abc import Sequence

from cdk_securityhub_org.handler.kinds.members.spec import MemberListDocument
from cdk_securityhub_org.handler.registry import KINDS
from cdk_securityhub_org.testing.emulator import World

_DELEGATED_ADMIN = "Custom::SecurityHubDelegatedAdmin"
_MEMBERS = "Custom::SecurityHubMembers"
_SEED = 7


class OrganizationSourceError(Exception):
    """The declaration does not say enough to seed an organization: the message names the source and the fix."""


def emulated_organization(config_path: pathlib.Path, accounts: int) -> World:
    """An organization of ``accounts`` accounts shaped like the YAML declaration, plus its invited accounts."""
    from cdk_securityhub_org.yaml_declaration import load_config  # noqa: PLC0415 - loads aws-cdk-lib: only for a YAML declaration

    config = load_config(config_path)
    documents = [config.member_list.document()] if config.member_list else []
    return _seeded(config.management_account_id, config.administrator_account_id, documents, accounts)


def organization_from_assembly(assembly: pathlib.Path, accounts: int) -> World:
    """An organization of ``accounts`` accounts shaped like the declared resources of a synthesized cloud assembly:
    the management account is the account of the DelegatedAdmin's stack, the administrator the one it designates."""
    from cdk_securityhub_org.cli.declared_from_assembly import from_assembly  # noqa: PLC0415 - the CLI reads assemblies; the kit needs it only here

    declared = from_assembly(assembly)
    designations = [r for r in declared if r.resource_type == _DELEGATED_ADMIN]
    if not designations:
        raise OrganizationSourceError(
            f"{assembly}: no {_DELEGATED_ADMIN} resource; the assembly must hold the stack with the DelegatedAdmin"
            " construct (synthesize the whole app, not one stack)"
        )
    management = designations[0].account
    if management is None:
        raise OrganizationSourceError(
            f"{assembly}: the stack of {designations[0].name} has no account; give it env=Environment(account=...)"
        )
    administrator = KINDS[_DELEGATED_ADMIN].load().parse(designations[0].properties).admin_account_id
    documents = []
    for resource in declared:
        if resource.resource_type != _MEMBERS:
            continue
        member_list = KINDS[_MEMBERS].load().parse(resource.properties).member_list
        if not isinstance(member_list, MemberListDocument):
            raise OrganizationSourceError(
                f"{assembly}: the member list of {resource.name} is not in the assembly (its asset file is missing);"
                " run cdk synth again"
            )
        documents.append(member_list)
    return _seeded(management, administrator, documents, accounts)


def _seeded(management: str, administrator: str, documents: Sequence[MemberListDocument], accounts: int) -> World:
    """The organization: the management and administrator accounts, one account in each OU the selectors name
    (the OU keeps its declared ID so that selections and exclusions match), each excluded account, other accounts
    up to ``accounts``, and the listed accounts that are not in it as invited standalone accounts."""
    selectors = [selector for document in documents for selector in document.selectors]
    excluded = sorted({a for s in selectors for a in s.exclude_accounts} - {management, administrator})
    # A root ID ("r-...") selects the whole organization, which the emulated root already is.
    named_ous = sorted(
        {
            ou
            for s in selectors
            for ou in (*(s.organizational_units or ()), *s.exclude_organizational_units)
            if ou.startswith("ou-")
        }
    )
    fixed = [administrator, *excluded]
    generated = max(0, accounts - 1 - len(fixed) - len(named_ous))
    world = World.organization(management, member_count=generated, seed=_SEED)
    for account_id in fixed:
        world.add_account(account_id, name="security-admin" if account_id == administrator else "sandbox")
    for ou_id in named_ous:
        world.add_account(name=f"in-{ou_id}", parent_id=world.add_organizational_unit(ou_id, ou_id=ou_id))
    for document in documents:
        for member in document.accounts:
            if member.account_id not in world.accounts:
                world.add_standalone_account(member.account_id, email=member.email)
    return world
