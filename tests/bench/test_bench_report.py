"""How the report explains a case that missed the wall-time target, from the phases the call log shows, and how it
judges the CPU of the largest passes."""

from bench import report
from bench.figures import CaseResult, Size
from bench.runner import Plan, Results


def slow_case(minimum_per_region: int, phases: dict[str, tuple[float, float]]) -> CaseResult:
    minimum = {("securityhub", "CreateMembers", "us-east-1"): minimum_per_region}
    return CaseResult("csv", "drift", Size(10_000, 1), {}, 0, 0, 60.0, minimum=minimum, phases=phases)


def test_the_organization_read_after_the_member_pages_is_named():
    case = slow_case(210, {"member pages": (0.0, 17.0), "organization read": (17.1, 40.0), "writes": (39.0, 40.5)})
    assert report._miss_kind(case) == report.ORGANIZATION_AFTER_PAGES


def test_enrollment_paced_by_a_long_organization_read_is_named():
    case = slow_case(200, {"member pages": (0.0, 0.02), "organization read": (0.0, 30.0), "writes": (0.1, 30.1)})
    assert report._miss_kind(case) == report.ORGANIZATION_PACE


def test_a_sub_burst_bound_is_fixed_costs_and_anything_else_points_at_the_phases():
    assert report._miss_kind(slow_case(20, {})) == report.FIXED_COSTS
    assert report._miss_kind(slow_case(200, {"writes": (0.0, 50.0)})) == report.OTHER


def largest_case(system: str, case: str, cpu_seconds: float, wall_seconds: float = 24.0, **extra) -> CaseResult:
    minimum = {("securityhub", "CreateMembers", "us-east-1"): 200}  # a bound of 20 s
    return CaseResult(
        system, case, report.LARGEST, {}, 0, 0, wall_seconds, minimum=minimum, cpu_seconds=cpu_seconds, **extra
    )


def results_of(library, cpu_limited=(), unavailable=""):
    return Results(Plan.full(), library=list(library), cpu_limited=list(cpu_limited), cpu_limit_unavailable=unavailable)


def test_the_cpu_target_is_0_29_x_1_3_x_the_bound_of_every_10000_x_17_pass():
    within = largest_case("organization", "fresh", cpu_seconds=7.4)
    over = largest_case("csv", "drift", cpu_seconds=7.9)
    assert report._cpu_verdict(results_of([within])).status == "PASS"
    verdict = report._cpu_verdict(results_of([within, over]))
    assert verdict.status == "MISS"
    assert verdict.reason == "CSV drift: 7.9 s of 7.5 s"


def test_the_cpu_target_is_not_run_without_the_largest_size_and_says_why_a_held_run_is_missing():
    small = CaseResult("organization", "fresh", Size(100, 1), {}, 0, 0, 1.0, cpu_seconds=0.7)
    assert report._cpu_verdict(results_of([small])).status == "NOT RUN"
    largest = largest_case("organization", "converged", cpu_seconds=6.0)
    verdict = report._cpu_verdict(results_of([largest], unavailable="no cgroup CPU controller under /sys/fs/cgroup"))
    assert "not run held to 0.29 of a CPU (no cgroup CPU controller under /sys/fs/cgroup)" in verdict.measured
    section = "\n".join(report._cpu_limited(results_of([largest], unavailable="no cgroup CPU controller")))
    assert "Not run: no cgroup CPU controller. The CPU / 0.29 estimate" in section


def test_the_held_run_is_shown_beside_the_same_case_on_a_whole_core():
    on_a_core = largest_case("organization", "fresh", cpu_seconds=6.0, wall_seconds=23.0)
    held = largest_case("organization", "fresh", cpu_seconds=6.2, wall_seconds=25.0, cpu_limit=0.29)
    results = results_of([on_a_core], cpu_limited=[held])
    assert "held to 0.29 of a CPU: wall 25.0 s, worst x 1.25 the bound" in report._cpu_verdict(results).measured
    table = report._cpu_limited(results)
    assert (
        "| 10,000 x 17 | all accounts | Fresh enrollment | 6.2 | 25.0 / 20.0 (x 1.25) | 23.0 (x 1.15) |"
        in "\n".join(table)
    )
