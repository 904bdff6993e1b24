"""OrganizationsSecurityHubPolicy: the rendered document (the emulator's parser accepts it and the shared inheritance
reads back what was declared), the resource and its grants, and every synth-time check, each naming the construct
path, the value and the fix."""

from __future__ import annotations

import json

import aws_cdk as cdk
import pytest
from aws_cdk import assertions
from cdk_securityhub_org import (
    DelegatedAdmin,
    OrganizationConfiguration,
    OrganizationsSecurityHubPolicy,
    PolicyConfiguration,
    SecurityHubConfigurationError,
)
from cdk_securityhub_org.handler.kinds.organizations_policy.document import (
    RegionSettings,
    effective_policy,
    region_settings,
)
from cdk_securityhub_org.testing.emulator.orgpolicies import parse_policy_content
from cdk_securityhub_org.testing.emulator.world import ALL_REGIONS, STANDARD_REGIONS

MANAGEMENT, ADMINISTRATOR = "111111111111", "222222222222"
FSBP = "aws-foundational-security-best-practices/v/1.0.0"
CIS = "cis-aws-foundations-benchmark/v/1.4.0"


def stack(app: cdk.App | None = None) -> cdk.Stack:
    return cdk.Stack(app or cdk.App(), "Management", env=cdk.Environment(account=MANAGEMENT, region="us-east-1"))


def policy(scope: cdk.Stack, **props) -> OrganizationsSecurityHubPolicy:
    props.setdefault("name", "securityhub-baseline")
    props.setdefault("target_ids", ["r-abcd"])
    return OrganizationsSecurityHubPolicy(scope, "Policy", **props)


def problems(**props) -> list[str]:
    with pytest.raises(SecurityHubConfigurationError) as caught:
        policy(stack(), **props)
    assert list(caught.value.problems) == ["Management/Policy"]
    return caught.value.problems["Management/Policy"]


def test_renders_a_document_the_emulator_accepts_and_that_reads_back_as_declared():
    built = policy(
        stack(),
        enable_in_regions=["us-east-1", "eu-west-1"],
        disable_in_regions=["ap-south-1"],
        default_configuration=PolicyConfiguration(
            standards=[FSBP],
            control_statuses={"IAM.1": "DISABLED"},
            control_parameters={"IAM.7": {"MaxPasswordAge": 60}},
        ),
        regional_overrides={"eu-west-1": PolicyConfiguration(standards=[FSBP, CIS])},
    )
    parse_policy_content(built.content, ALL_REGIONS)
    effective = effective_policy([[json.loads(built.content)]])
    us = region_settings(effective, "us-east-1")
    assert us is not None and us.enabled and us.standards == (FSBP,)
    assert us.control_statuses == {"IAM.1": "DISABLED"} and us.control_parameters == {"IAM.7": {"MaxPasswordAge": 60}}
    eu = region_settings(effective, "eu-west-1")
    assert eu is not None and eu.standards == (FSBP, CIS) and eu.control_statuses == {}
    assert region_settings(effective, "ap-south-1") == RegionSettings(enabled=False)
    assert region_settings(effective, "us-west-2") is None


def test_child_policies_may_use_no_operator_by_default_and_a_child_cannot_loosen_the_policy():
    built = policy(stack(), enable_in_regions=["us-east-1"])
    assert built.document["securityhub"]["@@operators_allowed_for_child_policies"] == ["@@none"]
    child = {"securityhub": {"cspm_enablement": {"disable_in_regions": {"@@assign": ["us-east-1"]}}}}
    effective = effective_policy([[built.document], [child]])
    settings = region_settings(effective, "us-east-1")
    assert settings is not None and settings.enabled


def test_allowed_child_operators_are_written_as_given():
    built = policy(stack(), enable_in_regions=["ALL_SUPPORTED"], child_policy_operators=["@@append"])
    assert built.document["securityhub"]["@@operators_allowed_for_child_policies"] == ["@@append"]
    assert built.document["securityhub"]["cspm_enablement"]["enable_in_regions"] == {"@@assign": ["ALL_SUPPORTED"]}


