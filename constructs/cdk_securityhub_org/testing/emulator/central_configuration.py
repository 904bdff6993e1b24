"""Security Hub central configuration operations: configuration policies (Create/Get/Update/Delete/List) and
their associations with the root, OUs and accounts (Start association and disassociation, Get, BatchGet, List).

The state and its effect on the governed accounts' hubs live in ``world.py``; each rule below names the AWS
page it comes from. Every operation here is for the delegated administrator only, in the home Region, while
central configuration is enabled (Security Hub API reference of each operation: "Only the Security Hub
delegated administrator can invoke this operation from the home Region").
"""

from __future__ import annotations

from typing import Any

from .base import RequestContext, ServiceError, decode_token, encode_token, max_results, offset_page
from .world import SELF_MANAGED, ConfigurationPolicy, PolicyNameTaken, PolicyQuotaReached, World

_TARGET_KEYS = {"AccountId": "ACCOUNT", "OrganizationalUnitId": "ORGANIZATIONAL_UNIT", "RootId": "ROOT"}
_NAME_SYMBOLS = set("-.!*/")
_NAME_MAX = 128  # the API reference gives the characters but no length; 128 is the emulator's limit
_LIST_MAX = 100


def _invalid_input(message: str) -> ServiceError:
    return ServiceError("InvalidInputException", message)


