"""Two peers, measured against the same emulator settings as the library (20 ms per call, rate limits on).

``per-member`` reproduces the call pattern of the Terraform AWS provider's ``aws_securityhub_member``: one resource
per account per Region, each managed on its own, walked by Terraform with its default ``-parallelism=10``:

- create (``terraform apply`` on a fresh organization): ``CreateMembers`` with that one account, then
  ``GetMembers`` with that one account (the read that follows every create), per account per Region;
- refresh (every plan and apply; the converged case): ``GetMembers`` with one account, per account per Region;
- drift: the refresh, then the create calls again for each member the refresh found not active.

``serial`` reproduces a serial, unbatched script (the design of the early multi-account scripts, and of the
solution that timed out at about 100 accounts in 10 Regions): Regions one after another, one account per call;
in each Region, for each account, ``GetMembers`` with that account, then ``CreateMembers`` with it when it is not
an active member.

Both are given the library's own discipline: a client-side token bucket per Region (10 requests/s, burst 30, the
engine's ``TokenBucket``) and botocore's standard retries, so that the comparison isolates the call pattern. The
real tools have no such limiter: they would also lose calls and time to throttling and back-off.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from cdk_securityhub_org.handler.engine.ratelimit import SECURITY_HUB_BURST, SECURITY_HUB_RATE, TokenBucket
from cdk_securityhub_org.testing.emulator import Emulator

from .common import (
    ACTIVE,
    BenchError,
    Progress,
    bench_faults,
    designate,
    inject_drift,
    organization,
    regions_for,
    stderr_progress,
    verify_enrolled,
)
from .figures import CASES, SECURITY_HUB, Case, CaseResult, Size, count_calls

TERRAFORM_PARALLELISM = 10
"""Terraform's default ``-parallelism``: how many resource operations it runs at once."""

BASELINES = ("per-member", "serial")
CONCURRENT_REGIONS: dict[str, Callable[[int], int]] = {
    # How many Regions each baseline works at once, for extrapolating its wall time.
    "per-member": lambda regions: regions,
    "serial": lambda regions: 1,
}


class AdministratorClients:
    """One Security Hub client per Region for the administrator, each behind its own token bucket."""

    def __init__(self, emulator: Emulator, administrator: str, regions: Iterable[str]) -> None:
        self._clients = {region: self._client(emulator, administrator, region) for region in regions}

    @staticmethod
    def _client(emulator: Emulator, administrator: str, region: str) -> Any:
        client = emulator.client(SECURITY_HUB, administrator, region)
        bucket = TokenBucket(SECURITY_HUB_RATE, SECURITY_HUB_BURST)

        def before_send(**_: Any) -> None:
            bucket.acquire()  # returns None: a before-send handler that returns a value replaces the response

        client.meta.events.register("before-send.securityhub", before_send)
        return client

    def status(self, account: str, region: str) -> str | None:
        """``GetMembers`` with one account: its member status, or None when it is not a member."""
        answer = self._clients[region].get_members(AccountIds=[account])
        members = answer.get("Members") or []
        return str(members[0]["MemberStatus"]) if members else None

    def create(self, account: str, region: str) -> None:
        """``CreateMembers`` with one account."""
        answer = self._clients[region].create_members(AccountDetails=[{"AccountId": account}])
        if answer.get("UnprocessedAccounts"):
            raise BenchError(f"CreateMembers {account} in {region}: {answer['UnprocessedAccounts']}")


def _pairs(accounts: Sequence[str], regions: Sequence[str]) -> list[tuple[str, str]]:
    """One Terraform resource per account per Region; the walk interleaves Regions (the kindest order for it)."""
    return [(account, region) for account in accounts for region in regions]


def per_member(clients: AdministratorClients, accounts: Sequence[str], regions: Sequence[str], case: Case) -> None:
    """The ``aws_securityhub_member`` pattern (see the module docstring)."""

    def create(pair: tuple[str, str]) -> None:
        clients.create(*pair)
        clients.status(*pair)  # the read after create

    def refresh(pair: tuple[str, str]) -> tuple[str, str] | None:
        return None if clients.status(*pair) in ACTIVE else pair

    with ThreadPoolExecutor(TERRAFORM_PARALLELISM, thread_name_prefix="terraform") as pool:
        if case == "fresh":
            list(pool.map(create, _pairs(accounts, regions)))
            return
        drifted = [pair for pair in pool.map(refresh, _pairs(accounts, regions)) if pair is not None]
        list(pool.map(create, drifted))


def serial(clients: AdministratorClients, accounts: Sequence[str], regions: Sequence[str], case: Case) -> None:
    """The serial, unbatched pattern (see the module docstring). The same code serves every case."""
    del case
    for region in regions:
        for account in accounts:
            if clients.status(account, region) not in ACTIVE:
                clients.create(account, region)


PATTERNS: dict[str, Callable[[AdministratorClients, Sequence[str], Sequence[str], Case], None]] = {
    "per-member": per_member,
    "serial": serial,
}


def measure(name: str, size: Size, *, seed: int = 7, progress: Progress = stderr_progress) -> list[CaseResult]:
    """Run baseline ``name`` through fresh, converged and drift at ``size``, on an emulator of its own."""
    pattern = PATTERNS[name]
    world, administrator, members = organization(size, seed)
    regions = regions_for(size)
    faults = bench_faults()
    results: list[CaseResult] = []
    with Emulator(world, faults=faults) as emulator:
        designate(emulator, world, administrator, regions)
        for case in CASES:
            if case == "drift":
                inject_drift(emulator, administrator, members, regions, seed)
            clients = AdministratorClients(emulator, administrator, regions)  # a new run: full token buckets
            emulator.set_faults(faults)
            emulator.reset_calls()
            started = time.monotonic()
            pattern(clients, members, regions, case)
            wall = time.monotonic() - started
            verify_enrolled(world, administrator, members, regions, f"{name} baseline, {case}")
            records = emulator.calls(account=administrator, service=SECURITY_HUB)
            result = CaseResult(
                system=name,
                case=case,
                size=size,
                # Answered calls only: a throttled attempt at a small N says nothing about a large one.
                calls=count_calls((c.service, c.operation, c.region) for c in records if not c.throttled),
                throttled=sum(1 for c in records if c.throttled),
                writes=sum(1 for c in records if c.write),
                wall_seconds=wall,
                measured_accounts=size.accounts,
            )
            progress(
                f"  {name:12} {size.label:>12} {case:9}  calls {result.total_calls:>6,}  wall {wall:7.1f} s"
                f"  throttled {result.throttled}"
            )
            results.append(result)
    return results
