"""The declaration of the invitation acceptance, in an invited member account: its spec, and both directions of its properties."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...engine.declaration import (
    PropertyReader,
    Scope,
    account_id_problem,
    finish,
    parse_scope,
)


@dataclass(frozen=True)
class InvitationAccepterSpec:
    administrator_account_id: str
    scope: Scope

    def to_properties(self) -> dict[str, Any]:
        return {**self.scope.to_properties(), "AdministratorAccountId": self.administrator_account_id}


def parse_invitation_accepter(properties: Mapping[str, Any]) -> InvitationAccepterSpec:
    reader = PropertyReader(properties)
    spec = InvitationAccepterSpec(
        scope=parse_scope(reader),
        administrator_account_id=reader.text("AdministratorAccountId", check=account_id_problem),
    )
    if spec.scope.expected_account and spec.scope.expected_account == spec.administrator_account_id:
        reader.problems.append("an account cannot accept an invitation from itself; check AdministratorAccountId")
    finish(reader, "Custom::SecurityHubInvitationAccepter")
    return spec
