"""An emulated organization seeded from a declaration: its management and administrator accounts, the accounts and
OUs its member lists name or exclude, the root and OUs its policy associations target (with those IDs, each holding
a few accounts), other accounts up to the size asked for, and the invited accounts outside the organization. So
that a user's own app deploys and plans against the emulator without hand-written setup.

The declaration is read from one of two sources, one function each: the YAML configuration
(:func:`emulated_organization`) or a synthesized cloud assembly (:func:`organization_from_assembly`, the declared
resources exactly as ``cdk-securityhub-org plan`` reads them). Both end in :func:`_seeded`.
"""

from __future__ import annotations

import pathlib
import time
from collections.abc import Mapping, Sequence

from cdk_securityhub_org.handler.kinds.members.spec import MemberListDocument
from cdk_securityhub_org.handler.registry import CONFIGURATION_POLICIES, DELEGATED_ADMIN, MEMBERS
from cdk_securityhub_org.testing.emulator import World

_SEED = 7
ACCOUNTS_PER_TARGET_OU = 3
"""Accounts created in each OU a policy association targets, so that every policy governs someone."""


class OrganizationSourceError(Exception):
    """The declaration does not say enough to seed an organization: the message names the source and the fix."""


def emulated_organization(config_path: pathlib.Path, accounts: int) -> World:
    """An organization of ``accounts`` accounts shaped like the YAML declaration, plus its invited accounts."""
    from cdk_securityhub_org.yaml_declaration import load_config  # noqa: PLC0415 - loads aws-cdk-lib: only for a YAML declaration

    config = load_config(config_path)
    documents = [config.member_list.document()] if config.member_list else []
    targets = config.policy_associations or {}
    return _seeded(config.management_account_id, config.administrator_account_id, documents, targets, accounts)


def organization_from_assembly(assembly: pathlib.Path, accounts: int) -> World:
    """An organization of ``accounts`` accounts shaped like the declared resources of a synthesized cloud assembly:
    the management account is the account of the DelegatedAdmin's stack, the administrator the one it designates."""
    from cdk_securityhub_org.cli.declared_from_assembly import from_assembly  # noqa: PLC0415 - the CLI reads assemblies; the kit needs it only here

    declared = from_assembly(assembly)
    designations = [r for r in declared if r.resource_type == DELEGATED_ADMIN.resource_type]
    if not designations:
        raise OrganizationSourceError(
            f"{assembly}: no {DELEGATED_ADMIN.resource_type} resource; the assembly must hold the stack with the"
            " DelegatedAdmin construct (synthesize the whole app, not one stack)"
        )
    management = designations[0].account
    if management is None:
        raise OrganizationSourceError(
            f"{assembly}: the stack of {designations[0].name} has no account; give it env=Environment(account=...)"
        )
    administrator = DELEGATED_ADMIN.load().parse(designations[0].properties).admin_account_id
    documents = []
    targets: dict[str, str] = {}
    for resource in declared:
        if resource.resource_type == CONFIGURATION_POLICIES.resource_type:
            spec = CONFIGURATION_POLICIES.load().parse(resource.properties)
            targets.update({a.target: a.configuration for a in spec.associations})
        if resource.resource_type != MEMBERS.resource_type:
            continue
        member_list = MEMBERS.load().parse(resource.properties).member_list
        if not isinstance(member_list, MemberListDocument):
            raise OrganizationSourceError(
                f"{assembly}: the member list of {resource.name} is not in the assembly (its asset file is missing);"
                " run cdk synth again"
            )
        documents.append(member_list)
    return _seeded(management, administrator, documents, targets, accounts)


