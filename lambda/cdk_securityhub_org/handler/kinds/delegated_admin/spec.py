"""The declaration of the delegated administrator, designated from the management account: its spec, and both directions of its properties."""

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
class DelegatedAdminSpec:
    """``enable_in_management_account``: the management account must enable Security Hub itself before the
    administrator can add it as a member (seed 004); this handler runs there, so it does."""

    admin_account_id: str
    scope: Scope
    allow_replace: bool = False
    enable_in_management_account: bool = True

    def to_properties(self) -> dict[str, Any]:
        return {
            **self.scope.to_properties(),
            "AdminAccountId": self.admin_account_id,
            "AllowReplace": self.allow_replace,
            "EnableInManagementAccount": self.enable_in_management_account,
        }


def parse_delegated_admin(properties: Mapping[str, Any]) -> DelegatedAdminSpec:
    reader = PropertyReader(properties)
    spec = DelegatedAdminSpec(
        scope=parse_scope(reader),
        admin_account_id=reader.text("AdminAccountId", check=account_id_problem),
        allow_replace=reader.flag("AllowReplace", False),
        enable_in_management_account=reader.flag("EnableInManagementAccount", True),
    )
    finish(reader, "Custom::SecurityHubDelegatedAdmin")
    return spec