def _not_found(message: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException", message)


def _policy_error(error: ValueError) -> ServiceError:
    """The API's answer to a policy the world refused to store."""
    if isinstance(error, PolicyNameTaken):
        return ServiceError("ResourceConflictException", str(error))
    if isinstance(error, PolicyQuotaReached):
        return ServiceError("LimitExceededException", str(error))
    return _invalid_input(str(error))


def _policy_dict(policy: ConfigurationPolicy) -> dict[str, Any]:
    return {
        "Arn": policy.arn,
        "Id": policy.id,
        "Name": policy.name,
        "Description": policy.description,
        "UpdatedAt": policy.updated_at,
        "CreatedAt": policy.created_at,
        "ConfigurationPolicy": policy.policy,
    }


def _check_name(name: Any) -> str:
    # API reference, CreateConfigurationPolicy: "Alphanumeric characters and the following ASCII characters
    # are permitted: -, ., !, *, /."
    if not isinstance(name, str) or not name or len(name) > _NAME_MAX:
        raise _invalid_input(f"Name must be 1 to {_NAME_MAX} characters, got {name!r}")
    bad = sorted({c for c in name if not (c.isascii() and c.isalnum()) and c not in _NAME_SYMBOLS})
    if bad:
        raise _invalid_input(f"Name {name!r} has characters {''.join(bad)!r}; use letters, digits and - . ! * /")
    return name


class CentralConfigurationOperations:
    """Handlers for central configuration, registered into the Security Hub service's operation table."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.operations = {
            "CreateConfigurationPolicy": self.create_configuration_policy,
            "GetConfigurationPolicy": self.get_configuration_policy,
            "UpdateConfigurationPolicy": self.update_configuration_policy,
            "DeleteConfigurationPolicy": self.delete_configuration_policy,
            "ListConfigurationPolicies": self.list_configuration_policies,
            "StartConfigurationPolicyAssociation": self.start_configuration_policy_association,
            "StartConfigurationPolicyDisassociation": self.start_configuration_policy_disassociation,
            "GetConfigurationPolicyAssociation": self.get_configuration_policy_association,
            "BatchGetConfigurationPolicyAssociations": self.batch_get_configuration_policy_associations,
            "ListConfigurationPolicyAssociations": self.list_configuration_policy_associations,
        }

    # ------------------------------------------------------------------ checks

    def _require_central_admin(self, ctx: RequestContext) -> None:
        # Security Hub user guide, "Central configuration and cross-Region aggregation": the delegated
        # administrator creates and manages policies only from the home (aggregation) Region. The message
        # starts as the real API's does (terraform-provider-aws matches it).
        denied = "Must be a Security Hub delegated administrator with Central Configuration enabled"
        designation = self.world.current_admin(ctx.region)
        if designation is None or designation.account_id != ctx.account:
            raise ServiceError(
                "AccessDeniedException", f"{denied}: account {ctx.account} is not the administrator in {ctx.region}"
            )
        owner = self.world.central_owner()
        config = self.world.central_config(ctx.account, ctx.region)
        if owner is None or owner.account_id != ctx.account or config is None:
            raise ServiceError(
                "AccessDeniedException",
                f"{denied}: central configuration is not in effect; request it with UpdateOrganizationConfiguration "
                "in the home Region",
            )
        if ctx.region != owner.home_region:
            raise ServiceError(
                "AccessDeniedException", f"{denied}: call it in the home Region {owner.home_region}, not {ctx.region}"
            )
        if config.status != "ENABLED":
            raise ServiceError(
                "AccessDeniedException",
                f"{denied}: central configuration is {config.status}"
                + (f" ({config.status_message})" if config.status_message else "; retry when it is ENABLED"),
            )

    def _policy(self, identifier: Any) -> ConfigurationPolicy:
        """A policy by its UUID or ARN."""
        for policy in self.world.configuration_policies.values():
            if identifier in (policy.id, policy.arn):
                return policy
        raise _not_found(f"Configuration policy {identifier} was not found")

    def _configuration(self, identifier: Any) -> str:
        """A policy's UUID (from its UUID or ARN), or ``SELF_MANAGED``."""
        return SELF_MANAGED if identifier == SELF_MANAGED else self._policy(identifier).id

    def _target(self, target: Any) -> str:
        """The ID of the one root, OU or organization account a ``Target`` union names."""
        # Security Hub user guide, "Creating and associating configuration policies": through the API a
        # configuration is associated with only one account, OU or the root per request.
        given = {k: v for k, v in (target or {}).items() if v is not None} if isinstance(target, dict) else {}
        if len(given) != 1 or next(iter(given)) not in _TARGET_KEYS:
            raise _invalid_input(f"Target must name exactly one of AccountId, OrganizationalUnitId or RootId: {target}")
        ((key, target_id),) = given.items()
        if self.world.target_type(target_id) == _TARGET_KEYS[key]:
            return str(target_id)
        if key == "AccountId":
            # Security Hub user guide, "Understanding central configuration": configuration policies govern
            # organization accounts only; accounts invited manually cannot be governed by them.
            raise _invalid_input(
                f"Account {target_id} is not an account of the organization; only organization accounts can be "
                "associated with a configuration (invited accounts stay self-managed)"
            )
        raise _not_found(f"{key} {target_id} was not found in the organization")

    # ------------------------------------------------------------------ associations, as reads report them

    def _summary(self, target_id: str, *, observe: bool) -> dict[str, Any]:
        """The association in effect for a target; ``observe`` counts the read (the pending-reads fault)."""
        # Security Hub user guide, "How configuration policies work" / "Disassociating a configuration": a
        # target follows its own association, else its nearest ancestor's (INHERITED); with none it is
        # self-managed.
        world = self.world
        source = world.association_source(target_id)
        rollout = world.observe_rollout(target_id) if observe else world.policy_rollouts.get(target_id)
        updated = rollout.updated_at if rollout else (source.applied_at if source else None)
        return {
            "ConfigurationPolicyId": source.policy_id if source else SELF_MANAGED,
            "TargetId": target_id,
            "TargetType": world.target_type(target_id),
            "AssociationType": "APPLIED" if source and source.target_id == target_id else "INHERITED",
            "UpdatedAt": updated,
            "AssociationStatus": rollout.status if rollout else "SUCCESS",
            "AssociationStatusMessage": rollout.message if rollout else None,
        }

    # ------------------------------------------------------------------ policies

    def create_configuration_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._require_central_admin(ctx)
        name = _check_name(params["Name"])
        try:
            policy = self.world.add_configuration_policy(
                name, params["ConfigurationPolicy"], description=params.get("Description"), now=ctx.now
            )
        except ValueError as error:
            raise _policy_error(error) from error
        policy.tags = dict(params.get("Tags") or {})
        return _policy_dict(policy)

    def get_configuration_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._require_central_admin(ctx)
        return _policy_dict(self._policy(params["Identifier"]))

    def update_configuration_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._require_central_admin(ctx)
        policy = self._policy(params["Identifier"])
        name = _check_name(params["Name"]) if "Name" in params else None
        try:
            # API reference, UpdateConfigurationPolicy: the new configuration replaces the whole current one,
            # and the accounts it governs apply it again.
            changed = self.world.update_configuration_policy(
                policy.id,
                ctx.now,
                name=name,
                description=params.get("Description"),
                policy=params.get("ConfigurationPolicy"),
            )
        except ValueError as error:
            raise _policy_error(error) from error
        if changed:
            faults = ctx.faults
            self.world.reapply_policy(policy.id, ctx.now, faults.association_pending_reads, faults.association_failures)
        return _policy_dict(policy)

    def delete_configuration_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._require_central_admin(ctx)
        policy = self._policy(params["Identifier"])
        # Security Hub user guide, "Deleting configuration policies": a policy can be deleted only after it is
        # disassociated from every account, OU and the root it is applied to.
        targets = [a.target_id for a in self.world.policy_associations.values() if a.policy_id == policy.id]
        if targets:
            raise ServiceError(
                "ResourceConflictException",
                f"Configuration policy {policy.name} ({policy.id}) is still associated with {', '.join(targets)}; "
                "disassociate it (StartConfigurationPolicyDisassociation) before you delete it",
            )
        del self.world.configuration_policies[policy.id]
        return {}

    def list_configuration_policies(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._require_central_admin(ctx)
        policies = sorted(self.world.configuration_policies.values(), key=lambda p: (p.created_at, p.id))
        page, token = offset_page(policies, params, max_results(params, _LIST_MAX, _LIST_MAX))
        return {
            "ConfigurationPolicySummaries": [
                {
                    "Arn": p.arn,
                    "Id": p.id,
                    "Name": p.name,
                    "Description": p.description,
                    "UpdatedAt": p.updated_at,
                    "ServiceEnabled": p.service_enabled,
                }
                for p in page
            ],
            "NextToken": token,
        }

    # ------------------------------------------------------------------ associations

    def start_configuration_policy_association(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._require_central_admin(ctx)
        configuration = self._configuration(params["ConfigurationPolicyIdentifier"])
        target_id = self._target(params["Target"])
        # Security Hub user guide, "Creating and associating configuration policies": association is
        # asynchronous (PENDING, then SUCCESS or FAILED) and a policy overrides a self-managed designation.
        faults = ctx.faults
        self.world.apply_association(
            target_id, configuration, ctx.now, faults.association_pending_reads, faults.association_failures
        )
        return self._summary(target_id, observe=False)

    def start_configuration_policy_disassociation(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._require_central_admin(ctx)
        configuration = self._configuration(params["ConfigurationPolicyIdentifier"])
        if params.get("Target") is None:
            raise _invalid_input(
                "Target is required: name the AccountId, OrganizationalUnitId or RootId to disassociate"
            )
        target_id = self._target(params["Target"])
        applied = self.world.policy_associations.get(target_id)
        # Security Hub user guide, "Disassociating a configuration from its targets": only a directly applied
        # configuration can be disassociated, not an inherited one.
        if applied is None:
            source = self.world.association_source(target_id)
            inherited = f"it inherits {source.policy_id} from {source.target_id}" if source else "it is self-managed"
            raise _not_found(
                f"Target {target_id} has no directly applied configuration ({inherited}); only a directly applied "
                "configuration can be disassociated"
            )
        if applied.policy_id != configuration:
            raise _invalid_input(
                f"Target {target_id} has configuration {applied.policy_id} applied, not {configuration}"
            )
        faults = ctx.faults
        self.world.remove_association(target_id, ctx.now, faults.association_pending_reads, faults.association_failures)
        return {}

    def get_configuration_policy_association(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._require_central_admin(ctx)
        return self._summary(self._target(params["Target"]), observe=True)

    def batch_get_configuration_policy_associations(
        self, ctx: RequestContext, params: dict[str, Any]
    ) -> dict[str, Any]:
        self._require_central_admin(ctx)
        identifiers = params["ConfigurationPolicyAssociationIdentifiers"]
        if not identifiers:
            raise _invalid_input("ConfigurationPolicyAssociationIdentifiers must name at least one target")
        found, unprocessed = [], []
        for identifier in identifiers:
            try:
                found.append(self._summary(self._target(identifier.get("Target")), observe=True))
            except ServiceError as error:
                # ErrorCode is an HTTP status code (API reference, UnprocessedConfigurationPolicyAssociation).
                code = "404" if error.code == "ResourceNotFoundException" else "400"
                unprocessed.append(
                    {
                        "ConfigurationPolicyAssociationIdentifiers": identifier,
                        "ErrorCode": code,
                        "ErrorReason": error.message,
                    }
                )
        return {"ConfigurationPolicyAssociations": found, "UnprocessedConfigurationPolicyAssociations": unprocessed}

    def list_configuration_policy_associations(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._require_central_admin(ctx)
        limit = max_results(params, _LIST_MAX, _LIST_MAX)
        filters = dict(params.get("Filters") or {})
        if "ConfigurationPolicyId" in filters:
            try:
                filters["ConfigurationPolicyId"] = self._configuration(filters["ConfigurationPolicyId"])
            except ServiceError as error:
                raise _invalid_input(f"Filters.ConfigurationPolicyId: {error.message}") from error
        cursor = decode_token(params.get("NextToken")) or "0"
        if not cursor.isdigit():
            raise _invalid_input("The NextToken is not valid")
        targets = self.world.governable_targets()
        index, next_index = int(cursor), None
        found: list[dict[str, Any]] = []
        while index < len(targets):
            summary = self._summary(targets[index], observe=False)
            if all(summary[key] == value for key, value in filters.items()):
                if len(found) == limit:
                    next_index = index  # only announce a next page when one more match really exists
                    break
                found.append(self._summary(targets[index], observe=True))
            index += 1
        return {
            "ConfigurationPolicyAssociationSummaries": found,
            "NextToken": encode_token(str(next_index)) if next_index is not None else None,
        }