def _seeded(
    management: str,
    administrator: str,
    documents: Sequence[MemberListDocument],
    policy_targets: Mapping[str, str],
    accounts: int,
) -> World:
    """The organization: the management and administrator accounts; one account in each OU the selectors name and
    a few in each OU a policy association targets (the OUs, and the root, keep their declared IDs so that
    selections, exclusions and associations match); each excluded account; each account an association targets,
    in the first targeted OU so that its own association overrides that OU's; other accounts up to ``accounts``;
    and the listed accounts that are not in it as invited standalone accounts."""
    selectors = [selector for document in documents for selector in document.selectors]
    excluded = sorted({a for s in selectors for a in s.exclude_accounts} - {management, administrator})
    root_id = next((t for t in policy_targets if t.startswith("r-")), None)
    target_ous = [t for t in policy_targets if t.startswith("ou-")]
    # A root ID ("r-...") selects the whole organization, which the emulated root already is.
    named_ous = sorted(
        {
            ou
            for s in selectors
            for ou in (*(s.organizational_units or ()), *s.exclude_organizational_units)
            if ou.startswith("ou-")
        }
        - set(target_ous)
    )
    target_accounts = [t for t in policy_targets if t.isdigit() and t not in (management, administrator, *excluded)]
    fixed = [administrator, *excluded, *target_accounts]
    seeded = len(fixed) + len(named_ous) + ACCOUNTS_PER_TARGET_OU * len(target_ous)
    world = World.organization(management, member_count=max(0, accounts - 1 - seeded), seed=_SEED, root_id=root_id)
    for index, ou_id in enumerate(target_ous):
        name = f"{policy_targets[ou_id]}-{index + 1}"
        world.add_organizational_unit(name, ou_id=ou_id)
        for number in range(ACCOUNTS_PER_TARGET_OU):
            world.add_account(name=f"{name}-{number + 1}", parent_id=ou_id)
    for ou_id in named_ous:
        world.add_account(name=f"in-{ou_id}", parent_id=world.add_organizational_unit(ou_id, ou_id=ou_id))
    for account_id in fixed:
        if account_id == administrator:
            world.add_account(account_id, name="security-admin")
        elif account_id in excluded:
            world.add_account(account_id, name="sandbox")
        else:
            world.add_account(account_id, name="self-managed", parent_id=target_ous[0] if target_ous else None)
    for document in documents:
        for member in document.accounts:
            if member.account_id not in world.accounts:
                world.add_standalone_account(member.account_id, email=member.email)
    return world


def converge_declaration(config_path: pathlib.Path, region: str = "us-east-1", passes: int = 50) -> None:
    """Deploy the declaration at ``config_path`` through the engine itself, to the endpoint in ``AWS_ENDPOINT_URL``
    (the emulator): each declared resource's reconcile pass, in construct order, repeated until it is complete (as
    the Provider calls isComplete again). Raises ``RuntimeError`` naming the resource that fails or stays pending.
    """
    import boto3  # noqa: PLC0415 - the testing kit's own dependency, kept off the import of this module

    from cdk_securityhub_org.cli.declared_from_constructs import from_config  # noqa: PLC0415 - loads aws-cdk-lib
    from cdk_securityhub_org.handler.engine.aws import Budget, Clients  # noqa: PLC0415
    from cdk_securityhub_org.handler.registry import KINDS  # noqa: PLC0415

    for resource in from_config(config_path):
        kind = KINDS[resource.resource_type].load()
        spec = kind.parse(resource.properties)
        account = resource.properties["ExpectedAccount"]
        session = boto3.session.Session(aws_access_key_id=account, aws_secret_access_key="emulator", region_name=region)
        for _ in range(passes):
            outcome = kind.reconcile(spec, kind.scope(spec).regions, Clients(account, session), Budget(600))
            if outcome.permanent_failures:
                raise RuntimeError(f"{resource.name} failed: {outcome.summary()}")
            if outcome.complete:
                break
            time.sleep(0.1)  # the emulator's asynchronous changes (associations) settle within a fraction of it
        else:
            raise RuntimeError(f"{resource.name} is still pending after {passes} passes: {outcome.summary()}")
