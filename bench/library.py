"""This library, measured end to end: synthesize a stack, deploy it with the simulator against the emulator.

For one size (N member accounts, R Regions) and one kind of member list:

1. build an emulated organization of N + 2 accounts (management, administrator, N members) and designate the
   administrator in the R Regions from the management account (set-up, not measured: ``DelegatedAdmin``'s job);
2. synthesize a stack for the administrator side: the administrator account, the ``Members`` construct (as in
   ``SecurityHubOrganization``'s administrator stack) with the member list as

   - ``organization``: the organization selector "all accounts" (minus the management account, which cannot be
     enrolled by CreateMembers), or
   - ``csv``: an explicit CSV file of the N member accounts (over 4 KB it travels as an S3 asset);
3. deploy it: **fresh enrollment** is the ``Members`` Create request;
4. **converged no-op pass**: change an innocuous property of the ``Members`` resource in the synthesized template
   (``BenchPass``, which the handler ignores) and deploy again, so that CloudFormation sends an Update with the
   same declaration;
5. **5% drift**: disassociate 5% of the members in each Region (a different random 5% per Region) with boto3
   and the administrator's credentials, then force another Update the same way.

Every figure is read from the emulator's call log (the calls of the ``Members`` handler: the operations its IAM
policy allows, made with the administrator's credentials) and from the simulator's report of the custom resource
(Lambda passes, their durations and peak memory, the elapsed time CloudFormation sees).
"""

from __future__ import annotations

import contextlib
import json
import resource
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import aws_cdk as cdk
from cdk_securityhub_org import MemberList, Members
from cdk_securityhub_org.cloud_assembly.assembly import CloudAssembly
from cdk_securityhub_org.handler.kinds.members import permissions
from cdk_securityhub_org.handler.kinds.members.spec import MemberListLocation
from cdk_securityhub_org.testing.emulator import Emulator, FaultConfig, World
from cdk_securityhub_org.testing.simulator import CloudFormationSimulator, CustomResourceReport, DeployResult

from .common import (
    BenchError,
    Progress,
    bench_faults,
    designate,
    inject_drift,
    organization,
    regions_for,
    stderr_progress,
    verify_enrolled,
)
from .figures import Case, CaseResult, Need, Size, count_calls, minimum_calls
from .handler_process import held_to_cpu, profiled_python

STACK = "BenchAdministrator"
MEMBERS_TYPE = "Custom::SecurityHubMembers"
INNOCUOUS_PROPERTY = "BenchPass"
KINDS = ("organization", "csv")


@dataclass(frozen=True)
class Assembly:
    """A synthesized administrator stack and what the benchmark needs to know about it."""

    path: Path
    template: Path
    members_logical_id: str
    operations: frozenset[tuple[str, str]]
    """(service, operation) the Members handler may call: exactly its IAM policy's actions."""
    member_list_in_s3: bool
    synth_seconds: float


def synthesize(
    outdir: Path, kind: str, *, world: World, administrator: str, members: Sequence[str], regions: Sequence[str]
) -> Assembly:
    """Synthesize the administrator stack for ``kind`` of member list into ``outdir``."""
    started = time.monotonic()
    outdir.mkdir(parents=True, exist_ok=True)
    if kind == "organization":
        member_list = MemberList.from_organization(exclude_accounts=[world.management_account])
    elif kind == "csv":
        csv_path = outdir.parent / f"{outdir.name}.csv"
        rows = ["Account ID,Email", *(f"{a},{world.accounts[a].email}" for a in members)]
        csv_path.write_text("\n".join(rows) + "\n", encoding="utf-8")
        member_list = MemberList.from_csv(csv_path)
    else:
        raise ValueError(f"unknown member-list kind {kind!r}")
    app = cdk.App(outdir=str(outdir))
    stack = cdk.Stack(app, STACK, env=cdk.Environment(account=administrator, region=regions[0]))
    members_construct = Members(stack, "Members", member_list=member_list, regions=list(regions))
    app.synth()
    synth_seconds = time.monotonic() - started
    actions = permissions.actions(members_construct.spec, members_construct.document)
    artifact = CloudAssembly.read(outdir).select([STACK], widen="dependencies", exclusively=True)[0]
    template = artifact.load_template()
    logical_id = next(k for k, v in template["Resources"].items() if v["Type"] == MEMBERS_TYPE)
    return Assembly(
        path=outdir,
        template=artifact.template_path,
        members_logical_id=logical_id,
        operations=frozenset((service, operation) for service, _, operation in (a.partition(":") for a in actions)),
        member_list_in_s3=isinstance(members_construct.spec.member_list, MemberListLocation),
        synth_seconds=synth_seconds,
    )


def _touch(assembly: Assembly, value: str) -> None:
    """Change the innocuous property, so that the next deploy sends the Members resource an Update."""
    template = json.loads(assembly.template.read_text(encoding="utf-8"))
    template["Resources"][assembly.members_logical_id]["Properties"][INNOCUOUS_PROPERTY] = value
    assembly.template.write_text(json.dumps(template, indent=1), encoding="utf-8")


def _check(result: DeployResult, what: str) -> None:
    if not result.ok:
        raise BenchError(f"{what} failed: " + "; ".join(str(f) for f in result.failures))


def _members_report(result: DeployResult) -> CustomResourceReport:
    reports = [r for r in result.custom_resources if r.resource_type == MEMBERS_TYPE and r.phase == "deploy"]
    if len(reports) != 1:
        raise BenchError(f"expected one Members request, got {[r.request_type for r in reports]}")
    return reports[0]


