"""Desired state: typed specs for each custom-resource kind, and their resource properties.

This module owns both directions of the property contract. The constructs call ``to_properties`` at synth time;
the handlers call ``parse_*`` on what CloudFormation delivers, where every scalar arrives as a string
(``true`` becomes ``"true"``). Keeping both here means the two sides cannot drift apart.

Every parser collects all problems and raises one :class:`DeclarationError` that lists them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Any, TypeVar

_ACCOUNT_ID = re.compile(r"^\d{12}$")
_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$")
_OU_ID = re.compile(r"^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$")
_ROOT_ID = re.compile(r"^r-[0-9a-z]{4,32}$")


class DeclarationError(ValueError):
    """A declaration that cannot be acted on. ``problems`` lists every problem found, not just the first."""

    def __init__(self, problems: Iterable[str], context: str = "") -> None:
        self.problems = list(problems)
        prefix = f"{context}: " if context else ""
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{prefix}{len(self.problems)} problem(s) in the declaration:\n{lines}")


class RemovalPolicy(StrEnum):
    """What Delete (and a Region dropped on Update) does. RETAIN leaves the live state as it is."""

    RETAIN = "RETAIN"
    DESTROY = "DESTROY"


class OnRegionUnavailable(StrEnum):
    """What to do in an opt-in Region that the account has not enabled."""

    FAIL = "FAIL"
    SKIP = "SKIP"


class ConfigurationType(StrEnum):
    LOCAL = "LOCAL"
    CENTRAL = "CENTRAL"


class AutoEnableStandards(StrEnum):
    DEFAULT = "DEFAULT"
    NONE = "NONE"


class RegionLinkingMode(StrEnum):
    ALL_REGIONS = "ALL_REGIONS"
    ALL_REGIONS_EXCEPT_SPECIFIED = "ALL_REGIONS_EXCEPT_SPECIFIED"
    SPECIFIED_REGIONS = "SPECIFIED_REGIONS"
    NO_REGIONS = "NO_REGIONS"


class PrunePolicy(StrEnum):
    """What happens to members that the declaration does not list.

    NONE leaves them alone. DISASSOCIATE disassociates them. DELETE_INVITED also deletes the member records of
    invited (non-organization) accounts; organization accounts cannot be deleted, only disassociated.
    """

    NONE = "NONE"
    DISASSOCIATE = "DISASSOCIATE"
    DELETE_INVITED = "DELETE_INVITED"


# --------------------------------------------------------------------------------------------------- value checks


def account_id_problem(value: object) -> str | None:
    """Why ``value`` is not a 12-digit account ID, with the fix; ``None`` when it is one.

    Spreadsheets mangle account IDs in three known ways (seed 000): a decimal suffix (``444455556666.0``),
    scientific notation (``4.44456E+11``), and lost leading zeros (11 digits or fewer).
    """
    if not isinstance(value, str):
        return (
            f"account ID {value!r} is a {type(value).__name__}; write it as a 12-digit string in quotes,"
            " so that leading zeros survive"
        )
    text = value.strip()
    if _ACCOUNT_ID.match(text):
        return None if text == value else f"account ID {value!r} has surrounding spaces; write {text!r}"
    if re.fullmatch(r"\d{12}\.0+", text):
        return f"account ID {value!r} was formatted as a decimal number; write {text.split('.')[0]!r}"
    if re.fullmatch(r"\d(\.\d+)?[eE]\+?\d+", text):
        return (
            f"account ID {value!r} is in scientific notation, so its digits are lost; format the column as"
            " text and write the full 12 digits"
        )
    if re.fullmatch(r"\d{1,11}", text):
        return f"account ID {value!r} has {len(text)} digits; if leading zeros were lost, write {text.zfill(12)!r}"
    return f"account ID {value!r} is not 12 digits; write the 12-digit AWS account ID"


def email_problem(value: str) -> str | None:
    if _EMAIL.match(value):
        return None
    return f"email {value!r} is not a valid email address; write it as name@example.com"


def region_problem(value: object) -> str | None:
    if isinstance(value, str) and _REGION.match(value):
        return None
    return f"Region {value!r} is not a Region name; write it like 'us-east-1'"


def organizational_unit_problem(value: object) -> str | None:
    if isinstance(value, str) and (_OU_ID.match(value) or _ROOT_ID.match(value)):
        return None
    return f"organizational unit {value!r} is not an OU ID ('ou-xxxx-xxxxxxxx') or a root ID ('r-xxxx')"


# ----------------------------------------------------------------------------------------------------- the specs


@dataclass(frozen=True)
class Scope:
    """Where a resource acts, and in which account its handler must run."""

    regions: tuple[str, ...]
    expected_account: str | None = None
    on_region_unavailable: OnRegionUnavailable = OnRegionUnavailable.FAIL
    removal_policy: RemovalPolicy = RemovalPolicy.RETAIN

    def to_properties(self) -> dict[str, Any]:
        properties: dict[str, Any] = {
            "Regions": list(self.regions),
            "OnRegionUnavailable": self.on_region_unavailable.value,
            "RemovalPolicy": self.removal_policy.value,
        }
        if self.expected_account:
            properties["ExpectedAccount"] = self.expected_account
        return properties


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


@dataclass(frozen=True)
class OrganizationConfigurationSpec:
    scope: Scope
    auto_enable: bool = True
    auto_enable_standards: AutoEnableStandards = AutoEnableStandards.DEFAULT
    configuration_type: ConfigurationType = ConfigurationType.LOCAL
    home_region: str | None = None
    region_linking_mode: RegionLinkingMode | None = None
    linked_regions: tuple[str, ...] = ()

    def to_properties(self) -> dict[str, Any]:
        properties: dict[str, Any] = {
            **self.scope.to_properties(),
            "AutoEnable": self.auto_enable,
            "AutoEnableStandards": self.auto_enable_standards.value,
            "ConfigurationType": self.configuration_type.value,
        }
        if self.home_region:
            properties["HomeRegion"] = self.home_region
        if self.region_linking_mode:
            properties["RegionLinkingMode"] = self.region_linking_mode.value
        if self.linked_regions:
            properties["LinkedRegions"] = list(self.linked_regions)
        return properties

    @property
    def settings_regions(self) -> tuple[str, ...]:
        """The Regions whose organization configuration this spec writes: the home Region only under CENTRAL."""
        if self.configuration_type is ConfigurationType.CENTRAL and self.home_region:
            return (self.home_region,)
        return self.scope.regions


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

    def to_properties(self) -> dict[str, Any]:
        properties: dict[str, Any] = {
            **self.scope.to_properties(),
            "Prune": self.prune.value,
            "InviteNonOrganizationAccounts": self.invite_non_organization_accounts,
            "RestoreDisassociated": self.restore_disassociated,
        }
        if isinstance(self.member_list, MemberListLocation):
            properties["MemberListLocation"] = self.member_list.to_json()
        else:
            properties["MemberList"] = self.member_list.to_json()
        return properties


@dataclass(frozen=True)
class InvitationAccepterSpec:
    administrator_account_id: str
    scope: Scope

    def to_properties(self) -> dict[str, Any]:
        return {**self.scope.to_properties(), "AdministratorAccountId": self.administrator_account_id}


# ------------------------------------------------------------------------------------------------------- parsing

E = TypeVar("E", bound=Enum)


@dataclass
class _Reader:
    """Reads one properties mapping, collecting problems instead of stopping at the first."""

    properties: Mapping[str, Any]
    problems: list[str] = field(default_factory=list)

    def _get(self, key: str, required: bool) -> Any:
        value = self.properties.get(key)
        if value is None and required:
            self.problems.append(f"property {key} is required")
        return value

    def text(self, key: str, *, required: bool = True, check: Callable[[Any], str | None] | None = None) -> str:
        value = self._get(key, required)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.problems.append(f"property {key} must be a string, got {value!r}")
            return ""
        problem = check(value) if check else None
        if problem:
            self.problems.append(f"{key}: {problem}")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.properties.get(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        self.problems.append(f"property {key} must be true or false, got {value!r}")
        return default

    def choice(self, key: str, enum: type[E], default: E | None) -> E:
        value = self.properties.get(key)
        if value is None:
            if default is None:
                self.problems.append(f"property {key} is required")
                return next(iter(enum))
            return default
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(m.value for m in enum)
            self.problems.append(f"property {key} is {value!r}; use one of {allowed}")
            return default if default is not None else next(iter(enum))

    def strings(self, key: str, check: Callable[[Any], str | None], *, required: bool = False) -> tuple[str, ...]:
        value = self._get(key, required)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problems.append(f"property {key} must be a list, got {value!r}")
            return ()
        items: list[str] = []
        for item in value:
            problem = check(item)
            if problem:
                self.problems.append(f"{key}: {problem}")
            elif item in items:
                self.problems.append(f"{key}: {item!r} is listed twice; list it once")
            else:
                items.append(item)
        return tuple(items)


def _parse_scope(reader: _Reader) -> Scope:
    regions = reader.strings("Regions", region_problem, required=True)
    if not regions and "Regions" in reader.properties:
        reader.problems.append("Regions must list at least one Region")
    expected = reader.text("ExpectedAccount", required=False, check=account_id_problem) or None
    return Scope(
        regions=regions,
        expected_account=expected,
        on_region_unavailable=reader.choice("OnRegionUnavailable", OnRegionUnavailable, OnRegionUnavailable.FAIL),
        removal_policy=reader.choice("RemovalPolicy", RemovalPolicy, RemovalPolicy.RETAIN),
    )


def _finish(reader: _Reader, context: str) -> None:
    if reader.problems:
        raise DeclarationError(reader.problems, context)


def parse_delegated_admin(properties: Mapping[str, Any]) -> DelegatedAdminSpec:
    reader = _Reader(properties)
    spec = DelegatedAdminSpec(
        scope=_parse_scope(reader),
        admin_account_id=reader.text("AdminAccountId", check=account_id_problem),
        allow_replace=reader.flag("AllowReplace", False),
        enable_in_management_account=reader.flag("EnableInManagementAccount", True),
    )
    _finish(reader, "Custom::SecurityHubDelegatedAdmin")
    return spec


def parse_organization_configuration(properties: Mapping[str, Any]) -> OrganizationConfigurationSpec:
    reader = _Reader(properties)
    scope = _parse_scope(reader)
    home_region = reader.text("HomeRegion", required=False, check=region_problem) or None
    mode_value = properties.get("RegionLinkingMode")
    linking_mode = reader.choice("RegionLinkingMode", RegionLinkingMode, None) if mode_value is not None else None
    spec = OrganizationConfigurationSpec(
        scope=scope,
        auto_enable=reader.flag("AutoEnable", True),
        auto_enable_standards=reader.choice("AutoEnableStandards", AutoEnableStandards, AutoEnableStandards.DEFAULT),
        configuration_type=reader.choice("ConfigurationType", ConfigurationType, ConfigurationType.LOCAL),
        home_region=home_region,
        region_linking_mode=linking_mode,
        linked_regions=reader.strings("LinkedRegions", region_problem),
    )
    reader.problems.extend(organization_configuration_problems(spec))
    _finish(reader, "Custom::SecurityHubOrganizationConfiguration")
    return spec


def organization_configuration_problems(spec: OrganizationConfigurationSpec) -> list[str]:
    """Rules between fields (the facts doc): shared by the synth-time and the deploy-time checks."""
    problems: list[str] = []
    central = spec.configuration_type is ConfigurationType.CENTRAL
    if central and not spec.home_region:
        problems.append("CENTRAL configuration needs a home Region (HomeRegion), where the finding aggregator lives")
    if central and spec.auto_enable:
        problems.append("CENTRAL configuration requires AutoEnable=false; configuration policies enable accounts")
    if central and spec.auto_enable_standards is not AutoEnableStandards.NONE:
        problems.append("CENTRAL configuration requires AutoEnableStandards=NONE")
    if spec.home_region and spec.home_region not in spec.scope.regions:
        problems.append(f"HomeRegion {spec.home_region!r} must also be one of Regions {list(spec.scope.regions)}")
    if spec.home_region and spec.home_region in spec.linked_regions:
        problems.append(
            f"HomeRegion {spec.home_region!r} is also listed in LinkedRegions; remove it from LinkedRegions"
        )
    if spec.linked_regions and not spec.home_region:
        problems.append("LinkedRegions needs a HomeRegion to link them to")
    needs_regions = spec.region_linking_mode in (
        RegionLinkingMode.SPECIFIED_REGIONS,
        RegionLinkingMode.ALL_REGIONS_EXCEPT_SPECIFIED,
    )
    if spec.region_linking_mode is not None and not needs_regions and spec.linked_regions:
        problems.append(f"RegionLinkingMode {spec.region_linking_mode.value} takes no LinkedRegions; remove them")
    if needs_regions and not spec.linked_regions and spec.region_linking_mode is not None:
        problems.append(f"RegionLinkingMode {spec.region_linking_mode.value} needs LinkedRegions")
    return problems


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
        reader = _Reader(entry if isinstance(entry, Mapping) else {})
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
    reader = _Reader(properties)
    scope = _parse_scope(reader)
    inline, location = properties.get("MemberList"), properties.get("MemberListLocation")
    member_list: MemberListDocument | MemberListLocation
    if (inline is None) == (location is None):
        reader.problems.append("exactly one of MemberList and MemberListLocation is required")
        member_list = MemberListDocument()
    elif location is not None:
        where = _Reader(location if isinstance(location, Mapping) else {})
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
    )
    if isinstance(member_list, MemberListDocument) and any(
        a.account_id == scope.expected_account for a in member_list.accounts
    ):
        reader.problems.append(
            f"the administrator account {scope.expected_account} is in its own member list; remove it"
        )
    _finish(reader, "Custom::SecurityHubMembers")
    return spec


def parse_invitation_accepter(properties: Mapping[str, Any]) -> InvitationAccepterSpec:
    reader = _Reader(properties)
    spec = InvitationAccepterSpec(
        scope=_parse_scope(reader),
        administrator_account_id=reader.text("AdministratorAccountId", check=account_id_problem),
    )
    if spec.scope.expected_account and spec.scope.expected_account == spec.administrator_account_id:
        reader.problems.append("an account cannot accept an invitation from itself; check AdministratorAccountId")
    _finish(reader, "Custom::SecurityHubInvitationAccepter")
    return spec
