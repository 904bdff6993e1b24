"""The footprint of the sample app: one Provider framework per stack, shared by the stack's custom resources, and
the least privilege that sharing keeps (the shared role allows the union of its resources' actions, each
resource's own policy exactly its kind's)."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from cdk_securityhub_org import MemberList, Members, OrganizationConfiguration
from cdk_securityhub_org.handler import registry
from cdk_securityhub_org.handler.kinds.members import permissions as members_permissions
from cdk_securityhub_org.handler.kinds.members.spec import parse_members
from cdk_securityhub_org.handler.kinds.organization_configuration import permissions as configuration_permissions
from cdk_securityhub_org.handler.kinds.organization_configuration.spec import parse_organization_configuration
from securityhub_templates import SynthesizedStack, delivered_properties

# Synthesizes CDK apps (shared per session) or runs the app.
pytestmark = pytest.mark.slow

IS_COMPLETE = registry.shared_handler(registry.IS_COMPLETE)
ON_EVENT = registry.shared_handler(registry.ON_EVENT)
# Issue 12's target for the sample app (app.py with examples/securityhub.yaml), over both stacks.
MAX_FUNCTIONS, MAX_STATE_MACHINES = 12, 2


def count(stacks: list[SynthesizedStack], resource_type: str) -> int:
    return sum(len(stack.of_type(resource_type)) for stack in stacks)


def test_the_sample_app_stays_within_the_target_footprint(sample_app):
    stacks = [sample_app.management, sample_app.administrator]
    functions = count(stacks, "AWS::Lambda::Function")
    state_machines = count(stacks, "AWS::StepFunctions::StateMachine")
    assert functions <= MAX_FUNCTIONS and state_machines <= MAX_STATE_MACHINES
    # Per stack: the shared onEvent and isComplete functions, the framework's onEvent, isComplete and onTimeout,
    # one waiter; their four log groups (the two handlers', the framework's, the waiter's).
    assert (functions, state_machines, count(stacks, "AWS::Logs::LogGroup")) == (10, 2, 8)


def test_every_custom_resource_of_a_stack_is_served_by_its_one_provider(sample_app):
    for stack in (sample_app.management, sample_app.administrator):
        tokens = {
            str(r["Properties"]["ServiceToken"])
            for r in stack.resources.values()
            if r["Type"] in {entry.resource_type for entry in registry.KINDS.values()}
        }
        assert len(tokens) == 1, stack.name
        stack.function_by_handler(IS_COMPLETE)  # exactly one each
        stack.function_by_handler(ON_EVENT)


def test_the_shared_role_allows_the_union_and_each_resource_policy_its_own_kind(sample_app):
    stack = sample_app.administrator
    members = parse_members(delivered_properties(stack.custom_resource(registry.MEMBERS.resource_type)))
    configuration = parse_organization_configuration(
        delivered_properties(stack.custom_resource(registry.ORGANIZATION_CONFIGURATION.resource_type))
    )
    own = {
        "Members": set(members_permissions.actions(members, members.member_list)),
        "OrganizationConfiguration": set(configuration_permissions.actions(configuration)),
    }
    assert {construct_id: stack.reconciler_actions(construct_id) for construct_id in own} == own
    assert own["Members"] != own["OrganizationConfiguration"]
    assert stack.handler_actions(IS_COMPLETE) == own["Members"] | own["OrganizationConfiguration"]
    assert stack.handler_actions(ON_EVENT) == set()


def test_the_shared_function_takes_the_largest_memory_and_names_each_resource_in_its_metrics():
    stack = cdk.Stack(cdk.App(), "Administrator", env=cdk.Environment(account="222222222222", region="us-east-1"))
    configuration = OrganizationConfiguration(stack, "OrganizationConfiguration", regions=["us-east-1"])
    members = Members(
        stack,
        "Members",
        member_list=MemberList.from_organization(),
        regions=["us-east-1"],
        reconciler_memory_size=1769,
    )
    synthesized = SynthesizedStack(cdk.assertions.Template.from_stack(stack).to_json())
    _, is_complete = synthesized.function_by_handler(IS_COMPLETE)
    assert is_complete["Properties"]["MemorySize"] == 1769
    assert synthesized.function_by_handler(ON_EVENT)[1]["Properties"]["MemorySize"] == 512
    variables = is_complete["Properties"]["Environment"]["Variables"]
    for construct in (configuration, members):
        logical_id = stack.get_logical_id(construct.resource.node.default_child)
        assert variables[registry.metrics_resource_variable(logical_id)] == construct.node.path
