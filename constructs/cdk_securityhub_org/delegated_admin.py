"""``DelegatedAdmin``: designates the Security Hub delegated administrator, from the management account."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs

from cdk_securityhub_org._app_guards import AppDeclarations
from cdk_securityhub_org._provider import LOG_RETENTION, LogSettings, custom_resource, grants_for, policy_regions
from cdk_securityhub_org._validation import Problems, declared_account, scope_spec
from cdk_securityhub_org.drift_repair import BetweenDeploys
from cdk_securityhub_org.handler.engine.declaration import OnRegionUnavailable
from cdk_securityhub_org.handler.kinds.delegated_admin import permissions
from cdk_securityhub_org.handler.kinds.delegated_admin.spec import DelegatedAdminSpec, parse_delegated_admin
from cdk_securityhub_org.handler.registry import DELEGATED_ADMIN
from constructs import Construct


class DelegatedAdmin(Construct):
    """Designates ``admin_account_id`` as the Security Hub delegated administrator in each of ``regions``.

    Deploy it in a stack of the organization's management account.

    :param admin_account_id: the 12-digit ID of the account to designate.
    :param regions: the Regions to designate it in (AWS requires the same administrator in every Region).
    :param allow_replace: whether a different administrator already designated may be removed and replaced.
        Default: ``False`` (the deploy fails and names the current administrator).
    :param log_encryption_key: the KMS key of the handlers' log groups (default: CloudWatch Logs' own encryption);
        its key policy must allow the CloudWatch Logs service principal. The stack's constructs share one
        Provider framework and its log groups, so they must give the same key and retention.
    :param log_retention: how long those log groups keep events (default ``RetentionDays.ONE_YEAR``).
    :param removal_policy: ``RETAIN`` (default) leaves the designation when the resource is deleted; ``DESTROY``
        removes it, in the declared Regions only, never organization-wide.
    :param on_region_unavailable: ``"FAIL"`` (default) or ``"SKIP"``: what to do in an opt-in Region that is not
        enabled.
    :param management_account_id: the management account, where the handler must run. Default: the stack's
        account, when it is concrete.
    :param enable_in_management_account: enable Security Hub in the management account itself in each Region.
        The administrator cannot add the management account as a member until it has (CreateMembers cannot
        enable it there). Default: ``True``; it is never disabled on delete.
    :param drift_repair: repair drift between deploys on this schedule (``events.Schedule``), with the last
        deployed declaration: see ``DriftRepair``. Default: no repair between deploys.
    :param failure_alarm: an alarm when a drift repair fails (something cannot be changed as declared); needs
        ``drift_repair``. Default: ``False``.

    Attributes: ``spec`` (the ``DelegatedAdminSpec`` behind the properties), ``resource``
    (the ``cdk.CustomResource``) and ``drift_repair`` (the ``DriftRepair``, or ``None``).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        admin_account_id: str,
        regions: Sequence[str],
        allow_replace: bool = False,
        removal_policy: cdk.RemovalPolicy = cdk.RemovalPolicy.RETAIN,
        on_region_unavailable: OnRegionUnavailable | str = OnRegionUnavailable.FAIL,
        management_account_id: str | None = None,
        enable_in_management_account: bool = True,
        drift_repair: events.Schedule | None = None,
        failure_alarm: bool = False,
        log_encryption_key: kms.IKey | None = None,
        log_retention: logs.RetentionDays = LOG_RETENTION,
    ) -> None:
        super().__init__(scope, id)
        problems = Problems(self.node.path)
        management = declared_account(problems, self, "management_account_id", management_account_id)
        self.spec = DelegatedAdminSpec(
            admin_account_id=problems.account_id("admin_account_id", admin_account_id),
            scope=scope_spec(
                problems,
                regions=regions,
                expected_account=management,
                on_region_unavailable=on_region_unavailable,
                removal_policy=removal_policy,
            ),
            allow_replace=problems.flag("allow_replace", allow_replace),
            enable_in_management_account=problems.flag("enable_in_management_account", enable_in_management_account),
        )
        problems.round_trip(self.spec.to_properties(), parse_delegated_admin)
        between_deploys = BetweenDeploys(problems, drift_repair=drift_repair, failure_alarm=failure_alarm)
        problems.raise_if_any()
        AppDeclarations.of(self).designations.append(self)
        if management is not None and management == self.spec.admin_account_id:
            # Security Hub user guide, "Recommendations for managing multiple accounts"; under CENTRAL the
            # organization configuration refuses it outright.
            cdk.Annotations.of(self).add_warning_v2(
                "cdk-securityhub-org:management-account-administrator",
                f"admin_account_id {management} is the management account: AWS recommends another account as the"
                " Security Hub administrator (the management account should run only what must run there), and"
                " central configuration does not allow it; name a security tooling account instead",
            )

        self.resource = custom_resource(
            self,
            kind=DELEGATED_ADMIN,
            properties=self.spec.to_properties(),
            grants=grants_for(
                self,
                permissions.actions(self.spec),
                regions=policy_regions(self.spec.scope),
                admin_account_id=self.spec.admin_account_id,
            ),
            removal_policy=self.spec.scope.removal_policy,
            log_settings=LogSettings(log_encryption_key, log_retention),
        )
        self.drift_repair = between_deploys.build(self, DELEGATED_ADMIN, self.spec.to_properties())
