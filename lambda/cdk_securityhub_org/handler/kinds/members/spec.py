"""The declaration of the member list, in the administrator account: its spec, and both directions of its properties."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ...engine.declaration import (
    DeclarationError,
    PropertyReader,
    RemovalPolicy,
    Scope,
    account_id_problem,
    email_problem,
    finish,
    organizational_unit_problem,
    parse_scope,
    region_problem,
)
from ..organization_configuration.spec import ConfigurationType


class PrunePolicy(StrEnum):
    """What happens to members that the declaration does not list.

    NONE leaves them alone. DISASSOCIATE disassociates them. DELETE_INVITED also deletes the member records of
    invited (non-organization) accounts; organization accounts cannot be deleted, only disassociated.
    """

    NONE = "NONE"
    DISASSOCIATE = "DISASSOCIATE"
    DELETE_INVITED = "DELETE_INVITED"


@dataclass(frozen=True)
class MemberAccount:
    account_id: str
    email: str | None = None


@dataclass(frozen=True)
class OrganizationSelector:
    """Accounts drawn from the organization: all of it (``organizational_units`` is None) or some OUs, nested
    OUs included, minus exclusions. Only ACTIVE accounts are selected."""

    organizational_units: tuple[str, ...] | None = None
    exclude_accounts: tuple[str, ...] = ()
    exclude_organizational_units: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {}
        if self.organizational_units is not None:
            document["OrganizationalUnits"] = list(self.organizational_units)
        if self.exclude_accounts:
            document["ExcludeAccounts"] = list(self.exclude_accounts)
        if self.exclude_organizational_units:
            document["ExcludeOrganizationalUnits"] = list(self.exclude_organizational_units)
        return document


@dataclass(frozen=True)
class MemberListDocument:
    """A declared member list: explicit accounts plus organization selectors (their union)."""

    accounts: tuple[MemberAccount, ...] = ()
    selectors: tuple[OrganizationSelector, ...] = ()

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "Accounts": [{"AccountId": a.account_id, **({"Email": a.email} if a.email else {})} for a in self.accounts]
        }
        if self.selectors:
            document["OrganizationSelectors"] = [s.to_json() for s in self.selectors]
        return document

    def dumps(self) -> str:
        """Canonical JSON text: the S3 asset's content, so equal lists hash equally."""
        return json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class MemberListLocation:
    """Where a member list too large to travel inline lives: an S3 file asset, with its content hash."""

    bucket: str
    key: str
    sha256: str

    def to_json(self) -> dict[str, str]:
        return {"Bucket": self.bucket, "Key": self.key, "Sha256": self.sha256}


@dataclass(frozen=True)
class MembersSpec:
    scope: Scope
    member_list: MemberListDocument | MemberListLocation
    prune: PrunePolicy = PrunePolicy.NONE
    invite_non_organization_accounts: bool = True
    restore_disassociated: bool = True
    # The most members one pass may disassociate or delete in one Region; None: prune_limit's default.
    max_prune: int | None = None
    # Under CENTRAL the organization's accounts that a configuration policy governs are members through it;
    # associations are made in the home Region only.
    configuration_type: ConfigurationType = ConfigurationType.LOCAL
    home_region: str | None = None
    self_manage_to_release: bool = False

    @property
    def central(self) -> bool:
        return self.configuration_type is ConfigurationType.CENTRAL

    def to_properties(self) -> dict[str, Any]:
        properties: dict[str, Any] = {
            **self.scope.to_properties(),
            "Prune": self.prune.value,
            "InviteNonOrganizationAccounts": self.invite_non_organization_accounts,
            "RestoreDisassociated": self.restore_disassociated,
        }
        if self.max_prune is not None:
            properties["MaxPrune"] = self.max_prune
        # Only what differs from LOCAL is written, so that a LOCAL declaration's resource is unchanged.
        if self.central:
            properties["ConfigurationType"] = self.configuration_type.value
        if self.home_region:
            properties["HomeRegion"] = self.home_region
        if self.self_manage_to_release:
            properties["SelfManageToRelease"] = True
        if isinstance(self.member_list, MemberListLocation):
            properties["MemberListLocation"] = self.member_list.to_json()
        else:
            properties["MemberList"] = self.member_list.to_json()
        return properties


# The default blast-radius limit: a pass that removes more than this many members in one Region, or this share of
# the declared list where that is larger, is far more likely a wrong list (an empty CSV, a wrong OU) than intent.
DEFAULT_MAX_PRUNE_ACCOUNTS = 25
DEFAULT_MAX_PRUNE_SHARE = 0.10


