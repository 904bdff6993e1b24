"""Planners of the delegated administrator, designated from the management account: pure functions from desired and live state to actions."""

from __future__ import annotations

from collections.abc import Sequence

from ...engine.live import (
    AdminDesignation,
)
from ...engine.plan import Action, RegionPlan
from ...engine.result import Issue


def plan_designation(region: str, admin: str, live: Sequence[AdminDesignation], allow_replace: bool) -> RegionPlan:
    """Designate ``admin`` in one Region. A different administrator is removed first only when allowed; AWS
    requires the same administrator in every Region, so removals happen in every Region before any designation
    (see :func:`designation_phases`)."""
    if any(d.account_id == admin and d.status == "ENABLED" for d in live):
        return RegionPlan(region, in_sync=1)
    others = [d for d in live if d.account_id != admin]
    if any(d.account_id == admin for d in live):  # DISABLE_IN_PROGRESS: wait for it to finish, then designate
        return RegionPlan(region, pending=(Issue(admin, "administrator removal in progress", retryable=True),))
    if others and not allow_replace:
        current = others[0].account_id
        return RegionPlan(
            region,
            blocked=(
                Issue(
                    current,
                    f"{current} is already the delegated administrator; declare allow_replace=True to replace it"
                    f" with {admin}, or remove it first",
                ),
            ),
        )
    removals = tuple(
        Action("DisableOrganizationAdminAccount", {"AdminAccountId": d.account_id})
        for d in others
        if d.status == "ENABLED"
    )
    if any(d.status != "ENABLED" for d in others):
        pending = (Issue(others[0].account_id, "removal of the previous administrator in progress", retryable=True),)
        return RegionPlan(region, actions=removals, pending=pending)
    return RegionPlan(region, actions=(*removals, Action("EnableOrganizationAdminAccount", {"AdminAccountId": admin})))


def designation_phases(plans: Sequence[RegionPlan]) -> tuple[list[RegionPlan], list[RegionPlan]]:
    """Split per-Region plans into removals (run everywhere first) and designations (run after)."""
    removals, designations = [], []
    for plan in plans:
        removing = tuple(a for a in plan.actions if a.operation == "DisableOrganizationAdminAccount")
        designating = tuple(a for a in plan.actions if a.operation != "DisableOrganizationAdminAccount")
        removals.append(RegionPlan(plan.region, removing))
        designations.append(
            RegionPlan(plan.region, designating, plan.pending, plan.skipped, plan.blocked, plan.in_sync)
        )
    return removals, designations


def plan_management_hub(region: str, wanted: bool, enabled: bool) -> RegionPlan:
    """Security Hub in the management account itself, which CreateMembers cannot enable (seed 004)."""
    if not wanted or enabled:
        return RegionPlan(region)
    return RegionPlan(region, (Action("EnableSecurityHub", {"EnableDefaultStandards": True}),))


def plan_removal(region: str, admin: str, live: Sequence[AdminDesignation]) -> RegionPlan:
    """Remove ``admin`` in this Region only, and only if it is the one designated there."""
    if any(d.account_id == admin and d.status == "ENABLED" for d in live):
        return RegionPlan(region, (Action("DisableOrganizationAdminAccount", {"AdminAccountId": admin}),))
    return RegionPlan(region, in_sync=1)
