"""The benchmark's code path end to end at a tiny size (N=20, R=1): synth, three deploys, both baselines, the
CENTRAL case (20 accounts in 4 OUs), report."""

import pytest

from bench import report, runner
from bench.figures import Size

pytestmark = pytest.mark.slow


def test_a_tiny_run_measures_every_case_and_writes_the_table_and_the_plot(tmp_path):
    plan = runner.Plan(
        "smoke",
        sizes=(Size(20, 1),),
        csv_sizes=(),
        baseline_accounts=10,
        synth_rows=(),
        central_size=Size(20, 1),
        central_ous=4,
    )
    results = runner.run(plan, tmp_path / "work", with_synth=False, progress=lambda _: None)

    fresh, converged, drift = results.library
    assert [r.case for r in results.library] == ["fresh", "converged", "drift"]
    assert fresh.calls == fresh.minimum and fresh.changed == 20 and fresh.failed == 0
    assert converged.writes == 0 and converged.calls == converged.minimum
    assert drift.calls[("securityhub", "CreateMembers", "us-east-1")] == 1 and drift.changed == 1
    for result in results.library:
        assert result.passes == 1 and 0 < result.wall_seconds < 60
        assert result.peak_memory_mb > 0 and result.cpu_seconds > 0

    per_member = results.baseline("per-member", "fresh", Size(20, 1))
    assert per_member is not None and per_member.extrapolated and per_member.total_calls == 40
    assert results.baselines[("serial", 1, "converged")].total_calls == 10  # one GetMembers per account

    central_fresh, central_converged, central_drift = results.central
    assert central_fresh.writes == 3 + 5  # three policies, the root and four OUs
    assert central_converged.writes == 0 and central_converged.calls == central_converged.minimum
    assert central_drift.calls[("securityhub", "StartConfigurationPolicyAssociation", "us-east-1")] == 1

    markdown, plot = report.write(results, tmp_path, results.seconds)
    text = markdown.read_text()
    assert "## CENTRAL: configuration policies (20 accounts in 4 OUs)" in text
    assert "## Fresh enrollment" in text and "per-member (Terraform)" in text and "†" in text
    assert {v.status for v in report.verdicts(results)} <= {"PASS", "MISS", "NOT RUN"}
    assert plot.read_bytes()[:4] == b"\x89PNG"
