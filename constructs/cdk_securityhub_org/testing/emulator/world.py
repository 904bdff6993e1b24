"""The emulated world: the organization and its accounts, enabled Regions, and all service state.

Every read or change of a ``World`` must hold ``world.lock`` (the HTTP server does so around each operation;
the builder helpers take it themselves). Time-driven transitions (a pending central configuration, an
administrator whose removal is in progress, a configuration policy being applied, the enforcement of changed
Organizations Security Hub CSPM policies) are applied lazily by ``settle``, called before each operation.

Central configuration (configuration policies, their associations with the root, OUs and accounts, and their
effect on each governed account's hubs) is state of the whole organization, kept here; the operations are in
``central_configuration.py``. So are the AWS Organizations Security Hub CSPM policies and their attachments; the
policy documents and their inheritance are in ``orgpolicies.py``, the operations in ``organizations.py``.
"""

from __future__ import annotations

import base64
import bisect
import dataclasses
import json
import random
import string
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from cdk_securityhub_org.handler.kinds.organizations_policy.document import (
    RegionSettings,
    effective_policy,
    region_settings,
)

from .catalog import DEFAULT_STANDARDS, SECURITY_CONTROLS, Standard, check_policy, standard_for_arn
from .orgpolicies import SECURITYHUB_CSPM_POLICY, parse_policy_content

STANDARD_REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ap-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "ca-central-1",
    "eu-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-north-1",
    "sa-east-1",
)
"""Regions enabled in every account."""

OPT_IN_REGIONS = (
    "af-south-1",
    "ap-east-1",
    "ap-south-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ca-west-1",
    "eu-central-2",
    "eu-south-1",
    "eu-south-2",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
)
"""Regions an account must enable first (``World.enable_region``)."""

ALL_REGIONS = STANDARD_REGIONS + OPT_IN_REGIONS

SECURITYHUB_PRINCIPAL = "securityhub.amazonaws.com"
ORGANIZATION_MEMBER_CAP = 10_000
INVITED_MEMBER_CAP = 1_000
ASSOCIATED_STATUSES = frozenset({"Enabled", "Associated"})
ADMIN_ENABLED = "ENABLED"
ADMIN_DISABLE_IN_PROGRESS = "DISABLE_IN_PROGRESS"
SELF_MANAGED = "SELF_MANAGED_SECURITY_HUB"
"""The configuration identifier of self-managed behaviour (instead of a configuration policy's ID)."""


@dataclass
class WorldSettings:
    """Timing and outcome knobs of the world (as opposed to faults, which perturb single calls).

    Attributes:
        admin_sync_seconds: for this long after ``EnableOrganizationAdminAccount`` the organization
            configuration operations answer ``DataUnavailableException`` (still syncing).
        admin_disable_delay_seconds: ``DisableOrganizationAdminAccount`` leaves the administrator in
            ``DISABLE_IN_PROGRESS`` this long before it is removed (0: removed at once).
        central_config_seconds: how long a requested central configuration stays ``PENDING``.
        central_config_failure: test hook: when set, a central configuration ends ``FAILED`` with this
            ``StatusMessage`` instead of ``ENABLED``.
        policy_association_seconds: how long a configuration policy association (and every account it
            reaches) stays ``PENDING`` before it ends ``SUCCESS`` or ``FAILED``.
        configuration_policy_quota: how many configuration policies the delegated administrator may have.
        policy_enforcement_seconds: how long after a change of Organizations Security Hub CSPM policies (or of
            the accounts and Regions they govern) the world enforces the effective policies (0: at the next call).
    """

    admin_sync_seconds: float = 0.0
    admin_disable_delay_seconds: float = 0.0
    central_config_seconds: float = 0.2
    central_config_failure: str | None = None
    policy_association_seconds: float = 0.2
    # The quota is published on the "AWS Security Hub endpoints and quotas" page; the stored copies of the
    # documentation this emulator was built from do not show its figure, so 20 is the emulator's value.
    configuration_policy_quota: int = 20
    policy_enforcement_seconds: float = 0.0


@dataclass
class Account:
    """An AWS account. ``parent_id`` is its root or OU; ``None`` means it is not in the organization."""

    id: str
    name: str
    email: str
    status: str = "ACTIVE"
    joined_method: str = "CREATED"
    joined_at: float = 0.0
    parent_id: str | None = None
    opt_in_regions: set[str] = field(default_factory=set)

    @property
    def in_organization(self) -> bool:
        return self.parent_id is not None


@dataclass
class OrganizationalUnit:
    id: str
    name: str
    parent_id: str


@dataclass(frozen=True)
class MemberRecord:
    """An administrator's record of one member account in one Region (immutable: replace it to change it).

    ``organization`` tells an account enrolled through Organizations from one added by invitation;
    ``created_at`` is when CreateMembers last (re)created it, which drives the eventual-consistency fault.
    """

    account_id: str
    email: str | None
    status: str
    organization: bool
    created_at: float
    updated_at: float
    invited_at: float | None = None


class MemberTable:
    """An administrator's members in one Region, with sorted indexes so a page costs O(page), not O(members).

    Records change only through ``put`` and ``remove``, which keep the indexes and counters right.
    """

    def __init__(self) -> None:
        self._records: dict[str, MemberRecord] = {}
        self._ids: list[str] = []
        self._associated_ids: list[str] = []
        self._organization_count = 0

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[MemberRecord]:
        return (self._records[i] for i in list(self._ids))

    def get(self, account_id: str) -> MemberRecord | None:
        return self._records.get(account_id)

    @property
    def organization_count(self) -> int:
        return self._organization_count

    @property
    def invited_count(self) -> int:
        return len(self._records) - self._organization_count

    def put(self, record: MemberRecord) -> None:
        old = self._records.get(record.account_id)
        if old is None:
            bisect.insort(self._ids, record.account_id)
        else:
            self._unindex(old)
        self._records[record.account_id] = record
        self._organization_count += record.organization
        if record.status in ASSOCIATED_STATUSES:
            bisect.insort(self._associated_ids, record.account_id)

    def remove(self, account_id: str) -> MemberRecord | None:
        old = self._records.pop(account_id, None)
        if old is not None:
            self._unindex(old)
            del self._ids[bisect.bisect_left(self._ids, account_id)]
        return old

    def _unindex(self, old: MemberRecord) -> None:
        self._organization_count -= old.organization
        if old.status in ASSOCIATED_STATUSES:
            del self._associated_ids[bisect.bisect_left(self._associated_ids, old.account_id)]

    def page(
        self,
        after: str | None,
        limit: int,
        only_associated: bool,
        visible: Callable[[MemberRecord], bool],
    ) -> tuple[list[MemberRecord], str | None]:
        """Up to ``limit`` visible records after account ``after``, and the cursor of the next page (or None)."""
        ids = self._associated_ids if only_associated else self._ids
        index = bisect.bisect_right(ids, after) if after else 0
        found: list[MemberRecord] = []
        while index < len(ids):
            record = self._records[ids[index]]
            index += 1
            if not visible(record):
                continue
            if len(found) == limit:
                # Only announce a next page when one more visible record really exists.
                return found, found[-1].account_id
            found.append(record)
        return found, None


