"""What every measured system shares: the emulated organization, the emulator settings, the Regions, the drift."""

from __future__ import annotations

import random
import sys
from collections.abc import Callable, Sequence

from cdk_securityhub_org.testing.emulator import STANDARD_REGIONS, Emulator, FaultConfig, World

from .figures import SECURITY_HUB, Size, drifted_per_region

MANAGEMENT_ACCOUNT = "000000000001"
ACTIVE = frozenset({"Enabled", "Associated"})
DISASSOCIATE_BATCH = 50

Progress = Callable[[str], None]


def stderr_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class BenchError(RuntimeError):
    """A run did not do what the benchmark needs (the figures would be meaningless)."""


def bench_faults() -> FaultConfig:
    """The emulator settings of every run: 20 ms added to every call, Security Hub's documented rate limits
    (10 requests/s, burst 30, per account, Region and operation), nothing else."""
    return FaultConfig(latency_ms=20, rate_limit=True)


def regions_for(size: Size) -> tuple[str, ...]:
    """The first R of the 17 standard commercial Regions."""
    if not 1 <= size.regions <= len(STANDARD_REGIONS):
        raise ValueError(f"between 1 and {len(STANDARD_REGIONS)} standard Regions, not {size.regions}")
    return tuple(STANDARD_REGIONS[: size.regions])


def organization(size: Size, seed: int) -> tuple[World, str, list[str]]:
    """An organization of N member accounts, an administrator and the management account:
    (world, administrator, members)."""
    world = World.organization(MANAGEMENT_ACCOUNT, member_count=size.accounts + 1, seed=seed)
    administrator, *members = world.member_account_ids()
    return world, administrator, members


def designate(emulator: Emulator, world: World, administrator: str, regions: Sequence[str]) -> None:
    """Make ``administrator`` the delegated administrator in every Region, from the management account (what the
    ``DelegatedAdmin`` construct does; set-up, not measured)."""
    for region in regions:
        client = emulator.client(SECURITY_HUB, world.management_account, region)
        client.enable_organization_admin_account(AdminAccountId=administrator)


def member_statuses(world: World, administrator: str, region: str) -> dict[str, str]:
    """The administrator's member records in one Region, read from the emulator's state."""
    with world.lock:
        return {record.account_id: record.status for record in world.hub(administrator, region).members}


def verify_enrolled(
    world: World, administrator: str, members: Sequence[str], regions: Sequence[str], what: str
) -> None:
    """Every member is an active member in every Region, or the figures of ``what`` would lie."""
    for region in regions:
        statuses = member_statuses(world, administrator, region)
        missing = [a for a in members if statuses.get(a) not in ACTIVE]
        if missing:
            raise BenchError(f"{what}: {len(missing)} members are not active in {region}, e.g. {missing[:3]}")


def inject_drift(
    emulator: Emulator, administrator: str, members: Sequence[str], regions: Sequence[str], seed: int
) -> int:
    """Disassociate a random 5% of the members in each Region (a different 5% per Region), with boto3 and the
    administrator's credentials, as someone would by hand. Returns how many per Region."""
    count = drifted_per_region(len(members))
    for region in regions:
        chosen = random.Random(f"{seed}/{region}").sample(list(members), count)
        client = emulator.client(SECURITY_HUB, administrator, region)
        for start in range(0, len(chosen), DISASSOCIATE_BATCH):
            client.disassociate_members(AccountIds=chosen[start : start + DISASSOCIATE_BATCH])
    return count
