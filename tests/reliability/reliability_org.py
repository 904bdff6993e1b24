"""The emulated organization every reliability case runs against, and the checks made on its Security Hub state.

The organization is built from a fixed seed, so the account IDs (needed at synth time, in the declarations) are the
same in every fresh world: 120 organization accounts (the management account included), three invited accounts
outside it, an undeclared invited account, and a decoy administrator outside the organization.

State is read from the ``World`` itself, under its lock, not through the API: the inspection must see the truth
(eventual consistency hides fresh members from ``ListMembers``) and must not draw injected faults.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cdk_securityhub_org.testing.emulator import World, WorldSettings
from cdk_securityhub_org.testing.emulator.world import Invitation, MemberRecord

SEED = 2024
ORGANIZATION_SIZE = 120  # accounts in the organization, the management account included
REGIONS = ("us-east-1", "us-west-2", "eu-west-1")
EXTRA_REGION = "ap-southeast-2"
OPT_IN_REGION = "af-south-1"

MANAGEMENT = "010000000001"
INVITED = ("990000000011", "990000000012", "990000000013")
UNDECLARED = "970000000001"  # an invited member nobody declares: prune NONE must leave it alone
DECOY = "980000000001"  # an administrator outside the organization that also invites INVITED[0]

ACTIVE = frozenset({"Enabled", "Associated"})
# How far a member record has come; a lower rank after a deploy than before is a lost member.
_RANK = {"Enabled": 3, "Associated": 3, "Invited": 2, "Created": 1}

MemberTable = dict[tuple[str, str], str]  # (Region, account) -> MemberStatus


def email_of(account_id: str) -> str:
    return f"security+{account_id}@example.org"


def build_world(settings: WorldSettings | None = None, *, opt_in_enabled_for: Iterable[str] = ()) -> World:
    """A fresh organization; ``opt_in_enabled_for`` lists the accounts that enabled the opt-in Region."""
    world = World.organization(MANAGEMENT, member_count=ORGANIZATION_SIZE - 1, seed=SEED, settings=settings)
    for account_id in (*INVITED, UNDECLARED, DECOY):
        world.add_standalone_account(account_id, email=email_of(account_id))
    for account_id in opt_in_enabled_for:
        world.enable_region(account_id, OPT_IN_REGION)
    return world


@dataclass(frozen=True)
class Layout:
    """The account IDs and OUs of the seeded organization, known before any world is started."""

    admin: str  # the delegated administrator
    successor: str  # the administrator it is replaced with in the lifecycle
    organization_accounts: tuple[str, ...]  # every organization account but the management account
    security_ou: str
    security_ou_accounts: tuple[str, ...]
    workloads_ou: str  # a configuration policy's target in the lifecycle's CENTRAL steps
    workloads_accounts: tuple[str, ...]  # under the Workloads OU, its nested OUs included
    sandbox_ou: str
    sandbox_accounts: tuple[str, ...]

    @classmethod
    def of_seeded_world(cls) -> Layout:
        world = build_world()
        members = world.member_account_ids()
        ou_ids = {ou.name: ou.id for ou in world.organizational_units.values()}
        security, workloads = ou_ids["Security"], ou_ids["Workloads"]
        in_security = tuple(a for a in members if world.accounts[a].parent_id == security)
        in_workloads = tuple(a for a in members if workloads in world.ancestry(a))
        sandbox = ou_ids["Sandbox"]
        in_sandbox = tuple(a for a in members if world.accounts[a].parent_id == sandbox)
        return cls(
            members[0], members[1], tuple(members), security, in_security, workloads, in_workloads, sandbox, in_sandbox
        )

    def others(self) -> tuple[str, ...]:
        """Organization accounts that are neither administrator."""
        return tuple(a for a in self.organization_accounts if a not in (self.admin, self.successor))


LAYOUT = Layout.of_seeded_world()


# ------------------------------------------------------------------------------------------------ reading the state


def member_table(
    world: World, admin: str, regions: Iterable[str] = (*REGIONS, EXTRA_REGION, OPT_IN_REGION)
) -> MemberTable:
    """Every member record of ``admin``, whatever its status, in ``regions``."""
    with world.lock:
        return {
            (region, record.account_id): record.status
            for region in regions
            if (hub := world.hubs.get((admin, region))) is not None
            for record in hub.members
        }


def lost_members(before: MemberTable, after: MemberTable, released: Iterable[tuple[str, str]] = ()) -> list[str]:
    """Members of ``before`` that are gone or went backwards in ``after``, except the ``released`` ones (which the
    declaration itself removed). Empty when nothing was lost."""
    allowed = set(released)
    lost = []
    for key, status in sorted(before.items()):
        if key in allowed or status not in _RANK:
            continue
        now = after.get(key)
        if now is None or _RANK.get(now, 0) < _RANK[status]:
            lost.append(f"{key[1]} in {key[0]}: {status} -> {now or 'gone'}")
    return lost


def administrators(world: World, regions: Iterable[str]) -> dict[str, str | None]:
    with world.lock:
        return {r: (d.account_id if (d := world.current_admin(r)) else None) for r in regions}


def organization_settings(world: World, admin: str, region: str) -> tuple[bool, str, str, str]:
    """(AutoEnable, AutoEnableStandards, ConfigurationType, Status) as DescribeOrganizationConfiguration reports."""
    with world.lock:
        world.settle(time.time())
        config = world.organization_config(admin, region)
        return config.auto_enable, config.auto_enable_standards, config.configuration_type, config.status


def aggregator(world: World, admin: str) -> tuple[str, str, tuple[str, ...]] | None:
    """(home Region, linking mode, linked Regions) of the administrator's finding aggregator."""
    with world.lock:
        found = world.aggregators.get(admin)
        return (found.home_region, found.mode, tuple(sorted(found.regions))) if found else None


