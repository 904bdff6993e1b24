"""What every construct's custom resource is built from: the handler asset, the onEvent and isComplete functions,
the Provider framework, the custom resource itself, and least-privilege IAM statements from the actions each kind's
``permissions`` module derives. Kinds and their handler strings come from ``cdk_securityhub_org.handler.registry``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import custom_resources as cr

import cdk_securityhub_org.handler
from cdk_securityhub_org.handler import registry
from cdk_securityhub_org.handler.engine.declaration import RemovalPolicy, Scope
from constructs import Construct, IConstruct

HANDLER_PACKAGE = Path(cdk_securityhub_org.handler.__file__).parent
DEFAULT_MEMORY_MB = 512
"""Of every handler function; the functions that run reconcile passes can be given more (``Reconciler``)."""

# cdk-nag's AwsSolutions-L1 accepts only the newest Python runtime that aws-cdk-lib knows (python3.14 in 2.275).
RUNTIME = lambda_.Runtime.PYTHON_3_14
# The Provider framework polls isComplete every QUERY_INTERVAL until TOTAL_TIMEOUT; CloudFormation waits as long.
QUERY_INTERVAL = cdk.Duration.seconds(30)
TOTAL_TIMEOUT = cdk.Duration.hours(1)
LOG_RETENTION = logs.RetentionDays.ONE_YEAR


@jsii.implements(cdk.ILocalBundling)
class _CopyHandlerPackage:
    """Bundles the handler package without Docker: the asset root gets ``cdk_securityhub_org/handler/`` (the installed import path, so handler strings read the same), and no byte
    code, so the asset hash depends on the source alone and is the same on every machine."""

    # jsii passes the bundling options positionally, the generated protocol declares them as keywords: take both.
    def try_bundle(self, output_dir: str, *_options: Any, **_keywords: Any) -> bool:
        shutil.copytree(
            HANDLER_PACKAGE,
            Path(output_dir).joinpath(*registry.PACKAGE.split(".")),
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
        return True


def handler_code() -> lambda_.Code:
    return lambda_.Code.from_asset(
        str(HANDLER_PACKAGE),
        # OUTPUT: hash what is shipped, so a __pycache__ beside the source does not change the hash.
        asset_hash_type=cdk.AssetHashType.OUTPUT,
        bundling=cdk.BundlingOptions(image=RUNTIME.bundling_image, local=_CopyHandlerPackage()),
    )


# ------------------------------------------------------------------------------------------------------------ IAM

# Where IAM authorizes each action the handlers call (Service Authorization Reference for Security Hub,
# Organizations and S3). Security Hub authorizes most calls on the caller's hub, one per Region.
_ON_HUB = "hub"
_ON_FINDING_AGGREGATOR = "finding-aggregator"
_ON_DELEGATED_ACCOUNT = "delegated-account"
_ON_MEMBER_LIST_OBJECT = "member-list-object"
_ON_ANY = "any"  # granted on "*": the action has no resource type, or one whose ARN is unknown at synth time
_DESIGNATION_ACTIONS = frozenset(
    {"organizations:EnableAWSServiceAccess", "organizations:RegisterDelegatedAdministrator"}
)

_AUTHORIZED_ON = {
    "securityhub:AcceptAdministratorInvitation": _ON_HUB,
    "securityhub:CreateMembers": _ON_HUB,
    "securityhub:DeleteMembers": _ON_HUB,
    "securityhub:DescribeHub": _ON_HUB,
    "securityhub:DescribeOrganizationConfiguration": _ON_HUB,
    "securityhub:DisableOrganizationAdminAccount": _ON_HUB,
    "securityhub:DisassociateFromAdministratorAccount": _ON_HUB,
    "securityhub:DisassociateMembers": _ON_HUB,
    "securityhub:EnableOrganizationAdminAccount": _ON_HUB,
    "securityhub:EnableSecurityHub": _ON_HUB,
    "securityhub:GetAdministratorAccount": _ON_HUB,
    "securityhub:InviteMembers": _ON_HUB,
    "securityhub:ListInvitations": _ON_HUB,
    "securityhub:ListMembers": _ON_HUB,
    "securityhub:ListOrganizationAdminAccounts": _ON_HUB,
    "securityhub:UpdateOrganizationConfiguration": _ON_HUB,
    "securityhub:GetFindingAggregator": _ON_FINDING_AGGREGATOR,
    "securityhub:UpdateFindingAggregator": _ON_FINDING_AGGREGATOR,
    "securityhub:DeleteFindingAggregator": _ON_FINDING_AGGREGATOR,
    "securityhub:CreateFindingAggregator": _ON_ANY,
    "securityhub:ListFindingAggregators": _ON_ANY,
    "organizations:ListAccounts": _ON_ANY,
    # Typed on the root or OU ARN, which embeds the organization ID: unknown at synth time.
    "organizations:ListAccountsForParent": _ON_ANY,
    "organizations:ListOrganizationalUnitsForParent": _ON_ANY,
    "organizations:EnableAWSServiceAccess": _ON_ANY,
    "organizations:RegisterDelegatedAdministrator": _ON_DELEGATED_ACCOUNT,
    # The Organizations policy kind: roots, policies and their targets are typed on ARNs that embed the
    # organization ID and IDs Organizations generates, none known at synth time.
    "organizations:ListRoots": _ON_ANY,
    "organizations:ListAWSServiceAccessForOrganization": _ON_ANY,
    "organizations:ListPolicies": _ON_ANY,
    "organizations:DescribePolicy": _ON_ANY,
    "organizations:ListTargetsForPolicy": _ON_ANY,
    "organizations:EnablePolicyType": _ON_ANY,
    "organizations:CreatePolicy": _ON_ANY,
    "organizations:UpdatePolicy": _ON_ANY,
    "organizations:AttachPolicy": _ON_ANY,
    "organizations:DetachPolicy": _ON_ANY,
    "organizations:DeletePolicy": _ON_ANY,
    "s3:GetObject": _ON_MEMBER_LIST_OBJECT,
}

_WHY_ANY = {
    "securityhub:CreateFindingAggregator": "has no resource type",
    "securityhub:ListFindingAggregators": "has no resource type",
    "organizations:ListAccounts": "has no resource type",
    "organizations:ListAccountsForParent": "is typed on root/OU ARNs that embed the organization ID",
    "organizations:ListOrganizationalUnitsForParent": "is typed on root/OU ARNs that embed the organization ID",
    "organizations:ListRoots": "has no resource type",
    "organizations:ListAWSServiceAccessForOrganization": "has no resource type",
    "organizations:ListPolicies": "has no resource type",
    "organizations:DescribePolicy": "is typed on policy ARNs that embed the organization and policy IDs",
    "organizations:ListTargetsForPolicy": "is typed on policy ARNs that embed the organization and policy IDs",
    "organizations:EnablePolicyType": "is typed on the root ARN, which embeds the organization ID",
    "organizations:CreatePolicy": "is typed on the ARN of a policy whose ID Organizations generates",
    "organizations:UpdatePolicy": "is typed on policy ARNs that embed the organization and policy IDs",
    "organizations:AttachPolicy": "is typed on policy and target ARNs that embed the organization ID",
    "organizations:DetachPolicy": "is typed on policy and target ARNs that embed the organization ID",
    "organizations:DeletePolicy": "is typed on policy ARNs that embed the organization and policy IDs",
}


@dataclass(frozen=True)
class Grant:
    """A policy statement and, for each wildcard it must contain, the cdk-nag finding it raises and why."""

    statement: iam.PolicyStatement
    acknowledgements: Mapping[str, str]


def policy_regions(scope: Scope) -> tuple[str, ...]:
    """The Regions whose hub a handler's policy names: the declared ones, or every Region ('*') under DESTROY.

    Under DESTROY an Update that drops a Region releases it (disassociates members, removes the designation)
    there, and CloudFormation has updated this policy, without that Region, before the handler runs.
    """
    return ("*",) if scope.removal_policy is RemovalPolicy.DESTROY else scope.regions


def grants_for(
    scope: Construct,
    actions: Iterable[str],
    *,
    regions: Iterable[str],
    admin_account_id: str | None = None,
    member_list_object_arn: str | None = None,
) -> list[Grant]:
    """The least-privilege statements allowing exactly ``actions``, grouped by the resource they act on.

    An action missing from the table stops synth: granting it on ``*`` by default would hide the gap.
    """
    stack = cdk.Stack.of(scope)
    by_resource: dict[str, list[str]] = {}
    for action in sorted(actions):
        if action not in _AUTHORIZED_ON:
            raise ValueError(f"no IAM resource is known for {action}; add it to _AUTHORIZED_ON in {__name__}")
        by_resource.setdefault(_AUTHORIZED_ON[action], []).append(action)
    grants: list[Grant] = []
    if hub_actions := by_resource.get(_ON_HUB):
        hubs = [_securityhub_arn(stack, region, "hub/default") for region in regions]
        every_region = (
            {
                _nag_resource_finding(stack, hubs[0]): (
                    "Under RemovalPolicy.DESTROY a Region dropped from the declaration is released by the update"
                    " that drops it, after this policy has lost that Region; the statement names only this"
                    " account's own hub, in any Region."
                )
            }
            if "*" in regions
            else {}
        )
        grants.append(Grant(iam.PolicyStatement(sid="OnOwnHub", actions=hub_actions, resources=hubs), every_region))
    if aggregator_actions := by_resource.get(_ON_FINDING_AGGREGATOR):
        # An account has one aggregator, whose ID Security Hub generates, in whichever Region was home when it was
        # created: possibly one no longer declared, which the handler must still read to move it.
        aggregator = _securityhub_arn(stack, "*", "finding-aggregator/*")
        reason = (
            "An account has exactly one finding aggregator; its ID is generated by Security Hub and its Region is"
            " the home Region it was created in, so the ARN is matched by pattern within this account."
        )
        grants.append(
            Grant(
                iam.PolicyStatement(sid="OnOwnFindingAggregator", actions=aggregator_actions, resources=[aggregator]),
                {_nag_resource_finding(stack, aggregator): reason},
            )
        )
    if any_actions := [a for a in by_resource.get(_ON_ANY, []) if a not in _DESIGNATION_ACTIONS]:
        reason = "IAM authorizes these only on '*': " + "; ".join(f"{a} {_WHY_ANY[a]}" for a in any_actions) + "."
        grants.append(
            Grant(
                iam.PolicyStatement(sid="OnAnyResource", actions=any_actions, resources=["*"]),
                {"AwsSolutions-IAM5[Resource::*]": reason},
            )
        )
    grants.extend(_designation_grants(stack, by_resource, admin_account_id))
    if by_resource.get(_ON_MEMBER_LIST_OBJECT):
        if member_list_object_arn is None:
            raise ValueError("s3:GetObject is needed only with a member list in S3; pass member_list_object_arn")
        grants.append(
            Grant(
                iam.PolicyStatement(sid="ReadMemberList", actions=["s3:GetObject"], resources=[member_list_object_arn]),
                {},
            )
        )
    return grants


def _designation_grants(stack: cdk.Stack, by_resource: dict[str, list[str]], admin: str | None) -> list[Grant]:
    """EnableOrganizationAdminAccount calls Organizations with the caller's permissions; both calls are limited to
    the Security Hub service principal, and the registration to the declared administrator account."""
    grants: list[Grant] = []
    only_security_hub = {
        "StringEquals": {"organizations:ServicePrincipal": iam.ServicePrincipal.service_principal_name("securityhub")}
    }
    if "organizations:EnableAWSServiceAccess" in by_resource.get(_ON_ANY, []):
        grants.append(
            Grant(
                iam.PolicyStatement(
                    sid="TrustSecurityHubInOrganizations",
                    actions=["organizations:EnableAWSServiceAccess"],
                    resources=["*"],
                    conditions=only_security_hub,
                ),
                {
                    "AwsSolutions-IAM5[Resource::*]": (
                        "organizations:EnableAWSServiceAccess has no resource type; the statement is limited to the"
                        " Security Hub service principal by the organizations:ServicePrincipal condition."
                    )
                },
            )
        )
    if by_resource.get(_ON_DELEGATED_ACCOUNT):
        if admin is None:
            raise ValueError("organizations:RegisterDelegatedAdministrator needs the administrator account ID")
        # The account ARN embeds the organization ID (o-...), which is not known at synth time.
        account_arn = stack.format_arn(
            service="organizations",
            region="",
            resource="account",
            resource_name=f"o-*/{admin}",
            arn_format=cdk.ArnFormat.SLASH_RESOURCE_NAME,
        )
        grants.append(
            Grant(
                iam.PolicyStatement(
                    sid="RegisterDelegatedAdministrator",
                    actions=["organizations:RegisterDelegatedAdministrator"],
                    resources=[account_arn],
                    conditions=only_security_hub,
                ),
                {
                    _nag_resource_finding(stack, account_arn): (
                        "The account ARN embeds the organization ID, unknown at synth time; the pattern names the"
                        " management account and the declared administrator account, and the Security Hub service"
                        " principal condition applies."
                    )
                },
            )
        )
    return grants


def _securityhub_arn(stack: cdk.Stack, region: str, resource: str) -> str:
    kind, name = resource.split("/", 1)
    return stack.format_arn(
        service="securityhub",
        region=region,
        resource=kind,
        resource_name=name,
        arn_format=cdk.ArnFormat.SLASH_RESOURCE_NAME,
    )


def _nag_resource_finding(stack: cdk.Stack, arn: str) -> str:
    """The ID cdk-nag gives a wildcard resource finding: tokens written as ``<AWS::Partition>``."""
    resolved = stack.resolve(arn)
    if isinstance(resolved, str):
        return f"AwsSolutions-IAM5[Resource::{resolved}]"
    parts = resolved["Fn::Join"][1]
    text = "".join(part if isinstance(part, str) else f"<{part['Ref']}>" for part in parts)
    return f"AwsSolutions-IAM5[Resource::{text}]"


# ------------------------------------------------------------------------------------------- functions + provider


class Reconciler(Construct):
    """The two handler functions of one custom resource and the Provider framework that drives them.

    onEvent only validates the declaration, so its role may write its own logs and nothing else. isComplete does
    the work, so its role gets exactly the statements in ``grants``, and ``memory_size`` (MB; Lambda gives CPU in
    proportion), which a drift-repair function beside it (``DriftRepair``) takes as well.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        kind: registry.KindEntry,
        grants: Iterable[Grant],
        memory_size: int = DEFAULT_MEMORY_MB,
    ) -> None:
        super().__init__(scope, id)
        self.memory_size = memory_size
        self.on_event_handler = self._function(
            "OnEvent", kind, registry.ON_EVENT, cdk.Duration.minutes(1), f"Validates a {kind.description} declaration"
        )
        self.is_complete_handler = self._function(
            "IsComplete",
            kind,
            registry.IS_COMPLETE,
            cdk.Duration.minutes(15),
            f"Reconciles the {kind.description}",
            memory_size=memory_size,
            # A pass that cannot finish before the waiter's deadline reports what is left, instead of letting
            # the framework time out without a reason.
            environment={
                registry.TOTAL_TIMEOUT_VARIABLE: str(int(TOTAL_TIMEOUT.to_seconds())),
                registry.QUERY_INTERVAL_VARIABLE: str(int(QUERY_INTERVAL.to_seconds())),
                # The metrics' Resource dimension: the construct's path, which dashboards and alarms name too.
                registry.METRICS_RESOURCE_VARIABLE: scope.node.path,
            },
        )
        policy = iam.Policy(self, "IsCompletePolicy", roles=[self.is_complete_handler.role])  # type: ignore[list-item]
        # The reconcile permissions: a drift-repair function (drift_repair.py) runs the same pass, so shares them.
        self.policy = policy
        acknowledgements: dict[str, str] = {}
        for grant in grants:
            policy.add_statements(grant.statement)
            for finding, reason in grant.acknowledgements.items():
                # Two statements can raise the same finding (Resource::*): keep both reasons.
                acknowledgements[finding] = (
                    f"{acknowledgements[finding]} {reason}" if finding in acknowledgements else reason
                )
        _acknowledge(policy, acknowledgements)
        # isComplete must not run before its permissions exist.
        self.is_complete_handler.node.add_dependency(policy)

        framework_logs = logs.LogGroup(self, "ProviderLogs", retention=LOG_RETENTION)
        on_event_role = _lambda_role(self, "ProviderOnEventRole", framework_logs)
        complete_role = _lambda_role(self, "ProviderIsCompleteRole", framework_logs)
        self.provider = cr.Provider(
            self,
            "Provider",
            on_event_handler=self.on_event_handler,
            is_complete_handler=self.is_complete_handler,
            query_interval=QUERY_INTERVAL,
            total_timeout=TOTAL_TIMEOUT,
            log_group=framework_logs,
            framework_on_event_role=on_event_role,
            framework_complete_and_timeout_role=complete_role,
            disable_waiter_state_machine_logging=False,
            waiter_state_machine_log_options=cr.LogOptions(
                destination=logs.LogGroup(self, "WaiterLogs", retention=LOG_RETENTION),
                level=sfn.LogLevel.ALL,
                # The execution input is the CloudFormation event, whose ResponseURL is a presigned S3 URL.
                include_execution_data=False,
            ),
        )
        self._acknowledge_framework(on_event_role, complete_role)

    def _function(
        self,
        name: str,
        kind: registry.KindEntry,
        entry_point: str,
        timeout: cdk.Duration,
        description: str,
        *,
        environment: dict[str, str] | None = None,
        memory_size: int = DEFAULT_MEMORY_MB,
    ) -> lambda_.Function:
        return handler_function(
            self,
            name,
            handler=kind.handler(entry_point),
            timeout=timeout,
            description=description,
            environment=environment,
            memory_size=memory_size,
        )

    def _acknowledge_framework(self, on_event_role: iam.Role, complete_role: iam.Role) -> None:
        """The Provider framework grants its functions and its waiter ``lambda:InvokeFunction`` on ``<arn>:*`` (any
        version of the function it drives); that statement is generated by aws-cdk-lib, not by this library."""
        stack = cdk.Stack.of(self)

        def invoke_any_version(function: lambda_.IFunction) -> str:
            logical_id = stack.get_logical_id(function.node.default_child)  # type: ignore[arg-type]
            return f"AwsSolutions-IAM5[Resource::<{logical_id}.Arn>:*]"

        why = (
            "The CDK Provider framework allows invoking any version or alias of the functions it drives"
            " (<function ARN>:*); the functions are this construct's own."
        )
        framework = self.node.find_child("Provider").node
        handlers = {invoke_any_version(f): why for f in (self.on_event_handler, self.is_complete_handler)}
        _acknowledge(on_event_role, handlers)
        _acknowledge(complete_role, handlers)
        waiter = framework.find_child("waiter-state-machine")
        framework_functions = [framework.find_child(name) for name in ("framework-isComplete", "framework-onTimeout")]
        _acknowledge(
            waiter,
            {invoke_any_version(function): why for function in framework_functions}  # type: ignore[arg-type]
            | {
                "AwsSolutions-IAM5[Resource::*]": (
                    "Step Functions log delivery (logs:CreateLogDelivery and related actions) is authorized only"
                    " on '*'; the grant is generated by aws-cdk-lib for the waiter's execution log."
                ),
                "AwsSolutions-SF2": (
                    "The waiter is the Provider framework's polling loop; it only invokes the framework's own"
                    " functions and logs every execution at level ALL, so X-Ray traces would add nothing."
                ),
            },
        )


