"""The CENTRAL case: configuration policies and their associations in an organization of 1,000 accounts in 100
OUs, measured end to end like the member cases (synthesize, deploy with the simulator against the emulator).

1. Set-up (not measured): the organization (N accounts spread over the OUs), the delegated administrator, and a
   synthesized administrator stack of ``OrganizationConfiguration`` (CENTRAL, the home Region) and
   ``ConfigurationPolicies``: three policies (a baseline on the root, production and a Security-Hub-off sandbox
   alternating over the OUs), so 1 + OUs targets.
2. **Fresh**: the first deploy creates the policies and starts one association per target.
3. **Converged**: an Update with the same declaration (the innocuous ``BenchPass`` property changed): reads only.
4. **Drift**: 5% of the OU targets associated as self-managed by hand, then an Update: one association write per
   target that changed, nothing else.

Only the calls of the configuration-policies handler count (the operations its IAM policy allows, from the
administrator account); the minimum is ``figures.central_minimum_calls``.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from cdk_securityhub_org import ConfigurationPolicies, ConfigurationPolicy, OrganizationConfiguration
from cdk_securityhub_org.configuration_policies import SELF_MANAGED, PublishedStandard
from cdk_securityhub_org.handler.kinds.configuration_policies import permissions
from cdk_securityhub_org.handler.registry import CONFIGURATION_POLICIES
from cdk_securityhub_org.testing.emulator import Emulator, World
from cdk_securityhub_org.testing.simulator import CloudFormationSimulator, CustomResourceReport, DeployResult

from .common import MANAGEMENT_ACCOUNT, BenchError, Progress, bench_faults, designate, stderr_progress
from .figures import (
    DRIFT_FRACTION,
    SECURITY_HUB,
    Case,
    CaseResult,
    CentralNeed,
    Size,
    central_minimum_calls,
    count_calls,
)

STACK = "BenchCentral"
HOME_REGION = "us-east-1"
ADMINISTRATOR = "000000000002"
INNOCUOUS_PROPERTY = "BenchPass"
POLICIES = (
    ConfigurationPolicy("baseline", standards=[PublishedStandard.FSBP]),
    ConfigurationPolicy(
        "production", standards=[PublishedStandard.FSBP, PublishedStandard.CIS_3_0], disabled_controls=["EC2.8"]
    ),
    ConfigurationPolicy("sandbox", security_hub_enabled=False),
)
CENTRAL_SIZE = Size(1000, 1)
CENTRAL_OUS = 100


def central_organization(size: Size, ous: int, seed: int) -> tuple[World, list[str]]:
    """The management account, the administrator, and N accounts spread evenly over ``ous`` OUs: (world, OU IDs)."""
    world = World(MANAGEMENT_ACCOUNT, seed=seed)
    world.add_account(ADMINISTRATOR, name="security-admin")
    units = [world.add_organizational_unit(f"unit-{index:03d}") for index in range(ous)]
    for index in range(size.accounts):
        world.add_account(name=f"member-{index:05d}", parent_id=units[index % ous])
    return world, units


def associations(root_id: str, units: list[str]) -> dict[str, str]:
    """The root follows the baseline; the OUs alternate between production and the sandbox."""
    return {root_id: "baseline", **{unit: ("production", "sandbox")[i % 2] for i, unit in enumerate(units)}}


class CentralRun:
    """The three cases of the CENTRAL benchmark, in order, against one emulator."""

    def __init__(
        self,
        workdir: Path,
        *,
        size: Size = CENTRAL_SIZE,
        ous: int = CENTRAL_OUS,
        seed: int = 7,
        progress: Progress = stderr_progress,
    ) -> None:
        self.size, self.workdir, self.seed, self.progress = size, workdir, seed, progress
        self.world, self.units = central_organization(size, ous, seed)
        self.targets = associations(self.world.root_id, self.units)
        self.operations: frozenset[str] = frozenset()

    def synthesize(self) -> tuple[Path, Path, str]:
        """The administrator stack: (cloud assembly, template, logical ID of the policies' resource)."""
        outdir = self.workdir / f"central-{self.size.accounts}"
        app = cdk.App(outdir=str(outdir))
        stack = cdk.Stack(app, STACK, env=cdk.Environment(account=ADMINISTRATOR, region=HOME_REGION))
        organization = OrganizationConfiguration(
            stack,
            "OrganizationConfiguration",
            regions=[HOME_REGION],
            configuration_type="CENTRAL",
            home_region=HOME_REGION,
            auto_enable=False,
            auto_enable_standards="NONE",
            management_account_id=MANAGEMENT_ACCOUNT,
        )
        policies = ConfigurationPolicies(
            stack, "ConfigurationPolicies", home_region=HOME_REGION, policies=POLICIES, associations=self.targets
        )
        policies.resource.node.add_dependency(organization.resource)
        app.synth()
        self.operations = frozenset(action.partition(":")[2] for action in permissions.actions(policies.spec))
        template = outdir / f"{STACK}.template.json"
        resources = json.loads(template.read_text(encoding="utf-8"))["Resources"]
        logical_id = next(k for k, v in resources.items() if v["Type"] == CONFIGURATION_POLICIES.resource_type)
        return outdir, template, logical_id

    def run(self) -> list[CaseResult]:
        outdir, template, logical_id = self.synthesize()
        faults = bench_faults()
        results = []
        with Emulator(self.world, faults=faults) as emulator:
            simulator = CloudFormationSimulator(emulator.endpoint_url)
            designate(emulator, self.world, ADMINISTRATOR, [HOME_REGION])
            units = len(self.units)
            fresh = CentralNeed(HOME_REGION, 0, 0, len(POLICIES), 0, len(self.targets))
            results.append(self._case(emulator, simulator, outdir, "fresh", fresh))
            _touch(template, logical_id, "converged")
            converged = CentralNeed(HOME_REGION, len(POLICIES), len(POLICIES), 0, len(self.targets), 0)
            results.append(self._case(emulator, simulator, outdir, "converged", converged))
            changed = random.Random(self.seed).sample(self.units, max(1, round(units * DRIFT_FRACTION)))
            securityhub = emulator.client(SECURITY_HUB, ADMINISTRATOR, HOME_REGION)
            for unit in changed:
                securityhub.start_configuration_policy_association(
                    Target={"OrganizationalUnitId": unit}, ConfigurationPolicyIdentifier=SELF_MANAGED
                )
            _settle(securityhub, changed)
            _touch(template, logical_id, "drift")
            drift = CentralNeed(HOME_REGION, len(POLICIES), len(POLICIES), 0, len(self.targets), len(changed))
            results.append(self._case(emulator, simulator, outdir, "drift", drift))
        return results

    def _case(
        self, emulator: Emulator, simulator: CloudFormationSimulator, outdir: Path, case: Case, need: CentralNeed
    ) -> CaseResult:
        emulator.set_faults(bench_faults())
        emulator.reset_calls()
        deployed = simulator.deploy(outdir)
        if not deployed.ok:
            raise BenchError(f"CENTRAL {case} failed: " + "; ".join(str(f) for f in deployed.failures))
        report = _policies_report(deployed)
        records = [
            c for c in emulator.calls(account=ADMINISTRATOR, service=SECURITY_HUB) if c.operation in self.operations
        ]
        self._verify(case)
        result = CaseResult(
            system="central",
            case=case,
            size=self.size,
            calls=count_calls((c.service, c.operation, c.region) for c in records),
            throttled=sum(1 for c in records if c.throttled),
            writes=sum(1 for c in records if c.write),
            wall_seconds=report.elapsed_seconds,
            minimum=central_minimum_calls(need),
            passes=report.is_complete_passes,
            longest_pass_seconds=report.longest_pass_seconds,
            peak_memory_mb=max((i.max_memory_mb for i in report.invocations), default=0.0),
            changed=int(report.data.get("Changed", 0)),
            failed=int(report.data.get("Failed", 0)),
        )
        self.progress(
            f"  central      {self.size.label:>12} {case:9}  calls {result.total_calls:>6,}"
            f" (min {result.total_minimum:,}, x{result.calls_ratio:.3f})  writes {result.writes}"
            f"  wall {result.wall_seconds:7.1f} s  passes {result.passes}"
        )
        return result

    def _verify(self, case: Case) -> None:
        """Every account follows its OU's policy (the root's for none), or the figures of ``case`` would lie."""
        effective = self.world.effective_configurations()
        for account_id, account in self.world.accounts.items():
            expected = self.targets.get(account.parent_id or "", "baseline")
            if account_id not in (MANAGEMENT_ACCOUNT, ADMINISTRATOR) and effective[account_id] != expected:
                raise BenchError(f"CENTRAL {case}: {account_id} follows {effective[account_id]}, not {expected}")


def _touch(template: Path, logical_id: str, value: str) -> None:
    """Change the innocuous property, so that the next deploy sends the policies' resource an Update."""
    data = json.loads(template.read_text(encoding="utf-8"))
    data["Resources"][logical_id]["Properties"][INNOCUOUS_PROPERTY] = value
    template.write_text(json.dumps(data, indent=1), encoding="utf-8")


def _settle(securityhub: Any, units: list[str], seconds: float = 30.0) -> None:
    """Wait until the hand-made associations are no longer PENDING (read as the console would; not measured)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        statuses = [
            securityhub.get_configuration_policy_association(Target={"OrganizationalUnitId": unit})["AssociationStatus"]
            for unit in units
        ]
        if "PENDING" not in statuses:
            return
        time.sleep(0.1)
    raise BenchError(f"the hand-made associations of {units} stayed PENDING for {seconds:.0f} s")


def _policies_report(result: DeployResult) -> CustomResourceReport:
    reports = [
        r
        for r in result.custom_resources
        if r.resource_type == CONFIGURATION_POLICIES.resource_type and r.phase == "deploy"
    ]
    if len(reports) != 1:
        raise BenchError(f"expected one ConfigurationPolicies request, got {[r.request_type for r in reports]}")
    return reports[0]
