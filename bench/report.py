"""``results.md`` (the targets, a table per case, the synth comparison) and ``plot.png`` from a run's results."""

from __future__ import annotations

import math
import os
import platform
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .baselines import BASELINES, TERRAFORM_PARALLELISM
from .figures import (
    CALLS_TARGET,
    CASE_TITLES,
    CASES,
    CPU_TARGET,
    LAMBDA_MEMORY_MB,
    LAMBDA_TIMEOUT_SECONDS,
    LAMBDA_VCPU,
    PASS_MARGIN,
    PROVIDER_TIMEOUT_SECONDS,
    SYNTH_TARGET,
    WALL_TARGET,
    CaseResult,
    Size,
    by_operation,
)
from .runner import Results

LARGEST = Size(10_000, 17)
CPU_PROFILE = Path(__file__).with_name("cpu_profile.md")
"""Where the handler's CPU goes (profiles before and after, the levers measured): kept by hand, since profiling is
a run of its own (``python -m bench --profile DIR``), and copied into every ``results.md``."""
FIXED_COST_BOUND_SECONDS = 3.0
"""Below this bound (30 calls: the burst) the handlers' fixed costs, not the rate limit, set the time."""
OPERATION_ORDER = ("ListMembers", "CreateMembers", "ListAccounts", "GetObject", "GetMembers")
BASELINE_TITLES = {"per-member": "per-member (Terraform)", "serial": "serial, unbatched"}


@dataclass(frozen=True)
class Verdict:
    target: str
    measured: str
    status: str  # PASS, MISS, NOT RUN
    reason: str = ""


# ------------------------------------------------------------------------------------------------------ formatting


def _n(value: float) -> str:
    return f"{value:,.0f}"


def _s(seconds: float) -> str:
    if seconds >= 100:
        return f"{seconds:,.0f}"
    return f"{seconds:.1f}" if seconds >= 1 else f"{seconds:.2f}"


def _x(value: float) -> str:
    if math.isinf(value):
        return "∞"
    return f"{value:.2f}" if value < 10 else f"{value:,.0f}"


def _operations(result: CaseResult) -> str:
    made = by_operation(result.calls)
    names = sorted(made, key=lambda op: (OPERATION_ORDER.index(op) if op in OPERATION_ORDER else 99, op))
    return " · ".join(f"{op} {_n(made[op])}" for op in names)


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return lines


def _system(result: CaseResult) -> str:
    return {"organization": "all accounts", "csv": "CSV"}.get(result.system, result.system)


# ------------------------------------------------------------------------------------------------------ verdicts


ORGANIZATION_PACE = "paced by the organization read"
ORGANIZATION_AFTER_PAGES = "organization read after the member pages"
FIXED_COSTS = "fixed costs"
OTHER = "other"
MISS_EXPLANATIONS = {
    ORGANIZATION_PACE: (
        "Enrollment keeps pace with the organization's account list, which is read page by page: {pages}"
        " ListAccounts pages of 20 at the emulator's Organizations quota (20 requests/s, 400 accounts/s, where"
        " CreateMembers takes 500/s) take {organization} s, and the Security Hub bound does not count them."
    ),
    ORGANIZATION_AFTER_PAGES: (
        "With an explicit list the organization is read once a ListMembers page shows a declared member out of"
        " step, or, when the drift is accounts with no member record at all, after the last page: the pages take"
        " {pages_time} s, then the {pages} ListAccounts pages {organization} s (ending {organization_end} s into"
        " the pass), then the writes {writes} s."
    ),
    FIXED_COSTS: (
        "The bound is under 3 s, within the burst of 30 calls: the time is set by fixed costs (two Lambda"
        " invocations, client set-up, pages read one after another at 20 ms each), not by the rate limit."
    ),
    OTHER: "See the phases of these cases in bench/out/results.json.",
}


def _miss_kind(result: CaseResult) -> str:
    """Why a case took longer than 1.3 x its bound, from what the call log shows."""
    pages = result.phases.get("member pages")
    organization = result.phases.get("organization read")
    if result.lower_bound_seconds < FIXED_COST_BOUND_SECONDS:
        return FIXED_COSTS
    if organization and pages and pages[1] - pages[0] > 1.0 and organization[0] >= pages[1]:
        return ORGANIZATION_AFTER_PAGES
    if organization and organization[1] > WALL_TARGET * result.lower_bound_seconds:
        return ORGANIZATION_PACE
    return OTHER