def handler_function(
    scope: Construct,
    name: str,
    *,
    handler: str,
    timeout: cdk.Duration,
    description: str,
    environment: Mapping[str, str] | None = None,
    memory_size: int = DEFAULT_MEMORY_MB,
    **options: Any,
) -> lambda_.Function:
    """A function running ``handler`` from the reconciler asset, with its own log group and a role that may write
    there and nothing else (children ``<name>Logs``, ``<name>Role``, ``<name>Handler`` of ``scope``)."""
    log_group = logs.LogGroup(scope, f"{name}Logs", retention=LOG_RETENTION)
    return lambda_.Function(
        scope,
        f"{name}Handler",
        runtime=RUNTIME,
        architecture=lambda_.Architecture.ARM_64,
        memory_size=memory_size,
        timeout=timeout,
        code=handler_code(),
        handler=handler,
        role=_lambda_role(scope, f"{name}Role", log_group),
        log_group=log_group,
        description=description,
        environment=dict(environment) if environment else None,
        **options,
    )


def _lambda_role(scope: Construct, id: str, log_group: logs.LogGroup) -> iam.Role:
    """A role that may write to ``log_group`` and nothing else (no managed policy, which would allow any group)."""
    role = iam.Role(scope, id, assumed_by=iam.ServicePrincipal(iam.ServicePrincipal.service_principal_name("lambda")))
    log_group.grant_write(role)
    return role


def _acknowledge(scope: IConstruct, reasons: Mapping[str, str]) -> None:
    for finding, reason in reasons.items():
        cdk.Validations.of(scope).acknowledge(cdk.Acknowledgment(id=finding, reason=reason))


def custom_resource(
    scope: Construct,
    *,
    kind: registry.KindEntry,
    properties: Mapping[str, Any],
    grants: Iterable[Grant],
    removal_policy: RemovalPolicy,
    memory_size: int = DEFAULT_MEMORY_MB,
) -> cdk.CustomResource:
    """The custom resource, child ``Resource`` of ``scope``, served by its own ``Reconciler``.

    The removal policy is both the DeletionPolicy (RETAIN: CloudFormation never asks the handler to delete) and the
    ``RemovalPolicy`` property (what the handler does with a Region dropped on Update).
    """
    reconciler = Reconciler(scope, "Reconciler", kind=kind, grants=grants, memory_size=memory_size)
    return cdk.CustomResource(
        scope,
        "Resource",
        service_token=reconciler.provider.service_token,
        resource_type=kind.resource_type,
        properties=dict(properties),
        removal_policy=cdk.RemovalPolicy[removal_policy.value],
        service_timeout=TOTAL_TIMEOUT,
    )