class LibraryRun:
    """The three cases of one size and member-list kind, in order, against one emulator.

    ``cpu_limit``: hold each handler process to this fraction of a CPU (a cgroup quota; raises
    ``CpuQuotaUnavailable`` where the machine does not allow it). ``profile``: run the handler processes under
    cProfile, each case's profiles in a directory of its own under this one.
    """

    def __init__(
        self,
        size: Size,
        kind: str,
        workdir: Path,
        *,
        seed: int = 7,
        progress: Progress = stderr_progress,
        cpu_limit: float | None = None,
        profile: Path | None = None,
    ) -> None:
        self.size = size
        self.kind = kind
        self.workdir = workdir
        self.seed = seed
        self.progress = progress
        self.cpu_limit = cpu_limit
        self.profile = profile
        self.regions = regions_for(size)
        self.world, self.administrator, self.members = organization(size, seed)
        self.assembly: Assembly | None = None

    @property
    def system(self) -> str:
        return self.kind

    @property
    def label(self) -> str:
        return f"{self.kind}-{self.size.accounts}x{self.size.regions}"

    def run(self) -> list[CaseResult]:
        label = self.label
        self.assembly = synthesize(
            self.workdir / label,
            self.kind,
            world=self.world,
            administrator=self.administrator,
            members=self.members,
            regions=self.regions,
        )
        faults = bench_faults()
        results: list[CaseResult] = []
        with contextlib.ExitStack() as stack:
            python = sys.executable
            if self.cpu_limit is not None:
                python = stack.enter_context(held_to_cpu(self.cpu_limit, self.workdir / f"{label}-held"))
            emulator = stack.enter_context(Emulator(self.world, faults=faults))
            simulator = CloudFormationSimulator(emulator.endpoint_url, python=python)
            designate(emulator, self.world, self.administrator, self.regions)
            cases: tuple[tuple[Case, str | None], ...] = (
                ("fresh", None),
                ("converged", "converged"),
                ("drift", "drift"),
            )
            for case, touch in cases:
                drifted = 0
                if case == "drift":
                    drifted = inject_drift(emulator, self.administrator, self.members, self.regions, self.seed)
                if self.profile is not None:
                    # The same deployed stacks, their handlers started under cProfile.
                    simulator = CloudFormationSimulator(
                        emulator.endpoint_url,
                        state=simulator.state,
                        python=profiled_python(self.profile / label / case, python),
                    )
                results.append(
                    self._case(emulator, simulator=simulator, faults=faults, case=case, touch=touch, drifted=drifted)
                )
        return results

    def _need(self, case: Case, drifted: int) -> Need:
        live = 0 if case == "fresh" else self.size.accounts
        to_create = {"fresh": self.size.accounts, "converged": 0, "drift": drifted}[case]
        assert self.assembly is not None
        return Need(
            regions=self.regions,
            live_members=live,
            to_create=to_create,
            organization_accounts=len(self.members) + 2,
            needs_organization=self.kind == "organization" or to_create > 0,
            member_list_in_s3=self.assembly.member_list_in_s3,
        )

    def _case(
        self,
        emulator: Emulator,
        *,
        simulator: CloudFormationSimulator,
        faults: FaultConfig,
        case: Case,
        touch: str | None,
        drifted: int = 0,
    ) -> CaseResult:
        assembly = self.assembly
        assert assembly is not None
        if touch is not None:
            _touch(assembly, touch)
        emulator.set_faults(faults)  # every case starts with full token buckets on the emulator's side
        emulator.reset_calls()
        # The handlers run in child processes of this one (the emulator runs in a thread here, not a child).
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        deployed = simulator.deploy(assembly.path)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_seconds = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
        _check(deployed, f"{case} ({self.kind}, {self.size.label})")
        report = _members_report(deployed)
        records = [
            c for c in emulator.calls(account=self.administrator) if (c.service, c.operation) in assembly.operations
        ]
        verify_enrolled(self.world, self.administrator, self.members, self.regions, f"{case} ({self.kind})")
        start = min((c.time for c in records), default=0.0)
        phases = {}
        for name, operation in (
            ("member pages", "ListMembers"),
            ("organization read", "ListAccounts"),
            ("writes", "CreateMembers"),
        ):
            times = [c.time - start for c in records if c.operation == operation and c.http_status == 200]
            if times:
                phases[name] = (min(times), max(times))
        invocations = report.invocations
        result = CaseResult(
            system=self.system,
            case=case,
            size=self.size,
            calls=count_calls((c.service, c.operation, c.region) for c in records),
            throttled=sum(1 for c in records if c.throttled),
            writes=sum(1 for c in records if c.write),
            wall_seconds=report.elapsed_seconds,
            minimum=minimum_calls(self._need(case, drifted)),
            passes=report.is_complete_passes,
            longest_pass_seconds=report.longest_pass_seconds,
            peak_memory_mb=max((i.max_memory_mb for i in invocations), default=0.0),
            cpu_seconds=cpu_seconds,
            cpu_limit=self.cpu_limit,
            changed=int(report.data.get("Changed", 0)),
            failed=int(report.data.get("Failed", 0)),
            phases=phases,
        )
        self.progress(
            f"  {self.kind:12} {self.size.label:>12} {case:9}  calls {result.total_calls:>6,}"
            f" (min {result.total_minimum:,}, x{result.calls_ratio:.3f})  wall {result.wall_seconds:7.1f} s"
            f" (bound {result.lower_bound_seconds:.1f} s, x{result.wall_ratio:.2f})  passes {result.passes}"
            f"  peak {result.peak_memory_mb:.0f} MB  cpu {result.cpu_seconds:.1f} s"
            + (f" (held to {self.cpu_limit:.2f} of a CPU)" if self.cpu_limit is not None else "")
        )
        return result
