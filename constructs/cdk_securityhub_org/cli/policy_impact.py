"""The impact review of a declared Organizations Security Hub CSPM policy, for ``cdk-securityhub-org plan``.

Reads only. From the management account: the organization's tree (ListRoots, ListOrganizationalUnitsForParent,
ListAccountsForParent), the policies of the type attached to each root, OU and account (ListPoliciesForTarget,
DescribePolicy) and, for accounts whose policies the declaration does not change, their live effective policy
(DescribeEffectivePolicy). From each account, with that account's credentials: its Security Hub state in each
governed Region (DescribeHub, GetEnabledStandards, ListSecurityControlDefinitions, BatchGetSecurityControls,
GetAdministratorAccount, ListMembers). The changes themselves are computed by the handler's pure
``kinds/organizations_policy/impact.py``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import boto3
import botocore.exceptions

from cdk_securityhub_org.cli.report import PlannedAction, RegionDrift, ResourceDrift
from cdk_securityhub_org.handler.engine.result import Issue
from cdk_securityhub_org.handler.kinds.organizations_policy.document import ALL_SUPPORTED, ENABLEMENT, POLICY_TYPE
from cdk_securityhub_org.handler.kinds.organizations_policy.impact import (
    Change,
    LiveHub,
    account_changes,
    computed_effective_policy,
)
from cdk_securityhub_org.handler.kinds.organizations_policy.spec import OrganizationsPolicySpec


class AccountCredentialsError(Exception):
    """No credentials for an account whose Security Hub state the review must read; the message says what to pass."""


SessionFor = Callable[[str, str], boto3.session.Session]  # (account, region) -> that account's session
_CONTROLS_PER_CALL = 100  # BatchGetSecurityControls takes at most 100 IDs (the API model's limit)
_NOT_ENABLED = ("InvalidAccessException", "ResourceNotFoundException")


def review(
    name: str,
    spec: OrganizationsPolicySpec,
    management: boto3.session.Session,
    session_for: SessionFor,
    all_supported_regions: Iterable[str],
) -> ResourceDrift:
    """The accounts and Regions whose Security Hub state the declared policy would change, as a ``ResourceDrift``
    named ``<name> (impact)``; ``all_supported_regions`` are the Regions ALL_SUPPORTED is reviewed in."""
    organizations = management.client("organizations")
    root, paths = _tree(organizations)
    live_documents: dict[str, dict[str, Any]] = {}  # policy ID -> document
    attached_before: dict[str, list[dict[str, Any]]] = {}
    attached_after: dict[str, list[dict[str, Any]]] = {}
    declared = spec.document
    try:
        for target in [root, *{t for path in paths.values() for t in path[1:]}]:
            for policy in _pages(
                organizations, "list_policies_for_target", "Policies", TargetId=target, Filter=POLICY_TYPE
            ):
                if policy["Id"] not in live_documents:
                    content = organizations.describe_policy(PolicyId=policy["Id"])["Policy"]["Content"]
                    live_documents[policy["Id"]] = json.loads(content)
                attached_before.setdefault(target, []).append(live_documents[policy["Id"]])
                if policy["Name"] != spec.name:  # the declared policy replaces its live version
                    attached_after.setdefault(target, []).append(live_documents[policy["Id"]])
    except organizations.exceptions.PolicyTypeNotEnabledException:
        attached_before, attached_after = {}, {}
    for target in spec.target_ids:
        attached_after.setdefault(target, []).append(declared)
    regions = _reviewed_regions([declared, *live_documents.values()], all_supported_regions)
    changes: list[Change] = []
    computed: list[str] = []
    issues: list[tuple[str, Issue]] = []
    for account, path in sorted(paths.items()):
        before = [attached_before.get(t, []) for t in path]
        after = [attached_after.get(t, []) for t in path]
        if before == after:
            effective = _described_effective_policy(organizations, account)
        else:
            effective = computed_effective_policy(path, attached_after)
            computed.append(account)
        live: dict[str, LiveHub] = {}
        for region in regions:
            try:
                live[region] = read_hub(session_for(account, region).client("securityhub", region_name=region))
            except (
                botocore.exceptions.BotoCoreError,
                botocore.exceptions.ClientError,
                AccountCredentialsError,
            ) as error:
                issues.append((region, Issue(account, f"cannot read Security Hub: {error}")))
        changes.extend(account_changes(account, effective, live))
    notes = (
        f"effective policy computed for {len(computed)} account(s) whose policies this declaration changes"
        f" ({', '.join(computed) or 'none'}); DescribeEffectivePolicy used for {len(paths) - len(computed)}",
    )
    by_region = {
        region: RegionDrift(
            region=region,
            actions=_actions(c for c in changes if c.region == region),
            errors=tuple(i for r, i in issues if r == region),
            in_sync=len(paths) - len({c.account for c in changes if c.region == region}),
        )
        for region in regions
    }
    return ResourceDrift(
        f"{name} (impact)",
        "Custom::SecurityHubOrganizationsPolicy",
        spec.scope.expected_account,
        tuple(by_region[r] for r in sorted(by_region)),
        notes=notes,
    )


def _actions(changes: Iterable[Change]) -> tuple[PlannedAction, ...]:
    grouped: dict[str, list[str]] = {}
    for change in sorted(changes):
        label = f"{change.operation} {change.subject}".strip()
        grouped.setdefault(label, []).append(change.account)
    return tuple(PlannedAction(label, accounts=tuple(sorted(accounts))) for label, accounts in grouped.items())


def _reviewed_regions(documents: Iterable[Mapping[str, Any]], all_supported: Iterable[str]) -> list[str]:
    named: set[str] = set()
    for document in documents:
        enablement = (document.get("securityhub") or {}).get(ENABLEMENT) or {}
        for key in ("enable_in_regions", "disable_in_regions"):
            value = enablement.get(key)
            lists = value.values() if isinstance(value, Mapping) else [value or []]
            named.update(r for values in lists if isinstance(values, list) for r in values)
    if ALL_SUPPORTED in named:
        named.update(all_supported)
    return sorted(named - {ALL_SUPPORTED})


def _pages(client: Any, operation: str, key: str, **params: Any) -> list[Any]:
    return [item for page in client.get_paginator(operation).paginate(**params) for item in page[key]]


def _tree(organizations: Any) -> tuple[str, dict[str, list[str]]]:
    """The root's ID and, for every account, its path: root, OUs from the top down, then the account."""
    root = _pages(organizations, "list_roots", "Roots")[0]["Id"]
    paths: dict[str, list[str]] = {}
    parents = [[root]]
    while parents:
        path = parents.pop()
        for account in _pages(organizations, "list_accounts_for_parent", "Accounts", ParentId=path[-1]):
            if account.get("Status", "ACTIVE") == "ACTIVE":
                paths[account["Id"]] = [*path, account["Id"]]
        units = _pages(organizations, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=path[-1])
        parents.extend([*path, unit["Id"]] for unit in units)
    return root, paths


