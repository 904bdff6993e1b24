"""AWS Organizations operations (a global service: the same answers whatever Region the client uses)."""

from __future__ import annotations

from typing import Any

from cdk_securityhub_org.testing.emulator.base import (
    EmulatedService,
    RequestContext,
    ServiceError,
    max_results,
    offset_page,
)
from cdk_securityhub_org.testing.emulator.faults import RateQuota
from cdk_securityhub_org.testing.emulator.world import SECURITYHUB_PRINCIPAL, Account, World

# Organizations publishes no per-operation quota that fits here; 20 rps with a burst of 40 per account is
# the emulator's choice, generous enough for observation passes and still reachable by a runaway loop.
ORGANIZATIONS_QUOTA = RateQuota(20, 40)
_PAGE_MAX = 20


class Organizations(EmulatedService):
    """Read operations for the management account and delegated administrators; writes for management only."""

    name = "organizations"

    def __init__(self, world: World) -> None:
        super().__init__()
        self.world = world
        self.operations = {
            "DescribeOrganization": self.describe_organization,
            "ListRoots": self.list_roots,
            "ListAccounts": self.list_accounts,
            "ListAccountsForParent": self.list_accounts_for_parent,
            "ListOrganizationalUnitsForParent": self.list_organizational_units_for_parent,
            "ListChildren": self.list_children,
            "DescribeAccount": self.describe_account,
            "ListDelegatedAdministrators": self.list_delegated_administrators,
            "DeregisterDelegatedAdministrator": self.deregister_delegated_administrator,
            "EnableAWSServiceAccess": self.enable_aws_service_access,
            "ListAWSServiceAccessForOrganization": self.list_aws_service_access_for_organization,
        }

    def throttle_error(self) -> ServiceError:
        return ServiceError("TooManyRequestsException", "Rate exceeded", 400)

    def internal_error(self) -> ServiceError:
        return ServiceError("ServiceException", "Internal service error (injected by the emulator)", 500)

    def quota(self, operation: str, region: str) -> tuple[tuple[str, ...], RateQuota]:
        return (), ORGANIZATIONS_QUOTA

    # ------------------------------------------------------------------ helpers

    def _authorize(self, ctx: RequestContext, *, write: bool = False) -> None:
        if not self.world.in_organization(ctx.account):
            raise ServiceError("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
        if ctx.account == self.world.management_account:
            return
        if not write and ctx.account in self.world.delegated_admins:
            return
        raise ServiceError("AccessDeniedException", "You don't have permissions to access this resource.")

    def _arn(self, kind: str, resource_id: str) -> str:
        world = self.world
        return f"arn:aws:organizations::{world.management_account}:{kind}/{world.org_id}/{resource_id}"

    def _path(self, parent_id: str) -> str:
        chain = []
        current: str | None = parent_id
        while current is not None and current != self.world.root_id:
            chain.append(current)
            current = self.world.organizational_units[current].parent_id
        return "/".join([self.world.org_id, self.world.root_id, *reversed(chain)]) + "/"

    def _account_dict(self, account: Account) -> dict[str, Any]:
        assert account.parent_id is not None
        return {
            "Id": account.id,
            "Arn": self._arn("account", account.id),
            "Email": account.email,
            "Name": account.name,
            "Status": account.status,
            "State": account.status,
            "Paths": [self._path(account.parent_id) + account.id + "/"],
            "JoinedMethod": account.joined_method,
            "JoinedTimestamp": account.joined_at,
        }

    def _org_accounts(self) -> list[Account]:
        return [a for a in self.world.accounts.values() if a.in_organization]

    def _check_parent(self, parent_id: str) -> None:
        if parent_id != self.world.root_id and parent_id not in self.world.organizational_units:
            raise ServiceError("ParentNotFoundException", f"The parent {parent_id} was not found.")

    def _account_page(self, accounts: list[Account], params: dict[str, Any]) -> dict[str, Any]:
        """A page of ``accounts``, described in full only for the page: O(page) work, not O(organization)."""
        answer = self._page("Accounts", accounts, params)
        answer["Accounts"] = [self._account_dict(a) for a in answer["Accounts"]]
        return answer

    def _page(self, key: str, items: list[Any], params: dict[str, Any]) -> dict[str, Any]:
        page, token = offset_page(items, params, max_results(params, _PAGE_MAX, _PAGE_MAX))
        return {key: page, "NextToken": token}

    # ------------------------------------------------------------------ operations

    def describe_organization(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        # Unlike the other reads, every account of the organization may describe it.
        if not self.world.in_organization(ctx.account):
            raise ServiceError("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
        management = self.world.accounts[self.world.management_account]
        return {
            "Organization": {
                "Id": self.world.org_id,
                "Arn": f"arn:aws:organizations::{management.id}:organization/{self.world.org_id}",
                "FeatureSet": "ALL",
                "MasterAccountArn": self._arn("account", management.id),
                "MasterAccountId": management.id,
                "MasterAccountEmail": management.email,
                "AvailablePolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}],
            }
        }

    def list_roots(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._authorize(ctx)
        root = {"Id": self.world.root_id, "Arn": self._arn("root", self.world.root_id), "Name": "Root"}
        return self._page("Roots", [root], params)

    def list_accounts(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._authorize(ctx)
        return self._account_page(self._org_accounts(), params)

    def list_accounts_for_parent(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._authorize(ctx)
        parent = params["ParentId"]
        self._check_parent(parent)
        return self._account_page([a for a in self._org_accounts() if a.parent_id == parent], params)

    def _ous_under(self, parent: str) -> list[dict[str, Any]]:
        return [
            {"Id": ou.id, "Arn": self._arn("ou", ou.id), "Name": ou.name, "Path": self._path(ou.id)}
            for ou in self.world.organizational_units.values()
            if ou.parent_id == parent
        ]

    def list_organizational_units_for_parent(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._authorize(ctx)
        parent = params["ParentId"]
        self._check_parent(parent)
        return self._page("OrganizationalUnits", self._ous_under(parent), params)

    def list_children(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._authorize(ctx)
        parent, child_type = params["ParentId"], params["ChildType"]
        self._check_parent(parent)
        if child_type == "ACCOUNT":
            ids = [a.id for a in self._org_accounts() if a.parent_id == parent]
        elif child_type == "ORGANIZATIONAL_UNIT":
            ids = [ou["Id"] for ou in self._ous_under(parent)]
        else:
            raise ServiceError(
                "InvalidInputException", f"ChildType must be ACCOUNT or ORGANIZATIONAL_UNIT: {child_type}"
            )
        return self._page("Children", [{"Id": i, "Type": child_type} for i in ids], params)

    def describe_account(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._authorize(ctx)
        account = self.world.accounts.get(params["AccountId"])
        if account is None or not account.in_organization:
            raise ServiceError("AccountNotFoundException", f"Account {params['AccountId']} was not found.")
        return {"Account": self._account_dict(account)}

    def list_delegated_administrators(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._authorize(ctx)
        principal = params.get("ServicePrincipal")
        entries = []
        for account_id, registrations in sorted(self.world.delegated_admins.items()):
            dates = [date for p, date in registrations.items() if principal is None or p == principal]
            if dates:
                entry = self._account_dict(self.world.accounts[account_id])
                del entry["Paths"]
                entries.append({**entry, "DelegationEnabledDate": min(dates)})
        return self._page("DelegatedAdministrators", entries, params)

    def deregister_delegated_administrator(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        """Deregistering Security Hub's administrator removes it in every Region, central configuration and
        all (the organization-wide removal that the reconciler must never trigger)."""
        self._authorize(ctx, write=True)
        account_id, principal = params["AccountId"], params["ServicePrincipal"]
        if not self.world.in_organization(account_id):
            raise ServiceError("AccountNotFoundException", f"Account {account_id} was not found.")
        registrations = self.world.delegated_admins.get(account_id, {})
        if principal not in registrations:
            raise ServiceError(
                "AccountNotRegisteredException",
                f"Account {account_id} is not a delegated administrator for {principal}.",
            )
        if principal == SECURITYHUB_PRINCIPAL:
            for region in list(self.world.admins):
                self.world.remove_admin(region, account_id)
        registrations.pop(principal, None)
        if not registrations:
            self.world.delegated_admins.pop(account_id, None)
        return {}

    def enable_aws_service_access(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._authorize(ctx, write=True)
        self.world.service_access.setdefault(params["ServicePrincipal"], ctx.now)
        return {}

    def list_aws_service_access_for_organization(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._authorize(ctx)
        entries = [
            {"ServicePrincipal": p, "DateEnabled": date} for p, date in sorted(self.world.service_access.items())
        ]
        return self._page("EnabledServicePrincipals", entries, params)
