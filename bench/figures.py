"""The arithmetic of the benchmark: sizes, minimum call counts, rate-limit lower bounds and measured cases.

Pure functions and data only (no AWS, no CDK), so that the definitions can be read and tested on their own.

Minimum calls (what any reconciler must send, reads included):

- Security Hub, per Region: one ``ListMembers`` page per 50 current members (at least one call, an empty list
  still has to be read), one ``CreateMembers`` per 50 accounts that must be (re)enrolled.
- Organizations, once per pass: one ``ListAccounts`` page per 20 accounts of the organization, when the pass needs
  the organization's account list: always for an organization selector (it decides who is declared), and for an
  explicit list only when something must be created (to tell organization accounts from invited ones).
- S3: one ``GetObject`` when the member list travels as an S3 asset.

The issue writes the minimum as ceil(N/50) per Region and ceil(N/20) once; the definition above is the same or
stricter (a converged explicit list needs no Organizations call, an empty member list needs one ``ListMembers``).

Lower bound of the wall time (the issue's definition): the Security Hub calls of the busiest Region divided by the
10 requests/s that Security Hub allows per account and Region, Regions in parallel. It does not subtract the
burst of 30; ``burst_lower_bound`` does, and is shown beside it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from cdk_securityhub_org.handler.engine.observe import CONFIGURATION_PAGE, MEMBERS_PAGE, ORGANIZATIONS_PAGE
from cdk_securityhub_org.handler.engine.plan import BATCH_SIZE
from cdk_securityhub_org.handler.engine.ratelimit import SECURITY_HUB_BURST, SECURITY_HUB_RATE

Case = Literal["fresh", "converged", "drift"]
CASES: tuple[Case, ...] = ("fresh", "converged", "drift")
CASE_TITLES: Mapping[Case, str] = {
    "fresh": "Fresh enrollment",
    "converged": "Converged no-op pass",
    "drift": "5% drift",
}
DRIFT_FRACTION = 0.05

LAMBDA_TIMEOUT_SECONDS = 900.0
"""The isComplete function's timeout (``Reconciler``: 15 minutes)."""
LAMBDA_MEMORY_MB = 512.0
"""The handler functions' memory size."""
PROVIDER_TIMEOUT_SECONDS = 3600.0
"""The Provider framework's total timeout (and the custom resource's ServiceTimeout): 1 hour."""
LAMBDA_VCPU = LAMBDA_MEMORY_MB / 1769.0
"""Lambda gives CPU in proportion to memory: one vCPU at 1,769 MB, so about 0.29 of one at 512 MB."""
PASS_MARGIN = 0.5
"""'With margin': the longest pass uses at most this fraction of the Lambda timeout."""

CALLS_TARGET = 1.05
WALL_TARGET = 1.3
CPU_TARGET = LAMBDA_VCPU * WALL_TARGET
"""The CPU a pass may use, as a multiple of its rate-limit bound, for a 512 MB Lambda (about 0.29 of a vCPU) to
keep within ``WALL_TARGET`` x the bound: about 0.38."""
SYNTH_TARGET = 2.0

SECURITY_HUB = "securityhub"
ORGANIZATIONS = "organizations"
S3 = "s3"


@dataclass(frozen=True, order=True)
class Size:
    """N member accounts in R Regions."""

    accounts: int
    regions: int

    @property
    def label(self) -> str:
        return f"{self.accounts:,} x {self.regions}"

    @classmethod
    def parse(cls, text: str) -> Size:
        """``"1000x4"`` -> Size(1000, 4)."""
        accounts, _, regions = text.lower().replace("\N{MULTIPLICATION SIGN}", "x").partition("x")
        return cls(int(accounts.replace(",", "").replace("_", "")), int(regions))


def drifted_per_region(accounts: int) -> int:
    """How many members the drift case disassociates in each Region: 5%, at least one."""
    return max(1, round(accounts * DRIFT_FRACTION))


def pages(items: int, page: int) -> int:
    return math.ceil(items / page)


