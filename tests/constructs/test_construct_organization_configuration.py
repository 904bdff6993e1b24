"""OrganizationConfiguration: the custom resource, its handlers and their permissions."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Template
from cdk_securityhub_org.handler import registry
from cdk_securityhub_org.handler.kinds.organization_configuration import permissions
from cdk_securityhub_org.handler.kinds.organization_configuration.spec import parse_organization_configuration
from securityhub_templates import as_list, delivered_properties, expect_reconciler, rendered

# Synthesizes CDK apps (shared per session) or runs the app.
pytestmark = pytest.mark.slow

TYPE = "Custom::SecurityHubOrganizationConfiguration"
IS_COMPLETE = registry.shared_handler(registry.IS_COMPLETE)
ON_EVENT = registry.shared_handler(registry.ON_EVENT)


def test_sample_declares_local_configuration_with_an_aggregator_in_the_home_region(sample_app):
    resource = sample_app.administrator.custom_resource(TYPE)
    assert delivered_properties(resource) == {
        "Regions": ["us-east-1", "us-west-2", "eu-west-1"],
        "OnRegionUnavailable": "FAIL",
        "RemovalPolicy": "RETAIN",
        "ExpectedAccount": "000000000002",
        "AutoEnable": "true",
        "AutoEnableStandards": "DEFAULT",
        "ConfigurationType": "LOCAL",
        "HomeRegion": "us-east-1",
        "RegionLinkingMode": "SPECIFIED_REGIONS",
        "LinkedRegions": ["us-west-2", "eu-west-1"],
    }
    assert resource["Properties"]["ServiceTimeout"] == "3600"
    assert resource["DeletionPolicy"] == "Retain"


def test_central_configuration(variants):
    resource = variants.stacks["Central"].custom_resource(TYPE)
    properties = delivered_properties(resource)
    assert (properties["ConfigurationType"], properties["AutoEnable"], properties["AutoEnableStandards"]) == (
        "CENTRAL",
        "false",
        "NONE",
    )
    assert properties["LinkedRegions"] == ["eu-west-1", "ap-southeast-2"]
    assert resource["DeletionPolicy"] == "Delete"


def test_is_complete_gets_exactly_the_actions_derived_from_the_declaration(sample_app, variants):
    for stack in (sample_app.administrator, variants.stacks["Central"]):
        spec = parse_organization_configuration(delivered_properties(stack.custom_resource(TYPE)))
        # The resource's own policy; the stack's shared isComplete role carries it beside its other resources'.
        assert stack.reconciler_actions("OrganizationConfiguration") == permissions.actions(spec)
        assert stack.reconciler_actions("OrganizationConfiguration") <= stack.handler_actions(IS_COMPLETE)
    assert "securityhub:DeleteFindingAggregator" in variants.stacks["Central"].handler_actions(IS_COMPLETE)
    assert "securityhub:DeleteFindingAggregator" not in sample_app.administrator.handler_actions(IS_COMPLETE)
    assert sample_app.administrator.handler_actions(ON_EVENT) == set()


def test_aggregator_actions_are_scoped_to_the_accounts_aggregator(variants):
    statements = {s["Sid"]: s for s in variants.stacks["Central"].handler_statements(IS_COMPLETE) if "Sid" in s}
    aggregator = statements["OnOwnFindingAggregator"]
    assert rendered(aggregator["Resource"]) == "arn:${AWS::Partition}:securityhub:*:222222222222:finding-aggregator/*"
    assert set(as_list(aggregator["Action"])) == {
        "securityhub:GetFindingAggregator",
        "securityhub:UpdateFindingAggregator",
        "securityhub:DeleteFindingAggregator",
    }
    unscoped = statements["OnAnyResource"]
    assert unscoped["Resource"] == "*"
    assert set(as_list(unscoped["Action"])) == {
        "securityhub:CreateFindingAggregator",
        "securityhub:ListFindingAggregators",
        # DESTROY under CENTRAL removes the associations and the owned policies before central stops.
        "securityhub:ListConfigurationPolicyAssociations",
        "securityhub:StartConfigurationPolicyDisassociation",
        "securityhub:ListConfigurationPolicies",
        "securityhub:DeleteConfigurationPolicy",
    }
    # DESTROY: a Region dropped on Update is released under the updated policy, so every Region's own hub.
    assert (
        rendered(statements["OnOwnHub"]["Resource"]) == "arn:${AWS::Partition}:securityhub:*:222222222222:hub/default"
    )


def test_synthesized_resources(sample_app, variants):
    expect_reconciler(
        Template.from_json(sample_app.administrator.template),
        TYPE,
        "organization_configuration",
        deletion_policy="Retain",
        ConfigurationType="LOCAL",
        HomeRegion="us-east-1",
    )
    expect_reconciler(
        Template.from_json(variants.stacks["Central"].template),
        TYPE,
        "organization_configuration",
        deletion_policy="Delete",
        ConfigurationType="CENTRAL",
        AutoEnable=False,
    )
