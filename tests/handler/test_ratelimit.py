from __future__ import annotations

import pytest
from cdk_securityhub_org.handler.engine.ratelimit import TokenBucket


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_burst_then_steady_rate():
    clock = FakeClock()
    bucket = TokenBucket(10, 30, clock=clock, sleep=clock.sleep)
    for _ in range(30):
        assert bucket.acquire() == 0
    for _ in range(50):
        bucket.acquire()
    # 30 from the burst, then 50 more at 10/s.
    assert clock.now == pytest.approx(5.0, rel=1e-6)


def test_rejects_nonsense_limits():
    with pytest.raises(ValueError, match="rate > 0"):
        TokenBucket(0, 1)