@dataclass
class Invitation:
    """An invitation received by a member account, in the Region it was sent from."""

    sender: str
    invitation_id: str
    invited_at: float


@dataclass
class AdministratorLink:
    """A member account's view of its administrator in one Region."""

    account_id: str
    status: str
    invitation_id: str | None = None
    invited_at: float | None = None


@dataclass
class OrganizationConfig:
    """The delegated administrator's organization configuration in one Region (the home Region for CENTRAL)."""

    auto_enable: bool = False
    auto_enable_standards: str = "DEFAULT"
    configuration_type: str = "LOCAL"
    status: str = "ENABLED"
    status_message: str | None = None
    ready_at: float | None = None
    failure: str | None = None

    @property
    def central_in_effect(self) -> bool:
        """Central configuration governs the organization (requested or done, not failed)."""
        return self.configuration_type == "CENTRAL" and self.status in ("PENDING", "ENABLED")


@dataclass
class Hub:
    """Security Hub in one account and Region: the subscription, its standards, disabled controls and custom
    control parameters, and both sides of membership. ``standards`` maps a standard's key (``catalog.STANDARDS``)
    to when it was enabled; ``control_parameters`` maps a control ID to its parameters set to a custom value
    (``catalog.CONTROL_PARAMETERS`` holds the defaults). Central configuration policies and Organizations Security
    Hub CSPM policies both write these same fields."""

    enabled: bool = False
    subscribed_at: float | None = None
    members: MemberTable = field(default_factory=MemberTable)
    invitations: dict[str, Invitation] = field(default_factory=dict)
    administrator: AdministratorLink | None = None
    org_config: OrganizationConfig | None = None
    standards: dict[str, float] = field(default_factory=dict)
    disabled_controls: set[str] = field(default_factory=set)
    control_parameters: dict[str, dict[str, Any]] = field(default_factory=dict)

    def enable(self, now: float) -> None:
        if not self.enabled:
            self.enabled = True
            self.subscribed_at = now

    def enable_default_standards(self, now: float) -> None:
        for key in DEFAULT_STANDARDS:
            self.standards.setdefault(key, now)

    def disable(self) -> None:
        """Unsubscribe: the standards and control settings go with the subscription."""
        self.enabled = False
        self.subscribed_at = None
        self.standards = {}
        self.disabled_controls = set()
        self.control_parameters = {}

    @property
    def is_default(self) -> bool:
        """Nothing worth persisting (such hubs are left out of ``World.to_dict``)."""
        return not (
            self.enabled
            or len(self.members)
            or self.invitations
            or self.administrator
            or self.org_config
            or self.standards
            or self.disabled_controls
            or self.control_parameters
        )


@dataclass
class AdminDesignation:
    """The Security Hub delegated administrator of the organization in one Region."""

    account_id: str
    status: str = ADMIN_ENABLED
    designated_at: float = 0.0
    removal_at: float | None = None
    # While DISABLE_IN_PROGRESS: how many more ListOrganizationAdminAccounts reads see it (fault
    # admin_disable_pending_reads); None when only ``removal_at`` ends the removal.
    reads_left: int | None = None


@dataclass
class FindingAggregator:
    """An account's one finding aggregator; its Region is the account's home Region."""

    arn: str
    account_id: str
    home_region: str
    mode: str
    regions: list[str] = field(default_factory=list)


@dataclass
class ConfigurationPolicy:
    """A central configuration policy of the delegated administrator (created in the home Region).

    ``policy`` is the ``Policy`` union exactly as the API carries it: ``{"SecurityHub": {...}}``.
    """

    id: str
    arn: str
    name: str
    description: str | None
    policy: dict[str, Any]
    created_at: float
    updated_at: float
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def settings(self) -> dict[str, Any]:
        """The ``SecurityHubPolicy`` member."""
        settings: dict[str, Any] = self.policy["SecurityHub"]
        return settings

    @property
    def service_enabled(self) -> bool:
        return bool(self.settings.get("ServiceEnabled"))

    def standards(self, home_region: str) -> list[Standard]:
        """The enabled standards (their identifiers were checked against the home Region when stored)."""
        found = (standard_for_arn(arn, home_region) for arn in self.settings.get("EnabledStandardIdentifiers", []))
        return [s for s in found if s is not None]

    def disabled_controls(self) -> set[str]:
        """The controls the policy leaves disabled: with an enabled list every other control is disabled,
        with a disabled list every other control is enabled (current and future ones alike)."""
        controls = self.settings.get("SecurityControlsConfiguration") or {}
        if "EnabledSecurityControlIdentifiers" in controls:
            return set(SECURITY_CONTROLS) - set(controls["EnabledSecurityControlIdentifiers"])
        return set(controls.get("DisabledSecurityControlIdentifiers", []))


@dataclass
class PolicyAssociation:
    """A configuration (a policy's ID, or ``SELF_MANAGED``) directly applied to the root, an OU or an account."""

    target_id: str
    target_type: str
    policy_id: str
    applied_at: float


@dataclass
class PolicyRollout:
    """Security Hub applying a target's configuration after a change: ``PENDING`` until ``ready_at`` has
    passed and ``reads_left`` reads have seen it pending, then ``SUCCESS`` or ``FAILED`` (``failure``)."""

    target_id: str
    status: str
    updated_at: float
    ready_at: float
    reads_left: int = 0
    failure: str | None = None
    message: str | None = None


@dataclass
class OrgPolicy:
    """An AWS Organizations policy and the roots, OUs and accounts it is attached to, in attachment order."""

    id: str
    name: str
    description: str
    type: str
    content: str
    updated_at: float = 0.0
    targets: list[str] = field(default_factory=list)


