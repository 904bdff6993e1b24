"""An emulated organization seeded from a declaration: its management and administrator accounts, the accounts and
OUs its member lists name or exclude, the root and OUs its policy associations target (with those IDs, each holding
a few accounts), other accounts up to the size asked for, and the invited accounts outside the organization. So
that a user's own app deploys and plans against the emulator without hand-written setup."""

from __future__ import annotations

import pathlib
import time

from cdk_securityhub_org.testing.emulator import World

ACCOUNTS_PER_TARGET_OU = 3
"""Accounts created in each OU a policy association targets, so that every policy governs someone."""


def emulated_organization(config_path: pathlib.Path, accounts: int) -> World:
    """An organization of ``accounts`` accounts shaped like the declaration, plus its invited accounts."""
    from cdk_securityhub_org.yaml_declaration import load_config  # noqa: PLC0415 - loads aws-cdk-lib: only for a YAML declaration

    config = load_config(config_path)
    document = config.member_list.document() if config.member_list else None
    excluded = sorted({a for s in (document.selectors if document else ()) for a in s.exclude_accounts})
    targets = config.policy_associations or {}
    root_id = next((t for t in targets if t.startswith("r-")), None)
    target_ous = [t for t in targets if t.startswith("ou-")]
    target_accounts = [
        t
        for t in targets
        if t.isdigit() and t not in (config.management_account_id, config.administrator_account_id, *excluded)
    ]
    fixed = [config.administrator_account_id, *excluded, *target_accounts]
    seeded = len(fixed) + ACCOUNTS_PER_TARGET_OU * len(target_ous)
    world = World.organization(
        config.management_account_id, member_count=max(0, accounts - 1 - seeded), seed=7, root_id=root_id
    )
    for index, ou_id in enumerate(target_ous):
        world.add_organizational_unit(f"{targets[ou_id]}-{index + 1}", ou_id=ou_id)
        for number in range(ACCOUNTS_PER_TARGET_OU):
            world.add_account(name=f"{targets[ou_id]}-{index + 1}-{number + 1}", parent_id=ou_id)
    for account_id in fixed:
        if account_id == config.administrator_account_id:
            world.add_account(account_id, name="security-admin")
        elif account_id in excluded:
            world.add_account(account_id, name="sandbox")
        else:  # an account target is placed in the first targeted OU, so that its association overrides that OU's
            world.add_account(account_id, name="self-managed", parent_id=target_ous[0] if target_ous else None)
    for member in document.accounts if document else ():
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