def _wall_misses(slow: Sequence[CaseResult]) -> str:
    parts = []
    for kind in (ORGANIZATION_PACE, ORGANIZATION_AFTER_PAGES, FIXED_COSTS, OTHER):
        cases = [r for r in slow if _miss_kind(r) == kind]
        if not cases:
            continue

        def lengths(phase: str, cases: list[CaseResult] = cases) -> list[float]:
            return [r.phases[phase][1] - r.phases[phase][0] for r in cases if phase in r.phases]

        text = MISS_EXPLANATIONS[kind].format(
            pages=_span([by_operation(r.calls).get("ListAccounts", 0) for r in cases], _n),
            pages_time=_span(lengths("member pages"), _s),
            organization=_span(lengths("organization read"), _s),
            organization_end=_span(
                [r.phases["organization read"][1] for r in cases if "organization read" in r.phases], _s
            ),
            writes=_span(lengths("writes"), _s),
        )
        listed = "; ".join(
            f"{r.size.label} {r.case} ({_system(r)}) {_s(r.wall_seconds)} s vs {_s(r.lower_bound_seconds)} s"
            f" (x {r.wall_ratio:.2f})"
            for r in cases
        )
        parts.append(f"{text} Cases: {listed}.")
    return "<br>".join(parts)


def _span(values: Sequence[float], show: Callable[[float], str]) -> str:
    if not values:
        return "?"
    low, high = min(values), max(values)
    return show(low) if show(low) == show(high) else f"{show(low)} to {show(high)}"


