"""The CENTRAL case in the report: its section shows association writes against the targets that changed, and a
run's results.json keeps it (``python -m bench --report-from``)."""

from bench import report
from bench.figures import CaseResult, CentralNeed, Size, central_minimum_calls
from bench.runner import Plan, Results

REGION = "us-east-1"


def drift_case(association_writes: int) -> CaseResult:
    need = CentralNeed(REGION, 3, 3, policies_to_create=0, applied_targets=101, targets_to_change=5)
    calls = {
        ("securityhub", "ListConfigurationPolicies", REGION): 1,
        ("securityhub", "GetConfigurationPolicy", REGION): 3,
        ("securityhub", "ListConfigurationPolicyAssociations", REGION): 2,
        ("securityhub", "StartConfigurationPolicyAssociation", REGION): association_writes,
    }
    return CaseResult(
        "central", "drift", Size(1000, 1), calls, 0, association_writes, 30.5, minimum=central_minimum_calls(need)
    )


def test_the_section_shows_association_writes_against_the_targets_that_changed():
    lines = report.central_section([drift_case(7)], ous=100)
    (row,) = [line for line in lines if line.startswith("| 5% drift")]
    assert "| 7 / 5 |" in row
    assert lines[0] == "## CENTRAL: configuration policies (1,000 accounts in 100 OUs)"


def test_results_json_keeps_the_central_case():
    results = Results(Plan.default(), central=[drift_case(5)])
    again = Results.from_json(results.to_json())
    assert again.central == results.central
