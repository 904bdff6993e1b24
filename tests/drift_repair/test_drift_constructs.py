"""Between deploys in the synthesized templates: the drift-repair functions and their rules, the forwarding of the
Organizations events, the alarms and the dashboard; the props' validation and the us-east-1 warning."""

from __future__ import annotations

import json

import aws_cdk as cdk
import pytest
from aws_cdk import aws_events as events
from aws_cdk.assertions import Annotations, Match, Template
from cdk_securityhub_org import (
    DelegatedAdmin,
    MemberList,
    Members,
    OrganizationEventForwarding,
    SecurityHubConfigurationError,
    SecurityHubOrganization,
    load_config,
)
from cdk_securityhub_org.drift_repair import ENROLLMENT_WARNING
from cdk_securityhub_org.handler import registry
from drift_harness import ADMINISTRATOR, MANAGEMENT, SCHEDULED_HANDLER

pytestmark = pytest.mark.slow  # shares one synthesized app

SIX_HOURS = cdk.Duration.hours(6)


def template(stack: cdk.Stack) -> Template:
    return Template.from_stack(stack)


def custom_resource_properties(tpl: Template, resource_type: str) -> dict:
    (resource,) = tpl.find_resources(resource_type).values()
    return {k: v for k, v in resource["Properties"].items() if k not in ("ServiceToken", "ServiceTimeout")}


def rule_inputs(tpl: Template, **properties) -> list[dict]:
    rules = tpl.find_resources("AWS::Events::Rule", {"Properties": properties}).values()
    return [json.loads(t["Input"]) for rule in rules for t in rule["Properties"]["Targets"]]


def test_schedule_rules_carry_each_resource_properties_to_the_repair_function(between_deploys_app):
    stage = between_deploys_app.stage
    for stack, resource_type in (
        (stage.administrator_stack, "Custom::SecurityHubMembers"),
        (stage.administrator_stack, "Custom::SecurityHubOrganizationConfiguration"),
        (stage.management_stack, "Custom::SecurityHubDelegatedAdmin"),
    ):
        tpl = template(stack)
        inputs = [i for i in rule_inputs(tpl, ScheduleExpression="rate(6 hours)") if i["ResourceType"] == resource_type]
        assert inputs == [
            {
                "ResourceType": resource_type,
                "ResourceProperties": custom_resource_properties(tpl, resource_type),
                "Trigger": "schedule",
            }
        ]


def test_repair_function_runs_the_scheduled_handler_alone_without_retries(between_deploys_app):
    tpl = template(between_deploys_app.stage.administrator_stack)
    tpl.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Handler": SCHEDULED_HANDLER,
            "ReservedConcurrentExecutions": 1,
            "Timeout": 900,
            "Environment": {"Variables": {"METRICS_RESOURCE": "SecurityHub/Administrator/Members"}},
        },
    )
    tpl.resource_properties_count_is("AWS::Lambda::EventInvokeConfig", {"MaximumRetryAttempts": 0}, 2)
    # The deploy's passes name the same Resource dimension: the shared isComplete function keeps one variable per
    # resource it serves, keyed by the resource's logical ID (the event's LogicalResourceId).
    (members,) = tpl.find_resources(registry.MEMBERS.resource_type)
    tpl.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Handler": registry.shared_handler(registry.IS_COMPLETE),
            "Environment": {
                "Variables": Match.object_like(
                    {registry.metrics_resource_variable(members): "SecurityHub/Administrator/Members"}
                )
            },
        },
    )


def test_repair_function_shares_the_reconcile_policy_of_is_complete(between_deploys_app):
    tpl = template(between_deploys_app.stage.administrator_stack)
    functions = tpl.find_resources("AWS::Lambda::Function")
    roles_of = {f["Properties"]["Handler"]: f["Properties"]["Role"]["Fn::GetAtt"][0] for f in functions.values()}
    (policy,) = [
        p
        for lid, p in tpl.find_resources("AWS::IAM::Policy").items()
        if lid.startswith("MembersReconcilerIsCompletePolicy")
    ]
    assert sorted(r["Ref"] for r in policy["Properties"]["Roles"]) == sorted(
        [roles_of[registry.shared_handler(registry.IS_COMPLETE)], roles_of[SCHEDULED_HANDLER]]
    )