@dataclass(frozen=True)
class Need:
    """What one pass must do, from which the minimum calls follow."""

    regions: tuple[str, ...]
    live_members: int
    """Member records the administrator has in each Region before the pass."""
    to_create: int
    """Accounts to (re)enrol with CreateMembers in each Region."""
    organization_accounts: int
    """Accounts in the organization (the management and administrator accounts included)."""
    needs_organization: bool
    member_list_in_s3: bool


def minimum_calls(need: Need) -> dict[tuple[str, str, str], int]:
    """(service, operation, Region) -> the minimum number of calls. Organizations and S3 use the Region ``"-"``."""
    minimum: dict[tuple[str, str, str], int] = {}
    for region in need.regions:
        minimum[(SECURITY_HUB, "ListMembers", region)] = max(1, pages(need.live_members, MEMBERS_PAGE))
        if need.to_create:
            minimum[(SECURITY_HUB, "CreateMembers", region)] = pages(need.to_create, BATCH_SIZE)
    if need.needs_organization:
        minimum[(ORGANIZATIONS, "ListAccounts", "-")] = pages(need.organization_accounts, ORGANIZATIONS_PAGE)
    if need.member_list_in_s3:
        minimum[(S3, "GetObject", "-")] = 1
    return minimum


def by_operation(calls: Mapping[tuple[str, str, str], int]) -> dict[str, int]:
    """Sum (service, operation, Region) counts per operation."""
    totals: dict[str, int] = {}
    for (_, operation, _), count in sorted(calls.items()):
        totals[operation] = totals.get(operation, 0) + count
    return totals


def busiest_region_calls(calls: Mapping[tuple[str, str, str], int]) -> int:
    """The Security Hub calls of the Region with the most of them."""
    per_region: dict[str, int] = {}
    for (service, _, region), count in calls.items():
        if service == SECURITY_HUB:
            per_region[region] = per_region.get(region, 0) + count
    return max(per_region.values(), default=0)


def lower_bound(calls: Mapping[tuple[str, str, str], int]) -> float:
    """The issue's rate-limit lower bound: busiest Region's Security Hub calls / 10 rps, Regions in parallel."""
    return busiest_region_calls(calls) / SECURITY_HUB_RATE


def burst_lower_bound(calls: Mapping[tuple[str, str, str], int]) -> float:
    """The same bound when the first 30 calls of each Region ride the burst."""
    return max(0, busiest_region_calls(calls) - SECURITY_HUB_BURST) / SECURITY_HUB_RATE


def ratio(measured: float, reference: float) -> float:
    if reference <= 0:
        return math.inf if measured > 0 else 1.0
    return measured / reference


