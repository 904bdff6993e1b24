"""Client-side token buckets at Security Hub's documented quotas.

Limits are per account and Region (facts doc), so one bucket per Region lets Regions run in parallel while each
stays under its quota. The bucket is consulted before every HTTP attempt, botocore's retries included, so a retry
storm cannot overrun the quota either.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

# Security Hub service-model documentation: most operations 10 requests/s with a burst of 30.
SECURITY_HUB_RATE = 10.0
SECURITY_HUB_BURST = 30


class TokenBucket:
    """A thread-safe token bucket. ``acquire`` blocks until a token is available."""

    def __init__(
        self,
        rate: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError(f"a token bucket needs rate > 0 and burst >= 1, got rate={rate}, burst={burst}")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(burst)
        self._updated = clock()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take one token, waiting if needed; return the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
                self._updated = now
                # The tolerance keeps float rounding from asking for a wait shorter than the clock can measure.
                if self._tokens >= 1 - 1e-9:
                    self._tokens = max(0.0, self._tokens - 1)
                    return waited
                shortfall = (1 - self._tokens) / self.rate
            self._sleep(shortfall)
            waited += shortfall
