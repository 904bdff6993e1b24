"""End to end: the synthesized stage deployed by the CloudFormation simulator against a fresh emulated organization;
``plan`` from the cloud assembly shows the drift seeded afterwards and exits 2; the drift-repair functions, run
from their asset with their schedule rules' input as EventBridge and Lambda would, repair it, and ``plan`` exits 0.
Then a new account joins the organization: the enrollment rule's input enrols it."""

from __future__ import annotations

import re

import pytest
from cdk_securityhub_org import cli
from cdk_securityhub_org.testing.emulator import Emulator, FaultConfig
from cdk_securityhub_org.testing.simulator import CloudFormationSimulator
from cdk_securityhub_org.testing.simulator.events import fire, repair_rules
from drift_harness import REGIONS, emf_documents, organization, seed_drift

pytestmark = pytest.mark.slow  # deploys the synthesized stage

STAGE = "SecurityHub/*"


def row(table: str, *cells: str) -> bool:
    """Whether a line of the table starts with these cells (the columns are padded to the widest cell)."""
    pattern = r"\s+".join(re.escape(c.rstrip(",")) + ",?" for c in cells)
    return re.search(rf"^{pattern}", table, re.MULTILINE) is not None


def test_plan_shows_seeded_drift_then_a_scheduled_repair_clears_it(between_deploys_app, capsys):
    outdir = between_deploys_app.outdir
    world = organization()
    with Emulator(world, faults=FaultConfig(rate_limit=False)) as emulator:
        deployed = CloudFormationSimulator(emulator.endpoint_url).deploy(outdir, [STAGE])
        assert deployed.ok, deployed.failures
        plan = ["plan", "--assembly", str(outdir), "--stack", STAGE, "--endpoint-url", emulator.endpoint_url]
        plan.append("--emulator")
        assert cli.main(plan) == 0, capsys.readouterr().out

        disassociated = seed_drift(emulator, world)
        capsys.readouterr()
        assert cli.main(plan) == 2
        table = capsys.readouterr().out
        assert row(table, "eu-west-1", "SecurityHub/Administrator/Members", "CreateMembers", "2", *disassociated)
        assert row(
            table, "us-east-1", "SecurityHub/Administrator/OrganizationConfiguration", "UpdateOrganizationConfiguration"
        )
        assert "Drift in 2 Region(s) (eu-west-1, us-east-1)" in table

        rules = repair_rules(outdir, [STAGE])
        schedules = [r for r in rules if r.scheduled]
        assert len(schedules) == 3  # delegated admin, organization configuration, members
        invocations = fire(schedules, emulator.endpoint_url)
        assert all(i.ok for i in invocations), [i.error for i in invocations]
        assert sorted(i.payload["Changed"] for i in invocations) == ["0", "1", "2"]
        documents = [d for i in invocations for d in emf_documents("\n".join(i.log_lines))]
        repaired = {(d["Resource"], d["Region"]): d["Repaired"] for d in documents if d["Repaired"]}
        assert repaired == {
            ("SecurityHub/Administrator/Members", "eu-west-1"): 2,
            ("SecurityHub/Administrator/OrganizationConfiguration", "us-east-1"): 1,
        }
        assert cli.main(plan) == 0, capsys.readouterr().out

        # A new account joins; auto-enable is off as declared: only the enrollment event enrols it.
        newcomer = world.add_account(name="newcomer")
        capsys.readouterr()
        assert cli.main(plan) == 2
        table = capsys.readouterr().out
        assert all(row(table, r, "SecurityHub/Administrator/Members", "CreateMembers", "1", newcomer) for r in REGIONS)
        (enrollment,) = [r for r in rules if not r.scheduled]
        (invocation,) = fire([enrollment], emulator.endpoint_url)
        assert invocation.ok and invocation.payload["Changed"] == str(len(REGIONS))
        assert cli.main(plan) == 0
