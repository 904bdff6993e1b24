"""``cdk-securityhub-org schema``: write (or check) the JSON Schema of the YAML declaration, derived from the key
tables that validate it (``yaml_declaration.json_schema``), so that an editor validates and completes
``securityhub.yaml`` through its ``# yaml-language-server: $schema=`` line."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import Any, TextIO

from cdk_securityhub_org.cli.common import PROGRAM, use_bundled_node
from cdk_securityhub_org.cli.report import EXIT_ERROR

DEFAULT_PATH = Path("schema/securityhub.schema.json")


def add_command(commands: Any) -> None:
    """Add ``schema`` to the command line's subcommands."""
    schema = commands.add_parser(
        "schema",
        help="write the JSON Schema of the YAML declaration (or --check that a file is current)",
        description="Write the JSON Schema of securityhub.yaml, derived from the keys the declaration accepts.",
    )
    schema.add_argument("--out", type=Path, default=DEFAULT_PATH, help="where to write it (default: %(default)s)")
    schema.add_argument("--check", action="store_true", help="write nothing; exit 1 if --out differs from the schema")
    schema.set_defaults(run=run_schema)


def schema_text() -> str:
    """The schema's file text. Imported late: the declaration module loads aws-cdk-lib and its Node.js runtime."""
    use_bundled_node()
    declaration = importlib.import_module("cdk_securityhub_org.yaml_declaration")
    text: str = declaration.json_schema_text()
    return text


def run_schema(args: argparse.Namespace, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    text = schema_text()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else None
        if current != text:
            stderr.write(f"{PROGRAM} schema: {args.out} is not current; run `{PROGRAM} schema --out {args.out}`\n")
            return EXIT_ERROR
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    stdout.write(f"wrote {args.out}\n")
    return 0
