"""InvitationAccepter: the custom resource, its handlers and their permissions."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Template
from cdk_securityhub_org.handler import registry
from cdk_securityhub_org.handler.kinds.invitation_accepter import permissions
from cdk_securityhub_org.handler.kinds.invitation_accepter.spec import parse_invitation_accepter
from securityhub_templates import delivered_properties, expect_reconciler, rendered

# Synthesizes CDK apps (shared per session) or runs the app.
pytestmark = pytest.mark.slow

TYPE = "Custom::SecurityHubInvitationAccepter"
IS_COMPLETE = registry.shared_handler(registry.IS_COMPLETE)
ON_EVENT = registry.shared_handler(registry.ON_EVENT)


def test_properties_name_the_administrator_and_the_member_account(variants):
    resource = variants.stacks["Invited"].custom_resource(TYPE)
    assert delivered_properties(resource) == {
        "Regions": ["us-east-1", "eu-west-1"],
        "OnRegionUnavailable": "FAIL",
        "RemovalPolicy": "DESTROY",
        "ExpectedAccount": "333333333333",
        "AdministratorAccountId": "222222222222",
    }
    assert resource["DeletionPolicy"] == "Delete"
    assert resource["Properties"]["ServiceTimeout"] == "3600"


def test_is_complete_gets_exactly_the_derived_actions_on_its_own_hubs(variants):
    stack = variants.stacks["Invited"]
    spec = parse_invitation_accepter(delivered_properties(stack.custom_resource(TYPE)))
    assert stack.handler_actions(IS_COMPLETE) == permissions.actions(spec)
    assert "securityhub:DisassociateFromAdministratorAccount" in stack.handler_actions(IS_COMPLETE)
    assert stack.handler_actions(ON_EVENT) == set()
    (on_hub,) = [s for s in stack.handler_statements(IS_COMPLETE) if s.get("Sid") == "OnOwnHub"]
    # DESTROY: a Region dropped on Update is released under the updated policy, so every Region's own hub.
    assert rendered(on_hub["Resource"]) == "arn:${AWS::Partition}:securityhub:*:333333333333:hub/default"


def test_synthesized_resources(variants):
    expect_reconciler(
        Template.from_json(variants.stacks["Invited"].template),
        TYPE,
        "invitation_accepter",
        deletion_policy="Delete",
        AdministratorAccountId="222222222222",
        ExpectedAccount="333333333333",
    )
