"""Planners of configuration policies and their associations: pure functions from the declaration and the live
state to the actions of the home Region.

A pass runs three steps, each on a fresh read when the step before it wrote: the policies (create, update), the
associations (start where the target's applied configuration differs, disassociate what this declaration no
longer associates), and the deletion of owned policies no longer declared (only once nothing is applied with
them: Security Hub user guide, "Deleting configuration policies").
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from ...engine.live import LiveConfigurationPolicy, LivePolicyAssociation
from ...engine.plan import Action, RegionPlan
from ...engine.result import Issue
from .spec import OWNERSHIP_MARKER, SELF_MANAGED, AssociationSpec, ConfigurationPoliciesSpec

_TARGET_KEYS = {"ROOT": "RootId", "ORGANIZATIONAL_UNIT": "OrganizationalUnitId", "ACCOUNT": "AccountId"}


def owned(policy: LiveConfigurationPolicy) -> bool:
    """Whether this library made the policy (its description ends with the marker)."""
    return policy.description.endswith(OWNERSHIP_MARKER)


def normalized(value: Any) -> Any:
    """A policy configuration with its lists in a canonical order: the API does not promise to keep ours."""
    if isinstance(value, Mapping):
        return {k: normalized(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((normalized(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def plan_policies(
    spec: ConfigurationPoliciesSpec, home: str, policies: Sequence[LiveConfigurationPolicy]
) -> RegionPlan:
    """Create the declared policies that are missing; update the owned ones that differ. ``policies`` carry their
    configuration where they are owned."""
    by_name = {p.name: p for p in policies}
    actions: list[Action] = []
    blocked: list[Issue] = []
    in_sync = 0
    for declared in spec.policies:
        live = by_name.get(declared.name)
        body = {
            "Name": declared.name,
            "Description": declared.stored_description,
            "ConfigurationPolicy": declared.configuration(),
        }
        if live is None:
            actions.append(Action("CreateConfigurationPolicy", body))
        elif not owned(live):
            reason = (
                f"a configuration policy named {declared.name!r} ({live.policy_id}) exists but was not made by this"
                f" declaration; rename the declared policy, or delete that policy, or end its description with"
                f" {OWNERSHIP_MARKER!r} to hand it over"
            )
            blocked.append(Issue(declared.name, reason))
        elif live.description != declared.stored_description or normalized(live.configuration) != normalized(
            body["ConfigurationPolicy"]
        ):
            actions.append(Action("UpdateConfigurationPolicy", {"Identifier": live.policy_id, **body}))
        else:
            in_sync += 1
    return RegionPlan(home, tuple(actions), blocked=tuple(blocked), in_sync=in_sync)


def _target(association: AssociationSpec | LivePolicyAssociation) -> dict[str, str]:
    if isinstance(association, AssociationSpec):
        return {association.target_key: association.target}
    return {_TARGET_KEYS[association.target_type]: association.target}


def plan_associations(
    spec: ConfigurationPoliciesSpec,
    home: str,
    policies: Sequence[LiveConfigurationPolicy],
    applied: Mapping[str, LivePolicyAssociation],
) -> RegionPlan:
    """One call per target whose applied configuration differs (the API takes one target per call); a started
    change is pending until a later read sees it SUCCESS, and FAILED stops the pass with AWS's message."""
    ids = {p.name: p.policy_id for p in policies}
    names = {p.policy_id: p.name for p in policies}
    owned_ids = {p.policy_id for p in policies if owned(p)}
    actions: list[Action] = []
    pending: list[Issue] = []
    blocked: list[Issue] = []
    in_sync = 0
    declared_targets = set()
    for association in spec.associations:
        declared_targets.add(association.target)
        # In a preview the policy may only be planned so far: its name stands in for the ID it will get.
        wanted = SELF_MANAGED if association.configuration == SELF_MANAGED else ids.get(association.configuration)
        live = applied.get(association.target)
        if live is not None and live.configuration == wanted:
            if live.status == "PENDING":
                pending.append(Issue(association.target, "association PENDING", retryable=True))
            elif live.status == "FAILED":
                reason = (
                    f"association with {association.configuration} FAILED:"
                    f" {live.status_message or 'AWS gave no message'}"
                )
                blocked.append(Issue(association.target, reason))
            else:
                in_sync += 1
            continue
        parameters = {
            "ConfigurationPolicyIdentifier": wanted or association.configuration,
            "Target": _target(association),
        }
        actions.append(Action("StartConfigurationPolicyAssociation", parameters))
        pending.append(Issue(association.target, f"association with {association.configuration} started", True))
    for target, live in sorted(applied.items()):
        if target in declared_targets or live.configuration not in owned_ids:
            continue  # what a person associated by hand, with a policy of theirs or as self-managed, stays
        parameters = {"ConfigurationPolicyIdentifier": live.configuration, "Target": _target(live)}
        actions.append(Action("StartConfigurationPolicyDisassociation", parameters))
        pending.append(Issue(target, f"disassociation from {names.get(live.configuration)} started", True))
    return RegionPlan(home, tuple(actions), pending=tuple(pending), blocked=tuple(blocked), in_sync=in_sync)


