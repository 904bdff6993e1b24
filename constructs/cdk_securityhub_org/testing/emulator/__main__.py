"""``python -m cdk_securityhub_org.testing.emulator``: serve an emulated organization until interrupted.

With ``--state FILE`` the world is loaded from FILE when it exists and written back to it on exit, so a
session can be resumed. The control API (``/_emulator/...``, see ``control.py``) drives it from outside.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cdk_securityhub_org.testing.emulator.faults import FaultConfig
from cdk_securityhub_org.testing.emulator.harness import Emulator
from cdk_securityhub_org.testing.emulator.world import World


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cdk_securityhub_org.testing.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=4566, help="port to bind (0: any free port)")
    parser.add_argument("--accounts", type=int, default=50, help="member accounts besides the management one")
    parser.add_argument("--management-account", default="000000000001", help="management account ID")
    parser.add_argument("--seed", type=int, default=7, help="seed of account IDs and OU placement")
    parser.add_argument("--state", type=Path, help="JSON state file: loaded if present, written on exit")
    parser.add_argument("--no-rate-limit", action="store_true", help="turn the rate quotas off")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    world = World.organization(args.management_account, args.accounts, args.seed)
    if args.state and args.state.exists():
        world.load(json.loads(args.state.read_text()))
    emulator = Emulator(world, faults=FaultConfig(rate_limit=not args.no_rate_limit), host=args.host, port=args.port)

    def _announce(running: Emulator) -> None:
        print(f"AWS emulator listening on {running.endpoint_url}", flush=True)
        print(f"management account {world.management_account}; control API at /_emulator/", flush=True)

    emulator.serve_until_signalled(_announce)
    if args.state:
        args.state.write_text(json.dumps(world.to_dict(), indent=1))
        print(f"state written to {args.state}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