def verdicts(results: Results) -> list[Verdict]:
    library = results.library
    found: list[Verdict] = []

    # 1. calls
    worst = max(library, key=lambda r: r.worst_operation[1])
    operation, worst_ratio = worst.worst_operation
    over = [r for r in library if r.worst_operation[1] > CALLS_TARGET]
    total_worst = max(library, key=lambda r: r.calls_ratio)
    found.append(
        Verdict(
            f"API calls ≤ {CALLS_TARGET} x minimum, in every case (each operation)",
            f"worst operation: {operation} x {worst_ratio:.3f} ({_system(worst)}, {worst.size.label}, {worst.case});"
            f" worst case total x {total_worst.calls_ratio:.3f} ({_system(total_worst)}, {total_worst.size.label},"
            f" {total_worst.case})",
            "MISS" if over else "PASS",
            "; ".join(f"{r.size.label} {r.case}: {r.worst_operation[0]} x {r.worst_operation[1]:.3f}" for r in over),
        )
    )

    # 2. wall time
    slow = [r for r in library if r.wall_ratio > WALL_TARGET]
    worst_wall = max(library, key=lambda r: r.wall_ratio)
    largest_ok = [r for r in library if r.lower_bound_seconds >= FIXED_COST_BOUND_SECONDS]
    found.append(
        Verdict(
            f"Wall time ≤ {WALL_TARGET} x rate-limit lower bound",
            f"{len(library) - len(slow)} of {len(library)} cases within; worst x {worst_wall.wall_ratio:.2f}"
            f" ({_system(worst_wall)}, {worst_wall.size.label}, {worst_wall.case}); cases with a bound ≥ 3 s:"
            f" {sum(1 for r in largest_ok if r.wall_ratio <= WALL_TARGET)} of {len(largest_ok)} within",
            "MISS" if slow else "PASS",
            _wall_misses(slow),
        )
    )

    # 3. the largest fresh enrollment, and every pass
    largest_fresh = [r for r in library if r.size == LARGEST and r.case == "fresh"]
    longest = max(library, key=lambda r: r.longest_pass_seconds)
    pass_limit = LAMBDA_TIMEOUT_SECONDS * PASS_MARGIN
    passes_ok = longest.longest_pass_seconds <= pass_limit
    if largest_fresh:
        elapsed = max(r.wall_seconds for r in largest_fresh)
        status = "PASS" if elapsed <= PROVIDER_TIMEOUT_SECONDS and passes_ok else "MISS"
        measured = f"{_s(elapsed)} s of {PROVIDER_TIMEOUT_SECONDS:,.0f} s"
    else:
        biggest = max((r for r in library if r.case == "fresh"), key=lambda r: r.size.accounts * r.size.regions)
        status = "NOT RUN"
        measured = f"10,000 x 17 not in this run (largest: {biggest.size.label}, {_s(biggest.wall_seconds)} s)"
    found.append(
        Verdict(
            "10,000 x 17 fresh enrollment within the Provider framework's 1 hour; every pass under its Lambda"
            f" timeout with margin (≤ {PASS_MARGIN:.0%} of {LAMBDA_TIMEOUT_SECONDS:.0f} s)",
            f"{measured}; longest pass of the run {_s(longest.longest_pass_seconds)} s"
            f" ({longest.longest_pass_seconds / LAMBDA_TIMEOUT_SECONDS:.1%} of the timeout; {_system(longest)},"
            f" {longest.size.label}, {longest.case}); passes per request: {max(r.passes for r in library)} at most",
            status if passes_ok or status == "NOT RUN" else "MISS",
        )
    )

    # 4. converged writes
    converged = [r for r in library if r.case == "converged"]
    largest_converged = [r for r in converged if r.size == LARGEST]
    writes = sum(r.writes for r in largest_converged)
    all_writes = sum(r.writes for r in converged)
    found.append(
        Verdict(
            "A converged 10,000 x 17 pass makes zero write calls",
            (f"{writes} writes at 10,000 x 17; " if largest_converged else "10,000 x 17 not in this run; ")
            + f"{all_writes} writes over all {len(converged)} converged cases",
            ("PASS" if writes == 0 else "MISS") if largest_converged else ("NOT RUN" if all_writes == 0 else "MISS"),
        )
    )

    # 5. synth
    if len(results.synth) >= 2:
        small, large = results.synth[0], results.synth[-1]
        grows = [s for s in results.synth[1:] if s.template_bytes > small.template_bytes]
        fast = large.best_seconds < SYNTH_TARGET * small.best_seconds
        sizes = " vs ".join(f"{s.template_bytes:,}" for s in results.synth)
        rows = " / ".join(f"{s.rows:,}" for s in results.synth)
        found.append(
            Verdict(
                f"Template size does not grow with N; synth({large.rows:,} rows) < {SYNTH_TARGET:.0f} x"
                f" synth({small.rows:,} rows)",
                f"template bytes {sizes} ({rows} rows; the list itself goes to an S3 asset of"
                f" {large.member_list_asset_bytes:,} bytes); synth {_s(small.best_seconds)} s vs"
                f" {_s(large.best_seconds)} s (x {large.best_seconds / small.best_seconds:.2f})",
                "PASS" if not grows and fast else "MISS",
                "; ".join(f"{s.rows:,} rows: {s.template_bytes:,} bytes" for s in grows)
                + ("" if fast else f"; synth x {large.best_seconds / small.best_seconds:.2f}"),
            )
        )
    else:
        found.append(Verdict("Template size does not grow with N; synth time", "not measured in this run", "NOT RUN"))

    # 6. CPU at a 512 MB Lambda's share of a vCPU
    found.append(_cpu_verdict(results))

    # 7. memory
    largest_all = [r for r in library if r.size == LARGEST]
    peak = max(library, key=lambda r: r.peak_memory_mb)
    if largest_all:
        top = max(r.peak_memory_mb for r in largest_all)
        found.append(
            Verdict(
                f"Peak memory of a 10,000 x 17 pass ≤ {LAMBDA_MEMORY_MB:.0f} MB",
                f"{top:.0f} MB at 10,000 x 17 (peak RSS of the handler process)",
                "PASS" if top <= LAMBDA_MEMORY_MB else "MISS",
            )
        )
    else:
        found.append(
            Verdict(
                f"Peak memory of a 10,000 x 17 pass ≤ {LAMBDA_MEMORY_MB:.0f} MB",
                f"10,000 x 17 not in this run; largest peak {peak.peak_memory_mb:.0f} MB ({peak.size.label})",
                "NOT RUN",
            )
        )
    return found


