"""``InvitationAccepter``: accepts the declared administrator's invitation, from an invited member account."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs

from cdk_securityhub_org._provider import LOG_RETENTION, LogSettings, custom_resource, grants_for, policy_regions
from cdk_securityhub_org._validation import Problems, declared_account, scope_spec
from cdk_securityhub_org.drift_repair import BetweenDeploys
from cdk_securityhub_org.handler.engine.declaration import OnRegionUnavailable
from cdk_securityhub_org.handler.kinds.invitation_accepter import permissions
from cdk_securityhub_org.handler.kinds.invitation_accepter.spec import InvitationAccepterSpec, parse_invitation_accepter
from cdk_securityhub_org.handler.registry import INVITATION_ACCEPTER
from constructs import Construct


class InvitationAccepter(Construct):
    """Accepts the Security Hub invitation of ``administrator_account_id`` (and no other) in each of ``regions``,
    enabling Security Hub first where it is not enabled.

    Deploy it in a stack of the invited (non-organization) member account.

    :param administrator_account_id: the administrator whose invitation to accept.
    :param regions: the Regions to accept it in (an invitation exists only in the Region it was sent from).
    :param log_encryption_key: the KMS key of the handlers' log groups (default: CloudWatch Logs' own encryption);
        its key policy must allow the CloudWatch Logs service principal. The stack's constructs share one
        Provider framework and its log groups, so they must give the same key and retention.
    :param log_retention: how long those log groups keep events (default ``RetentionDays.ONE_YEAR``).
    :param removal_policy: ``RETAIN`` (default) stays a member on delete; ``DESTROY`` disassociates from the
        administrator.
    :param on_region_unavailable: ``"FAIL"`` (default) or ``"SKIP"``.
    :param member_account_id: the invited account, where the handler must run. Default: the stack's account, when
        it is concrete.
    :param drift_repair: repair drift between deploys on this schedule (``events.Schedule``), with the last
        deployed declaration: see ``DriftRepair``. Default: no repair between deploys.
    :param failure_alarm: an alarm when a drift repair fails (something cannot be changed as declared); needs
        ``drift_repair``. Default: ``False``.

    Attributes: ``spec`` (the ``InvitationAccepterSpec`` behind the properties), ``resource``
    (the ``cdk.CustomResource``) and ``drift_repair`` (the ``DriftRepair``, or ``None``).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        administrator_account_id: str,
        regions: Sequence[str],
        removal_policy: cdk.RemovalPolicy = cdk.RemovalPolicy.RETAIN,
        on_region_unavailable: OnRegionUnavailable | str = OnRegionUnavailable.FAIL,
        member_account_id: str | None = None,
        drift_repair: events.Schedule | None = None,
        failure_alarm: bool = False,
        log_encryption_key: kms.IKey | None = None,
        log_retention: logs.RetentionDays = LOG_RETENTION,
    ) -> None:
        super().__init__(scope, id)
        problems = Problems(self.node.path)
        member = declared_account(problems, self, "member_account_id", member_account_id)
        self.spec = InvitationAccepterSpec(
            administrator_account_id=problems.account_id("administrator_account_id", administrator_account_id),
            scope=scope_spec(
                problems,
                regions=regions,
                expected_account=member,
                on_region_unavailable=on_region_unavailable,
                removal_policy=removal_policy,
            ),
        )
        if member and member == self.spec.administrator_account_id:
            problems.add(
                "administrator_account_id",
                f"{member!r} is the member account itself; an account cannot accept its own invitation, so name"
                " the administrator that invited it",
            )
        problems.round_trip(self.spec.to_properties(), parse_invitation_accepter)
        between_deploys = BetweenDeploys(problems, drift_repair=drift_repair, failure_alarm=failure_alarm)
        problems.raise_if_any()

        self.resource = custom_resource(
            self,
            kind=INVITATION_ACCEPTER,
            properties=self.spec.to_properties(),
            grants=grants_for(self, permissions.actions(self.spec), regions=policy_regions(self.spec.scope)),
            removal_policy=self.spec.scope.removal_policy,
            log_settings=LogSettings(log_encryption_key, log_retention),
        )
        self.drift_repair = between_deploys.build(self, INVITATION_ACCEPTER, self.spec.to_properties())
