"""What a benchmark run measures, in which order, and the results it collects."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import baselines, sample_app
from .central import CENTRAL_OUS, CENTRAL_SIZE, CentralRun
from .common import Progress, stderr_progress
from .figures import LAMBDA_VCPU, Case, CaseResult, Size, extrapolate
from .handler_process import CpuQuotaUnavailable
from .library import LibraryRun

DEFAULT_SIZES = (Size(100, 1), Size(100, 4), Size(1000, 1), Size(1000, 4), Size(10_000, 1))
FULL_SIZES = tuple(Size(n, r) for n in (100, 1000, 10_000) for r in (1, 4, 17))


@dataclass(frozen=True)
class Plan:
    """The sizes and extras of one run."""

    mode: str
    sizes: tuple[Size, ...]
    """Run with the organization selector "all accounts"."""
    csv_sizes: tuple[Size, ...]
    """Also run with an explicit CSV of the N accounts."""
    baseline_accounts: int
    """The baselines run at min(N, this) accounts and are extrapolated linearly beyond it."""
    synth_rows: tuple[int, ...] = (10, 10_000)
    synth_repeats: int = 2
    seed: int = 7
    cpu_limited_sizes: tuple[Size, ...] = ()
    """Run the library's cases of these sizes once more, each handler process held to a 512 MB Lambda's CPU."""
    central_size: Size | None = CENTRAL_SIZE
    """The CENTRAL case's organization (``bench/central.py``; None: not run), in ``central_ous`` OUs."""
    central_ous: int = CENTRAL_OUS

    @classmethod
    def default(cls) -> Plan:
        return cls("default", DEFAULT_SIZES, (), baseline_accounts=40)

    @classmethod
    def full(cls) -> Plan:
        return cls(
            "full",
            FULL_SIZES,
            tuple(Size(10_000, r) for r in (1, 4, 17)),
            baseline_accounts=100,
            synth_repeats=3,
            cpu_limited_sizes=(Size(10_000, 17),),
        )

    def baseline_size(self, regions: int) -> Size:
        smallest = min(s.accounts for s in self.sizes if s.regions == regions)
        return Size(min(smallest, self.baseline_accounts), regions)


