"""Custom::SecurityHubConfigurationPolicies, in the delegated administrator account, home Region only.

Configuration policies and their associations exist only in the home Region (Security Hub user guide, "Central
configuration and cross-Region aggregation"), so every Region of the scope but the home one is left alone. A pass
runs the planners' three steps in order (policies, associations, deletions), reading again only after a step
that wrote, so that a converged pass reads each list once and each owned policy once, and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ...engine import observe
from ...engine.apply import Execute, applying
from ...engine.aws import Budget, Clients
from ...engine.custom_resource import Kind
from ...engine.live import LiveConfigurationPolicy, LivePolicyAssociation
from ...engine.plan import RegionPlan
from ...engine.regions import run_in_regions
from ...engine.result import Outcome, RegionResult
from ...registry import CONFIGURATION_POLICIES
from .plan import owned, plan_associations, plan_policies, plan_policy_deletions, plan_release
from .spec import ConfigurationPoliciesSpec, parse_configuration_policies

Step = Callable[
    [ConfigurationPoliciesSpec, str, Sequence[LiveConfigurationPolicy], Mapping[str, LivePolicyAssociation]],
    RegionPlan,
]


def converge(spec: ConfigurationPoliciesSpec, regions: tuple[str, ...], clients: Clients, execute: Execute) -> Outcome:
    steps: list[Step] = [
        lambda s, home, policies, applied: plan_policies(s, home, policies),
        plan_associations,
        plan_policy_deletions,
    ]
    return _run(spec, regions, clients, execute, steps)


def release(spec: ConfigurationPoliciesSpec, regions: tuple[str, ...], clients: Clients, budget: Budget) -> Outcome:
    """DESTROY: the declared associations and those with owned policies first, then every owned policy.

    Nothing is left to release once central configuration is no longer in effect: going back to LOCAL needs every
    association and policy gone first (Security Hub user guide, "Stopping central configuration"), and then Security
    Hub refuses the policy reads. That is the usual way here: an update from CENTRAL to LOCAL drops the policies from
    the declaration, the organization configuration tears them down and goes LOCAL, and this resource is deleted
    in the update's cleanup afterwards."""
    nothing_declared = ConfigurationPoliciesSpec(spec.scope, spec.home_region)
    steps: list[Step] = [
        plan_release,
        lambda s, home, policies, applied: plan_policy_deletions(nothing_declared, home, policies, applied),
    ]
    return _run(spec, regions, clients, applying(budget), steps, only_under_central=True)


def _run(
    spec: ConfigurationPoliciesSpec,
    regions: tuple[str, ...],
    clients: Clients,
    execute: Execute,
    steps: Sequence[Step],
    *,
    only_under_central: bool = False,
) -> Outcome:
    if spec.home_region not in regions:
        return Outcome([])
    result = RegionResult(spec.home_region)

    def work(result: RegionResult) -> None:
        securityhub = clients.securityhub(result.region)
        if only_under_central and observe.organization_configuration(securityhub).configuration_type != "CENTRAL":
            return
        live: tuple[list[LiveConfigurationPolicy], dict[str, LivePolicyAssociation]] | None = None
        for step in steps:
            if live is None:
                live = _policies(securityhub, spec), observe.applied_policy_associations(securityhub)
            plan = step(spec, result.region, *live)
            execute(plan, securityhub, result)
            if plan.actions:
                live = None
            if result.failed or result.unfinished:
                return

    run_in_regions([result], work, spec.scope.on_region_unavailable)
    return Outcome([result])


def _policies(securityhub: Any, spec: ConfigurationPoliciesSpec) -> list[LiveConfigurationPolicy]:
    """Every policy's summary; the configuration too of the owned ones the declaration has (to compare)."""
    declared = {p.name for p in spec.policies}
    return [
        observe.configuration_policy(securityhub, p.policy_id) if owned(p) and p.name in declared else p
        for p in observe.configuration_policies(securityhub)
    ]


KIND: Kind[ConfigurationPoliciesSpec] = Kind(
    resource_type=CONFIGURATION_POLICIES.resource_type,
    parse=parse_configuration_policies,
    converge=converge,
    release=release,
)


# The Lambda handler strings name these (registry.KindEntry.handler).
on_event = KIND.on_event
is_complete = KIND.is_complete