def _cpu_verdict(results: Results) -> Verdict:
    target = (
        f"CPU of every {LARGEST.label} pass ≤ {LAMBDA_VCPU:.2f} x {WALL_TARGET} x its rate-limit bound (a 512 MB"
        f" Lambda, {LAMBDA_VCPU:.2f} of a vCPU, within {WALL_TARGET} x the bound)"
    )
    largest = [r for r in results.library if r.size == LARGEST]
    if not largest:
        return Verdict(target, f"{LARGEST.label} not in this run", "NOT RUN")
    worst = max(largest, key=lambda r: r.cpu_seconds / r.lower_bound_seconds)
    over = [r for r in largest if r.cpu_seconds > CPU_TARGET * r.lower_bound_seconds]
    measured = (
        f"worst {_s(worst.cpu_seconds)} s of {_s(CPU_TARGET * worst.lower_bound_seconds)} s ({_system(worst)},"
        f" {worst.case}); CPU {_span([r.cpu_seconds for r in largest], _s)} s over the {len(largest)} cases"
    )
    held = [r for r in results.cpu_limited if r.size == LARGEST]
    if held:
        slowest = max(held, key=lambda r: r.wall_ratio)
        measured += (
            f"; held to {LAMBDA_VCPU:.2f} of a CPU: wall {_span([r.wall_seconds for r in held], _s)} s, worst x"
            f" {slowest.wall_ratio:.2f} the bound ({_system(slowest)}, {slowest.case})"
        )
    elif results.cpu_limit_unavailable:
        measured += f"; not run held to {LAMBDA_VCPU:.2f} of a CPU ({results.cpu_limit_unavailable})"
    reason = "; ".join(
        f"{_system(r)} {r.case}: {_s(r.cpu_seconds)} s of {_s(CPU_TARGET * r.lower_bound_seconds)} s" for r in over
    )
    return Verdict(target, measured, "MISS" if over else "PASS", reason)


# ------------------------------------------------------------------------------------------------------ markdown


def _cpu_limited(results: Results) -> list[str]:
    """The cases run again with each handler process held to a 512 MB Lambda's CPU, or why they were not."""
    title = f"## Held to {LAMBDA_VCPU:.2f} of a CPU (a 512 MB Lambda)"
    if results.cpu_limit_unavailable:
        return [
            title,
            "",
            f"Not run: {results.cpu_limit_unavailable}. The CPU / {LAMBDA_VCPU:.2f} estimate in the tables stands"
            " for the least time the work would take there.",
            "",
        ]
    if not results.cpu_limited:
        return []
    whole = {(r.system, r.size, r.case): r for r in results.library}
    rows = []
    for r in results.cpu_limited:
        on_a_core = whole.get((r.system, r.size, r.case))
        rows.append(
            [
                r.size.label,
                _system(r),
                CASE_TITLES[r.case],
                _s(r.cpu_seconds),
                f"{_s(r.wall_seconds)} / {_s(r.lower_bound_seconds)} (x {_x(r.wall_ratio)})",
                f"{_s(on_a_core.wall_seconds)} (x {_x(on_a_core.wall_ratio)})" if on_a_core else "-",
                f"{r.passes}, {_s(r.longest_pass_seconds)}",
                f"{r.peak_memory_mb:.0f}",
            ]
        )
    header = [
        "N x R",
        "member list",
        "case",
        "CPU s",
        "wall / bound, s",
        "wall on a whole core, s",
        "passes",
        "peak MB",
    ]
    return [
        title,
        "",
        f"The same cases run again, each handler process in a cgroup whose CPU quota is {LAMBDA_VCPU:.2f} of one"
        " CPU (`cpu.max`, or `cpu.cfs_quota_us` on cgroup v1), as Lambda gives a 512 MB function about that share of"
        " a vCPU.",
        "",
        *_table(header, rows),
        "",
    ]


def _cpu_profile() -> list[str]:
    if not CPU_PROFILE.is_file():
        return []
    return [CPU_PROFILE.read_text(encoding="utf-8").rstrip(), ""]


