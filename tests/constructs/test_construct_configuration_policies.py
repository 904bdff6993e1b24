"""ConfigurationPolicies: the custom resource, its properties and grants, and the synth-time checks."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template
from cdk_securityhub_org._validation import SecurityHubConfigurationError
from cdk_securityhub_org.configuration_policies import (
    SELF_MANAGED,
    ConfigurationPolicies,
    ConfigurationPolicy,
    ControlParameter,
    ParameterType,
    PublishedStandard,
)
from cdk_securityhub_org.handler.kinds.configuration_policies.spec import parse_configuration_policies

pytestmark = pytest.mark.slow

ADMIN = "000000000002"
PROD_OU, SANDBOX_OU = "ou-abcd-11111111", "ou-abcd-22222222"


def build(**overrides):
    stack = cdk.Stack(cdk.App(), "Admin", env=cdk.Environment(account=ADMIN, region="us-east-1"))
    props = {
        "home_region": "us-east-1",
        "policies": [
            ConfigurationPolicy(
                "production",
                standards=[PublishedStandard.FSBP, PublishedStandard.CIS_3_0],
                disabled_controls=["EC2.8"],
                parameters=[ControlParameter("IAM.1", "maxDays", ParameterType.INTEGER, 90)],
            ),
            ConfigurationPolicy("sandbox", security_hub_enabled=False),
        ],
        "associations": {PROD_OU: "production", SANDBOX_OU: "sandbox", "111111111111": SELF_MANAGED},
        **overrides,
    }
    return stack, ConfigurationPolicies(stack, "Policies", **props)


def test_synthesizes_one_resource_whose_properties_the_handler_reads_back():
    stack, construct = build()
    template = Template.from_stack(stack).to_json()
    (resource,) = [r for r in template["Resources"].values() if r["Type"] == "Custom::SecurityHubConfigurationPolicies"]
    properties = {k: v for k, v in resource["Properties"].items() if k not in ("ServiceToken", "ServiceTimeout")}
    assert parse_configuration_policies(properties) == construct.spec
    prod = construct.spec.policies[0]
    assert prod.standards == (
        "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0",
        "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/3.0.0",
    )
    assert properties["Regions"] == ["us-east-1"]


def test_a_parameter_type_given_as_its_string_is_the_same_declaration():
    as_string = ConfigurationPolicy(
        "production",
        standards=[PublishedStandard.FSBP],
        parameters=[ControlParameter("IAM.1", "maxDays", "Integer", 90)],
    )
    _, construct = build(policies=[as_string], associations={PROD_OU: "production"})
    (parameter,) = construct.spec.policies[0].parameters
    assert parameter == ControlParameter("IAM.1", "maxDays", ParameterType.INTEGER, 90)
    assert parameter.value_type is ParameterType.INTEGER


def test_a_string_type_checks_the_value_as_the_member_does():
    with pytest.raises(SecurityHubConfigurationError) as caught:
        build(
            policies=[
                ConfigurationPolicy(
                    "production",
                    standards=[PublishedStandard.FSBP],
                    parameters=[ControlParameter("IAM.1", "maxDays", "Integer", "90")],
                )
            ],
            associations={PROD_OU: "production"},
        )
    assert "parameter 'maxDays' of control IAM.1 is '90', which is not a Integer" in str(caught.value)


def test_every_problem_is_reported_at_once_with_the_value_and_the_fix():
    with pytest.raises(SecurityHubConfigurationError) as caught:
        build(
            configuration_type="LOCAL",
            policies=[
                ConfigurationPolicy("dup", standards=["arn:aws-cn:securityhub:cn-north-1::standards/x"]),
                ConfigurationPolicy(
                    "dup", standards=[PublishedStandard.FSBP], enabled_controls=[], disabled_controls=[]
                ),
            ],
            associations={"ou-bad": "dup", "999999999999": "dup"},
            invited_account_ids=["999999999999"],
        )
    message = str(caught.value)
    for expected in (
        "need CENTRAL configuration, not 'LOCAL'",
        "not a Security Hub standard ARN of the aws partition",
        "declared twice",
        "gives enabled_controls and disabled_controls",
        "'ou-bad' is not a root ID",
        "999999999999 was invited outside the organization",
    ):
        assert expected in message


def stage(**overrides):
    from cdk_securityhub_org import SecurityHubOrganization

    props = {
        "management_account_id": "000000000001",
        "administrator_account_id": ADMIN,
        "regions": ["us-east-1", "eu-west-1"],
        "home_region": "us-east-1",
        "configuration_type": "CENTRAL",
        "auto_enable": False,
        "auto_enable_standards": "NONE",
        "configuration_policies": [ConfigurationPolicy("sandbox", security_hub_enabled=False)],
        "policy_associations": {SANDBOX_OU: "sandbox"},
        **overrides,
    }
    return SecurityHubOrganization(cdk.App(), "SecurityHub", **props)


def test_the_stage_builds_the_policies_in_the_administrator_stack_after_the_organization_configuration():
    built = stage()
    assert built.configuration_policies is not None and built.organization_configuration is not None
    assert cdk.Stack.of(built.configuration_policies) is built.administrator_stack
    dependencies = built.configuration_policies.resource.node.dependencies
    assert built.organization_configuration.resource in dependencies


def test_the_stage_refuses_policies_without_central():
    with pytest.raises(SecurityHubConfigurationError, match="need CENTRAL configuration, not 'LOCAL'"):
        stage(configuration_type="LOCAL", auto_enable=True, auto_enable_standards="DEFAULT")
