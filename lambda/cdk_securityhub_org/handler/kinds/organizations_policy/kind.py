"""Custom::SecurityHubOrganizationsPolicy, in the management account: one AWS Organizations policy of type
``SECURITYHUB_CSPM_POLICY``, its type enabled on the root, attached to exactly the declared targets.

CloudFormation's ``AWS::Organizations::Policy`` does not accept this type (its ``Type`` enum lacks it; see
docs/organizations-policies.md), hence this kind. Organizations is global: the pass runs once, reported
under the one declared Region, and the engine's apply calls the Organizations client it is given.
"""

from __future__ import annotations

from typing import Any

from ...engine.apply import Execute, applying
from ...engine.aws import Budget, Clients
from ...engine.custom_resource import Kind
from ...engine.declaration import RemovalPolicy
from ...engine.regions import run_in_regions
from ...engine.result import Outcome, RegionResult
from ...registry import ORGANIZATIONS_POLICY
from .document import POLICY_TYPE
from .plan import LiveOrganization, LivePolicy, plan_policy, plan_release
from .spec import SECURITYHUB_PRINCIPAL, OrganizationsPolicySpec, parse_organizations_policy


def converge(spec: OrganizationsPolicySpec, regions: tuple[str, ...], clients: Clients, execute: Execute) -> Outcome:
    results = [RegionResult(regions[0])]

    def reconcile(result: RegionResult) -> None:
        organizations = clients.organizations()
        execute(plan_policy(result.region, spec, observe(spec.name, organizations)), organizations, result)

    run_in_regions(results, reconcile, spec.scope.on_region_unavailable)
    return Outcome(results)


def release(spec: OrganizationsPolicySpec, regions: tuple[str, ...], clients: Clients, budget: Budget) -> Outcome:
    results = [RegionResult(regions[0])]
    if spec.scope.removal_policy is RemovalPolicy.RETAIN:
        return Outcome(results)

    def remove(result: RegionResult) -> None:
        organizations = clients.organizations()
        plan = plan_release(result.region, observe(spec.name, organizations).policy)
        applying(budget)(plan, organizations, result)

    run_in_regions(results, remove, spec.scope.on_region_unavailable)
    return Outcome(results)


def observe(name: str, organizations: Any) -> LiveOrganization:
    """Read the root, Security Hub's trusted access, the policy type's status and the policy named ``name``:
    reads only."""
    roots = [root for page in organizations.get_paginator("list_roots").paginate() for root in page["Roots"]]
    root = roots[0]
    enabled = any(t["Type"] == POLICY_TYPE and t["Status"] == "ENABLED" for t in root.get("PolicyTypes", []))
    principals = [
        service["ServicePrincipal"]
        for page in organizations.get_paginator("list_aws_service_access_for_organization").paginate()
        for service in page["EnabledServicePrincipals"]
    ]
    policy = None
    if enabled:
        summaries = [
            summary
            for page in organizations.get_paginator("list_policies").paginate(Filter=POLICY_TYPE)
            for summary in page["Policies"]
            if summary["Name"] == name
        ]
        if summaries:
            policy_id = summaries[0]["Id"]
            described = organizations.describe_policy(PolicyId=policy_id)["Policy"]
            targets = [
                target["TargetId"]
                for page in organizations.get_paginator("list_targets_for_policy").paginate(PolicyId=policy_id)
                for target in page["Targets"]
            ]
            policy = LivePolicy(
                policy_id,
                described["Content"],
                described["PolicySummary"].get("Description", ""),
                tuple(targets),
            )
    return LiveOrganization(root["Id"], SECURITYHUB_PRINCIPAL in principals, enabled, policy)


KIND: Kind[OrganizationsPolicySpec] = Kind(
    resource_type=ORGANIZATIONS_POLICY.resource_type,
    parse=parse_organizations_policy,
    converge=converge,
    release=release,
)

# The Lambda handler strings name these (registry.KindEntry.handler).
on_event = KIND.on_event
is_complete = KIND.is_complete
