"""The Organizations Security Hub CSPM policy kind against the emulator: type enabled, policy created, attached
to exactly the declared targets, a converged pass only reads, changes update in place, an attach that fails is
reported by target, and release follows the removal policy."""

from __future__ import annotations

import json

import pytest
from cdk_securityhub_org.handler.engine.declaration import DeclarationError
from cdk_securityhub_org.handler.kinds.organizations_policy import kind as organizations_policy
from cdk_securityhub_org.handler.kinds.organizations_policy.spec import parse_organizations_policy
from cdk_securityhub_org.testing.emulator import FaultConfig

FSBP = "aws-foundational-security-best-practices/v/1.0.0"
CIS = "cis-aws-foundations-benchmark/v/3.0.0"


def content(standards, enable=("us-east-1",)):
    return json.dumps(
        {
            "securityhub": {
                "cspm_enablement": {"enable_in_regions": list(enable), "disable_in_regions": []},
                "default_configuration": {"enabled_standards": {"@@assign": list(standards)}},
            }
        }
    )


def properties(org, targets, standards=(FSBP,), **extra):
    return {
        "Regions": ["us-east-1"],
        "ExpectedAccount": org.management,
        "Name": "securityhub-baseline",
        "Description": "Security Hub CSPM baseline",
        "Content": content(standards),
        "TargetIds": list(targets),
        **extra,
    }


def live_policy(org):
    orgs = org.emulator.client("organizations", org.management)
    policies = orgs.list_policies(Filter="SECURITYHUB_CSPM_POLICY")["Policies"]
    if not policies:
        return None, []
    policy_id = policies[0]["Id"]
    described = orgs.describe_policy(PolicyId=policy_id)["Policy"]
    targets = [t["TargetId"] for t in orgs.list_targets_for_policy(PolicyId=policy_id)["Targets"]]
    return json.loads(described["Content"]), targets


def enabled_standards(org, account):
    answer = org.securityhub(account).get_enabled_standards()["StandardsSubscriptions"]
    return sorted(s["StandardsArn"].split("standards/")[1] for s in answer)


def test_create_attach_converge_update_and_destroy(make_org, deploy):
    org = make_org(member_count=3)
    target = org.accounts[1]
    resource = deploy(organizations_policy, org.management)
    resource.run("Create", properties(org, [target], RemovalPolicy="DESTROY"))
    document, targets = live_policy(org)
    assert targets == [target]
    assert document["securityhub"]["default_configuration"]["enabled_standards"] == {"@@assign": [FSBP]}
    # The emulator enforces the effective policy: the governed account has Security Hub with exactly FSBP.
    assert enabled_standards(org, target) == [FSBP]

    org.emulator.reset_calls()
    resource.run("Update", properties(org, [target], RemovalPolicy="DESTROY"))
    assert org.writes() == []

    other = org.accounts[2]
    resource.run("Update", properties(org, [other], standards=(FSBP, CIS), RemovalPolicy="DESTROY"))
    document, targets = live_policy(org)
    assert targets == [other]
    assert enabled_standards(org, other) == sorted([FSBP, CIS])

    resource.run("Delete", properties(org, [other], standards=(FSBP, CIS), RemovalPolicy="DESTROY"))
    assert live_policy(org) == (None, [])


def test_retain_leaves_the_policy_attached(make_org, deploy):
    org = make_org(member_count=2)
    resource = deploy(organizations_policy, org.management)
    resource.run("Create", properties(org, [org.accounts[0]]))
    org.emulator.reset_calls()
    resource.run("Delete", properties(org, [org.accounts[0]]))
    assert org.writes() == []
    assert live_policy(org)[1] == [org.accounts[0]]


def test_an_attach_that_fails_is_retried_until_it_succeeds(make_org, deploy):
    faults = FaultConfig(rate_limit=False)
    org = make_org(member_count=2, faults=faults)
    failing = org.accounts[1]
    faults.fail_attach_targets.append(failing)
    resource = deploy(organizations_policy, org.management)
    declared = properties(org, [org.accounts[0], failing])
    resource.one_pass("Create", declared)  # creates the policy
    answer = resource.one_pass("Create", declared)
    # A 500 is transient: the pass is not complete, and the other target got its attachment.
    assert answer["IsComplete"] is False
    assert {c.error_code for c in org.emulator.calls(operation="AttachPolicy")} == {None, "ServiceException"}
    assert live_policy(org)[1] == [org.accounts[0]]
    faults.fail_attach_targets.clear()
    resource.run("Create", declared)
    assert live_policy(org)[1] == [org.accounts[0], failing]


def test_bad_declarations_are_named():
    with pytest.raises(DeclarationError) as caught:
        parse_organizations_policy(
            {
                "Regions": ["us-east-1", "eu-west-1"],
                "Name": "p",
                "Content": "{" + "x" * 10_001,
                "TargetIds": ["ou-nope", "12345"],
            }
        )
    message = str(caught.value)
    assert "over the limit of 10000" in message
    assert "'ou-nope' is not a root ID" in message and "'12345' is not a root ID" in message
    assert "exactly one Region" in message
