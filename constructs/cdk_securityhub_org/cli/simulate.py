"""``cdk-securityhub-org simulate``: deploy, update or destroy a synthesized cloud assembly against a running
emulator (``cdk-securityhub-org emulate``), as CloudFormation and the CDK Provider framework would, running the
handlers from the assembly's own assets.

What was deployed is kept in a state file (``--state``, by default next to the assembly), so that a later
``--update`` or ``--destroy`` in another process acts on the same stacks. Exit status: 0 when every stack reached
its goal, 1 otherwise, with the reasons.

The testing kit is imported here, when the command runs, so that ``plan`` and ``import cdk_securityhub_org`` never
load it.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdk_securityhub_org.cli.common import PROGRAM
from cdk_securityhub_org.cli.report import EXIT_ERROR

if TYPE_CHECKING:
    from cdk_securityhub_org.cloud_assembly.assembly import CloudAssembly
    from cdk_securityhub_org.testing.simulator import DeployResult

STATE_FILE_NAME = ".cdk-securityhub-org-simulator.json"


def add_command(commands: Any) -> None:
    """Add ``simulate`` to the command line's subcommands."""
    simulate = commands.add_parser(
        "simulate",
        help="deploy (default), update or destroy a cloud assembly against the emulator",
        description=(__doc__ or "").split("\n\n")[0].split(": ", 1)[1],
    )
    simulate.add_argument("--assembly", type=Path, required=True, help="the synthesized cloud assembly (cdk.out)")
    simulate.add_argument(
        "--endpoint-url", required=True, help="the emulator's URL, as `cdk-securityhub-org emulate` prints it"
    )
    action = simulate.add_mutually_exclusive_group()
    action.add_argument(
        "--update",
        action="store_true",
        help="redeploy: send every deployed custom resource an Update, a reconcile pass even when nothing changed",
    )
    action.add_argument("--destroy", action="store_true", help="delete the stacks (dependents first)")
    simulate.add_argument("--stack", action="append", help="only stacks matching this glob (repeatable)")
    simulate.add_argument(
        "--state",
        type=Path,
        help=f"the simulator's state file (default: {STATE_FILE_NAME} next to the assembly directory)",
    )
    simulate.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from cdk_securityhub_org.cloud_assembly.assembly import CloudAssembly  # noqa: PLC0415
    from cdk_securityhub_org.cloud_assembly.errors import CloudAssemblyError  # noqa: PLC0415
    from cdk_securityhub_org.testing.simulator import CloudFormationSimulator, SimulatorState  # noqa: PLC0415

    state_file = args.state or args.assembly.resolve().parent / STATE_FILE_NAME
    try:
        assembly = CloudAssembly.read(args.assembly)
        unstaged = _unstaged_assets(assembly, args.stack)
    except CloudAssemblyError as error:
        print(f"{PROGRAM} simulate: {args.assembly}: {error}")
        return EXIT_ERROR
    if unstaged and not args.destroy:
        print(
            f"{PROGRAM} simulate: {args.assembly}: the assets were not staged (missing: {', '.join(unstaged)});"
            " the assembly was not written by a full synthesis (`cdk ls` leaves it so): run cdk synth again"
        )
        return EXIT_ERROR
    state = SimulatorState.load(state_file) if state_file.exists() else SimulatorState()
    simulator = CloudFormationSimulator(args.endpoint_url, state=state)
    if args.destroy:
        result = simulator.destroy(args.assembly, args.stack)
    else:
        result = simulator.deploy(args.assembly, args.stack, force_custom_resource_updates=args.update)
    state.save(state_file)
    return _report(result, args.endpoint_url)


def _unstaged_assets(assembly: CloudAssembly, stacks: list[str] | None) -> list[str]:
    """The asset paths the selected stacks declare that are not in the assembly."""
    return sorted(
        {
            asset.source_path.name
            for stack in assembly.select(stacks, widen="dependencies")
            for asset in stack.assets
            if not asset.source_path.exists()
        }
    )


def _report(result: DeployResult, endpoint_url: str) -> int:
    for name, stack in result.stacks.items():
        print(f"{name} ({stack.account}/{stack.region}): {stack.status}")
    for report in result.custom_resources:
        print(f"  {report.stack_name}/{report.logical_id}: {report.request_type} {report.status}")
    if result.ok:
        return 0
    print(f"{PROGRAM} simulate: failed:")
    for failure in result.failures:
        print(f"  {failure}")
    if any("Could not connect" in failure.reason for failure in result.failures):
        print(f"  is the emulator running at {endpoint_url}? start it with `{PROGRAM} emulate`")
    return EXIT_ERROR
