"""Planners of an Organizations Security Hub CSPM policy: pure functions from the declaration and the live policy
to Organizations actions (the engine's ``Action``; the kind hands them to an Organizations client)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from ...engine.plan import Action, RegionPlan
from ...engine.result import Issue
from .document import POLICY_TYPE
from .spec import SECURITYHUB_PRINCIPAL, OrganizationsPolicySpec


@dataclass(frozen=True)
class LivePolicy:
    """The organization's policy of this kind's name, as read: its ID, content, description and targets."""

    policy_id: str
    content: str
    description: str
    target_ids: tuple[str, ...]


@dataclass(frozen=True)
class LiveOrganization:
    """What the plan needs of the organization: the root, whether Security Hub has trusted access, whether the
    policy type is enabled on the root, and the policy of the declared name (None: not created yet)."""

    root_id: str
    trusted_access: bool
    type_enabled: bool
    policy: LivePolicy | None


def plan_policy(region: str, spec: OrganizationsPolicySpec, live: LiveOrganization) -> RegionPlan:
    """Enable the type, create or update the policy, attach it to the declared targets and detach it from the
    others. A new policy's ID is known only after CreatePolicy, so its attachments wait for the next pass."""
    actions: list[Action] = []
    # AWS Organizations user guide, "Enabling a policy type": a policy type for a service needs that service's
    # trusted access first.
    if not live.trusted_access:
        actions.append(Action("EnableAWSServiceAccess", {"ServicePrincipal": SECURITYHUB_PRINCIPAL}))
    if not live.type_enabled:
        actions.append(Action("EnablePolicyType", {"RootId": live.root_id, "PolicyType": POLICY_TYPE}))
    policy = live.policy
    if policy is None:
        actions.append(
            Action(
                "CreatePolicy",
                {"Name": spec.name, "Description": spec.description, "Type": POLICY_TYPE, "Content": spec.content},
            )
        )
        pending = (Issue(spec.name, "policy being created; it is attached on the next pass", retryable=True),)
        return RegionPlan(region, tuple(actions), pending=pending if spec.target_ids else ())
    # Organizations may store the content re-serialized: compare documents, not strings.
    if json.loads(policy.content) != spec.document or policy.description != spec.description:
        actions.append(
            Action(
                "UpdatePolicy",
                {"PolicyId": policy.policy_id, "Content": spec.content, "Description": spec.description},
            )
        )
    actions += [
        Action("AttachPolicy", {"PolicyId": policy.policy_id, "TargetId": target})
        for target in spec.target_ids
        if target not in policy.target_ids
    ]
    actions += _detachments(policy, [t for t in policy.target_ids if t not in spec.target_ids])
    return RegionPlan(region, tuple(actions), in_sync=0 if actions else 1)


def plan_release(region: str, policy: LivePolicy | None) -> RegionPlan:
    """Under DESTROY: detach the policy everywhere (Organizations refuses to delete an attached policy), then delete
    it. The policy type stays enabled on the root: other policies of the type may use it."""
    if policy is None:
        return RegionPlan(region, in_sync=1)
    actions = [*_detachments(policy, policy.target_ids), Action("DeletePolicy", {"PolicyId": policy.policy_id})]
    return RegionPlan(region, tuple(actions))


def _detachments(policy: LivePolicy, targets: Sequence[str]) -> list[Action]:
    return [Action("DetachPolicy", {"PolicyId": policy.policy_id, "TargetId": target}) for target in targets]