@dataclass
class Results:
    plan: Plan
    library: list[CaseResult] = field(default_factory=list)
    baselines: dict[tuple[str, int, Case], CaseResult] = field(default_factory=dict)
    """(baseline, Regions, case) -> the measured run (at ``plan.baseline_size``)."""
    synth: list[sample_app.SynthResult] = field(default_factory=list)
    cpu_limited: list[CaseResult] = field(default_factory=list)
    """The cases of ``plan.cpu_limited_sizes`` run again with each handler process held to ``LAMBDA_VCPU``."""
    cpu_limit_unavailable: str = ""
    """Why they were not run, when the machine allows no CPU quota."""
    central: list[CaseResult] = field(default_factory=list)
    """The CENTRAL case's fresh, converged and drift results."""
    seconds: float = 0.0
    source: str = ""
    """The commit of the measured code, and whether the engine or the constructs had uncommitted changes."""

    def baseline(self, name: str, case: Case, size: Size) -> CaseResult | None:
        """The baseline at ``size``: measured, or extrapolated from its run at a smaller N."""
        measured = self.baselines.get((name, size.regions, case))
        if measured is None:
            return None
        if measured.size == size:
            return measured
        return extrapolate(measured, size, baselines.CONCURRENT_REGIONS[name](size.regions))

    def to_json(self) -> dict[str, Any]:
        def case(result: CaseResult) -> dict[str, Any]:
            data = dataclasses.asdict(result)
            data["calls"] = {"/".join(k): v for k, v in result.calls.items()}
            data["minimum"] = {"/".join(k): v for k, v in result.minimum.items()}
            return data

        return {
            "plan": dataclasses.asdict(self.plan),
            "seconds": self.seconds,
            "source": self.source,
            "library": [case(r) for r in self.library],
            "baselines": [case(r) for r in self.baselines.values()],
            "synth": [dataclasses.asdict(s) for s in self.synth],
            "cpu_limited": [case(r) for r in self.cpu_limited],
            "cpu_limit_unavailable": self.cpu_limit_unavailable,
            "central": [case(r) for r in self.central],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Results:
        """Read back what ``to_json`` wrote (``python -m bench --report-from``: rewrite the report only)."""

        def size(value: dict[str, int]) -> Size:
            return Size(value["accounts"], value["regions"])

        def calls(value: dict[str, int]) -> dict[tuple[str, str, str], int]:
            return {(k.split("/")[0], k.split("/")[1], k.split("/")[2]): v for k, v in value.items()}

        def case(value: dict[str, Any]) -> CaseResult:
            fields = {
                **value,
                "size": size(value["size"]),
                "calls": calls(value["calls"]),
                "minimum": calls(value["minimum"]),
                "phases": {k: (v[0], v[1]) for k, v in value.get("phases", {}).items()},
            }
            return CaseResult(**fields)

        plan = data["plan"]
        results = cls(
            Plan(
                **{
                    **plan,
                    "sizes": tuple(size(s) for s in plan["sizes"]),
                    "csv_sizes": tuple(size(s) for s in plan["csv_sizes"]),
                    "synth_rows": tuple(plan["synth_rows"]),
                    "cpu_limited_sizes": tuple(size(s) for s in plan.get("cpu_limited_sizes", ())),
                    "central_size": size(plan["central_size"]) if plan.get("central_size") else None,
                }
            ),
            library=[case(r) for r in data["library"]],
            cpu_limited=[case(r) for r in data.get("cpu_limited", [])],
            cpu_limit_unavailable=str(data.get("cpu_limit_unavailable", "")),
            synth=[sample_app.SynthResult(**s) for s in data["synth"]],
            central=[case(r) for r in data.get("central", [])],
            seconds=float(data["seconds"]),
            source=str(data.get("source", "")),
        )
        for value in data["baselines"]:
            measured = case(value)
            results.baselines[(measured.system, measured.size.regions, measured.case)] = measured
        return results


def source_state() -> str:
    """``commit abc1234`` plus ``(with uncommitted changes in lambda/ or constructs/)`` when there are any."""
    root = sample_app.REPOSITORY

    def git(*arguments: str) -> str:
        completed = subprocess.run(["git", *arguments], cwd=root, capture_output=True, text=True, check=False)
        return completed.stdout.strip() if completed.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD")
    if not commit:
        return "an unknown commit (not a git checkout)"
    dirty = git("status", "--porcelain", "--", "lambda", "constructs")
    return f"commit {commit}" + (" (with uncommitted changes in lambda/ or constructs/)" if dirty else "")


def run(
    plan: Plan,
    workdir: Path,
    *,
    with_baselines: bool = True,
    with_synth: bool = True,
    progress: Progress = stderr_progress,
    profile: Path | None = None,
) -> Results:
    """Measure everything ``plan`` asks for; intermediate files go to ``workdir``. With ``profile``, the handler
    processes of the library's cases run under cProfile, their profiles kept there (``bench.handler_process``)."""
    started = time.monotonic()
    workdir.mkdir(parents=True, exist_ok=True)
    results = Results(plan, source=source_state())
    if with_synth:
        progress(f"sample app synth: CSV of {' and '.join(f'{r:,}' for r in plan.synth_rows)} rows")
        results.synth = sample_app.measure(plan.synth_rows, workdir, plan.synth_repeats)
        for synth in results.synth:
            progress(
                f"  {synth.rows:>6,} rows: {synth.best_seconds:.1f} s, templates {synth.template_bytes:,} bytes,"
                f" member-list asset {synth.member_list_asset_bytes:,} bytes"
            )
    runs = [(size, "organization") for size in plan.sizes] + [(size, "csv") for size in plan.csv_sizes]
    progress("this library (synthesized administrator stack, CloudFormation simulator, emulator)")
    ordered = sorted(runs, key=lambda run: (run[0].accounts * run[0].regions, run[1] != "organization"))
    for size, kind in ordered:
        results.library.extend(
            LibraryRun(size, kind, workdir, seed=plan.seed, progress=progress, profile=profile).run()
        )
    limited = [(size, kind) for size, kind in ordered if size in plan.cpu_limited_sizes]
    if limited:
        progress(f"again, each handler process held to {LAMBDA_VCPU:.2f} of a CPU (a 512 MB Lambda)")
    for size, kind in limited:
        try:
            held = LibraryRun(size, kind, workdir, seed=plan.seed, progress=progress, cpu_limit=LAMBDA_VCPU)
            results.cpu_limited.extend(held.run())
        except CpuQuotaUnavailable as error:
            results.cpu_limit_unavailable = str(error)
            progress(f"  not run: {error}")
            break
    if plan.central_size is not None:
        size, ous = plan.central_size, plan.central_ous
        progress(f"CENTRAL: configuration policies, {size.accounts:,} accounts in {ous} OUs")
        results.central = CentralRun(workdir, size=size, ous=ous, seed=plan.seed, progress=progress).run()
    if with_baselines:
        progress("baselines")
        for regions in sorted({size.regions for size in plan.sizes}):
            size = plan.baseline_size(regions)
            for name in baselines.BASELINES:
                for result in baselines.measure(name, size, seed=plan.seed, progress=progress):
                    results.baselines[(name, regions, result.case)] = result
    results.seconds = time.monotonic() - started
    (workdir / "results.json").write_text(json.dumps(results.to_json(), indent=1), encoding="utf-8")
    return results