def test_enrollment_rule_matches_new_accounts_and_the_bus_accepts_the_management_account(between_deploys_app):
    tpl = template(between_deploys_app.stage.administrator_stack)
    (enrollment,) = rule_inputs(tpl, EventPattern=Match.object_like({"source": ["aws.organizations"]}))
    assert enrollment["Trigger"] == "enrollment"
    assert enrollment["ResourceType"] == "Custom::SecurityHubMembers"
    tpl.has_resource_properties(
        "AWS::Events::Rule",
        {
            "EventPattern": {
                "source": ["aws.organizations"],
                "detail": {
                    "$or": [
                        {
                            "eventName": ["CreateAccountResult"],
                            "serviceEventDetails": {"createAccountStatus": {"state": ["SUCCEEDED"]}},
                        },
                        {"eventName": ["AcceptHandshake"], "errorCode": [{"exists": False}]},
                    ]
                },
            }
        },
    )
    tpl.has_resource_properties(
        "AWS::Events::EventBusPolicy",
        {
            "EventBusName": "default",
            "Statement": Match.object_like(
                {
                    "Action": "events:PutEvents",
                    "Principal": {
                        "AWS": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, f":iam::{MANAGEMENT}:root"]]}
                    },
                }
            ),
        },
    )


def test_organization_events_are_forwarded_from_us_east_1_of_the_management_account(between_deploys_app):
    stage = between_deploys_app.stage
    forwarding = stage.organization_events_stack
    assert (forwarding.account, forwarding.region) == (MANAGEMENT, "us-east-1")
    assert stage.administrator_stack in forwarding.dependencies
    bus = {
        "Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, f":events:eu-west-1:{ADMINISTRATOR}:event-bus/default"]]
    }
    template(forwarding).has_resource_properties(
        "AWS::Events::Rule",
        {
            "EventPattern": Match.object_like({"source": ["aws.organizations"]}),
            "Targets": [Match.object_like({"Arn": bus})],
        },
    )


def test_failure_alarm_watches_each_repair_function(between_deploys_app):
    stage = between_deploys_app.stage
    for stack, count in ((stage.administrator_stack, 2), (stage.management_stack, 1)):
        tpl = template(stack)
        tpl.resource_properties_count_is(
            "AWS::CloudWatch::Alarm",
            {
                "MetricName": "Errors",
                "Namespace": "AWS/Lambda",
                "Statistic": "Sum",
                "Threshold": 1,
                "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                "TreatMissingData": "notBreaching",
            },
            count,
        )
    assert stage.members.drift_repair.failure_alarm is not None


def test_dashboard_shows_membership_and_drift_per_region(between_deploys_app):
    tpl = template(between_deploys_app.stage.administrator_stack)
    (dashboard,) = tpl.find_resources("AWS::CloudWatch::Dashboard").values()
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    for region in ("us-east-1", "eu-west-1"):
        assert f"members in {region}" in body
    for metric in ("MembersEnabled", "MembersInvited", "MembersRemoved", "Repaired", "Failures"):
        assert metric in body
    assert "SecurityHub/Administrator/Members" in body and "SecurityHub/Administrator/OrganizationConfiguration" in body


def test_cdk_nag_accepts_the_stage(between_deploys_app):
    stage = between_deploys_app.stage
    for stack in (stage.management_stack, stage.administrator_stack, stage.organization_events_stack):
        errors = Annotations.from_stack(stack).find_error("*", Match.string_like_regexp("AwsSolutions-.*"))
        assert errors == [], [e.entry.data for e in errors]


def test_enrollment_without_forwarding_warns_with_the_fix(between_deploys_app):
    warnings = Annotations.from_stack(between_deploys_app.unforwarded).find_warning(
        "/Unforwarded/Members/DriftRepair", Match.string_like_regexp("only in us-east-1")
    )
    (warning,) = warnings
    message = warning.entry.data
    assert "OrganizationEventForwarding" in message and "target_account='333333333333'" in message
    assert ENROLLMENT_WARNING in message
    forwarded = between_deploys_app.stage.administrator_stack
    assert Annotations.from_stack(forwarded).find_warning("*", Match.string_like_regexp("only in us-east-1")) == []


# --------------------------------------------------------------------------------- construction only (no synth)


def stack(account: str = ADMINISTRATOR, region: str = "eu-west-1") -> cdk.Stack:
    return cdk.Stack(cdk.App(), "Stack", env=cdk.Environment(account=account, region=region))


