"""DelegatedAdmin: the custom resource, its handlers and their permissions."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Template
from cdk_securityhub_org.handler import registry
from cdk_securityhub_org.handler.kinds.delegated_admin import permissions
from cdk_securityhub_org.handler.kinds.delegated_admin.spec import parse_delegated_admin
from securityhub_templates import as_list, delivered_properties, expect_reconciler, rendered

# Synthesizes CDK apps (shared per session) or runs the app.
pytestmark = pytest.mark.slow

TYPE = "Custom::SecurityHubDelegatedAdmin"
IS_COMPLETE = registry.shared_handler(registry.IS_COMPLETE)
ON_EVENT = registry.shared_handler(registry.ON_EVENT)


def test_default_declaration_retains_the_designation(sample_app):
    resource = sample_app.management.custom_resource(TYPE)
    properties = {k: v for k, v in resource["Properties"].items() if k != "ServiceToken"}
    assert properties == {
        "ServiceTimeout": "3600",
        "Regions": ["us-east-1", "us-west-2", "eu-west-1"],
        "OnRegionUnavailable": "FAIL",
        "RemovalPolicy": "RETAIN",
        "ExpectedAccount": "000000000001",
        "AdminAccountId": "000000000002",
        "AllowReplace": False,
        "EnableInManagementAccount": True,
    }
    assert resource["DeletionPolicy"] == resource["UpdateReplacePolicy"] == "Retain"


def test_destroy_is_both_the_deletion_policy_and_the_property(variants):
    resource = variants.stacks["Management"].custom_resource(TYPE)
    assert resource["DeletionPolicy"] == "Delete"
    assert resource["Properties"]["RemovalPolicy"] == "DESTROY"
    assert resource["Properties"]["AllowReplace"] is True
    assert resource["Properties"]["OnRegionUnavailable"] == "SKIP"


def test_handlers_run_on_python_arm64_with_the_documented_limits(sample_app):
    for handler, timeout in ((ON_EVENT, 60), (IS_COMPLETE, 900)):
        _, function = sample_app.management.function_by_handler(handler)
        properties = function["Properties"]
        assert (properties["Runtime"], properties["Architectures"], properties["MemorySize"]) == (
            "python3.14",
            ["arm64"],
            512,
        )
        assert properties["Timeout"] == timeout


def test_on_event_may_only_write_its_logs(sample_app):
    assert sample_app.management.handler_actions(ON_EVENT) == set()


def test_is_complete_gets_exactly_the_actions_derived_from_the_declaration(sample_app, variants):
    for stack in (sample_app.management, variants.stacks["Management"]):
        spec = parse_delegated_admin(delivered_properties(stack.custom_resource(TYPE)))
        assert stack.handler_actions(IS_COMPLETE) == permissions.actions(spec)
    assert "securityhub:DisableOrganizationAdminAccount" in variants.stacks["Management"].handler_actions(IS_COMPLETE)
    assert "securityhub:DisableOrganizationAdminAccount" not in sample_app.management.handler_actions(IS_COMPLETE)


def test_security_hub_actions_are_scoped_to_the_hub_in_each_declared_region(sample_app):
    statements = sample_app.management.handler_statements(IS_COMPLETE)
    (on_hub,) = [s for s in statements if s.get("Sid") == "OnOwnHub"]
    assert sorted(rendered(r) for r in on_hub["Resource"]) == [
        "arn:${AWS::Partition}:securityhub:eu-west-1:000000000001:hub/default",
        "arn:${AWS::Partition}:securityhub:us-east-1:000000000001:hub/default",
        "arn:${AWS::Partition}:securityhub:us-west-2:000000000001:hub/default",
    ]
    assert all(a.startswith("securityhub:") for a in as_list(on_hub["Action"]))


def test_under_destroy_the_own_hub_is_named_in_every_region(variants):
    # An Update that drops a Region releases it there, under the updated policy that no longer lists it.
    statements = variants.stacks["Management"].handler_statements(IS_COMPLETE)
    (on_hub,) = [s for s in statements if s.get("Sid") == "OnOwnHub"]
    assert rendered(on_hub["Resource"]) == "arn:${AWS::Partition}:securityhub:*:111111111111:hub/default"


def test_organizations_calls_are_limited_to_registering_security_hub_for_the_declared_admin(variants):
    statements = {s.get("Sid"): s for s in variants.stacks["Management"].handler_statements(IS_COMPLETE)}
    register = statements["RegisterDelegatedAdministrator"]
    assert (
        rendered(register["Resource"]) == "arn:${AWS::Partition}:organizations::111111111111:account/o-*/222222222222"
    )
    trust = statements["TrustSecurityHubInOrganizations"]
    for statement in (register, trust):
        assert statement["Condition"] == {
            "StringEquals": {"organizations:ServicePrincipal": "securityhub.amazonaws.com"}
        }


def test_provider_polls_every_30_seconds_for_at_most_an_hour(sample_app):
    (machine,) = sample_app.management.of_type("AWS::StepFunctions::StateMachine").values()
    definition = rendered(machine["Properties"]["DefinitionString"])
    assert '"IntervalSeconds":30' in definition
    assert '"MaxAttempts":120' in definition
    assert machine["Properties"]["LoggingConfiguration"]["Level"] == "ALL"


def test_synthesized_resources(sample_app, variants):
    expect_reconciler(
        Template.from_json(sample_app.management.template),
        TYPE,
        "delegated_admin",
        deletion_policy="Retain",
        AdminAccountId="000000000002",
        ExpectedAccount="000000000001",
        RemovalPolicy="RETAIN",
    )
    expect_reconciler(
        Template.from_json(variants.stacks["Management"].template),
        TYPE,
        "delegated_admin",
        deletion_policy="Delete",
        AllowReplace=True,
        RemovalPolicy="DESTROY",
    )
