"""How the report explains a case that missed the wall-time target, from the phases the call log shows."""

from bench import report
from bench.figures import CaseResult, Size


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