def _baseline_cell(results: Results, name: str, result: CaseResult) -> str:
    baseline = results.baseline(name, result.case, result.size)
    if baseline is None:
        return "-"
    mark = "†" if baseline.extrapolated else ""
    return (
        f"{_n(baseline.total_calls)}{mark} (x {_x(baseline.total_calls / max(1, result.total_calls))}),"
        f" {_s(baseline.wall_seconds)} s{mark} (x {_x(baseline.wall_seconds / max(1e-9, result.wall_seconds))})"
    )


def _headline(results: Results) -> list[str]:
    """The largest size of the run, organization selector: the figures to quote."""
    candidates = [r for r in results.library if r.system == "organization"]
    if not candidates:
        return []
    top = max((r.size for r in candidates), key=lambda size: (size.accounts * size.regions, size.regions))
    rows = []
    for case in CASES:
        result = next((r for r in candidates if r.size == top and r.case == case), None)
        if result is None:
            continue
        cells = []
        for name in BASELINES:
            baseline = results.baseline(name, case, top)
            if baseline is None:
                cells.append("-")
                continue
            mark = "†" if baseline.extrapolated else ""
            cells.append(
                f"{_n(baseline.total_calls)}{mark} calls, {_s(baseline.wall_seconds)} s{mark}:"
                f" {_x(baseline.total_calls / max(1, result.total_calls))}x the calls,"
                f" {_x(baseline.wall_seconds / max(1e-9, result.wall_seconds))}x the time"
            )
        rows.append(
            [
                CASE_TITLES[case],
                f"{_n(result.total_calls)} ({_n(result.total_minimum)})",
                _n(result.writes),
                f"{_s(result.wall_seconds)} s ({_s(result.lower_bound_seconds)} s)",
                f"{result.passes}, {_s(result.longest_pass_seconds)} s",
                f"{result.peak_memory_mb:.0f} MB",
                *cells,
            ]
        )
    header = [
        "case",
        "calls (minimum)",
        "writes",
        "wall (rate-limit bound)",
        "passes, longest",
        "peak memory",
        *(BASELINE_TITLES[name] for name in BASELINES),
    ]
    return [f"## Headline: {top.label} (N accounts x R Regions), all accounts", "", *_table(header, rows), ""]


def _case_table(results: Results, case: str) -> list[str]:
    rows = []
    ordered = sorted(
        (r for r in results.library if r.case == case),
        key=lambda r: (r.size.regions, r.size.accounts, r.system != "organization"),
    )
    for r in ordered:
        rows.append(
            [
                r.size.label,
                _system(r),
                f"{_n(r.total_calls)} / {_n(r.total_minimum)} (x {r.calls_ratio:.3f})",
                _operations(r) + (f" ({r.throttled} throttled)" if r.throttled else ""),
                _n(r.writes),
                f"{_s(r.wall_seconds)} / {_s(r.lower_bound_seconds)} (x {_x(r.wall_ratio)})",
                _s(r.burst_lower_bound_seconds),
                f"{r.passes}, {_s(r.longest_pass_seconds)}",
                f"{r.peak_memory_mb:.0f}",
                f"{_s(r.cpu_seconds)} ({_s(r.cpu_bound_at_lambda_seconds)})",
                *(_baseline_cell(results, name, r) for name in BASELINES),
            ]
        )
    header = [
        "N x R",
        "member list",
        "calls / minimum",
        "calls by operation",
        "writes",
        "wall / bound, s",
        "burst bound, s",
        "passes, longest s",
        "peak MB",
        "CPU s (at 512 MB, s)",
        *(f"{BASELINE_TITLES[name]}: calls, wall (x ours)" for name in BASELINES),
    ]
    return _table(header, rows)


def _baseline_runs(results: Results) -> list[str]:
    rows = []
    for (name, _regions, case), r in sorted(results.baselines.items(), key=lambda item: (item[0][1], item[0][0])):
        rows.append(
            [
                BASELINE_TITLES[name],
                r.size.label,
                case,
                _operations(r),
                str(r.throttled),
                _n(r.writes),
                _s(r.wall_seconds),
            ]
        )
    return _table(["baseline", "run at N x R", "case", "calls by operation", "throttled", "writes", "wall, s"], rows)


