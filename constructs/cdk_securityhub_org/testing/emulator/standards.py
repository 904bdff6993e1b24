"""The Security Hub operations on security standards and security controls in one account and Region:
DescribeStandards, GetEnabledStandards, BatchEnableStandards, BatchDisableStandards,
ListSecurityControlDefinitions and BatchGetSecurityControls (the catalog is in ``catalog.py``).

Under central configuration a centrally managed account cannot change its own standards: only the delegated
administrator's configuration policy does.
"""

from __future__ import annotations

from typing import Any

from .base import RequestContext, ServiceError, max_results, offset_page
from .catalog import CONTROL_PARAMETERS, SECURITY_CONTROLS, STANDARDS, Standard, standard_for_arn
from .world import Hub, World


def _invalid_input(message: str) -> ServiceError:
    return ServiceError("InvalidInputException", message)


def refuse_if_centrally_managed(world: World, ctx: RequestContext) -> None:
    """Refuse a change of the caller's own Security Hub settings in a Region where a policy governs it."""
    # Security Hub user guide, "Choosing the management type of accounts and OUs": only the delegated
    # administrator can configure Security Hub settings for centrally managed accounts.
    policy = world.governing_policy(ctx.account, ctx.region)
    if policy is not None:
        raise _invalid_input(
            f"Account {ctx.account} is centrally managed by configuration policy {policy.name} ({policy.id}); "
            "only the delegated administrator can change its Security Hub settings, standards and controls"
        )


class StandardsOperations:
    """Handlers for standards and controls, registered into the Security Hub service's operation table."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.operations = {
            "DescribeStandards": self.describe_standards,
            "GetEnabledStandards": self.get_enabled_standards,
            "BatchEnableStandards": self.batch_enable_standards,
            "BatchDisableStandards": self.batch_disable_standards,
            "ListSecurityControlDefinitions": self.list_security_control_definitions,
            "BatchGetSecurityControls": self.batch_get_security_controls,
        }

    def _subscribed_hub(self, ctx: RequestContext) -> Hub:
        hub = self.world.hub(ctx.account, ctx.region)
        if not hub.enabled:
            raise ServiceError(
                "InvalidAccessException", f"Account {ctx.account} is not subscribed to AWS Security Hub in {ctx.region}"
            )
        return hub

    def _subscription(self, ctx: RequestContext, standard: Standard) -> dict[str, Any]:
        return {
            "StandardsSubscriptionArn": standard.subscription_arn(ctx.account, ctx.region),
            "StandardsArn": standard.arn(ctx.region),
            "StandardsInput": {},
            "StandardsStatus": "READY",
            "StandardsControlsUpdatable": "READY_FOR_UPDATES",
            "Provider": "AWS",
        }

    def describe_standards(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        page, token = offset_page(list(STANDARDS.values()), params, max_results(params, 100, 100))
        return {
            "Standards": [
                {
                    "StandardsArn": s.arn(ctx.region),
                    "Name": s.name,
                    "Description": s.name,
                    "EnabledByDefault": s.enabled_by_default,
                    "Provider": "AWS",
                }
                for s in page
            ],
            "NextToken": token,
        }

    def get_enabled_standards(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        hub = self._subscribed_hub(ctx)
        wanted = params.get("StandardsSubscriptionArns")
        enabled = [STANDARDS[key] for key in STANDARDS if key in hub.standards]
        if wanted is not None:
            enabled = [s for s in enabled if s.subscription_arn(ctx.account, ctx.region) in wanted]
        page, token = offset_page(enabled, params, max_results(params, 100, 100))
        return {"StandardsSubscriptions": [self._subscription(ctx, s) for s in page], "NextToken": token}

    def batch_enable_standards(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        hub = self._subscribed_hub(ctx)
        refuse_if_centrally_managed(self.world, ctx)
        standards = []
        for request in params["StandardsSubscriptionRequests"]:
            standard = standard_for_arn(request["StandardsArn"], ctx.region)
            if standard is None:
                raise _invalid_input(
                    f"{request['StandardsArn']} is not a standard ARN in {ctx.region}; see DescribeStandards"
                )
            standards.append(standard)
        for standard in standards:
            hub.standards.setdefault(standard.key, ctx.now)
        return {"StandardsSubscriptions": [self._subscription(ctx, s) for s in standards]}

    def batch_disable_standards(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        hub = self._subscribed_hub(ctx)
        refuse_if_centrally_managed(self.world, ctx)
        by_subscription = {s.subscription_arn(ctx.account, ctx.region): s for s in STANDARDS.values()}
        standards = []
        for arn in params["StandardsSubscriptionArns"]:
            standard = by_subscription.get(arn)
            if standard is None or standard.key not in hub.standards:
                raise _invalid_input(f"{arn} is not an enabled standards subscription of account {ctx.account}")
            standards.append(standard)
        for standard in standards:
            hub.standards.pop(standard.key, None)
        return {
            "StandardsSubscriptions": [{**self._subscription(ctx, s), "StandardsStatus": "DELETING"} for s in standards]
        }

    def list_security_control_definitions(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        page, token = offset_page(sorted(SECURITY_CONTROLS), params, max_results(params, 100, 100))
        return {
            "SecurityControlDefinitions": [
                {
                    "SecurityControlId": control_id,
                    "Title": SECURITY_CONTROLS[control_id][0],
                    "Description": SECURITY_CONTROLS[control_id][0],
                    "RemediationUrl": f"https://docs.aws.amazon.com/console/securityhub/{control_id}/remediation",
                    "SeverityRating": SECURITY_CONTROLS[control_id][1],
                    "CurrentRegionAvailability": "AVAILABLE",
                }
                for control_id in page
            ],
            "NextToken": token,
        }

    def batch_get_security_controls(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        hub = self._subscribed_hub(ctx)
        controls, unprocessed = [], []
        for control_id in params["SecurityControlIds"]:
            if control_id not in SECURITY_CONTROLS:
                unprocessed.append(
                    {"SecurityControlId": control_id, "ErrorCode": "NOT_FOUND", "ErrorReason": "No such control"}
                )
                continue
            title, severity = SECURITY_CONTROLS[control_id]
            custom = hub.control_parameters.get(control_id, {})
            parameters = {
                name: {
                    "ValueType": "CUSTOM" if name in custom else "DEFAULT",
                    "Value": {value_type: custom.get(name, default)},
                }
                for name, (value_type, default) in CONTROL_PARAMETERS.get(control_id, {}).items()
            }
            controls.append(
                {
                    "SecurityControlId": control_id,
                    "SecurityControlArn": f"arn:aws:securityhub:{ctx.region}:{ctx.account}:security-control/{control_id}",
                    "Title": title,
                    "Description": title,
                    "RemediationUrl": f"https://docs.aws.amazon.com/console/securityhub/{control_id}/remediation",
                    "SeverityRating": severity,
                    "SecurityControlStatus": "DISABLED" if control_id in hub.disabled_controls else "ENABLED",
                    "UpdateStatus": "READY",
                    **({"Parameters": parameters} if parameters else {}),
                }
            )
        return {"SecurityControls": controls, "UnprocessedIds": unprocessed}