def plan_policy_deletions(
    spec: ConfigurationPoliciesSpec,
    home: str,
    policies: Sequence[LiveConfigurationPolicy],
    applied: Mapping[str, LivePolicyAssociation],
) -> RegionPlan:
    """Delete the owned policies the declaration no longer has, once nothing is applied with them."""
    declared = {p.name for p in spec.policies}
    in_use = {a.configuration for a in applied.values()}
    actions: list[Action] = []
    pending: list[Issue] = []
    for policy in policies:
        if not owned(policy) or policy.name in declared:
            continue
        if policy.policy_id in in_use:
            pending.append(Issue(policy.name, "waiting for its associations to be removed", retryable=True))
        else:
            actions.append(Action("DeleteConfigurationPolicy", {"Identifier": policy.policy_id}))
    return RegionPlan(home, tuple(actions), pending=tuple(pending))


def plan_release(
    spec: ConfigurationPoliciesSpec,
    home: str,
    policies: Sequence[LiveConfigurationPolicy],
    applied: Mapping[str, LivePolicyAssociation],
) -> RegionPlan:
    """DESTROY: remove the declared associations and every association with an owned policy, then (in a later
    step, on a fresh read) the owned policies."""
    owned_ids = {p.policy_id for p in policies if owned(p)}
    declared_targets = {a.target for a in spec.associations}
    actions = [
        Action(
            "StartConfigurationPolicyDisassociation",
            {"ConfigurationPolicyIdentifier": live.configuration, "Target": _target(live)},
        )
        for target, live in sorted(applied.items())
        if target in declared_targets or live.configuration in owned_ids
    ]
    return RegionPlan(home, tuple(actions))


def plan_central_teardown(
    home: str, policies: Sequence[LiveConfigurationPolicy], applied: Mapping[str, LivePolicyAssociation]
) -> RegionPlan:
    """Before central configuration stops (CENTRAL to LOCAL, or DESTROY): Security Hub user guide, "Stopping
    central configuration", every association must be removed and every policy deleted first. So every applied
    association goes (self-managed ones too), then, on a later read with none left, the owned policies. A policy
    made by hand stays: AWS then refuses LOCAL, naming it, which is the user's to delete."""
    if applied:
        actions = tuple(
            Action(
                "StartConfigurationPolicyDisassociation",
                {"ConfigurationPolicyIdentifier": live.configuration, "Target": _target(live)},
            )
            for _, live in sorted(applied.items())
        )
        waiting = Issue(home, f"{len(applied)} association(s) being removed before central configuration stops", True)
        return RegionPlan(home, actions, pending=(waiting,))
    deletions = tuple(Action("DeleteConfigurationPolicy", {"Identifier": p.policy_id}) for p in policies if owned(p))
    return RegionPlan(home, deletions)
