"""An emulated organization seeded from a declaration: its management and administrator accounts, the accounts and
OUs its member lists name or exclude, the root and OUs its policy associations target (with those IDs, each holding
a few accounts), other accounts up to the size asked for, and the invited accounts outside the organization. So
that a user's own app deploys and plans against the emulator without hand-written setup."""

from __future__ import annotations

import pathlib

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