@pytest.mark.parametrize(
    ("props", "problem"),
    [
        ({"failure_alarm": True}, "failure_alarm: watches the drift-repair function, and there is none"),
        ({"drift_repair": "rate(6 hours)"}, "drift_repair: 'rate(6 hours)' is not a schedule"),
        (
            {
                "enroll_new_accounts": True,
                "management_account_id": MANAGEMENT,
                "member_list": MemberList.from_accounts(["444455556666"]),
            },
            "the member list has no organization selector",
        ),
        ({"enroll_new_accounts": True}, "management_account_id: is needed with enroll_new_accounts"),
    ],
)
def test_between_deploys_props_are_validated(props, problem):
    arguments = {"member_list": MemberList.from_organization(), "regions": ["eu-west-1"], **props}
    with pytest.raises(SecurityHubConfigurationError) as caught:
        Members(stack(), "Members", **arguments)
    assert problem in str(caught.value)


def test_forwarding_outside_us_east_1_is_refused():
    with pytest.raises(SecurityHubConfigurationError, match="Organizations emits its events only in us-east-1"):
        OrganizationEventForwarding(
            stack(MANAGEMENT, "eu-west-1"), "Forwarding", target_account=ADMINISTRATOR, target_region="eu-west-1"
        )


def test_stage_in_us_east_1_forwards_from_the_management_stack_and_needs_no_third_stack():
    stage = SecurityHubOrganization(
        cdk.App(),
        "SecurityHub",
        management_account_id=MANAGEMENT,
        administrator_account_id=ADMINISTRATOR,
        regions=["us-east-1"],
        member_list=MemberList.from_organization(),
        enroll_new_accounts=True,
    )
    assert stage.organization_events_stack is None
    forwarding = stage.management_stack.node.find_child("OrganizationEventForwarding")
    assert (forwarding.target_account, forwarding.target_region) == (ADMINISTRATOR, "us-east-1")
    assert stage.members.drift_repair.schedule_rule is None and stage.members.drift_repair.enrollment_rule


def test_delegated_admin_drift_repair_is_optional():
    management = stack(MANAGEMENT, "us-east-1")
    quiet = DelegatedAdmin(management, "Quiet", admin_account_id=ADMINISTRATOR, regions=["us-east-1"])
    repaired = DelegatedAdmin(
        management,
        "Repaired",
        admin_account_id=ADMINISTRATOR,
        regions=["us-east-1"],
        drift_repair=events.Schedule.rate(SIX_HOURS),
    )
    assert quiet.drift_repair is None
    assert repaired.drift_repair.schedule_rule is not None and repaired.drift_repair.failure_alarm is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("drift_repair: every 6 hours\n", "drift_repair: is 'every 6 hours' (str); write an EventBridge schedule"),
        ("drift_repair: rate(1 hours)\n", "drift_repair: is 'rate(1 hours)' (str)"),
        ("enroll_new_accounts: yes please\n", "enroll_new_accounts: is 'yes please' (str); write true or false"),
    ],
)
def test_yaml_between_deploys_keys_are_validated(tmp_path, text, problem):
    path = tmp_path / "securityhub.yaml"
    path.write_text(
        'management_account_id: "000000000001"\nadministrator_account_id: "000000000002"\nregions: [us-east-1]\n' + text
    )
    with pytest.raises(SecurityHubConfigurationError) as caught:
        load_config(path)
    assert problem in str(caught.value)


def test_yaml_schedule_becomes_the_rule_schedule():
    from drift_harness import CONFIG

    config = load_config(CONFIG)
    assert config.drift_repair.expression_string == "rate(6 hours)"
    assert (config.failure_alarm, config.enroll_new_accounts, config.dashboard) == (True, True, True)


def test_the_reconcile_memory_size_is_given_to_is_complete_and_the_repair_function_alike():
    stack = cdk.Stack(cdk.App(), "Large", env=cdk.Environment(account=ADMINISTRATOR, region="us-east-1"))
    Members(
        stack,
        "Members",
        member_list=MemberList.from_organization(),
        regions=["us-east-1"],
        drift_repair=events.Schedule.rate(SIX_HOURS),
        reconciler_memory_size=1769,
    )
    functions = template(stack).find_resources("AWS::Lambda::Function")
    memory = {f["Properties"]["Handler"]: f["Properties"].get("MemorySize") for f in functions.values()}
    assert memory[registry.shared_handler(registry.IS_COMPLETE)] == 1769
    assert memory[SCHEDULED_HANDLER] == 1769
    assert memory[registry.shared_handler(registry.ON_EVENT)] == 512  # it only validates