@dataclass
class CaseResult:
    """One case of one system at one size: what it cost, against the minimum and the lower bound."""

    system: str
    """``organization`` / ``csv`` (this library, by member-list kind), ``per-member`` or ``serial`` (baselines)."""
    case: Case
    size: Size
    calls: dict[tuple[str, str, str], int]
    """(service, operation, Region) -> calls made, throttled attempts included."""
    throttled: int
    writes: int
    wall_seconds: float
    minimum: dict[tuple[str, str, str], int] = field(default_factory=dict)
    passes: int = 0
    longest_pass_seconds: float = 0.0
    peak_memory_mb: float = 0.0
    cpu_seconds: float = 0.0
    """CPU time of the handler processes (user + system), which the simulator runs on a whole core each."""
    changed: int = 0
    failed: int = 0
    phases: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Name -> (start, end) seconds after the first call: when the Organizations read and the writes ran."""
    measured_accounts: int = 0
    """For an extrapolated baseline: the N it was run at (0: run at this size)."""
    cpu_limit: float | None = None
    """The fraction of a CPU each handler process was held to (a cgroup quota); None: a whole core each."""

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    @property
    def total_minimum(self) -> int:
        return sum(self.minimum.values())

    @property
    def calls_ratio(self) -> float:
        return ratio(self.total_calls, self.total_minimum)

    @property
    def worst_operation(self) -> tuple[str, float]:
        """The operation furthest over its minimum, and its ratio."""
        made, least = by_operation(self.calls), by_operation(self.minimum)
        ratios = {op: ratio(made.get(op, 0), least.get(op, 0)) for op in set(made) | set(least)}
        if not ratios:
            return "-", 1.0
        operation = max(sorted(ratios), key=lambda op: ratios[op])
        return operation, ratios[operation]

    @property
    def lower_bound_seconds(self) -> float:
        return lower_bound(self.minimum)

    @property
    def burst_lower_bound_seconds(self) -> float:
        return burst_lower_bound(self.minimum)

    @property
    def wall_ratio(self) -> float:
        return ratio(self.wall_seconds, self.lower_bound_seconds)

    @property
    def cpu_bound_at_lambda_seconds(self) -> float:
        """The least wall time the handlers' CPU work alone would take at 512 MB's share of a vCPU."""
        return self.cpu_seconds / LAMBDA_VCPU

    @property
    def extrapolated(self) -> bool:
        return bool(self.measured_accounts) and self.measured_accounts != self.size.accounts


def extrapolate(measured: CaseResult, size: Size, concurrent_regions: int) -> CaseResult:
    """A baseline measured at a smaller N, scaled to ``size.accounts`` (same Regions).

    Calls scale linearly with N (each baseline's calls are a fixed number per account and Region). Wall time is
    the measured time plus the extra calls at the rate limit: ``extra calls / (10 rps x Regions worked at once)``;
    a linear extrapolation that does not assume the small run's burst repeats.
    """
    if measured.size.regions != size.regions:
        raise ValueError("baselines are extrapolated in N only")
    scale = size.accounts / measured.size.accounts
    calls = {key: round(count * scale) for key, count in measured.calls.items()}
    extra = sum(calls.values()) - measured.total_calls
    wall = measured.wall_seconds + extra / (SECURITY_HUB_RATE * concurrent_regions)
    return CaseResult(
        system=measured.system,
        case=measured.case,
        size=size,
        calls=calls,
        throttled=round(measured.throttled * scale),
        writes=round(measured.writes * scale),
        wall_seconds=wall,
        measured_accounts=measured.measured_accounts or measured.size.accounts,
    )


def count_calls(records: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str, str], int]:
    """(service, operation, Region) tuples -> counts; Organizations and S3 calls are filed under Region ``"-"``."""
    counts: dict[tuple[str, str, str], int] = {}
    for service, operation, region in records:
        key = (service, operation, region if service == SECURITY_HUB else "-")
        counts[key] = counts.get(key, 0) + 1
    return counts


# ------------------------------------------------------------------------------------------ central configuration


@dataclass(frozen=True)
class CentralNeed:
    """What one pass of the configuration-policies kind must do in the home Region, from which its minimum calls
    follow."""

    region: str
    live_policies: int
    """Configuration policies in the home Region before the pass."""
    live_declared_policies: int
    """Of the declared policies, those that exist: each is read with GetConfigurationPolicy, since
    ListConfigurationPolicies does not return a policy's configuration (an edit by hand shows only there)."""
    policies_to_create: int
    applied_targets: int
    """Targets with an APPLIED association before the pass."""
    targets_to_change: int
    """Declared targets whose applied configuration differs: one StartConfigurationPolicyAssociation each (the API
    takes one target per call)."""


def central_minimum_calls(need: CentralNeed) -> dict[tuple[str, str, str], int]:
    """(service, operation, Region) -> the minimum calls of one configuration-policies pass: one page of policies
    and one of applied associations per 100 (at least one each), the declared policies that exist read one by
    one, and one write per policy to create and per target to change."""
    region = need.region
    minimum = {
        (SECURITY_HUB, "ListConfigurationPolicies", region): max(1, pages(need.live_policies, CONFIGURATION_PAGE)),
        (SECURITY_HUB, "ListConfigurationPolicyAssociations", region): max(
            1, pages(need.applied_targets, CONFIGURATION_PAGE)
        ),
    }
    for operation, count in (
        ("GetConfigurationPolicy", need.live_declared_policies),
        ("CreateConfigurationPolicy", need.policies_to_create),
        ("StartConfigurationPolicyAssociation", need.targets_to_change),
    ):
        if count:
            minimum[(SECURITY_HUB, operation, region)] = count
    return minimum
