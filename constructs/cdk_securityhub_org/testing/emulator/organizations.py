"""AWS Organizations operations (a global service: the same answers whatever Region the client uses)."""

from __future__ import annotations

import json
import re
from typing import Any

from cdk_securityhub_org.testing.emulator.base import (
    EmulatedService,
    RequestContext,
    ServiceError,
    max_results,
    offset_page,
)
from cdk_securityhub_org.testing.emulator.faults import RateQuota
from cdk_securityhub_org.testing.emulator.orgpolicies import (
    ATTACHMENTS_PER_TARGET,
    POLICIES_PER_TYPE,
    POLICY_CONTENT_LIMIT,
    SECURITYHUB_CSPM_POLICY,
    PolicyDocumentError,
    content_too_large,
    parse_policy_content,
)
from cdk_securityhub_org.testing.emulator.world import ALL_REGIONS, SECURITYHUB_PRINCIPAL, Account, OrgPolicy, World

# Organizations publishes no per-operation quota that fits here; 20 rps with a burst of 40 per account is
# the emulator's choice, generous enough for observation passes and still reachable by a runaway loop.
ORGANIZATIONS_QUOTA = RateQuota(20, 40)
_PAGE_MAX = 20
# Patterns of botocore's Organizations model (shapes PolicyId, RootId and PolicyTargetId).
_POLICY_ID = re.compile(r"^p-[0-9a-zA-Z_]{8,128}$")
_ROOT_ID = re.compile(r"^r-[0-9a-z]{4,32}$")
_OU_ID = re.compile(r"^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$")
_ACCOUNT_ID = re.compile(r"^\d{12}$")


def _invalid_input(message: str, reason: str) -> ServiceError:
    return ServiceError("InvalidInputException", message, reason=reason)