def markdown(results: Results, elapsed_seconds: float) -> str:
    plan = results.plan
    command = "make bench FULL=1" if plan.mode == "full" else "make bench"
    verdict_rows = [[v.target, v.measured, f"**{v.status}**", v.reason or ""] for v in verdicts(results)]
    lines = [
        "# Benchmark: members at scale",
        "",
        f"Produced by `{command}` (`python -m bench{' --full' if plan.mode == 'full' else ''}`) on"
        f" {datetime.now(UTC):%Y-%m-%d}, {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, Python"
        f" {platform.python_version()}, measuring the code at {results.source}; the run took"
        f" {elapsed_seconds / 60:.1f} minutes"
        + (" (the default run: the full matrix is `make bench FULL=1`)." if plan.mode != "full" else "."),
        "",
        "Every figure comes from one run. This library: a synthesized stack for the administrator side (the"
        " `Members` construct, as in `SecurityHubOrganization`'s administrator stack; the administrator designated"
        " beforehand) deployed by the CloudFormation + Provider-framework simulator, which runs the real handlers"
        " from the cloud assembly (one process per Lambda invocation), against the emulator with **20 ms added to"
        " every call and Security Hub's rate limits on** (10 requests/s, burst 30, per account, Region and"
        " operation; Organizations 20 requests/s, burst 40 per account, the emulator's choice). The engine limits"
        " itself on the client side to 10 requests/s, burst 30, per Region, and works the Regions in parallel.",
        "",
        "Member lists: **all accounts** is the organization selector (every account but the management account);"
        " **CSV** is an explicit CSV of the N accounts (over 4 KB it travels as an S3 asset). The organization has"
        " N + 2 accounts: the management account, the administrator and the N members.",
        "",
        *_headline(results),
        "## Targets",
        "",
        *_table(["target", "measured", "result", "why (misses)"], verdict_rows),
        "",
        "## What the baselines reproduce",
        "",
        f"- **per-member (Terraform)** reproduces the call pattern of the Terraform AWS provider's"
        f" `aws_securityhub_member`, one resource per account per Region, {TERRAFORM_PARALLELISM} at a time"
        " (Terraform's default parallelism): on create one `CreateMembers` and one `GetMembers` per account per"
        " Region; on refresh (every plan: the converged case) one `GetMembers` per account per Region; on drift the"
        " refresh, then create and read again for each member found disassociated.",
        "- **serial, unbatched** reproduces a serial script: Regions one after another, one account per call"
        " (`GetMembers` with one account, then `CreateMembers` with it when it is not an active member).",
        "- Both use the engine's client-side token bucket (10 requests/s, burst 30 per Region) and botocore's"
        " standard retries, so the comparison isolates the call pattern; the real tools have no limiter and would"
        " also lose time to throttling. Wall time is the script's own time (no Lambda, no CloudFormation); calls are"
        " the answered ones (the few throttled attempts are listed with the measured runs).",
        f"- They run at N = min(N, {plan.baseline_accounts}) accounts in the same R Regions, on an emulator with the"
        " same settings. Figures marked † are **extrapolated linearly** from that run: calls x N / N_run (each"
        " account costs the same calls), wall time + extra calls / (10 requests/s x Regions worked at once: R for"
        " per-member, 1 for serial). The measured runs are listed at the end.",
        "",
        "## How the figures are defined",
        "",
        "- **calls**: every request of the `Members` handler the emulator answered (the operations its IAM policy"
        " allows, with the administrator's credentials), throttled attempts included.",
        "- **minimum**: per Region one `ListMembers` page per 50 current members (at least one), one `CreateMembers`"
        " per 50 accounts to enrol; once per pass one `ListAccounts` page per 20 organization accounts when the pass"
        " needs the organization (always for all accounts; for a CSV only when something must be created); one S3"
        " `GetObject` when the member list is an asset.",
        "- **bound**: the issue's rate-limit lower bound: the minimum Security Hub calls of the busiest Region / 10"
        " requests/s, Regions in parallel (it does not subtract the burst). **burst bound**: the same after the"
        " first 30 calls of each Region, which the burst lets through at once.",
        "- **wall**: the time CloudFormation waits for the `Members` resource, on the simulator's clock: the onEvent"
        " and isComplete runs plus the waiter's 30 s between passes. **passes**: isComplete runs; **longest**: the"
        f" longest of them, against the {LAMBDA_TIMEOUT_SECONDS:.0f} s Lambda timeout. **peak MB**: the peak RSS of"
        f" the handler processes, against the {LAMBDA_MEMORY_MB:.0f} MB functions. **CPU**: the CPU time of the"
        " handler processes; the simulator gives each a whole core, a 512 MB Lambda has about 0.29 of a vCPU"
        " (1 vCPU at 1,769 MB), so the figure in brackets (CPU / 0.29) is the least time the same work would take"
        " there.",
        "- **converged**: CloudFormation sends an Update with the same declaration (an innocuous property of the"
        " resource changed in the template). **5% drift**: 5% of the members of each Region (a different random 5%"
        " per Region) disassociated with boto3 and the administrator's credentials, then an Update the same way.",
        "",
    ]
    for case in CASES:
        lines += [f"## {CASE_TITLES[case]}", "", *_case_table(results, case), ""]
    if results.central:
        lines += [*central_section(results.central, plan.central_ous), ""]
    if results.synth:
        small = results.synth[0]
        rows = [
            [
                f"{s.rows:,}",
                _s(s.best_seconds),
                ", ".join(_s(t) for t in s.seconds),
                ", ".join(f"{name.split('.')[0]} {size:,}" for name, size in s.templates.items()),
                f"{s.member_list_asset_bytes:,}" if s.member_list_asset_bytes else "inline",
                f"x {s.best_seconds / small.best_seconds:.2f}",
            ]
            for s in results.synth
        ]
        lines += [
            "## Synth: the sample app by CSV length",
            "",
            "`app.py` with `examples/securityhub.yaml`, its `members.csv` replaced by K invited accounts; the whole"
            " `cdk synth` process (Python, jsii, cdk-nag), fastest of the runs.",
            "",
            *_table(
                ["CSV rows", "synth, s", "runs, s", "template bytes", "member-list asset bytes", "vs smallest"], rows
            ),
            "",
        ]
    lines += _cpu_limited(results)
    lines += _cpu_profile()
    if results.baselines:
        lines += ["## Baseline runs (measured)", "", *_baseline_runs(results), ""]
    return "\n".join(lines)