def test_the_resource_carries_the_content_and_targets_and_is_retained_by_default():
    scope = stack()
    built = policy(scope, enable_in_regions=["us-east-1"], target_ids=["r-abcd", "ou-abcd-12345678", ADMINISTRATOR])
    template = assertions.Template.from_stack(scope)
    template.has_resource(
        "Custom::SecurityHubOrganizationsPolicy",
        {
            "DeletionPolicy": "Retain",
            "Properties": {
                "Name": "securityhub-baseline",
                "Content": built.content,
                "TargetIds": ["r-abcd", "ou-abcd-12345678", ADMINISTRATOR],
                "Regions": ["us-east-1"],
                "ExpectedAccount": MANAGEMENT,
            },
        },
    )
    statements = json.dumps(template.find_resources("AWS::IAM::Policy"))
    for action in ("organizations:CreatePolicy", "organizations:AttachPolicy", "organizations:EnablePolicyType"):
        assert action in statements
    assert "organizations:DeletePolicy" not in statements
    assert built.node.default_child is built.resource


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        ({"enable_in_regions": ["us-east-9"]}, "enable_in_regions[0]: Region 'us-east-9' is not a Region where"),
        ({"enable_in_regions": ["us-east-1"], "disable_in_regions": ["cn-north-1"]}, "is in partition aws-cn, not aws"),
        (
            {"enable_in_regions": ["us-east-1", "eu-west-1"], "disable_in_regions": ["eu-west-1"]},
            "disable_in_regions: ['eu-west-1'] also in enable_in_regions: disable_in_regions wins there",
        ),
        (
            {"enable_in_regions": ["us-east-1"], "disable_in_regions": ["ALL_SUPPORTED"]},
            "['ALL_SUPPORTED'] also in enable_in_regions",
        ),
        (
            {"default_configuration": PolicyConfiguration(standards=["pci-dss/v/9.9.9"])},
            "default_configuration.standards[0]: standard 'pci-dss/v/9.9.9' is not a published Security Hub standard",
        ),
        (
            {
                "default_configuration": PolicyConfiguration(
                    standards=[f"arn:aws:securityhub:us-east-1::standards/{FSBP}"]
                )
            },
            f"is an ARN; write the part after 'standards/': '{FSBP}'",
        ),
        (
            {"default_configuration": PolicyConfiguration(control_statuses={"iam-1": "DISABLED"})},
            "default_configuration.control_statuses: control 'iam-1' is not a security control ID",
        ),
        (
            {"default_configuration": PolicyConfiguration(control_statuses={"IAM.1": "OFF"})},
            "control_statuses['IAM.1']: 'OFF' is not ENABLED or DISABLED",
        ),
        (
            {"regional_overrides": {"eu-west-9": PolicyConfiguration()}},
            "regional_overrides['eu-west-9']: Region 'eu-west-9' is not a Region",
        ),
        ({"child_policy_operators": ["@@replace"]}, "['@@replace'] are not inheritance operators"),
        ({"target_ids": ["root"]}, "target_ids[0]: target 'root' is not a root ID"),
    ],
)
def test_synth_refuses(props, expected):
    found = problems(**props)
    assert any(expected in problem for problem in found), found


def test_every_problem_comes_in_one_error():
    found = problems(enable_in_regions=["us-east-9"], target_ids=["x"], child_policy_operators=["@@x"])
    assert len(found) == 3


def test_the_size_limit_is_checked_on_the_rendered_document():
    overrides = {
        region: PolicyConfiguration(
            standards=[FSBP, CIS], control_statuses={f"EC2.{n}": "DISABLED" for n in range(1, 30)}
        )
        for region in STANDARD_REGIONS[:12]
    }
    found = problems(enable_in_regions=["ALL_SUPPORTED"], regional_overrides=overrides)
    assert any("over Organizations' limit of 10,000" in problem for problem in found), found


def synth_errors(app: cdk.App) -> str:
    with pytest.raises(Exception) as caught:
        app.synth()
    return str(caught.value)


def test_central_configuration_in_the_same_app_is_refused_whatever_the_order():
    app = cdk.App()
    policy(stack(app), enable_in_regions=["us-east-1"])
    admin_stack = cdk.Stack(app, "Administrator", env=cdk.Environment(account=ADMINISTRATOR, region="us-east-1"))
    OrganizationConfiguration(
        admin_stack,
        "OrganizationConfiguration",
        regions=["us-east-1"],
        configuration_type="CENTRAL",
        home_region="us-east-1",
        auto_enable=False,
        auto_enable_standards="NONE",
    )
    message = synth_errors(app)
    assert "Management/Policy: an Organizations Security Hub CSPM policy cannot govern" in message
    assert "Administrator/OrganizationConfiguration declares CENTRAL" in message


def test_disabling_security_hub_in_the_administrators_regions_is_refused():
    app = cdk.App()
    scope = stack(app)
    DelegatedAdmin(scope, "DelegatedAdmin", admin_account_id=ADMINISTRATOR, regions=["us-east-1", "eu-west-1"])
    policy(scope, enable_in_regions=["us-east-1"], disable_in_regions=["eu-west-1", "ap-south-1"])
    message = synth_errors(app)
    assert "disables Security Hub CSPM in ['eu-west-1'], Regions of the delegated administrator 222222222222" in message


def test_a_policy_attached_elsewhere_or_disabling_other_regions_synthesizes():
    app = cdk.App()
    scope = stack(app)
    DelegatedAdmin(scope, "DelegatedAdmin", admin_account_id=ADMINISTRATOR, regions=["us-east-1"])
    policy(scope, enable_in_regions=["us-east-1"], disable_in_regions=["ap-south-1"])
    OrganizationsSecurityHubPolicy(
        scope, "Sandbox", name="sandbox", disable_in_regions=["us-east-1"], target_ids=["333333333333"]
    )
    app.synth()
