"""``cdk-securityhub-org emulate``: serve the emulator (Security Hub, Organizations, STS, S3) on a host and port,
seeded with an organization shaped like a declaration, until interrupted.

The declaration is the YAML configuration (``--config``) or a synthesized cloud assembly (``--assembly``); the
organization holds its management and administrator accounts, the accounts and OUs its member lists name or
exclude, other accounts up to ``--accounts``, and its invited accounts. ``simulate`` then deploys the assembly
against it and ``plan --emulator`` reads it.

The testing kit is imported here, when the command runs, so that ``plan`` and ``import cdk_securityhub_org`` never
load it.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdk_securityhub_org.cli.common import PROGRAM, use_bundled_node
from cdk_securityhub_org.cli.report import EXIT_ERROR

if TYPE_CHECKING:
    from cdk_securityhub_org.testing.emulator import Emulator, World

DEFAULT_PORT = 4566
DEFAULT_ACCOUNTS = 30


def add_command(commands: Any) -> None:
    """Add ``emulate`` to the command line's subcommands."""
    emulate = commands.add_parser(
        "emulate",
        help="serve the AWS emulator, seeded with an organization shaped like the declaration",
        description=(__doc__ or "").split("\n\n")[0].split(": ", 1)[1],
    )
    source = emulate.add_mutually_exclusive_group(required=True)
    source.add_argument("--config", type=Path, help="the YAML declaration (as app.py reads it)")
    source.add_argument("--assembly", type=Path, help="a synthesized cloud assembly directory (cdk.out)")
    emulate.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    emulate.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port to bind (default {DEFAULT_PORT}; 0: any free port)"
    )
    emulate.add_argument(
        "--accounts",
        type=int,
        default=DEFAULT_ACCOUNTS,
        help=f"accounts in the organization, the management account included (default {DEFAULT_ACCOUNTS})",
    )
    emulate.add_argument("--no-rate-limit", action="store_true", help="turn the documented rate quotas off")
    emulate.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from cdk_securityhub_org.cli.declared_from_assembly import DeclarationSourceError  # noqa: PLC0415
    from cdk_securityhub_org.handler.engine.declaration import DeclarationError  # noqa: PLC0415
    from cdk_securityhub_org.testing.emulator import Emulator, FaultConfig  # noqa: PLC0415 - the kit, only here
    from cdk_securityhub_org.testing.organization import (  # noqa: PLC0415
        OrganizationSourceError,
        emulated_organization,
        organization_from_assembly,
    )

    if args.accounts < 2:
        print(f"{PROGRAM} emulate: --accounts {args.accounts}: an organization needs at least 2 accounts")
        return EXIT_ERROR
    try:
        if args.config is not None:
            use_bundled_node()  # the YAML declaration is read by building the constructs
            world = emulated_organization(args.config, args.accounts)
        else:
            world = organization_from_assembly(args.assembly, args.accounts)
    except (DeclarationSourceError, DeclarationError, OrganizationSourceError, OSError, ValueError) as error:
        print(f"{PROGRAM} emulate: {error}")
        return EXIT_ERROR
    emulator = Emulator(world, faults=FaultConfig(rate_limit=not args.no_rate_limit), host=args.host, port=args.port)
    try:
        emulator.serve_until_signalled(lambda running: _announce(running, world, args))
    except OSError as error:
        print(f"{PROGRAM} emulate: cannot listen on {args.host}:{args.port}: {error}; choose another --port")
        return EXIT_ERROR
    return 0


def _announce(emulator: Emulator, world: World, args: argparse.Namespace) -> None:
    url = emulator.endpoint_url
    members = [a for a in world.accounts.values() if a.in_organization]
    invited = len(world.accounts) - len(members)
    assembly = args.assembly or "cdk.out"
    source = f"--config {args.config}" if args.config is not None else f"--assembly {assembly}"
    print(f"AWS emulator listening on {url}", flush=True)
    print(
        f"organization: management account {world.management_account}, {len(members)} accounts,"
        f" {invited} outside it (invited); Ctrl-C stops it",
        flush=True,
    )
    print(f"deploy:  {PROGRAM} simulate --assembly {assembly} --endpoint-url {url}", flush=True)
    print(f"plan:    {PROGRAM} plan {source} --endpoint-url {url} --emulator", flush=True)