def prune_limit(max_prune: int | None, declared_members: int) -> int:
    """How many members one pass may disassociate or delete in one Region: ``max_prune`` when declared, otherwise
    the larger of 10% of the declared members and 25 accounts."""
    if max_prune is not None:
        return max_prune
    return max(DEFAULT_MAX_PRUNE_ACCOUNTS, math.ceil(declared_members * DEFAULT_MAX_PRUNE_SHARE))


def max_prune_problem(value: object) -> str | None:
    """What is wrong with a declared ``max_prune``: it is a whole number of accounts, 0 or more."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return None
    return (
        f"max_prune {value!r} is not a number of accounts; write a whole number, 0 or more (0 refuses any"
        " disassociation), or leave it out for the default (the larger of 10% of the declared members and 25)"
    )


def _parse_max_prune(reader: PropertyReader) -> int | None:
    value = reader.properties.get("MaxPrune")
    if value is None:
        return None
    number = int(value) if isinstance(value, str) and value.isdigit() else value  # CloudFormation sends text
    if problem := max_prune_problem(number):
        reader.problems.append(f"property MaxPrune: {problem}")
        return None
    assert isinstance(number, int)
    return number


# Security Hub user guide, "Quotas for Security Hub" (and seed facts): per Region, an administrator has at most
# 10,000 members through Organizations and 1,000 by invitation.
MAX_ORGANIZATION_MEMBERS = 10_000
MAX_INVITED_MEMBERS = 1_000


def member_count_problem(document: MemberListDocument, invite_non_organization_accounts: bool) -> str | None:
    """Why the explicit accounts of ``document`` cannot all be members of one administrator, with the fix.

    Which accounts are outside the organization is known only at deploy time, so the cap is the most the two
    quotas together allow: more than that fails whichever accounts are invited."""
    cap = MAX_ORGANIZATION_MEMBERS + (MAX_INVITED_MEMBERS if invite_non_organization_accounts else 0)
    count = len(document.accounts)
    if count <= cap:
        return None
    quota = f"{MAX_ORGANIZATION_MEMBERS:,} organization accounts"
    if invite_non_organization_accounts:
        quota += f" and {MAX_INVITED_MEMBERS:,} invited accounts"
    return (
        f"the member list declares {count:,} accounts, more than an administrator can have as members in a Region"
        f" ({quota}); declare at most {cap:,}, or split them between administrators of separate organizations"
    )


def _parse_member_list(value: Any, problems: list[str], where: str) -> MemberListDocument:
    if not isinstance(value, Mapping):
        problems.append(f"{where} must be an object with Accounts and OrganizationSelectors")
        return MemberListDocument()
    accounts: dict[str, MemberAccount] = {}
    for index, entry in enumerate(_list_at(value, "Accounts", problems, where)):
        if not isinstance(entry, Mapping):
            problems.append(f"{where}.Accounts[{index}] must be an object with AccountId and Email")
            continue
        account_id, email = entry.get("AccountId"), entry.get("Email") or None
        if email is not None and not isinstance(email, str):
            problems.append(f"{where}.Accounts[{index}]: email {email!r} must be a string")
            continue
        problem = account_id_problem(account_id) or (email_problem(email) if email else None)
        if problem or not isinstance(account_id, str):
            problems.append(f"{where}.Accounts[{index}]: {problem}")
            continue
        previous = accounts.get(account_id)
        if previous and previous.email != email:
            problems.append(f"{where}: account {account_id} is listed twice with different emails; keep one entry")
        accounts[account_id] = MemberAccount(account_id, email)
    selectors = []
    for index, entry in enumerate(_list_at(value, "OrganizationSelectors", problems, where)):
        reader = PropertyReader(entry if isinstance(entry, Mapping) else {})
        ous = entry.get("OrganizationalUnits") if isinstance(entry, Mapping) else None
        selectors.append(
            OrganizationSelector(
                organizational_units=(
                    reader.strings("OrganizationalUnits", organizational_unit_problem) if ous is not None else None
                ),
                exclude_accounts=reader.strings("ExcludeAccounts", account_id_problem),
                exclude_organizational_units=reader.strings("ExcludeOrganizationalUnits", organizational_unit_problem),
            )
        )
        problems.extend(f"{where}.OrganizationSelectors[{index}]: {p}" for p in reader.problems)
    return MemberListDocument(accounts=tuple(accounts.values()), selectors=tuple(selectors))


def _list_at(value: Mapping[str, Any], key: str, problems: list[str], where: str) -> list[Any]:
    items = value.get(key)
    if items is None:
        return []
    if not isinstance(items, list):
        problems.append(f"{where}.{key} must be a list, got {items!r}")
        return []
    return items


def parse_member_list_document(text: str | bytes, where: str = "member list") -> MemberListDocument:
    """Parse the member-list document fetched from S3; raise DeclarationError on any problem."""
    problems: list[str] = []
    try:
        value = json.loads(text)
    except ValueError as error:
        raise DeclarationError([f"{where} is not JSON: {error}"]) from error
    document = _parse_member_list(value, problems, where)
    if problems:
        raise DeclarationError(problems)
    return document


def parse_members(properties: Mapping[str, Any]) -> MembersSpec:
    reader = PropertyReader(properties)
    scope = parse_scope(reader)
    inline, location = properties.get("MemberList"), properties.get("MemberListLocation")
    member_list: MemberListDocument | MemberListLocation
    if (inline is None) == (location is None):
        reader.problems.append("exactly one of MemberList and MemberListLocation is required")
        member_list = MemberListDocument()
    elif location is not None:
        where = PropertyReader(location if isinstance(location, Mapping) else {})
        member_list = MemberListLocation(
            bucket=where.text("Bucket"), key=where.text("Key"), sha256=where.text("Sha256")
        )
        reader.problems.extend(f"MemberListLocation: {p}" for p in where.problems)
    else:
        member_list = _parse_member_list(inline, reader.problems, "MemberList")
    spec = MembersSpec(
        scope=scope,
        member_list=member_list,
        prune=reader.choice("Prune", PrunePolicy, PrunePolicy.NONE),
        invite_non_organization_accounts=reader.flag("InviteNonOrganizationAccounts", True),
        restore_disassociated=reader.flag("RestoreDisassociated", True),
        max_prune=_parse_max_prune(reader),
        configuration_type=reader.choice("ConfigurationType", ConfigurationType, ConfigurationType.LOCAL),
        home_region=reader.text("HomeRegion", required=False, check=region_problem) or None,
        self_manage_to_release=reader.flag("SelfManageToRelease", False),
    )
    reader.problems.extend(central_problems(spec))
    if isinstance(member_list, MemberListDocument) and (
        problem := member_count_problem(member_list, spec.invite_non_organization_accounts)
    ):
        reader.problems.append(problem)
    if isinstance(member_list, MemberListDocument) and any(
        a.account_id == scope.expected_account for a in member_list.accounts
    ):
        reader.problems.append(
            f"the administrator account {scope.expected_account} is in its own member list; remove it"
        )
    finish(reader, "Custom::SecurityHubMembers")
    return spec


def central_problems(spec: MembersSpec) -> list[str]:
    """What the configuration type asks of the rest of the declaration (shared by synth and deploy)."""
    if not spec.central:
        if spec.self_manage_to_release:
            return ["SelfManageToRelease (self_manage_to_release) applies only under CENTRAL configuration; remove it"]
        if spec.home_region:
            return ["HomeRegion is needed only under CENTRAL configuration (ConfigurationType=CENTRAL); remove it"]
        return []
    problems = []
    if not spec.home_region:
        problems.append("CENTRAL configuration needs the home Region (HomeRegion), where associations are made")
    elif spec.home_region not in spec.scope.regions:
        problems.append(f"HomeRegion {spec.home_region!r} must also be one of Regions {list(spec.scope.regions)}")
    releases = [
        what
        for what, applies in (
            (f"prune={spec.prune.value}", spec.prune is not PrunePolicy.NONE),
            ("removal_policy=DESTROY", spec.scope.removal_policy is RemovalPolicy.DESTROY),
        )
        if applies
    ]
    if releases and not spec.self_manage_to_release:
        # Security Hub user guide, "Disassociating member accounts": a centrally managed member is disassociated
        # only once it is self-managed, which changes how the account is configured: the declaration must say so.
        problems.append(
            f"{' and '.join(releases)} under CENTRAL configuration disassociates organization accounts that a"
            " configuration policy may govern, which Security Hub refuses until they are self-managed: set"
            " self_manage_to_release=True (SelfManageToRelease) to designate them self-managed first, or drop"
            f" {' and '.join(releases)}"
        )
    return problems