def _described_effective_policy(organizations: Any, account: str) -> dict[str, Any] | None:
    try:
        answer = organizations.describe_effective_policy(PolicyType=POLICY_TYPE, TargetId=account)
    except organizations.exceptions.EffectivePolicyNotFoundException:
        return None
    document: dict[str, Any] = json.loads(answer["EffectivePolicy"]["PolicyContent"])
    return document


def read_hub(securityhub: Any) -> LiveHub:
    """One account's Security Hub state in the client's Region."""
    try:
        securityhub.describe_hub()
    except botocore.exceptions.ClientError as error:
        if error.response["Error"]["Code"] in _NOT_ENABLED:
            return LiveHub(enabled=False)
        raise
    standards = frozenset(
        s["StandardsArn"].split(":", 5)[-1].split("/", 1)[-1]
        for s in _pages(securityhub, "get_enabled_standards", "StandardsSubscriptions")
        if s.get("StandardsStatus") != "DELETING"
    )
    control_ids = [
        d["SecurityControlId"]
        for d in _pages(securityhub, "list_security_control_definitions", "SecurityControlDefinitions")
    ]
    statuses: dict[str, str] = {}
    custom: dict[str, dict[str, Any]] = {}
    for start in range(0, len(control_ids), _CONTROLS_PER_CALL):
        answer = securityhub.batch_get_security_controls(
            SecurityControlIds=control_ids[start : start + _CONTROLS_PER_CALL]
        )
        for control in answer["SecurityControls"]:
            statuses[control["SecurityControlId"]] = control["SecurityControlStatus"]
            for parameter, configuration in (control.get("Parameters") or {}).items():
                if configuration.get("ValueType") == "CUSTOM":
                    value = next(iter((configuration.get("Value") or {}).values()), None)
                    custom.setdefault(control["SecurityControlId"], {})[parameter] = value
    administrator = (securityhub.get_administrator_account().get("Administrator") or {}).get("AccountId")
    members = len(_pages(securityhub, "list_members", "Members", OnlyAssociated=True))
    return LiveHub(True, standards, statuses, custom, administrator, members)