def _constraint(message: str, reason: str | None = None) -> ServiceError:
    return ServiceError("ConstraintViolationException", message, reason=reason)


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
            "EnablePolicyType": self.enable_policy_type,
            "DisablePolicyType": self.disable_policy_type,
            "CreatePolicy": self.create_policy,
            "UpdatePolicy": self.update_policy,
            "DeletePolicy": self.delete_policy,
            "DescribePolicy": self.describe_policy,
            "ListPolicies": self.list_policies,
            "ListPoliciesForTarget": self.list_policies_for_target,
            "ListTargetsForPolicy": self.list_targets_for_policy,
            "AttachPolicy": self.attach_policy,
            "DetachPolicy": self.detach_policy,
            "DescribeEffectivePolicy": self.describe_effective_policy,
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
                "AvailablePolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]
                + self._root_dict()["PolicyTypes"],
            }
        }

    def _root_dict(self) -> dict[str, Any]:
        root_id = self.world.root_id
        types = [{"Type": t, "Status": "ENABLED"} for t in sorted(self.world.policy_types)]
        return {"Id": root_id, "Arn": self._arn("root", root_id), "Name": "Root", "PolicyTypes": types}

    def list_roots(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._authorize(ctx)
        return self._page("Roots", [self._root_dict()], params)

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

    # ------------------------------------------------------------------ policies (SECURITYHUB_CSPM_POLICY)

    @staticmethod
    def _require_modeled_type(policy_type: str) -> None:
        # Only this type's syntax and effect are emulated; answering for other types would invent their rules.
        if policy_type != SECURITYHUB_CSPM_POLICY:
            raise _invalid_input(
                f"The emulator models only {SECURITYHUB_CSPM_POLICY} policies, not {policy_type!r}",
                "INVALID_ENUM_POLICY_TYPE",
            )

    def _check_root(self, root_id: str) -> None:
        if not _ROOT_ID.match(root_id):
            raise _invalid_input(f"RootId {root_id!r} does not match r-[0-9a-z]{{4,32}}", "INVALID_PATTERN")
        if root_id != self.world.root_id:
            raise ServiceError("RootNotFoundException", f"The root {root_id} was not found.")

    def _check_target(self, target_id: str) -> None:
        if not (_ROOT_ID.match(target_id) or _OU_ID.match(target_id) or _ACCOUNT_ID.match(target_id)):
            raise _invalid_input(
                f"TargetId {target_id!r} is not a root (r-...), OU (ou-...-...) or account (12 digits) ID",
                "INVALID_PATTERN_TARGET_ID",
            )
        if not self.world.is_policy_target(target_id):
            raise ServiceError("TargetNotFoundException", f"The target {target_id} was not found in the organization.")

    def _policy(self, policy_id: str) -> OrgPolicy:
        if not _POLICY_ID.match(policy_id):
            raise _invalid_input(
                f"PolicyId {policy_id!r} does not match p-[0-9a-zA-Z_]{{8,128}}", "INVALID_SYNTAX_POLICY_ID"
            )
        policy = self.world.org_policies.get(policy_id)
        if policy is None:
            raise ServiceError("PolicyNotFoundException", f"The policy {policy_id} was not found.")
        return policy

    def _policy_summary(self, policy: OrgPolicy) -> dict[str, Any]:
        world = self.world
        return {
            "Id": policy.id,
            "Arn": f"arn:aws:organizations::{world.management_account}:policy/{world.org_id}/{policy.type.lower()}/{policy.id}",
            "Name": policy.name,
            "Description": policy.description,
            "Type": policy.type,
            "AwsManaged": False,
        }

    def _policy_dict(self, policy: OrgPolicy) -> dict[str, Any]:
        return {"PolicySummary": self._policy_summary(policy), "Content": policy.content}

    def _check_name_and_description(self, name: str | None, description: str | None, policy_id: str | None) -> None:
        # Lengths from botocore's model (shapes PolicyName 1-128, PolicyDescription up to 512).
        if name is not None and not 1 <= len(name) <= 128:
            raise _invalid_input(f"The policy name must be 1 to 128 characters, got {len(name)}", "MAX_LENGTH_EXCEEDED")
        if description is not None and len(description) > 512:
            raise _invalid_input("The policy description must be at most 512 characters", "MAX_LENGTH_EXCEEDED")
        if name is not None and any(p.name == name and p.id != policy_id for p in self.world.org_policies.values()):
            raise ServiceError("DuplicatePolicyException", f"A policy named {name!r} already exists.")

    @staticmethod
    def _check_content(content: str) -> None:
        # AWS Organizations user guide, "Quotas for AWS Organizations": 10,000 characters per Security Hub CSPM policy.
        if content_too_large(content):
            raise _constraint(
                f"The policy content has {len(content)} characters; a {SECURITYHUB_CSPM_POLICY} holds at most "
                f"{POLICY_CONTENT_LIMIT}",
                "POLICY_CONTENT_LIMIT_EXCEEDED",
            )
        try:
            parse_policy_content(content, ALL_REGIONS)
        except PolicyDocumentError as error:
            raise ServiceError("MalformedPolicyDocumentException", str(error)) from None

    def _central_configuration_in_use(self) -> bool:
        world = self.world
        return any(world.central_applies(d.account_id, region) for region, ds in world.admins.items() for d in ds)

    def enable_policy_type(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._authorize(ctx, write=True)
        self._check_root(params["RootId"])
        policy_type = params["PolicyType"]
        self._require_modeled_type(policy_type)
        if policy_type in self.world.policy_types:
            raise ServiceError(
                "PolicyTypeAlreadyEnabledException", f"The policy type {policy_type} is already enabled."
            )
        # Pulumi's AWS provider documentation (Organization, enabledPolicyTypes) says Security Hub policies need
        # trusted access for securityhub.amazonaws.com; AWS's pages are silent for this type, so the emulator
        # asks for it too (the strictest choice) with the model's reason for it.
        if SECURITYHUB_PRINCIPAL not in self.world.service_access:
            raise _constraint(
                f"Enable trusted access for {SECURITYHUB_PRINCIPAL} (EnableAWSServiceAccess) before you enable "
                f"{policy_type}",
                "SERVICE_ACCESS_NOT_ENABLED",
            )
        # Security Hub user guide, "How declarative policies work in Security Hub CSPM": declarative policies and
        # central configuration cannot be used at the same time. The page does not say which call refuses; the
        # emulator refuses both ways in (this one, and CENTRAL in UpdateOrganizationConfiguration).
        if self._central_configuration_in_use():
            raise _constraint(
                f"Security Hub CSPM central configuration is in use; stop it (back to LOCAL) before you enable "
                f"{policy_type}: the two cannot be used at the same time"
            )
        self.world.enable_policy_type(policy_type, ctx.now)
        return {"Root": self._root_dict()}

    def disable_policy_type(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._authorize(ctx, write=True)
        self._check_root(params["RootId"])
        policy_type = params["PolicyType"]
        self._require_modeled_type(policy_type)
        if policy_type not in self.world.policy_types:
            raise ServiceError("PolicyTypeNotEnabledException", f"The policy type {policy_type} is not enabled.")
        self.world.disable_policy_type(policy_type, ctx.now)
        return {"Root": self._root_dict()}

    def create_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        # CreatePolicy does not list PolicyTypeNotEnabledException in the model: a policy may be written before its
        # type is enabled on the root; AttachPolicy needs the type enabled.
        self._authorize(ctx, write=True)
        policy_type, name, description = params["Type"], params["Name"], params["Description"]
        self._require_modeled_type(policy_type)
        self._check_name_and_description(name, description, None)
        # AWS Organizations user guide, "Quotas for AWS Organizations": at most 1,000 Security Hub CSPM policies.
        if sum(p.type == policy_type for p in self.world.org_policies.values()) >= POLICIES_PER_TYPE:
            raise _constraint(
                f"The organization already has {POLICIES_PER_TYPE} {policy_type} policies; delete one first",
                "POLICY_NUMBER_LIMIT_EXCEEDED",
            )
        self._check_content(params["Content"])
        policy_id = self.world.create_policy(name, params["Content"], description=description, policy_type=policy_type)
        return {"Policy": self._policy_dict(self.world.org_policies[policy_id])}

    def update_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._authorize(ctx, write=True)
        policy = self._policy(params["PolicyId"])
        name, description, content = params.get("Name"), params.get("Description"), params.get("Content")
        self._check_name_and_description(name, description, policy.id)
        if content is not None:
            self._check_content(content)
        policy.name = policy.name if name is None else name
        policy.description = policy.description if description is None else description
        if content is not None and content != policy.content:
            policy.content = content
            policy.updated_at = ctx.now
            self.world.policies_changed(ctx.now)
        return {"Policy": self._policy_dict(policy)}

    def delete_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._authorize(ctx, write=True)
        policy = self._policy(params["PolicyId"])
        if policy.targets:
            raise ServiceError(
                "PolicyInUseException",
                f"The policy {policy.id} is attached to {', '.join(policy.targets)}; detach it from every target first.",
            )
        del self.world.org_policies[policy.id]
        return {}

    def describe_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._authorize(ctx)
        return {"Policy": self._policy_dict(self._policy(params["PolicyId"]))}

    def list_policies(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._authorize(ctx)
        self._require_modeled_type(params["Filter"])
        policies = [p for p in self.world.org_policies.values() if p.type == params["Filter"]]
        answer = self._page("Policies", policies, params)
        answer["Policies"] = [self._policy_summary(p) for p in answer["Policies"]]
        return answer

    def list_policies_for_target(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._authorize(ctx)
        self._require_modeled_type(params["Filter"])
        target = params["TargetId"]
        self._check_target(target)
        policies = [p for p in self.world.org_policies.values() if p.type == params["Filter"] and target in p.targets]
        answer = self._page("Policies", policies, params)
        answer["Policies"] = [self._policy_summary(p) for p in answer["Policies"]]
        return answer

    def _target_summary(self, target_id: str) -> dict[str, Any]:
        world = self.world
        if target_id == world.root_id:
            return {"TargetId": target_id, "Arn": self._arn("root", target_id), "Name": "Root", "Type": "ROOT"}
        unit = world.organizational_units.get(target_id)
        if unit is not None:
            return {
                "TargetId": target_id,
                "Arn": self._arn("ou", target_id),
                "Name": unit.name,
                "Type": "ORGANIZATIONAL_UNIT",
            }
        account = world.accounts[target_id]
        return {"TargetId": target_id, "Arn": self._arn("account", target_id), "Name": account.name, "Type": "ACCOUNT"}

    def list_targets_for_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._authorize(ctx)
        policy = self._policy(params["PolicyId"])
        answer = self._page("Targets", list(policy.targets), params)
        answer["Targets"] = [self._target_summary(t) for t in answer["Targets"]]
        return answer

    def attach_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._authorize(ctx, write=True)
        policy, target = self._policy(params["PolicyId"]), params["TargetId"]
        self._check_target(target)
        # AWS Organizations user guide, "Enabling a policy type": a policy can be attached only after its type is
        # enabled on the root.
        if policy.type not in self.world.policy_types:
            raise ServiceError(
                "PolicyTypeNotEnabledException",
                f"The policy type {policy.type} is not enabled on the root; call EnablePolicyType first.",
            )
        if target in policy.targets:
            raise ServiceError(
                "DuplicatePolicyAttachmentException", f"The policy {policy.id} is already attached to {target}."
            )
        attached = sum(target in p.targets for p in self.world.org_policies.values() if p.type == policy.type)
        if attached >= ATTACHMENTS_PER_TARGET:
            raise _constraint(
                f"{target} already has {ATTACHMENTS_PER_TARGET} {policy.type} policies attached; detach one first",
                "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
            )
        if target in ctx.faults.fail_attach_targets:
            raise self.internal_error()
        self.world.attach_policy(policy.id, target, ctx.now)
        return {}

    def detach_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._authorize(ctx, write=True)
        policy, target = self._policy(params["PolicyId"]), params["TargetId"]
        self._check_target(target)
        if target not in policy.targets:
            raise ServiceError("PolicyNotAttachedException", f"The policy {policy.id} is not attached to {target}.")
        self.world.detach_policy(policy.id, target, ctx.now)
        return {}

    def describe_effective_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        policy_type = params["PolicyType"]
        target = params.get("TargetId") or ctx.account
        # AWS Organizations API reference, "DescribeEffectivePolicy": any account may ask for its own effective
        # policy; only the management account (or a delegated administrator) for another account, and roots
        # and OUs are not supported targets.
        if target == ctx.account:
            if not self.world.in_organization(ctx.account):
                raise ServiceError(
                    "AWSOrganizationsNotInUseException", "Your account is not a member of an organization."
                )
        else:
            self._authorize(ctx)
        self._require_modeled_type(policy_type)
        self._check_target(target)
        if not _ACCOUNT_ID.match(target):
            raise _invalid_input(
                f"DescribeEffectivePolicy takes an account ID as TargetId, not a root or OU ({target})",
                "TARGET_NOT_SUPPORTED",
            )
        effective = self.world.effective_policy(target, policy_type)
        if effective is None:
            raise ServiceError(
                "EffectivePolicyNotFoundException",
                f"No effective {policy_type} for account {target}: the type is not enabled or no policy reaches it.",
            )
        path = set(self.world.policy_path(target))
        updated = max(
            p.updated_at for p in self.world.org_policies.values() if p.type == policy_type and path & set(p.targets)
        )
        return {
            "EffectivePolicy": {
                "PolicyContent": json.dumps(effective),
                "LastUpdatedTimestamp": updated,
                "TargetId": target,
                "PolicyType": policy_type,
            }
        }