def administrator_of(world: World, member: str, region: str) -> tuple[str, str] | None:
    """The member side's view: (administrator, status) in ``region``."""
    with world.lock:
        hub = world.hubs.get((member, region))
        link = hub.administrator if hub else None
        return (link.account_id, link.status) if link else None


def delegated_for_security_hub(world: World) -> set[str]:
    """Accounts registered in Organizations as Security Hub's delegated administrator (organization-wide)."""
    with world.lock:
        return {a for a, principals in world.delegated_admins.items() if "securityhub.amazonaws.com" in principals}


def unconverged(
    table: MemberTable, regions: Iterable[str], organization_members: Iterable[str], invited: Iterable[str]
) -> list[str]:
    """Declared members that are not where the declaration wants them: organization accounts Enabled, invited
    accounts at least Invited. Empty when converged."""
    problems = []
    for region in regions:
        for account_id in organization_members:
            if table.get((region, account_id)) not in ACTIVE:
                problems.append(f"{account_id} in {region}: {table.get((region, account_id))}, not Enabled")
        for account_id in invited:
            if _RANK.get(table.get((region, account_id), ""), 0) < _RANK["Invited"]:
                problems.append(f"{account_id} in {region}: {table.get((region, account_id))}, not Invited")
    return problems


def seed_partial_enrolment(world: World, admin: str, regions: Iterable[str], accounts: Mapping[str, str]) -> None:
    """A state someone else left: ``admin`` designated in ``regions`` with ``accounts`` (account -> status
    Enabled/Removed/Invited) as its members, written straight into the world as the console would have left it."""
    now = time.time()
    with world.lock:
        for region in regions:
            world.designate_admin(region, admin, now)
            for account_id, status in accounts.items():
                if world.in_organization(account_id):
                    world.enroll_organization_member(admin, account_id, region, now)
                    if status == "Removed":
                        world.disassociate_member(admin, account_id, region, "Removed", now)
                else:
                    email = world.accounts[account_id].email
                    world.hub(admin, region).members.put(
                        MemberRecord(account_id, email, status, False, now, now, invited_at=now)
                    )
                    world.hub(account_id, region).invitations[admin] = Invitation(admin, f"seed-{account_id}", now)
