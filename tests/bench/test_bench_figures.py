"""The benchmark's definitions: minimum calls, lower bounds, extrapolation of the baselines."""

import math

import pytest

from bench.figures import (
    CaseResult,
    CentralNeed,
    Need,
    Size,
    burst_lower_bound,
    by_operation,
    central_minimum_calls,
    count_calls,
    drifted_per_region,
    extrapolate,
    lower_bound,
    minimum_calls,
)

REGIONS = ("us-east-1", "eu-west-1")


def need(**overrides):
    values = {
        "regions": REGIONS,
        "live_members": 0,
        "to_create": 10_000,
        "organization_accounts": 10_002,
        "needs_organization": True,
        "member_list_in_s3": False,
    }
    return Need(**{**values, **overrides})


def test_fresh_minimum_is_one_empty_page_and_a_batch_per_50_per_region_and_the_organization_once():
    minimum = minimum_calls(need())
    assert by_operation(minimum) == {"ListMembers": 2, "CreateMembers": 400, "ListAccounts": 501}
    assert lower_bound(minimum) == pytest.approx(20.1)
    assert burst_lower_bound(minimum) == pytest.approx(17.1)


def test_converged_explicit_list_needs_no_organization_call_but_its_s3_asset():
    minimum = minimum_calls(need(live_members=10_000, to_create=0, needs_organization=False, member_list_in_s3=True))
    assert by_operation(minimum) == {"ListMembers": 400, "GetObject": 1}
    assert lower_bound(minimum) == pytest.approx(20.0)


def test_drift_is_five_percent_and_at_least_one():
    assert [drifted_per_region(n) for n in (20, 40, 100, 10_000)] == [1, 2, 5, 500]


def test_sizes_parse_from_the_command_line():
    assert Size.parse("10000x17") == Size(10_000, 17)
    assert Size.parse("1,000\N{MULTIPLICATION SIGN}4") == Size(1000, 4)
    assert Size(10_000, 17).label == "10,000 x 17"


def test_a_baseline_is_extrapolated_linearly_in_calls_and_at_the_rate_limit_in_time():
    calls = count_calls([("securityhub", "GetMembers", r) for r in REGIONS for _ in range(40)])
    measured = CaseResult("per-member", "converged", Size(40, 2), calls, 0, 0, wall_seconds=2.0, measured_accounts=40)
    scaled = extrapolate(measured, Size(400, 2), concurrent_regions=2)
    assert scaled.total_calls == 800 and scaled.extrapolated
    # 720 more calls, two Regions at 10 requests/s each
    assert scaled.wall_seconds == pytest.approx(2.0 + 720 / 20)
    serial = extrapolate(measured, Size(400, 2), concurrent_regions=1)
    assert serial.wall_seconds == pytest.approx(2.0 + 720 / 10)


def test_ratios_name_the_operation_furthest_over_its_minimum():
    minimum = minimum_calls(need(to_create=100, organization_accounts=102))
    calls = dict(minimum)
    calls[("organizations", "ListAccounts", "-")] += 1
    result = CaseResult("organization", "fresh", Size(100, 2), calls, 1, 4, 1.0, minimum=minimum)
    assert result.worst_operation == ("ListAccounts", pytest.approx(7 / 6))
    assert result.calls_ratio == pytest.approx(13 / 12)
    assert math.isclose(result.wall_ratio, 1.0 / 0.3)


def test_central_fresh_minimum_is_an_empty_read_of_each_list_and_one_write_per_policy_and_per_target():
    need = CentralNeed("us-east-1", 0, 0, policies_to_create=3, applied_targets=0, targets_to_change=101)
    assert by_operation(central_minimum_calls(need)) == {
        "ListConfigurationPolicies": 1,
        "ListConfigurationPolicyAssociations": 1,
        "CreateConfigurationPolicy": 3,
        "StartConfigurationPolicyAssociation": 101,
    }


def test_central_converged_minimum_is_reads_only_a_page_per_100_and_each_declared_policy():
    need = CentralNeed("us-east-1", 250, 3, policies_to_create=0, applied_targets=101, targets_to_change=0)
    minimum = central_minimum_calls(need)
    assert by_operation(minimum) == {
        "ListConfigurationPolicies": 3,
        "ListConfigurationPolicyAssociations": 2,
        "GetConfigurationPolicy": 3,
    }
    assert {region for _, _, region in minimum} == {"us-east-1"}


def test_central_drift_minimum_writes_one_association_per_changed_target_and_nothing_else():
    need = CentralNeed("eu-west-1", 3, 3, policies_to_create=0, applied_targets=101, targets_to_change=5)
    minimum = central_minimum_calls(need)
    assert minimum[("securityhub", "StartConfigurationPolicyAssociation", "eu-west-1")] == 5
    assert sum(minimum.values()) == 1 + 2 + 3 + 5
