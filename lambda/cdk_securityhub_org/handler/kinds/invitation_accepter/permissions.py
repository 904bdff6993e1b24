"""The IAM actions the handler of the invitation acceptance, in an invited member account needs, derived from its declaration; the constructs grant
exactly these, and the reliability suite checks them against the operations the emulator saw."""

from __future__ import annotations

from ...engine.declaration import RemovalPolicy
from .spec import InvitationAccepterSpec


def actions(spec: InvitationAccepterSpec) -> frozenset[str]:
    actions = {
        "securityhub:DescribeHub",
        "securityhub:EnableSecurityHub",
        "securityhub:GetAdministratorAccount",
        "securityhub:ListInvitations",
        "securityhub:ListMembers",
        "securityhub:AcceptAdministratorInvitation",
    }
    if spec.scope.removal_policy is RemovalPolicy.DESTROY:
        actions.add("securityhub:DisassociateFromAdministratorAccount")
    return frozenset(actions)
