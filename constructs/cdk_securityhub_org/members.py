"""``Members``: the member accounts of the Security Hub administrator, from the administrator account."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3_assets as s3_assets

from cdk_securityhub_org._app_guards import AppDeclarations
from cdk_securityhub_org._provider import (
    DEFAULT_MEMORY_MB,
    LOG_RETENTION,
    LogSettings,
    custom_resource,
    grants_for,
    policy_regions,
)
from cdk_securityhub_org._validation import Problems, declared_account, scope_spec
from cdk_securityhub_org.drift_repair import BetweenDeploys
from cdk_securityhub_org.handler.engine.declaration import OnRegionUnavailable
from cdk_securityhub_org.handler.kinds.members import permissions
from cdk_securityhub_org.handler.kinds.members.spec import (
    MemberListDocument,
    MemberListLocation,
    MembersSpec,
    PrunePolicy,
    max_prune_problem,
    parse_members,
)
from cdk_securityhub_org.handler.kinds.organization_configuration.spec import ConfigurationType
from cdk_securityhub_org.handler.registry import MEMBERS
from cdk_securityhub_org.member_list import MemberList
from constructs import Construct

# A member list whose canonical JSON is larger travels as an S3 file asset: resource properties are carried whole
# through CloudFormation (template size), Lambda (6 MB payload) and the Step Functions waiter (256 KB state).
INLINE_MEMBER_LIST_MAX_BYTES = 4096


class Members(Construct):
    """Makes the accounts of ``member_list`` Security Hub members of this administrator in each of ``regions``.

    Deploy it in a stack of the delegated administrator account, after ``OrganizationConfiguration``.

    :param member_list: the declared accounts (``MemberList``).
    :param regions: the Regions to enrol them in.
    :param prune: what happens to current members the list does not declare: ``"NONE"`` (default) leaves them,
        ``"DISASSOCIATE"`` disassociates them, ``"DELETE_INVITED"`` also deletes invited accounts' member records.
    :param invite_non_organization_accounts: invite declared accounts outside the organization. Default: ``True``.
    :param restore_disassociated: re-enrol declared accounts that were disassociated. Default: ``True``.
    :param max_prune: the most members one pass (a deploy or a drift repair) may disassociate or delete in one
        Region; a pass that would remove more removes nothing there and fails, naming the count, the first accounts
        and this prop. ``0`` refuses any removal. Default: the larger of 10% of the declared members and 25.
    :param administrator_account_id: the account the handler must run in. Default: the stack's account, when it
        is concrete.
    :param log_encryption_key: the KMS key of the handlers' log groups (default: CloudWatch Logs' own encryption);
        its key policy must allow the CloudWatch Logs service principal. The stack's constructs share one
        Provider framework and its log groups, so they must give the same key and retention.
    :param log_retention: how long those log groups keep events (default ``RetentionDays.ONE_YEAR``).
    :param asset_bucket_key: the customer managed KMS key of the CDK asset bucket, when it has one: a member list
        too large to travel inline is read from there, and the handler gets ``kms:Decrypt`` on this key through
        S3 (nothing when the list travels inline, which needs no bucket).
    :param removal_policy: ``RETAIN`` (default) leaves the members on delete; ``DESTROY`` disassociates them.
    :param on_region_unavailable: ``"FAIL"`` (default) or ``"SKIP"``.
    :param allow_empty_member_list: allow ``prune`` with a member list that declares no account and no
        organization selector, which removes every member. Default: ``False`` (synth refuses it).
    :param configuration_type: the organization configuration's type (``OrganizationConfiguration``'s): under
        ``"CENTRAL"`` the organization accounts a configuration policy governs are members through the policy, so
        they are not created, and invited accounts are still created and invited. Default: ``"LOCAL"``.
    :param home_region: the home Region, needed under ``"CENTRAL"``: where associations are read and made.
    :param self_manage_to_release: under ``"CENTRAL"``, a pruned (``prune``) or released (``DESTROY``)
        organization account that a policy governs is first designated self-managed (Security Hub refuses to
        disassociate it before), then disassociated. Required with ``prune`` or ``DESTROY`` under ``"CENTRAL"``,
        since it changes how those accounts are configured. Default: ``False``.
    :param drift_repair: repair drift between deploys on this schedule (``events.Schedule``), with the last
        deployed declaration: see ``DriftRepair``. Default: no repair between deploys.
    :param failure_alarm: an alarm when a drift repair fails (something cannot be changed as declared); needs
        ``drift_repair``. Default: ``False``.
    :param enroll_new_accounts: run the drift repair when an account joins the organization (Organizations
        events), so that organization selectors enrol it at once. Needs an organization selector in
        ``member_list`` and ``management_account_id``. The events arrive only in us-east-1 on the management
        account's bus: see ``OrganizationEventForwarding`` (``SecurityHubOrganization`` wires it). Default:
        ``False``.
    :param management_account_id: the organization's management account, which forwards the events.
    :param reconciler_memory_size: memory, in MB, of the functions that run reconcile passes (isComplete and the
        drift repair). Lambda gives CPU in proportion: 1,769 MB is one vCPU. Memory is never short (a pass at
        10,000 accounts in 17 Regions peaks near 150 MB), but CPU is: such a pass does 12-15 s of botocore
        work, 40-52 s at 512 MB and 12-15 s at 1,769 MB, where the rate limit (about 20 s) sets the pace.
        Default: 512.

    A list whose canonical JSON is at most 4 KB travels inline (``MemberList``); a larger one as an S3 file asset
    (``MemberListLocation`` with its SHA-256), so that any size keeps the template and the events small.

    Attributes: ``spec`` (the ``MembersSpec`` behind the properties), ``document`` (the member-list document, also
    when it travels as an asset), ``resource`` (the ``cdk.CustomResource``) and ``drift_repair`` (the
    ``DriftRepair``, or ``None``).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        member_list: MemberList,
        regions: Sequence[str],
        prune: PrunePolicy | str = PrunePolicy.NONE,
        invite_non_organization_accounts: bool = True,
        restore_disassociated: bool = True,
        max_prune: int | None = None,
        administrator_account_id: str | None = None,
        removal_policy: cdk.RemovalPolicy = cdk.RemovalPolicy.RETAIN,
        on_region_unavailable: OnRegionUnavailable | str = OnRegionUnavailable.FAIL,
        drift_repair: events.Schedule | None = None,
        failure_alarm: bool = False,
        enroll_new_accounts: bool = False,
        management_account_id: str | None = None,
        reconciler_memory_size: int = DEFAULT_MEMORY_MB,
        allow_empty_member_list: bool = False,
        configuration_type: ConfigurationType | str = ConfigurationType.LOCAL,
        home_region: str | None = None,
        self_manage_to_release: bool = False,
        log_encryption_key: kms.IKey | None = None,
        log_retention: logs.RetentionDays = LOG_RETENTION,
        asset_bucket_key: kms.IKey | None = None,
    ) -> None:
        super().__init__(scope, id)
        problems = Problems(self.node.path)
        administrator = declared_account(problems, self, "administrator_account_id", administrator_account_id)
        document = MemberListDocument()
        if not isinstance(member_list, MemberList):
            problems.add("member_list", f"{member_list!r} is not a MemberList; build one with MemberList.from_*")
        else:
            list_problems = member_list.problems
            for problem in list_problems:
                problems.add("member_list", problem)
            if administrator and (declared_at := member_list.origins(administrator)):
                problems.add(
                    "member_list",
                    f"the administrator account {administrator} is in its own member list ({', '.join(declared_at)});"
                    " remove it there",
                )
            if not list_problems:
                document = member_list.document()
        inline_spec = MembersSpec(
            scope=scope_spec(
                problems,
                regions=regions,
                expected_account=administrator,
                on_region_unavailable=on_region_unavailable,
                removal_policy=removal_policy,
            ),
            member_list=document,
            prune=problems.choice("prune", prune, PrunePolicy),
            invite_non_organization_accounts=problems.flag(
                "invite_non_organization_accounts", invite_non_organization_accounts
            ),
            restore_disassociated=problems.flag("restore_disassociated", restore_disassociated),
            max_prune=_max_prune(problems, max_prune),
            configuration_type=problems.choice("configuration_type", configuration_type, ConfigurationType),
            home_region=home_region,
            self_manage_to_release=problems.flag("self_manage_to_release", self_manage_to_release),
        )
        _refuse_pruning_everything(
            problems,
            inline_spec,
            isinstance(member_list, MemberList) and not member_list.problems,
            problems.flag("allow_empty_member_list", allow_empty_member_list),
        )
        if administrator is None:
            cdk.Annotations.of(self).add_warning_v2(
                "cdk-securityhub-org:members-account-unknown",
                f"the account of stack {cdk.Stack.of(self).stack_name} is not known at synth time, so the handler"
                " cannot check that it runs in the administrator account, and synth cannot check that the"
                " administrator is not in its own member list; give administrator_account_id, or an env account",
            )
        memory_size = problems.memory_size("reconciler_memory_size", reconciler_memory_size)
        problems.round_trip(inline_spec.to_properties(), parse_members)
        between_deploys = BetweenDeploys(
            problems,
            drift_repair=drift_repair,
            failure_alarm=failure_alarm,
            organization_events_from=_enrollment_events_from(
                problems, document, enroll_new_accounts, management_account_id
            ),
        )
        problems.raise_if_any()
        AppDeclarations.of(self).members.append(self)

        self.document = document
        text = document.dumps()
        member_list_object_arn = None
        if len(text.encode()) <= INLINE_MEMBER_LIST_MAX_BYTES:
            self.spec = inline_spec
        else:
            asset = s3_assets.Asset(self, "MemberListAsset", path=str(_member_list_file(text)))
            location = MemberListLocation(
                bucket=asset.s3_bucket_name,
                key=asset.s3_object_key,
                sha256=hashlib.sha256(text.encode()).hexdigest(),
            )
            self.spec = replace(inline_spec, member_list=location)
            member_list_object_arn = asset.bucket.arn_for_objects(asset.s3_object_key)

        self.resource = custom_resource(
            self,
            kind=MEMBERS,
            properties=self.spec.to_properties(),
            grants=grants_for(
                self,
                permissions.actions(self.spec, document),
                regions=policy_regions(self.spec.scope),
                member_list_object_arn=member_list_object_arn,
                member_list_key=asset_bucket_key if member_list_object_arn else None,
            ),
            removal_policy=self.spec.scope.removal_policy,
            log_settings=LogSettings(log_encryption_key, log_retention),
            memory_size=memory_size,
        )
        self.drift_repair = between_deploys.build(self, MEMBERS, self.spec.to_properties())


