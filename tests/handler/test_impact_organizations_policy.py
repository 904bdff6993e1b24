"""The pure impact functions of the Organizations policy review: what an effective policy's settings for a Region
would change in one account's live Security Hub state."""

from __future__ import annotations

from cdk_securityhub_org.handler.kinds.organizations_policy.document import RegionSettings
from cdk_securityhub_org.handler.kinds.organizations_policy.impact import (
    Change,
    LiveHub,
    computed_effective_policy,
    region_changes,
)

FSBP, CIS = "aws-foundational-security-best-practices/v/1.0.0", "cis-aws-foundations-benchmark/v/1.2.0"


def test_an_ungoverned_region_changes_nothing():
    assert region_changes("1", "us-east-1", None, LiveHub(enabled=True, standards=frozenset({CIS}))) == []


def test_disabling_removes_the_associations_too():
    live = LiveHub(enabled=True, administrator="2", members=3)
    assert [c.operation for c in region_changes("1", "r", RegionSettings(enabled=False), live)] == [
        "DisableSecurityHub",
        "RemoveAdministratorAssociation",
        "RemoveMemberAssociations",
    ]
    assert region_changes("1", "r", RegionSettings(enabled=False), LiveHub(enabled=False)) == []


def test_an_enabling_policy_governs_standards_statuses_and_parameters_completely():
    live = LiveHub(
        enabled=True,
        standards=frozenset({CIS}),
        control_statuses={"IAM.1": "ENABLED"},
        custom_parameters={"ACM.1": {"daysToExpiration": 14}},
    )
    settings = RegionSettings(
        enabled=True,
        standards=(FSBP,),
        control_statuses={"IAM.1": "DISABLED"},
        control_parameters={"IAM.7": {"MaxPasswordAge": 60}},
    )
    assert region_changes("1", "r", settings, live) == [
        Change("r", "DisableStandard", CIS, "1"),
        Change("r", "EnableStandard", FSBP, "1"),
        Change("r", "SetControlStatus", "IAM.1=DISABLED", "1"),
        Change("r", "ResetControlParameter", "ACM.1.daysToExpiration", "1"),
        Change("r", "SetControlParameter", "IAM.7.MaxPasswordAge=60", "1"),
    ]


def test_the_effective_policy_follows_the_path_from_the_root():
    root = {"securityhub": {"cspm_enablement": {"enable_in_regions": {"@@assign": ["us-east-1"]}}}}
    unit = {"securityhub": {"cspm_enablement": {"enable_in_regions": {"@@append": ["eu-west-1"]}}}}
    effective = computed_effective_policy(["r-1", "ou-1", "111"], {"r-1": [root], "ou-1": [unit]})
    assert effective == {"securityhub": {"cspm_enablement": {"enable_in_regions": ["us-east-1", "eu-west-1"]}}}
    assert computed_effective_policy(["r-1", "111"], {}) is None