@dataclass
class S3Object:
    body: bytes
    content_type: str
    etag: str
    last_modified: float


@dataclass
class Bucket:
    name: str
    owner: str
    region: str
    created_at: float
    objects: dict[str, S3Object] = field(default_factory=dict)


class PolicyNameTaken(ValueError):
    """Another configuration policy has that name."""


class PolicyQuotaReached(ValueError):
    """The delegated administrator has as many configuration policies as the quota allows."""


def _random_id(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(length))


class World:
    """The whole emulated state: build one with ``World.organization(...)`` and pass it to ``Emulator``.

    The builder helpers (``add_organizational_unit``, ``add_account``, ``add_standalone_account``,
    ``suspend_account``, ``enable_region``) may be called before or while the emulator serves.
    """

    def __init__(
        self,
        management_account: str = "000000000001",
        *,
        seed: int = 0,
        settings: WorldSettings | None = None,
        root_id: str | None = None,
    ) -> None:
        self.lock = threading.RLock()
        self.settings = settings or WorldSettings()
        self._rng = random.Random(seed)
        now = time.time()
        self.management_account = management_account
        self.org_id = "o-" + _random_id(self._rng, 10)
        self.root_id = root_id or "r-" + _random_id(self._rng, 4)
        self.accounts: dict[str, Account] = {
            management_account: Account(
                management_account,
                "Management",
                "management@example.com",
                joined_at=now,
                parent_id=self.root_id,
            )
        }
        self.organizational_units: dict[str, OrganizationalUnit] = {}
        self.hubs: dict[tuple[str, str], Hub] = {}
        self.admins: dict[str, list[AdminDesignation]] = {}
        self.aggregators: dict[str, FindingAggregator] = {}
        self.delegated_admins: dict[str, dict[str, float]] = {}
        self.service_access: dict[str, float] = {}
        self.buckets: dict[str, Bucket] = {}
        self._pending_configs: set[tuple[str, str]] = set()
        self.configuration_policies: dict[str, ConfigurationPolicy] = {}
        self.policy_associations: dict[str, PolicyAssociation] = {}
        self.policy_rollouts: dict[str, PolicyRollout] = {}
        self._pending_rollouts: set[str] = set()
        self.policy_types: dict[str, float] = {}
        self.org_policies: dict[str, OrgPolicy] = {}
        self._policies_due: float | None = None

    # ------------------------------------------------------------------ building

    @classmethod
    def organization(
        cls,
        management_account: str = "000000000001",
        member_count: int = 0,
        seed: int = 0,
        *,
        opt_in_regions_enabled: Iterable[str] = (),
        settings: WorldSettings | None = None,
        root_id: str | None = None,
    ) -> World:
        """An organization: root, OUs ``Security``, ``Infrastructure``, ``Workloads`` (with nested ``Prod`` and
        ``NonProd``) and ``Sandbox``, and ``member_count`` ACTIVE accounts besides the management account.

        The first two members are ``security-tooling`` and ``log-archive`` in the Security OU; the others are
        spread over the root and the other OUs. Account IDs are random 12-digit strings drawn from ``seed``
        (leading zeros included). Every account, the management account too, enables
        ``opt_in_regions_enabled``. ``root_id`` fixes the root's ID (default: random), so that a declaration's
        targets exist.
        """
        world = cls(management_account, seed=seed, settings=settings, root_id=root_id)
        security = world.add_organizational_unit("Security")
        workloads = world.add_organizational_unit("Workloads")
        homes = [
            world.root_id,
            world.add_organizational_unit("Infrastructure"),
            world.add_organizational_unit("Prod", parent_id=workloads),
            world.add_organizational_unit("NonProd", parent_id=workloads),
            world.add_organizational_unit("Sandbox"),
        ]
        for index in range(member_count):
            if index < 2:
                name, parent = ("security-tooling", "log-archive")[index], security
            else:
                name, parent = f"member-{index:05d}", world._rng.choice(homes)
            world.add_account(name=name, parent_id=parent)
        for region in opt_in_regions_enabled:
            for account_id in world.accounts:
                world.enable_region(account_id, region)
        return world

    def _new_account_id(self) -> str:
        while True:
            candidate = f"{self._rng.randrange(10**12):012d}"
            if candidate not in self.accounts:
                return candidate

    def add_organizational_unit(self, name: str, parent_id: str | None = None, *, ou_id: str | None = None) -> str:
        """Create an OU under ``parent_id`` (default: the root); returns its ID (``ou_id``, default: random)."""
        with self.lock:
            parent = parent_id or self.root_id
            if parent != self.root_id and parent not in self.organizational_units:
                raise ValueError(f"unknown parent {parent}")
            if ou_id is not None and (ou_id in self.organizational_units or not ou_id.startswith("ou-")):
                raise ValueError(f"OU ID {ou_id!r} is taken or is not of the form ou-...")
            ou_id = ou_id or f"ou-{self.root_id[2:]}-{_random_id(self._rng, 8)}"
            self.organizational_units[ou_id] = OrganizationalUnit(ou_id, name, parent)
            return ou_id

    def add_account(
        self,
        account_id: str | None = None,
        *,
        name: str | None = None,
        email: str | None = None,
        parent_id: str | None = None,
        joined_method: str = "CREATED",
    ) -> str:
        """Add an ACTIVE organization account under ``parent_id`` (default: the root); returns its ID.

        Like AWS, an administrator whose LOCAL organization configuration has ``AutoEnable`` enrolls the new
        account as a member in that Region at once.
        """
        with self.lock:
            parent = parent_id or self.root_id
            if parent != self.root_id and parent not in self.organizational_units:
                raise ValueError(f"unknown parent {parent}")
            account_id = self._register(account_id, name, email, parent, joined_method)
            now = time.time()
            for region, designations in self.admins.items():
                for designation in designations:
                    hub = self.hubs.get((designation.account_id, region))
                    config = hub.org_config if hub else None
                    if designation.status == ADMIN_ENABLED and config and config.auto_enable:
                        self.enroll_organization_member(designation.account_id, account_id, region, now)
            # Security Hub user guide, "How configuration policies work": a policy associated with an OU (or
            # the root) also covers the accounts that join it later.
            if self.central_owner() is not None:
                self.start_rollouts([account_id], account_id, now, {}, {})
            # AWS Organizations user guide, "Security Hub policies": accounts that join inherit the policies of
            # their place in the hierarchy.
            self.policies_changed(now)
            return account_id

    def add_standalone_account(
        self, account_id: str | None = None, *, name: str | None = None, email: str | None = None
    ) -> str:
        """Add an account outside the organization (invitation-based membership only); returns its ID."""
        with self.lock:
            return self._register(account_id, name, email, None, "CREATED")

    def _register(
        self, account_id: str | None, name: str | None, email: str | None, parent: str | None, joined: str
    ) -> str:
        account_id = account_id or self._new_account_id()
        if len(account_id) != 12 or not account_id.isdigit():
            raise ValueError(f"account IDs are 12 digits: {account_id!r}")
        if account_id in self.accounts:
            raise ValueError(f"account {account_id} already exists")
        name = name or f"account-{account_id}"
        self.accounts[account_id] = Account(
            account_id,
            name,
            email or f"aws+{name}@example.com",
            joined_method=joined,
            joined_at=time.time(),
            parent_id=parent,
        )
        return account_id

    def suspend_account(self, account_id: str) -> None:
        """Mark an organization account SUSPENDED (CreateMembers then records it as ``AccountSuspended``)."""
        with self.lock:
            self.accounts[account_id].status = "SUSPENDED"

    def enable_region(self, account_id: str, region: str) -> None:
        """Opt the account in to an opt-in Region."""
        if region not in OPT_IN_REGIONS:
            raise ValueError(f"{region} is not an opt-in Region")
        with self.lock:
            self.accounts[account_id].opt_in_regions.add(region)
            self.policies_changed(time.time())

    # ------------------------------------------------------------------ Organizations policies

    def enable_policy_type(self, policy_type: str = SECURITYHUB_CSPM_POLICY, now: float | None = None) -> None:
        """Enable a policy type on the root (the state change of EnablePolicyType; also a builder helper)."""
        with self.lock:
            self.policy_types.setdefault(policy_type, time.time() if now is None else now)

    def disable_policy_type(self, policy_type: str, now: float) -> None:
        """Disable a policy type on the root; its policies stay but are detached everywhere."""
        with self.lock:
            # AWS Organizations user guide, "Disabling a policy type": all policies of that type are detached
            # from every root, OU and account when the type is disabled.
            self.policy_types.pop(policy_type, None)
            for policy in self.org_policies.values():
                if policy.type == policy_type:
                    policy.targets.clear()
            self.policies_changed(now)

    def create_policy(
        self, name: str, content: str, *, description: str = "", policy_type: str = SECURITYHUB_CSPM_POLICY
    ) -> str:
        """Store a policy whose content follows the type's syntax (``PolicyDocumentError`` otherwise); returns
        its ID. Checks nothing else (names, quotas): the Organizations API does that before it calls this."""
        with self.lock:
            parse_policy_content(content, ALL_REGIONS)
            policy_id = "p-" + _random_id(self._rng, 10)
            while policy_id in self.org_policies:
                policy_id = "p-" + _random_id(self._rng, 10)
            self.org_policies[policy_id] = OrgPolicy(policy_id, name, description, policy_type, content, time.time())
            return policy_id

    def attach_policy(self, policy_id: str, target_id: str, now: float | None = None) -> None:
        """Attach a policy to the root, an OU or an organization account (once; a repeat changes nothing)."""
        with self.lock:
            if not self.is_policy_target(target_id):
                raise ValueError(f"{target_id} is not the root, an OU or an account of the organization")
            policy = self.org_policies[policy_id]
            if policy.type not in self.policy_types:
                raise ValueError(f"enable the policy type {policy.type} on the root before attaching {policy_id}")
            if target_id not in policy.targets:
                policy.targets.append(target_id)
            self.policies_changed(time.time() if now is None else now)

    def detach_policy(self, policy_id: str, target_id: str, now: float) -> None:
        with self.lock:
            self.org_policies[policy_id].targets.remove(target_id)
            self.policies_changed(now)

    def is_policy_target(self, target_id: str) -> bool:
        return target_id == self.root_id or target_id in self.organizational_units or self.in_organization(target_id)

    def policy_path(self, account_id: str) -> list[str]:
        """The root, the OUs from the top down, and the account: where policies that reach the account attach."""
        chain = [account_id]
        parent = self.accounts[account_id].parent_id
        while parent is not None and parent != self.root_id:
            chain.append(parent)
            parent = self.organizational_units[parent].parent_id
        chain.append(self.root_id)
        return chain[::-1]

    def _attached_documents(self, policy_type: str) -> dict[str, list[dict[str, Any]]]:
        attached: dict[str, list[dict[str, Any]]] = {}
        for policy in self.org_policies.values():
            if policy.type == policy_type:
                document = json.loads(policy.content)
                for target in policy.targets:
                    attached.setdefault(target, []).append(document)
        return attached

    def effective_policy(self, account_id: str, policy_type: str = SECURITYHUB_CSPM_POLICY) -> dict[str, Any] | None:
        """The account's effective policy of the type (plain values, operators resolved), or None when the type
        is not enabled or no policy of it reaches the account."""
        with self.lock:
            if policy_type not in self.policy_types or not self.in_organization(account_id):
                return None
            attached = self._attached_documents(policy_type)
            return effective_policy(attached.get(target, []) for target in self.policy_path(account_id))

    def cspm_governance(self, account_id: str, region: str) -> RegionSettings | None:
        """What the account's effective Security Hub CSPM policy sets in the Region (None: ungoverned)."""
        return region_settings(self.effective_policy(account_id), region)

    def policies_changed(self, now: float) -> None:
        """Schedule the enforcement of the effective Security Hub CSPM policies (see ``settle``)."""
        self._policies_due = now + self.settings.policy_enforcement_seconds

    def _enforce_cspm_policies(self, now: float) -> None:
        """Give every governed account and Region what its effective policy sets. An account or Region that is
        no longer governed keeps its settings: the pages say nothing of a revert, and central configuration
        documents the same for accounts that stop being governed ("Disabling central configuration")."""
        if SECURITYHUB_CSPM_POLICY not in self.policy_types:
            return
        attached = self._attached_documents(SECURITYHUB_CSPM_POLICY)
        if not attached:
            return
        for account in list(self.accounts.values()):
            if not account.in_organization:
                continue
            effective = effective_policy(attached.get(target, []) for target in self.policy_path(account.id))
            if effective is None:
                continue
            for region in self.enabled_regions(account.id):
                settings = region_settings(effective, region)
                if settings is not None:
                    self._enforce(account.id, region, settings, now)

    def _enforce(self, account_id: str, region: str, settings: RegionSettings, now: float) -> None:
        # Security Hub user guide, "Reviewing a declarative policy's impact before you apply it": the policy
        # governs Security Hub CSPM, standards, controls and control parameters completely in each Region where
        # it enables it (unlisted standards disabled, unset parameters back to their defaults).
        hub = self.hub(account_id, region)
        if settings.enabled:
            hub.enable(now)
            hub.standards = {key: hub.standards.get(key, now) for key in settings.standards}
            hub.disabled_controls = {c for c, status in settings.control_statuses.items() if status == "DISABLED"}
            hub.control_parameters = {control: dict(values) for control, values in settings.control_parameters.items()}
            return
        # The same page: a policy that disables Security Hub CSPM also removes administrator and member
        # associations, invitation-based ones included, and they are not restored. The emulator removes every
        # trace in the Region (the account as delegated administrator, its members and the invitations it sent,
        # its own administrator link and received invitations, its finding aggregator if homed there): the
        # strictest reading, since the page does not list them one by one.
        if any(d.account_id == account_id for d in self.designations(region)):
            self.remove_admin(region, account_id)
        for record in list(hub.members):
            hub.members.remove(record.account_id)
            self._drop_link(record.account_id, region, account_id)
            member_hub = self.hubs.get((record.account_id, region))
            if member_hub is not None:
                member_hub.invitations.pop(account_id, None)
        if hub.administrator is not None:
            self.hub(hub.administrator.account_id, region).members.remove(account_id)
            hub.administrator = None
        hub.invitations.clear()
        aggregator = self.aggregators.get(account_id)
        if aggregator is not None and aggregator.home_region == region:
            del self.aggregators[account_id]
        hub.disable()

    # ------------------------------------------------------------------ queries

    def member_account_ids(self) -> list[str]:
        """The organization's accounts other than the management account, in creation order."""
        with self.lock:
            return [a.id for a in self.accounts.values() if a.in_organization and a.id != self.management_account]

    def in_organization(self, account_id: str) -> bool:
        account = self.accounts.get(account_id)
        return account is not None and account.in_organization

    def region_enabled(self, account_id: str, region: str) -> bool:
        return region in STANDARD_REGIONS or region in self.accounts[account_id].opt_in_regions

    def enabled_regions(self, account_id: str) -> list[str]:
        return [r for r in ALL_REGIONS if self.region_enabled(account_id, r)]

    def hub(self, account_id: str, region: str) -> Hub:
        """Security Hub state of an account in a Region (created on first use)."""
        hub = self.hubs.get((account_id, region))
        if hub is None:
            hub = self.hubs[(account_id, region)] = Hub()
        return hub

    def designations(self, region: str) -> list[AdminDesignation]:
        return self.admins.get(region, [])

    def current_admin(self, region: str) -> AdminDesignation | None:
        """The ENABLED delegated administrator of the Region, if any."""
        return next((d for d in self.designations(region) if d.status == ADMIN_ENABLED), None)

    def governed_regions(self, aggregator: FindingAggregator) -> set[str]:
        """The home Region and the Regions linked to it."""
        mode, listed = aggregator.mode, set(aggregator.regions)
        if mode == "ALL_REGIONS":
            linked = set(self.enabled_regions(aggregator.account_id))
        elif mode == "ALL_REGIONS_EXCEPT_SPECIFIED":
            linked = set(self.enabled_regions(aggregator.account_id)) - listed
        elif mode == "SPECIFIED_REGIONS":
            linked = listed
        else:
            linked = set()
        return linked | {aggregator.home_region}

    def central_config(self, admin: str, region: str) -> OrganizationConfig | None:
        """The CENTRAL configuration (from the home Region) that covers ``region``, if any."""
        aggregator = self.aggregators.get(admin)
        if aggregator is None:
            return None
        home = self.hubs.get((admin, aggregator.home_region))
        config = home.org_config if home else None
        if config and config.configuration_type == "CENTRAL" and region in self.governed_regions(aggregator):
            return config
        return None

    def central_applies(self, admin: str, region: str) -> bool:
        config = self.central_config(admin, region)
        return config is not None and config.central_in_effect

    def organization_config(self, admin: str, region: str) -> OrganizationConfig:
        """What DescribeOrganizationConfiguration reports: CENTRAL from the home Region, else the Region's own."""
        return self.central_config(admin, region) or self.hub(admin, region).org_config or OrganizationConfig()

    # ------------------------------------------------------------------ central configuration: queries

    def central_owner(self) -> FindingAggregator | None:
        """The aggregator (home Region) of the delegated administrator whose central configuration is in
        effect (requested or enabled), if any: policies act in its home Region and linked Regions."""
        for aggregator in self.aggregators.values():
            home = self.hubs.get((aggregator.account_id, aggregator.home_region))
            if home and home.org_config and home.org_config.central_in_effect:
                return aggregator
        return None

    def target_type(self, target_id: str) -> str | None:
        """``ROOT``, ``ORGANIZATIONAL_UNIT`` or ``ACCOUNT`` for a target of the organization, else None."""
        if target_id == self.root_id:
            return "ROOT"
        if target_id in self.organizational_units:
            return "ORGANIZATIONAL_UNIT"
        return "ACCOUNT" if self.in_organization(target_id) else None

    def ancestry(self, target_id: str) -> list[str]:
        """The target, its parent, and so on up to the root."""
        chain = [target_id]
        while chain[-1] != self.root_id:
            last = chain[-1]
            parent = self.organizational_units[last].parent_id if last in self.organizational_units else None
            chain.append(parent or self.accounts[last].parent_id or self.root_id)
        return chain

    def governable_targets(self) -> list[str]:
        """Every target a configuration can be associated with: the root, the OUs, the organization's accounts."""
        return [
            self.root_id,
            *self.organizational_units,
            *(a.id for a in self.accounts.values() if a.in_organization),
        ]

    def association_source(self, target_id: str) -> PolicyAssociation | None:
        """The association a target follows: its own, else its nearest ancestor's (None: nothing applied above
        it, so it is self-managed)."""
        for node in self.ancestry(target_id):
            association = self.policy_associations.get(node)
            if association is not None:
                return association
        return None

    def effective_configuration(self, target_id: str) -> str:
        """The configuration in effect for a target: a policy's ID, or ``SELF_MANAGED``."""
        # Security Hub user guide, "Choosing the management type of accounts and OUs": through the API every
        # account and OU is self-managed until a configuration is associated with it or an ancestor.
        source = self.association_source(target_id)
        return source.policy_id if source else SELF_MANAGED

    def effective_configurations(self) -> dict[str, str]:
        """Each organization account's configuration in effect: a policy's name, or ``SELF_MANAGED`` (for demos)."""
        with self.lock:
            result = {}
            for account in self.accounts.values():
                if account.in_organization:
                    config = self.effective_configuration(account.id)
                    policy = self.configuration_policies.get(config)
                    result[account.id] = policy.name if policy else SELF_MANAGED
            return result

    def governing_policy(self, account_id: str, region: str) -> ConfigurationPolicy | None:
        """The policy that centrally manages the account in that Region (None: self-managed there)."""
        owner = self.central_owner()
        if owner is None or region not in self.governed_regions(owner) or not self.in_organization(account_id):
            return None
        return self.configuration_policies.get(self.effective_configuration(account_id))

    # ------------------------------------------------------------------ central configuration: changes

    def add_configuration_policy(
        self, name: str, policy: dict[str, Any], *, description: str | None = None, now: float | None = None
    ) -> ConfigurationPolicy:
        """Store a configuration policy of the administrator whose central configuration is in effect.

        Used by CreateConfigurationPolicy, and to seed policies out of band; raises ``ValueError`` naming
        what is wrong (no central configuration, an incomplete policy), ``PolicyNameTaken`` or
        ``PolicyQuotaReached``.
        """
        with self.lock:
            owner = self.central_owner()
            if owner is None:
                raise ValueError("central configuration is not in effect: no policy can be stored")
            self._check_policy_name_free(name, None)
            check_policy(policy, owner.home_region)
            quota = self.settings.configuration_policy_quota
            if len(self.configuration_policies) >= quota:
                raise PolicyQuotaReached(
                    f"the delegated administrator already has {quota} configuration policies (the quota); "
                    "delete one before you create another"
                )
            policy_id = str(uuid.UUID(int=self._rng.getrandbits(128), version=4))
            arn = f"arn:aws:securityhub:{owner.home_region}:{owner.account_id}:configuration-policy/{policy_id}"
            created = time.time() if now is None else now
            stored = ConfigurationPolicy(policy_id, arn, name, description, policy, created, created)
            self.configuration_policies[policy_id] = stored
            return stored

    def update_configuration_policy(
        self,
        policy_id: str,
        now: float,
        *,
        name: str | None = None,
        description: str | None = None,
        policy: dict[str, Any] | None = None,
    ) -> bool:
        """Change a policy (a new ``policy`` replaces the whole configuration); True when its settings changed,
        so that the targets it governs apply it again. Raises like ``add_configuration_policy``."""
        stored = self.configuration_policies[policy_id]
        owner = self.central_owner()
        assert owner is not None
        if name is not None:
            self._check_policy_name_free(name, policy_id)
        if policy is not None:
            check_policy(policy, owner.home_region)
        stored.name = name or stored.name
        stored.description = description or stored.description
        stored.updated_at = now
        changed = policy is not None and policy != stored.policy
        if policy is not None:
            stored.policy = policy
        return changed

    def _check_policy_name_free(self, name: str, policy_id: str | None) -> None:
        if any(p.name == name and p.id != policy_id for p in self.configuration_policies.values()):
            raise PolicyNameTaken(f"a configuration policy named {name!r} already exists; choose another name")

    def apply_association(
        self,
        target_id: str,
        policy_id: str,
        now: float,
        pending_reads: Mapping[str, int],
        failures: Mapping[str, str],
    ) -> None:
        """Associate a configuration directly with a target; the target and every descendant that now follows
        it start PENDING. ``pending_reads`` and ``failures`` are the injected faults (``FaultConfig``)."""
        target_type = self.target_type(target_id)
        assert target_type is not None
        self.policy_associations[target_id] = PolicyAssociation(target_id, target_type, policy_id, now)
        self.start_rollouts(self._followers(target_id), target_id, now, pending_reads, failures)

    def remove_association(
        self, target_id: str, now: float, pending_reads: Mapping[str, int], failures: Mapping[str, str]
    ) -> None:
        """Disassociate a target's own configuration: it and its followers now inherit from the nearest ancestor."""
        followers = self._followers(target_id)
        del self.policy_associations[target_id]
        self.start_rollouts(followers, target_id, now, pending_reads, failures)

    def reapply_policy(
        self, policy_id: str, now: float, pending_reads: Mapping[str, int], failures: Mapping[str, str]
    ) -> None:
        """After a policy changed, every target it governs applies it again."""
        for association in list(self.policy_associations.values()):
            if association.policy_id == policy_id:
                followers = self._followers(association.target_id)
                self.start_rollouts(followers, association.target_id, now, pending_reads, failures)

    def _followers(self, target_id: str) -> list[str]:
        """The target and the descendants whose configuration comes from the target's association."""
        return [
            t
            for t in self.governable_targets()
            if target_id in (chain := self.ancestry(t))
            and not any(n in self.policy_associations for n in chain[: chain.index(target_id)])
        ]

    def start_rollouts(
        self,
        targets: Iterable[str],
        origin: str,
        now: float,
        pending_reads: Mapping[str, int],
        failures: Mapping[str, str],
    ) -> None:
        """Mark targets PENDING. A failure or pending-read count set for a target applies to it; one set for
        ``origin`` (the target whose association changed) applies to every target reached through it."""
        for target in targets:
            reads = pending_reads.get(target, pending_reads.get(origin, pending_reads.get("*", 0)))
            failure = failures.get(target, failures.get(origin))
            ready_at = now + self.settings.policy_association_seconds
            self.policy_rollouts[target] = PolicyRollout(target, "PENDING", now, ready_at, reads, failure)
            self._pending_rollouts.add(target)

    def observe_rollout(self, target_id: str) -> PolicyRollout | None:
        """The target's rollout as a read reports it; a read of a PENDING rollout uses up one pending read."""
        rollout = self.policy_rollouts.get(target_id)
        if rollout is not None and rollout.status == "PENDING" and rollout.reads_left > 0:
            reported = dataclasses.replace(rollout)
            rollout.reads_left -= 1
            return reported
        return rollout

    def apply_configuration(self, account_id: str, now: float) -> None:
        """Make an account's hubs in the home and linked Regions what its policy says (nothing if self-managed).

        Security Hub user guide, "Understanding central configuration": a policy enables or disables Security
        Hub, enables the listed standards (disabling the others) and sets control statuses in the home Region
        and every linked Region; an opt-in Region the account has not enabled is out of reach.
        """
        owner = self.central_owner()
        policy = self.configuration_policies.get(self.effective_configuration(account_id))
        if owner is None or policy is None:
            return
        admin = owner.account_id
        for region in sorted(self.governed_regions(owner)):
            if not self.region_enabled(account_id, region):
                continue
            hub = self.hub(account_id, region)
            if not policy.service_enabled:
                # The documentation is silent on a disabling policy that reaches the administrator; disabling
                # its own hub would end central configuration, so the emulator leaves the administrator on.
                if account_id != admin:
                    hub.disable()
                continue
            hub.enable(now)
            hub.standards = {s.key: hub.standards.get(s.key, now) for s in policy.standards(owner.home_region)}
            hub.disabled_controls = policy.disabled_controls()
            if account_id != admin and hub.administrator is None:
                # Security Hub user guide, "Managing accounts with AWS Organizations": under central
                # configuration the organization's accounts are members of the delegated administrator.
                self.enroll_organization_member(admin, account_id, region, now)

    def clear_central_configuration(self) -> None:
        """Central configuration ended: policies and associations go; accounts keep their settings."""
        self.configuration_policies.clear()
        self.policy_associations.clear()
        self.policy_rollouts.clear()
        self._pending_rollouts.clear()

    # ------------------------------------------------------------------ state transitions

    def designate_admin(self, region: str, account_id: str, now: float) -> None:
        """Make the account the delegated administrator in the Region; enables its hub there."""
        self.admins.setdefault(region, []).append(AdminDesignation(account_id, ADMIN_ENABLED, now))
        hub = self.hub(account_id, region)
        hub.enable(now)
        hub.org_config = hub.org_config or OrganizationConfig()
        self.delegated_admins.setdefault(account_id, {}).setdefault(SECURITYHUB_PRINCIPAL, now)
        self.service_access.setdefault(SECURITYHUB_PRINCIPAL, now)

    def remove_admin(self, region: str, account_id: str) -> None:
        """Remove the administrator in one Region: its organization members are disassociated (they keep
        Security Hub enabled, as standalone accounts), its organization configuration is dropped; invited
        members stay. The Organizations registration goes when no Region has it as administrator any more.
        """
        remaining = [d for d in self.designations(region) if d.account_id != account_id]
        if remaining:
            self.admins[region] = remaining
        else:
            self.admins.pop(region, None)
        hub = self.hubs.get((account_id, region))
        if hub is not None:
            for record in list(hub.members):
                if record.organization:
                    hub.members.remove(record.account_id)
                    self._drop_link(record.account_id, region, account_id)
            if hub.org_config and hub.org_config.configuration_type == "CENTRAL":
                # Security Hub user guide, "Stopping central configuration": removing the administrator through
                # Organizations ends central configuration and deletes its policies and associations.
                self.clear_central_configuration()
            hub.org_config = None
            self._pending_configs.discard((account_id, region))
        if not any(d.account_id == account_id for ds in self.admins.values() for d in ds):
            registrations = self.delegated_admins.get(account_id, {})
            registrations.pop(SECURITYHUB_PRINCIPAL, None)
            if not registrations:
                self.delegated_admins.pop(account_id, None)

    def _drop_link(self, member: str, region: str, admin: str) -> None:
        member_hub = self.hubs.get((member, region))
        if member_hub and member_hub.administrator and member_hub.administrator.account_id == admin:
            member_hub.administrator = None

    def disassociate_member(self, admin: str, member: str, region: str, status: str, now: float) -> None:
        """Set the admin-side record to ``status`` (Removed/Resigned) and drop the member-side link."""
        hub = self.hub(admin, region)
        record = hub.members.get(member)
        if record is not None:
            hub.members.put(dataclasses.replace(record, status=status, updated_at=now))
        self._drop_link(member, region, admin)

    def enroll_organization_member(self, admin: str, member: str, region: str, now: float) -> None:
        """Enroll an organization account: member record ``Enabled`` without invitation, Security Hub
        enabled in the member account, member-side link to the administrator."""
        member_hub = self.hub(member, region)
        member_hub.enable(now)
        members = self.hub(admin, region).members
        old = members.get(member)
        created_at = old.created_at if old and old.status in ASSOCIATED_STATUSES else now
        email = self.accounts[member].email
        members.put(MemberRecord(member, email, "Enabled", True, created_at, now))
        member_hub.administrator = AdministratorLink(admin, "Enabled")

    def request_central_config(self, admin: str, region: str, now: float) -> None:
        """Start CENTRAL in the home Region: PENDING now, ENABLED (or FAILED) after the world's delay."""
        self.hub(admin, region).org_config = OrganizationConfig(
            auto_enable=False,
            auto_enable_standards="NONE",
            configuration_type="CENTRAL",
            status="PENDING",
            ready_at=now + self.settings.central_config_seconds,
            failure=self.settings.central_config_failure,
        )
        self._pending_configs.add((admin, region))

    def settle(self, now: float) -> None:
        """Apply the transitions whose time has come."""
        for region, designations in list(self.admins.items()):
            for designation in list(designations):
                removal_at = designation.removal_at
                if designation.status == ADMIN_DISABLE_IN_PROGRESS and removal_at is not None and removal_at <= now:
                    self.remove_admin(region, designation.account_id)
        for key in list(self._pending_configs):
            hub = self.hubs.get(key)
            config = hub.org_config if hub else None
            if config is None or config.status != "PENDING":
                self._pending_configs.discard(key)
            elif config.ready_at is None or config.ready_at <= now:
                config.status = "FAILED" if config.failure else "ENABLED"
                config.status_message = config.failure
                self._pending_configs.discard(key)
        for target in list(self._pending_rollouts):
            rollout = self.policy_rollouts.get(target)
            if rollout is None or rollout.status != "PENDING":
                self._pending_rollouts.discard(target)
            elif rollout.ready_at <= now and rollout.reads_left == 0:
                self._pending_rollouts.discard(target)
                rollout.status = "FAILED" if rollout.failure else "SUCCESS"
                rollout.message = rollout.failure
                rollout.updated_at = now
                if rollout.status == "SUCCESS" and self.target_type(rollout.target_id) == "ACCOUNT":
                    self.apply_configuration(rollout.target_id, now)
        if self._policies_due is not None and self._policies_due <= now:
            self._policies_due = None
            self._enforce_cspm_policies(now)

    # ------------------------------------------------------------------ persistence

    def to_dict(self) -> dict[str, Any]:
        """The full state as JSON-serializable data (``load`` reads it back).

        Transitions that are due are applied first, so the dump shows the state as of now.
        """
        with self.lock:
            self.settle(time.time())
            hubs = []
            for (account_id, region), hub in sorted(self.hubs.items()):
                if hub.is_default:
                    continue
                hubs.append(
                    {
                        "account": account_id,
                        "region": region,
                        "enabled": hub.enabled,
                        "subscribed_at": hub.subscribed_at,
                        "members": [dataclasses.asdict(m) for m in hub.members],
                        "invitations": [dataclasses.asdict(i) for i in hub.invitations.values()],
                        "administrator": dataclasses.asdict(hub.administrator) if hub.administrator else None,
                        "organization_configuration": (dataclasses.asdict(hub.org_config) if hub.org_config else None),
                        "standards": dict(hub.standards),
                        "disabled_controls": sorted(hub.disabled_controls),
                        "control_parameters": {k: dict(v) for k, v in hub.control_parameters.items()},
                    }
                )
            return {
                "version": 1,
                "management_account": self.management_account,
                "org_id": self.org_id,
                "root_id": self.root_id,
                "settings": dataclasses.asdict(self.settings),
                "accounts": [
                    {**dataclasses.asdict(a), "opt_in_regions": sorted(a.opt_in_regions)}
                    for a in self.accounts.values()
                ],
                "organizational_units": [dataclasses.asdict(o) for o in self.organizational_units.values()],
                "securityhub": {
                    "hubs": hubs,
                    "administrators": {
                        region: [dataclasses.asdict(d) for d in ds] for region, ds in self.admins.items()
                    },
                    "finding_aggregators": [dataclasses.asdict(a) for a in self.aggregators.values()],
                    "configuration_policies": [dataclasses.asdict(p) for p in self.configuration_policies.values()],
                    "policy_associations": [dataclasses.asdict(a) for a in self.policy_associations.values()],
                    "policy_rollouts": [dataclasses.asdict(r) for r in self.policy_rollouts.values()],
                },
                "organizations": {
                    "delegated_administrators": {k: dict(v) for k, v in self.delegated_admins.items()},
                    "service_access": dict(self.service_access),
                    "policy_types": dict(self.policy_types),
                    "policies": [dataclasses.asdict(p) for p in self.org_policies.values()],
                    "policies_due": self._policies_due,
                },
                "s3": {
                    "buckets": [
                        {
                            "name": b.name,
                            "owner": b.owner,
                            "region": b.region,
                            "created_at": b.created_at,
                            "objects": {
                                key: {
                                    "body_base64": base64.b64encode(o.body).decode(),
                                    "content_type": o.content_type,
                                    "etag": o.etag,
                                    "last_modified": o.last_modified,
                                }
                                for key, o in b.objects.items()
                            },
                        }
                        for b in self.buckets.values()
                    ]
                },
            }

    def load(self, data: dict[str, Any]) -> None:
        """Replace the whole state with ``data`` (from ``to_dict``), keeping this object and its lock."""
        if data.get("version") != 1:
            raise ValueError(f"unsupported state version {data.get('version')!r}")
        with self.lock:
            self.management_account = data["management_account"]
            self.org_id = data["org_id"]
            self.root_id = data["root_id"]
            self.settings = WorldSettings(**data["settings"])
            self.accounts = {
                a["id"]: Account(**{**a, "opt_in_regions": set(a["opt_in_regions"])}) for a in data["accounts"]
            }
            self.organizational_units = {o["id"]: OrganizationalUnit(**o) for o in data["organizational_units"]}
            securityhub = data["securityhub"]
            self.hubs = {}
            self._pending_configs = set()
            for h in securityhub["hubs"]:
                hub = self.hub(h["account"], h["region"])
                hub.enabled, hub.subscribed_at = h["enabled"], h["subscribed_at"]
                for m in h["members"]:
                    hub.members.put(MemberRecord(**m))
                hub.invitations = {i["sender"]: Invitation(**i) for i in h["invitations"]}
                hub.administrator = AdministratorLink(**h["administrator"]) if h["administrator"] else None
                config = h["organization_configuration"]
                hub.org_config = OrganizationConfig(**config) if config else None
                if hub.org_config and hub.org_config.status == "PENDING":
                    self._pending_configs.add((h["account"], h["region"]))
                # Dumps made before central configuration was emulated have no standards or controls.
                hub.standards = dict(h.get("standards", {}))
                hub.disabled_controls = set(h.get("disabled_controls", []))
                hub.control_parameters = {k: dict(v) for k, v in h.get("control_parameters", {}).items()}
            self.admins = {
                region: [AdminDesignation(**d) for d in ds] for region, ds in securityhub["administrators"].items()
            }
            self.aggregators = {a["account_id"]: FindingAggregator(**a) for a in securityhub["finding_aggregators"]}
            policies = [ConfigurationPolicy(**p) for p in securityhub.get("configuration_policies", [])]
            self.configuration_policies = {p.id: p for p in policies}
            associations = [PolicyAssociation(**a) for a in securityhub.get("policy_associations", [])]
            self.policy_associations = {a.target_id: a for a in associations}
            rollouts = [PolicyRollout(**r) for r in securityhub.get("policy_rollouts", [])]
            self.policy_rollouts = {r.target_id: r for r in rollouts}
            self._pending_rollouts = {r.target_id for r in rollouts if r.status == "PENDING"}
            organizations = data["organizations"]
            self.delegated_admins = {k: dict(v) for k, v in organizations["delegated_administrators"].items()}
            self.service_access = dict(organizations["service_access"])
            self.policy_types = dict(organizations.get("policy_types", {}))
            self.org_policies = {p["id"]: OrgPolicy(**p) for p in organizations.get("policies", [])}
            self._policies_due = organizations.get("policies_due")
            self.buckets = {}
            for b in data["s3"]["buckets"]:
                objects = {
                    key: S3Object(base64.b64decode(o["body_base64"]), o["content_type"], o["etag"], o["last_modified"])
                    for key, o in b["objects"].items()
                }
                self.buckets[b["name"]] = Bucket(b["name"], b["owner"], b["region"], b["created_at"], objects)
