"""Fault injection: rate-quota token buckets, random throttling/5xx, latency, and forced failures.

Everything random comes from one ``random.Random(seed)`` so a scenario replays the same way when the calls
arrive in the same order.
"""

from __future__ import annotations

import dataclasses
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Literal

Fault = Literal["throttle", "error", "denied"]


@dataclass(frozen=True)
class RateQuota:
    """A token bucket's refill rate (requests per second) and its burst (bucket size)."""

    rate: float
    burst: int


@dataclass
class FaultConfig:
    """What the emulator does to calls besides answering them. Everything but rate limiting is off by default.

    Attributes:
        rate_limit: enforce rate quotas with token buckets. Security Hub: the published quotas, one bucket
            per account, Region and operation (10 rps, burst 30, except ``BatchEnableStandards`` 1/1,
            ``GetFindings`` 3/6, ``UpdateStandardsControl`` 1/5), answered 429 ``LimitExceededException``.
            Organizations: 20 rps, burst 40 per account (the emulator's choice; AWS publishes no such
            figure), answered ``TooManyRequestsException``. STS and S3 are not limited.
        rate_scale: multiplier applied to every quota's rate and burst (0.1 makes throttling easy to reach).
        throttle_rate: fraction of calls answered as throttled although under the quota.
        error_rate: fraction of calls answered 500 (``InternalException`` for Security Hub).
        latency_ms: added to every call (slept outside the state lock, so calls still run in parallel).
        latency_spike_rate: fraction of calls that get ``latency_spike_ms`` more.
        latency_spike_ms: the extra latency of a spike.
        unprocessed: account ID -> ProcessingResult; those accounts come back in ``UnprocessedAccounts`` from
            every batch operation whose response has that field.
        consistency_delay_seconds: a member created less than this ago is invisible: ``GetMembers`` naming it
            answers ``BadRequestException`` and ``ListMembers`` leaves it out.
        fail_operations: operation name -> how many of its next calls answer 500 (-1: all of them).
        deny_operations: operations answered with AccessDeniedException, as a missing IAM permission would be
            (no retry helps).
        association_pending_reads: target ID (account, OU or root; ``"*"``: every target) -> how many reads
            (GetConfigurationPolicyAssociation, BatchGet..., List...) see a configuration policy association
            started while this is set still ``PENDING``, however long ago it started. A count set for the
            target of the association covers every account it reaches.
        association_failures: target ID -> ``AssociationStatusMessage``: an association started while this is
            set ends ``FAILED`` with that message for that target (and, for an OU or the root, for every
            account it reaches), and the policy does not change those accounts.
        admin_disable_pending_reads: a ``DisableOrganizationAdminAccount`` made while this is set leaves the
            administrator ``DISABLE_IN_PROGRESS`` for this many ``ListOrganizationAdminAccounts`` reads in its
            Region (whoever reads), then it is gone; 0: the world's ``admin_disable_delay_seconds`` decides.
        fail_attach_targets: root, OU or account IDs to which every Organizations ``AttachPolicy`` answers
            ``ServiceException`` (500) after its checks pass, so the policy stays unattached there (an attach
            that fails for chosen targets; ``fail_operations={"AttachPolicy": n}`` fails the next n instead).
        only_operations: when set, the random faults (throttle_rate, error_rate, spikes) hit only these.
        only_regions: when set, the random faults hit only these Regions.
        seed: seed of the random generator.
    """

    rate_limit: bool = True
    rate_scale: float = 1.0
    throttle_rate: float = 0.0
    error_rate: float = 0.0
    latency_ms: float = 0.0
    latency_spike_rate: float = 0.0
    latency_spike_ms: float = 0.0
    unprocessed: dict[str, str] = field(default_factory=dict)
    consistency_delay_seconds: float = 0.0
    fail_operations: dict[str, int] = field(default_factory=dict)
    deny_operations: list[str] = field(default_factory=list)
    association_pending_reads: dict[str, int] = field(default_factory=dict)
    association_failures: dict[str, str] = field(default_factory=dict)
    admin_disable_pending_reads: int = 0
    fail_attach_targets: list[str] = field(default_factory=list)
    only_operations: list[str] | None = None
    only_regions: list[str] | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("throttle_rate", "error_rate", "latency_spike_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be a fraction between 0 and 1, got {value}")
        for name in ("rate_scale", "latency_ms", "latency_spike_ms", "consistency_delay_seconds"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        negative = {k: v for k, v in self.association_pending_reads.items() if not isinstance(v, int) or v < 0}
        if negative:
            raise ValueError(f"association_pending_reads counts must be whole numbers >= 0, got {negative}")
        if not isinstance(self.admin_disable_pending_reads, int) or self.admin_disable_pending_reads < 0:
            raise ValueError(
                f"admin_disable_pending_reads must be a whole number >= 0, got {self.admin_disable_pending_reads!r}"
            )
        if self.rate_scale == 0:
            raise ValueError("rate_scale must be positive (use rate_limit=False to turn quotas off)")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serializable copy (the body of ``POST /_emulator/faults``)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FaultConfig:
        """Build from a JSON object; unknown keys are an error so that typos do not pass silently."""
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown fault settings: {sorted(unknown)}")
        return cls(**data)


class TokenBucket:
    """A classic token bucket: ``rate`` tokens per second up to ``burst``; not thread-safe on its own."""

    def __init__(self, quota: RateQuota) -> None:
        self._rate = quota.rate
        self._burst = float(quota.burst)
        self._tokens = float(quota.burst)
        self._last = time.monotonic()

    def try_take(self, now: float) -> bool:
        self._tokens = min(self._burst, self._tokens + (now - self._last) * self._rate)
        self._last = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False


class FaultInjector:
    """Applies one ``FaultConfig``; replaced as a whole by ``set_faults`` (buckets and counters restart)."""

    def __init__(self, config: FaultConfig) -> None:
        self.config = config
        self._rng = random.Random(config.seed)
        self._lock = threading.Lock()
        self._failures_left = dict(config.fail_operations)
        self._buckets: dict[tuple[str, ...], TokenBucket] = {}

    def _random_faults_apply(self, operation: str, region: str) -> bool:
        only_ops, only_regions = self.config.only_operations, self.config.only_regions
        return (only_ops is None or operation in only_ops) and (only_regions is None or region in only_regions)

    def latency(self, operation: str, region: str) -> float:
        """Seconds to sleep before answering this call."""
        seconds = self.config.latency_ms / 1000.0
        if self.config.latency_spike_rate and self._random_faults_apply(operation, region):
            with self._lock:
                spike = self._rng.random() < self.config.latency_spike_rate
            if spike:
                seconds += self.config.latency_spike_ms / 1000.0
        return seconds

    def admit(self, key: tuple[str, ...], quota: RateQuota) -> bool:
        """Take a token from the bucket of ``key``; False means the call is over its quota."""
        if not self.config.rate_limit:
            return True
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                scale = self.config.rate_scale
                bucket = TokenBucket(RateQuota(quota.rate * scale, max(1, round(quota.burst * scale))))
                self._buckets[key] = bucket
            return bucket.try_take(time.monotonic())

    def pick_fault(self, operation: str, region: str) -> Fault | None:
        """A denial (``deny_operations``) or forced failure (``fail_operations``) first, then the random throttle
        and 5xx draws."""
        if operation in self.config.deny_operations:
            return "denied"
        with self._lock:
            left = self._failures_left.get(operation, 0)
            if left != 0:
                if left > 0:
                    self._failures_left[operation] = left - 1
                return "error"
            if not self._random_faults_apply(operation, region):
                return None
            if self.config.throttle_rate and self._rng.random() < self.config.throttle_rate:
                return "throttle"
            if self.config.error_rate and self._rng.random() < self.config.error_rate:
                return "error"
        return None
