"""Between deploys: drift repair on a schedule, enrollment of new organization accounts, and a failure alarm.

A deploy converges the live state once. ``DriftRepair`` adds a function that runs the same reconcile pass with the
last deployed declaration (the custom resource's own properties, carried in the EventBridge rule's target input):

- on a schedule (``drift_repair=events.Schedule.rate(Duration.hours(6))`` on the constructs);
- for ``Members`` with organization selectors, on the Organizations events of a new account
  (``enroll_new_accounts=True``): ``CreateAccountResult`` with state SUCCEEDED, and ``AcceptHandshake``.

It repairs what the declaration allows and fails the invocation, naming Regions and accounts, for what it cannot;
``failure_alarm=True`` adds an alarm on those failures. Its role gets the reconcile permissions of the resource
(the same policy as the deploy's isComplete function, derived by the kind's ``permissions`` module).

Organizations emits its events only in us-east-1, on the management account's default event bus. A rule elsewhere
(another Region, or the delegated administrator's account) receives them only when they are forwarded:
``OrganizationEventForwarding``, deployed in the management account in us-east-1, forwards them to the
administrator's default bus, and ``SecurityHubOrganization`` wires it when ``enroll_new_accounts`` is set. A
``Members`` enrollment rule that nothing in the app forwards to gets a synth warning naming the fix (acknowledge
``ENROLLMENT_WARNING`` when the events are forwarded outside the app).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam

from cdk_securityhub_org._provider import Reconciler, StackProvider, handler_function
from cdk_securityhub_org._validation import Problems, stack_account
from cdk_securityhub_org.handler import registry
from cdk_securityhub_org.handler.engine import metrics
from constructs import Construct, IConstruct

ORGANIZATIONS_EVENTS_REGION = "us-east-1"
ENROLLMENT_WARNING = "cdk-securityhub-org:enrollmentEventsNotForwarded"
REPAIR_TIMEOUT = cdk.Duration.minutes(15)
# A repair that fails would fail again at once: no retries. Enrollment events of a burst of new accounts queue up
# behind the one running repair (reserved concurrency 1) for up to this long; each repair enrols all of them.
REPAIR_EVENT_MAX_AGE = cdk.Duration.hours(6)


def organization_event_pattern() -> events.EventPattern:
    """A new account in the organization: created (CreateAccountResult SUCCEEDED) or joined by invitation
    (AcceptHandshake that succeeded). Both come from CloudTrail, with source aws.organizations."""
    return events.EventPattern(
        source=["aws.organizations"],
        detail={
            "$or": [
                {
                    "eventName": ["CreateAccountResult"],
                    "serviceEventDetails": {"createAccountStatus": {"state": ["SUCCEEDED"]}},
                },
                {"eventName": ["AcceptHandshake"], "errorCode": [{"exists": False}]},
            ]
        },
    )


class DriftRepair(Construct):
    """The drift-repair function of one custom resource, its schedule and enrollment rules, and its alarm.

    Built by the constructs (``drift_repair``, ``enroll_new_accounts``, ``failure_alarm`` props) as their child
    ``DriftRepair``; ``scope`` must already hold the resource's ``Reconciler``. ``organization_events_from``: the
    management account whose Organizations events trigger an enrollment repair (``None``: no enrollment rule).

    Attributes: ``function``, ``schedule_rule``, ``enrollment_rule`` and ``failure_alarm`` (``None`` when not
    asked for).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        kind: registry.KindEntry,
        properties: Mapping[str, Any],
        schedule: events.Schedule | None,
        organization_events_from: str | None = None,
        failure_alarm: bool = False,
    ) -> None:
        super().__init__(scope, id)
        reconciler = scope.node.find_child("Reconciler")
        assert isinstance(reconciler, Reconciler), "DriftRepair needs the resource's Reconciler beside it"
        resource_name = scope.node.path
        self.function = handler_function(
            self,
            "Repair",
            handler=registry.DRIFT_REPAIR_HANDLER,
            timeout=REPAIR_TIMEOUT,
            description=f"Repairs drift of the {kind.description} between deploys",
            environment={registry.METRICS_RESOURCE_VARIABLE: resource_name},
            memory_size=reconciler.memory_size,  # it runs the same pass
            log_settings=StackProvider.of(self).log_settings,
            # One repair at a time: a schedule tick and a burst of enrollment events never write concurrently.
            reserved_concurrent_executions=1,
            retry_attempts=0,
            max_event_age=REPAIR_EVENT_MAX_AGE,
        )
        reconciler.policy.attach_to_role(self.function.role)  # type: ignore[arg-type]
        self.function.node.add_dependency(reconciler.policy)

        def target(trigger: metrics.Trigger) -> targets.LambdaFunction:
            declaration = {"ResourceType": kind.resource_type, "ResourceProperties": dict(properties)}
            return targets.LambdaFunction(
                self.function, event=events.RuleTargetInput.from_object({**declaration, "Trigger": trigger.value})
            )

        self.schedule_rule: events.Rule | None = None
        self.enrollment_rule: events.Rule | None = None
        self.failure_alarm: cloudwatch.Alarm | None = None
        if schedule is not None:
            self.schedule_rule = events.Rule(
                self,
                "Schedule",
                schedule=schedule,
                description=f"Repairs drift of {resource_name}",
                targets=[target(metrics.Trigger.SCHEDULE)],
            )
        if organization_events_from is not None:
            self.enrollment_rule = events.Rule(
                self,
                "Enrollment",
                event_pattern=organization_event_pattern(),
                description=f"Enrols new organization accounts in {resource_name}",
                targets=[target(metrics.Trigger.ENROLLMENT)],
            )
            _allow_events_from(self, organization_events_from)
            cdk.Aspects.of(self).add(EnrollmentEventsCheck(self, organization_events_from))
        if failure_alarm:
            self.failure_alarm = cloudwatch.Alarm(
                self,
                "FailureAlarm",
                alarm_description=(
                    f"A drift repair of {resource_name} failed: something differs from the declaration and cannot"
                    f" be changed as declared. The function's log ({self.function.function_name}) names the Regions"
                    " and accounts."
                ),
                metric=self.function.metric_errors(period=cdk.Duration.minutes(5), statistic="Sum"),
                threshold=1,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            )