def central_section(central: Sequence[CaseResult], ous: int) -> list[str]:
    """The CENTRAL case (``bench/central.py``): configuration policies and their associations."""
    size = central[0].size
    titles = {"fresh": "Fresh (from nothing)", "converged": "Converged no-op pass", "drift": "5% drift"}
    rows = [
        [
            titles[r.case],
            f"{r.total_calls:,}",
            f"{r.total_minimum:,}",
            _x(r.calls_ratio),
            str(r.writes),
            f"{r.calls.get(('securityhub', 'StartConfigurationPolicyAssociation', region), 0):,}"
            f" / {r.minimum.get(('securityhub', 'StartConfigurationPolicyAssociation', region), 0):,}",
            str(r.passes),
            _s(r.wall_seconds),
            _operations(r),
        ]
        for r in central
        for region in sorted({key[2] for key in r.minimum})
    ]
    return [
        f"## CENTRAL: configuration policies ({size.accounts:,} accounts in {ous} OUs)",
        "",
        "`bench/central.py`: a stack of `OrganizationConfiguration` (CENTRAL) and `ConfigurationPolicies` (three"
        " policies; a baseline on the root, production and a Security-Hub-off sandbox alternating over the OUs)"
        " deployed like the member cases. **Fresh**: the policies created and one association per target."
        " **Converged**: an Update with the same declaration. **5% drift**: 5% of the OUs associated as"
        " self-managed by hand, then an Update. Only the calls of the configuration-policies handler count. The"
        " **minimum** per pass: one `ListConfigurationPolicies` and one `ListConfigurationPolicyAssociations` page"
        " per 100 (at least one each), one `GetConfigurationPolicy` per declared policy that exists (only it shows"
        " an edit by hand), one `CreateConfigurationPolicy` per policy to create and one"
        " `StartConfigurationPolicyAssociation` per target that changed. A pass that starts associations is"
        " pending until a later pass reads them applied: the second pass's reads (after the waiter's 30 s) are above"
        " the minimum of one pass.",
        "",
        *_table(
            [
                "case",
                "calls",
                "minimum",
                "x min",
                "writes",
                "association writes / targets changed",
                "passes",
                "wall, s",
                "calls by operation",
            ],
            rows,
        ),
    ]


