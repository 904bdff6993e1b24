"""Planners of the invitation acceptance, in an invited member account: pure functions from desired and live state to actions."""

from __future__ import annotations

from ...engine.live import (
    MemberAccountView,
)
from ...engine.plan import Action, RegionPlan
from ...engine.result import Issue


def plan_acceptance(region: str, administrator: str, view: MemberAccountView) -> RegionPlan:
    """Accept only the declared administrator's invitation, enabling Security Hub first where needed."""
    current = view.administrator
    if current and current.account_id == administrator and current.status in ("Enabled", "Associated"):
        return RegionPlan(region, in_sync=1)
    if current and current.account_id != administrator and current.status in ("Enabled", "Associated"):
        reason = f"already a member of administrator {current.account_id}; disassociate from it first"
        return RegionPlan(region, blocked=(Issue(administrator, reason),))
    if view.has_members:
        reason = (
            "this account is a Security Hub administrator itself (it has members in this Region), and an"
            " administrator cannot accept an invitation; disassociate its members first, or have the administrator"
            " enrol it some other way"
        )
        return RegionPlan(region, blocked=(Issue(administrator, reason),))
    invitation = next((i for i in view.invitations if i.sender == administrator), None)
    if invitation is None:
        return RegionPlan(region, pending=(Issue(administrator, "no invitation from the administrator yet"),))
    accept = Action(
        "AcceptAdministratorInvitation",
        {"AdministratorId": administrator, "InvitationId": invitation.invitation_id},
    )
    enable = () if view.hub_enabled else (Action("EnableSecurityHub", {"EnableDefaultStandards": True}),)
    return RegionPlan(region, (*enable, accept))


def plan_resignation(region: str, administrator: str, view: MemberAccountView) -> RegionPlan:
    current = view.administrator
    if current and current.account_id == administrator and current.status in ("Enabled", "Associated"):
        return RegionPlan(region, (Action("DisassociateFromAdministratorAccount"),))
    return RegionPlan(region, in_sync=1)