class BetweenDeploys:
    """The between-deploys props of a construct: checked with its other props, built after its resource."""

    def __init__(
        self,
        problems: Problems,
        *,
        drift_repair: object,
        failure_alarm: object,
        organization_events_from: str | None = None,
    ) -> None:
        if drift_repair is not None and not isinstance(drift_repair, events.Schedule):
            problems.add(
                "drift_repair",
                f"{drift_repair!r} is not a schedule; write events.Schedule.rate(Duration.hours(6)) or"
                " events.Schedule.expression('cron(0 6 * * ? *)')",
            )
        self.schedule = drift_repair if isinstance(drift_repair, events.Schedule) else None
        self.failure_alarm = problems.flag("failure_alarm", failure_alarm)
        self.organization_events_from = organization_events_from
        if self.failure_alarm and not self.wanted:
            problems.add(
                "failure_alarm",
                "watches the drift-repair function, and there is none; set drift_repair (or enroll_new_accounts)",
            )

    @property
    def wanted(self) -> bool:
        return self.schedule is not None or self.organization_events_from is not None

    def build(self, scope: Construct, kind: registry.KindEntry, properties: Mapping[str, Any]) -> DriftRepair | None:
        if not self.wanted:
            return None
        return DriftRepair(
            scope,
            "DriftRepair",
            kind=kind,
            properties=properties,
            schedule=self.schedule,
            organization_events_from=self.organization_events_from,
            failure_alarm=self.failure_alarm,
        )


# ------------------------------------------------------------------------------------- Organizations events routing