# ------------------------------------------------------------------------------------------------------ plot


def plot(results: Results, path: Path) -> None:
    """Wall time against N for each R, one panel per case, with the lower bound and the baselines."""
    region_counts = sorted({r.size.regions for r in results.library})
    colors = dict(zip(region_counts, ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple"), strict=False))
    figure = Figure(figsize=(6 * len(CASES), 5))
    axes = figure.subplots(1, len(CASES), sharey=True)
    for axis, case in zip(axes, CASES, strict=True):
        for regions in region_counts:
            ours = sorted(
                (
                    r
                    for r in results.library
                    if r.case == case and r.size.regions == regions and r.system == "organization"
                ),
                key=lambda r: r.size.accounts,
            )
            if not ours:
                continue
            color = colors[regions]
            n = [r.size.accounts for r in ours]
            axis.plot(n, [r.wall_seconds for r in ours], "o-", color=color, linewidth=2)
            axis.plot(n, [max(r.lower_bound_seconds, 1e-2) for r in ours], "--", color=color, linewidth=1.2)
            csv = sorted(
                (r for r in results.library if r.case == case and r.size.regions == regions and r.system == "csv"),
                key=lambda r: r.size.accounts,
            )
            if csv:
                axis.plot([r.size.accounts for r in csv], [r.wall_seconds for r in csv], "x", color=color, markersize=9)
            for name, style in (("per-member", ":"), ("serial", "-.")):
                points = [(r.size.accounts, results.baseline(name, case, r.size)) for r in ours]
                shown = [(x, b.wall_seconds) for x, b in points if b is not None]
                if shown:
                    axis.plot(*zip(*shown, strict=True), style, color=color, linewidth=1, alpha=0.7)
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_title(CASE_TITLES[case])
        axis.set_xlabel("member accounts N")
        axis.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("wall time, s (log)")
    handles = [Line2D([], [], color=colors[r], linewidth=2, label=f"R = {r}") for r in region_counts]
    handles += [
        Line2D([], [], color="black", marker="o", linewidth=2, label="this library (all accounts)"),
        Line2D([], [], color="black", marker="x", linestyle="", label="this library (CSV)"),
        Line2D([], [], color="black", linestyle="--", label="rate-limit lower bound"),
        Line2D([], [], color="black", linestyle=":", label="per-member baseline (Terraform)"),
        Line2D([], [], color="black", linestyle="-.", label="serial, unbatched baseline"),
    ]
    figure.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=8, frameon=False)
    figure.suptitle("Security Hub members: wall time against N (20 ms per call, Security Hub rate limits on)")
    figure.text(
        0.5,
        0.9,
        f"Baselines above N = {results.plan.baseline_accounts} are extrapolated. Lines that R does not change"
        " overlap: the bound (per Region), the per-member baseline (Regions in parallel) and, at R = 1, both baselines.",
        ha="center",
        fontsize=8,
        color="dimgray",
    )
    figure.tight_layout(rect=(0, 0.06, 1, 0.89))
    figure.savefig(path, dpi=110)  # a Figure without pyplot renders PNG with the Agg canvas


def write(results: Results, directory: Path, elapsed_seconds: float) -> tuple[Path, Path]:
    """Write ``results.md`` and ``plot.png`` into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    markdown_path, plot_path = directory / "results.md", directory / "plot.png"
    markdown_path.write_text(markdown(results, elapsed_seconds), encoding="utf-8")
    plot(results, plot_path)
    return markdown_path, plot_path
