"""Pure planners of the Organizations Security Hub CSPM policy kind: what a pass writes for each live state."""

from __future__ import annotations

import json

from cdk_securityhub_org.handler.kinds.organizations_policy.plan import (
    LiveOrganization,
    LivePolicy,
    plan_policy,
    plan_release,
)
from cdk_securityhub_org.handler.kinds.organizations_policy.spec import parse_organizations_policy

DOCUMENT = {"securityhub": {"cspm_enablement": {"enable_in_regions": ["us-east-1"], "disable_in_regions": []}}}
SPEC = parse_organizations_policy(
    {
        "Regions": ["us-east-1"],
        "Name": "baseline",
        "Description": "d",
        "Content": json.dumps(DOCUMENT),
        "TargetIds": ["r-abcd", "111122223333"],
    }
)


def operations(plan):
    return [(a.operation, a.parameters.get("TargetId")) for a in plan.actions]


def test_a_fresh_organization_gets_access_type_and_policy_then_waits_to_attach():
    plan = plan_policy("us-east-1", SPEC, LiveOrganization("r-abcd", False, False, None))
    assert operations(plan) == [("EnableAWSServiceAccess", None), ("EnablePolicyType", None), ("CreatePolicy", None)]
    assert [i.retryable for i in plan.pending] == [True]


def test_content_stored_with_other_whitespace_is_in_sync_and_extra_targets_are_detached():
    live = LivePolicy("p-12345678", json.dumps(DOCUMENT, indent=4), "d", ("111122223333", "ou-abcd-12345678"))
    plan = plan_policy("us-east-1", SPEC, LiveOrganization("r-abcd", True, True, live))
    assert operations(plan) == [("AttachPolicy", "r-abcd"), ("DetachPolicy", "ou-abcd-12345678")]


def test_a_changed_document_is_updated_in_place():
    changed = {"securityhub": {"cspm_enablement": {"enable_in_regions": [], "disable_in_regions": []}}}
    live = LivePolicy("p-12345678", json.dumps(changed), "d", ("r-abcd", "111122223333"))
    plan = plan_policy("us-east-1", SPEC, LiveOrganization("r-abcd", True, True, live))
    assert operations(plan) == [("UpdatePolicy", None)]


def test_release_detaches_before_deleting():
    live = LivePolicy("p-12345678", json.dumps(DOCUMENT), "d", ("r-abcd",))
    assert operations(plan_release("us-east-1", live)) == [("DetachPolicy", "r-abcd"), ("DeletePolicy", None)]
    assert plan_release("us-east-1", None).in_sync == 1
