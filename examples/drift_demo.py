"""``python -m cdk_securityhub_org.drift_demo``: drift between deploys, on the sample app, against the emulator.

1. ``cdk synth`` of the sample declaration (``examples/securityhub.yaml``) with drift repair on
   (``drift_repair: rate(6 hours)`` added to a copy of it).
2. A deploy of the synthesized stacks through the CloudFormation simulator into an emulated organization.
3. ``cdk-securityhub-org plan --assembly ... --emulator``: no drift, exit 0.
4. Drift, made behind the declaration's back: two members disassociated in eu-west-1, auto-enable turned off in
   us-west-2.
5. ``plan`` again: the table shows the drift, exit 2.
6. The schedule fires: EventBridge's part is played here, invoking each drift-repair function from its asset with
   its rule's input, as Lambda would.
7. ``plan`` again: exit 0.

The exit status is 0 when the three plans exit 0, 2 and 0, in that order.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from cdk_securityhub_org import cli
from cdk_securityhub_org.testing.emulator import Emulator, FaultConfig
from cdk_securityhub_org.testing.organization import emulated_organization
from cdk_securityhub_org.testing.simulator import CloudFormationSimulator
from cdk_securityhub_org.testing.simulator.events import fire, repair_rules
from cdk_securityhub_org.yaml_declaration import load_config
from demo import PROJECT, synthesize

SAMPLE = PROJECT / "examples" / "securityhub.yaml"


def _with_drift_repair(config: Path, directory: Path) -> Path:
    """A copy of ``config`` (and the CSV files beside it) with drift repair on."""
    for sibling in config.parent.glob("*.csv"):
        shutil.copy(sibling, directory / sibling.name)
    copy = directory / config.name
    copy.write_text(config.read_text() + "\ndrift_repair: rate(6 hours)\n")
    return copy


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--config", type=Path, default=SAMPLE)
    parser.add_argument("--accounts", type=int, default=20, help="accounts in the emulated organization")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="drift-demo-"))
    config = _with_drift_repair(args.config.resolve(), work)
    outdir = work / "cdk.out"
    seconds = synthesize(config, outdir)
    print(f"Synthesized {config.name} with drift_repair: rate(6 hours) in {seconds:.1f} s")
    world = emulated_organization(config, args.accounts)
    administrator = load_config(config).administrator_account_id
    codes = []
    with Emulator(world, faults=FaultConfig(rate_limit=False)) as emulator:
        deployed = CloudFormationSimulator(emulator.endpoint_url).deploy(outdir)
        print(f"Deployed through the simulator: {'ok' if deployed.ok else deployed.failures}")
        plan = ["plan", "--assembly", str(outdir), "--endpoint-url", emulator.endpoint_url, "--emulator"]

        def run_plan(title: str) -> None:
            print(f"\n$ cdk-securityhub-org plan --assembly cdk.out --endpoint-url ... --emulator   # {title}")
            codes.append(cli.main(plan))
            print(f"(exit {codes[-1]})")

        run_plan("right after the deploy")
        securityhub = emulator.client("securityhub", administrator, "eu-west-1")
        enabled = [m["AccountId"] for m in securityhub.list_members(OnlyAssociated=True)["Members"]]
        members = sorted(a for a in enabled if a in world.member_account_ids())[:2]
        securityhub.disassociate_members(AccountIds=members)
        emulator.client("securityhub", administrator, "us-west-2").update_organization_configuration(
            AutoEnable=False, AutoEnableStandards="DEFAULT"
        )
        print(f"\nDrift: disassociated {', '.join(members)} in eu-west-1; auto-enable off in us-west-2")
        run_plan("after the drift")
        invocations = fire([r for r in repair_rules(outdir) if r.scheduled], emulator.endpoint_url)
        print("\nThe schedule fires:")
        for invocation in invocations:
            outcome = invocation.payload if invocation.ok else invocation.error
            print(f"  {invocation.function_name}: {outcome}")
        run_plan("after the scheduled repair")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if codes == [0, 2, 0] else 1


if __name__ == "__main__":
    sys.exit(main())