def _refuse_pruning_everything(problems: Problems, spec: MembersSpec, list_read: bool, allowed: bool) -> None:
    """A member list that declares nothing makes pruning remove every member: often a CSV left with its header
    only. It must be asked for by name."""
    document = spec.member_list
    if not list_read or not isinstance(document, MemberListDocument) or document.accounts or document.selectors:
        return
    if spec.prune is not PrunePolicy.NONE and not allowed:
        problems.add(
            "member_list",
            f"declares no account and no organization selector, so prune={spec.prune.value!r} would remove every"
            " member in every declared Region; add the accounts (is the CSV only a header?), set prune='NONE',"
            " or set allow_empty_member_list=True to remove them all",
        )


def _enrollment_events_from(
    problems: Problems, document: MemberListDocument, enroll: object, management_account_id: object
) -> str | None:
    """The management account whose Organizations events trigger enrollment, when ``enroll`` is set."""
    if not problems.flag("enroll_new_accounts", enroll):
        return None
    if not document.selectors:
        problems.add(
            "enroll_new_accounts",
            "the member list has no organization selector, so a new account would not be in it; add"
            " MemberList.from_organization(...), or drop enroll_new_accounts",
        )
    if management_account_id is None:
        problems.add(
            "management_account_id",
            "is needed with enroll_new_accounts: Organizations emits the new-account events in the management"
            " account, whose forwarding this construct must allow",
        )
        return None
    return problems.account_id("management_account_id", management_account_id)


def _member_list_file(text: str) -> Path:
    """A file holding exactly ``text``, at a path named by its content, so that equal lists give equal assets."""
    digest = hashlib.sha256(text.encode()).hexdigest()
    path = Path(tempfile.gettempdir()) / "cdk-securityhub-org" / digest / "member-list.json"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    return path


def _max_prune(problems: Problems, value: object) -> int | None:
    if value is None:
        return None
    if problem := max_prune_problem(value):
        problems.add("max_prune", problem)
        return None
    assert isinstance(value, int)
    return value
