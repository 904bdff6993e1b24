"""``cdk-securityhub-org``: the command line.

- ``plan``: how the live state differs from the declaration (read-only; exit 0 no drift, 2 drift, 1 error).
- ``export``: the live state written as a YAML declaration and a CSV of invited accounts, to adopt it.
- ``schema``: write the JSON Schema of the YAML declaration (``schema/securityhub.schema.json``).
- ``emulate``: serve the emulator, seeded to match a declaration or a cloud assembly.
- ``simulate``: deploy, update or destroy a cloud assembly against the emulator.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from cdk_securityhub_org.cli import emulate, export, plan, schema, simulate
from cdk_securityhub_org.cli.common import PROGRAM
from cdk_securityhub_org.cli.report import EXIT_ERROR


def parser() -> argparse.ArgumentParser:
    """The command line's parser, with every subcommand."""
    top = argparse.ArgumentParser(prog=PROGRAM, description=(__doc__ or "").split("\n\n")[0])
    commands = top.add_subparsers(dest="command", metavar="COMMAND")
    plan.add_command(commands)
    export.add_command(commands)
    schema.add_command(commands)
    emulate.add_command(commands)
    simulate.add_command(commands)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parser()
    args = arguments.parse_args(argv)
    if args.command is None:
        arguments.print_help(sys.stderr)
        return EXIT_ERROR
    return int(args.run(args))