class OrganizationEventForwarding(Construct):
    """Forwards the new-account Organizations events from this stack's default event bus (the management account,
    us-east-1, where Organizations emits them) to the default bus of ``target_account`` in ``target_region``, where
    a ``Members`` construct with ``enroll_new_accounts`` listens.

    The receiving ``Members`` allows the management account to put events on its bus (``management_account_id``).

    Attribute: ``rule``.
    """

    def __init__(self, scope: Construct, id: str, *, target_account: str, target_region: str) -> None:
        super().__init__(scope, id)
        problems = Problems(self.node.path)
        self.target_account = problems.account_id("target_account", target_account)
        self.target_region = problems.region("target_region", target_region)
        stack = cdk.Stack.of(self)
        region = None if cdk.Token.is_unresolved(stack.region) else stack.region
        if region is not None and region != ORGANIZATIONS_EVENTS_REGION:
            problems.add(
                "scope",
                f"stack {stack.stack_name} is in {region}, but Organizations emits its events only in"
                f" {ORGANIZATIONS_EVENTS_REGION}; deploy this construct in a stack of the management account in"
                f" {ORGANIZATIONS_EVENTS_REGION}",
            )
        if region == target_region and stack_account(self) == target_account:
            problems.add("target_account", "is this stack's own account and Region: the rule needs no forwarding")
        problems.raise_if_any()
        target_bus = events.EventBus.from_event_bus_arn(
            self,
            "TargetBus",
            stack.format_arn(
                service="events",
                region=target_region,
                account=target_account,
                resource="event-bus",
                resource_name="default",
                arn_format=cdk.ArnFormat.SLASH_RESOURCE_NAME,
            ),
        )
        self.rule = events.Rule(
            self,
            "Rule",
            event_pattern=organization_event_pattern(),
            description=f"Forwards new-account events to account {target_account} in {target_region}",
            targets=[targets.EventBus(target_bus)],
        )


def _allow_events_from(scope: Construct, management_account_id: str) -> None:
    """On the receiving side: let the management account put (forward) events on this account's default bus.
    The management account itself needs no permission from itself."""
    if stack_account(scope) == management_account_id:
        return
    stack = cdk.Stack.of(scope)
    bus = stack.format_arn(
        service="events", resource="event-bus", resource_name="default", arn_format=cdk.ArnFormat.SLASH_RESOURCE_NAME
    )
    # Statement IDs are per bus: one per construct, so that two Members in one account do not collide.
    statement_id = "SecurityHubOrgEvents" + hashlib.sha256(scope.node.path.encode()).hexdigest()[:16]
    statement = iam.PolicyStatement(
        sid=statement_id,
        actions=["events:PutEvents"],
        principals=[iam.AccountPrincipal(management_account_id)],
        resources=[bus],
    )
    # The L1 class would do, but building it from Python warns about its deprecated Principal property.
    cdk.CfnResource(
        scope,
        "AllowOrganizationEvents",
        type="AWS::Events::EventBusPolicy",
        properties={"EventBusName": "default", "StatementId": statement_id, "Statement": statement.to_statement_json()},
    )


@jsii.implements(cdk.IAspect)
class EnrollmentEventsCheck:
    """Warns at synth when nothing in the app brings the Organizations events to ``repair``'s enrollment rule:
    the rule is not in the management account's us-east-1 bus, and no ``OrganizationEventForwarding`` targets its
    account and Region. Runs as an aspect, once the whole app is built (the forwarding may be built later)."""

    def __init__(self, repair: DriftRepair, management_account_id: str) -> None:
        self._repair = repair
        self._management = management_account_id

    def visit(self, node: IConstruct) -> None:
        if node.node.path != self._repair.node.path:
            return
        stack = cdk.Stack.of(self._repair)
        account, region = stack_account(self._repair), stack.region
        if account == self._management and region == ORGANIZATIONS_EVENTS_REGION:
            return
        forwarded = any(
            isinstance(c, OrganizationEventForwarding)
            and c.target_account == account
            and c.target_region == region
            and stack_account(c) == self._management
            for c in self._repair.node.root.node.find_all()
        )
        if forwarded:
            return
        where = "an unknown Region" if cdk.Token.is_unresolved(region) else region
        cdk.Annotations.of(self._repair).add_warning_v2(
            ENROLLMENT_WARNING,
            f"enroll_new_accounts: Organizations emits new-account events only in {ORGANIZATIONS_EVENTS_REGION},"
            f" on the default event bus of the management account {self._management}; this rule is in account"
            f" {account or 'unknown'}, {where}, and nothing in this app forwards the events there, so it will never"
            " fire. Add OrganizationEventForwarding(<stack of the management account in us-east-1>, ...,"
            f" target_account={account!r}, target_region={region!r}), or use SecurityHubOrganization, which wires"
            f" it; acknowledge {ENROLLMENT_WARNING} if the events are forwarded outside this app.",
        )
