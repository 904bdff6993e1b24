"""An emulated organization seeded from a declaration: its management and administrator accounts, the accounts and
OUs its member lists name or exclude, other accounts up to the size asked for, and the invited accounts outside the
organization. So that a user's own app deploys and plans against the emulator without hand-written setup."""

from __future__ import annotations

import pathlib

from cdk_securityhub_org.testing.emulator import World


def emulated_organization(config_path: pathlib.Path, accounts: int) -> World:
    """An organization of ``accounts`` accounts shaped like the declaration, plus its invited accounts."""
    from cdk_securityhub_org.yaml_declaration import load_config  # noqa: PLC0415 - loads aws-cdk-lib: only for a YAML declaration

    config = load_config(config_path)
    document = config.member_list.document() if config.member_list else None
    excluded = sorted({a for s in (document.selectors if document else ()) for a in s.exclude_accounts})
    fixed = [config.administrator_account_id, *excluded]
    world = World.organization(config.management_account_id, member_count=max(0, accounts - 1 - len(fixed)), seed=7)
    for account_id in fixed:
        world.add_account(account_id, name="security-admin" if account_id == fixed[0] else "sandbox")
    for member in document.accounts if document else ():
        if member.account_id not in world.accounts:
            world.add_standalone_account(member.account_id, email=member.email)
    return world
