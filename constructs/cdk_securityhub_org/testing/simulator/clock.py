"""Clocks for the Provider framework's waiter: a simulated one that never sleeps and the real one.

The waiter polls ``isComplete`` every ``queryInterval`` (often 30 s or more). Deploying a real-sized
organization would take hours of wall time if the simulator slept, so by default it advances a
simulated clock instead and reports what the elapsed time would have been in AWS.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol

ClockKind = Literal["simulated", "real"]


class Clock(Protocol):
    """Time source for stack events and the waiter."""

    def now(self) -> datetime:
        """The current (possibly simulated) UTC time."""
        ...

    def elapsed(self) -> float:
        """Seconds since the clock was created, on this clock's time line."""
        ...

    def sleep(self, seconds: float) -> None:
        """Let ``seconds`` pass on this clock's time line."""
        ...

    def spend(self, seconds: float) -> None:
        """Account for ``seconds`` of work that already took place in real time (a handler run)."""
        ...


class SimulatedClock:
    """A clock that starts at the real current time and only moves when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self._start = start or datetime.now(UTC)
        self._offset = 0.0

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self._offset)

    def elapsed(self) -> float:
        return self._offset

    def sleep(self, seconds: float) -> None:
        self._offset += max(seconds, 0.0)

    def spend(self, seconds: float) -> None:
        # Handler runs take real time; the simulated time line must include them too, or a slow
        # reconcile pass would look free.
        self._offset += max(seconds, 0.0)


class RealClock:
    """Wall-clock time; ``sleep`` really sleeps."""

    def __init__(self) -> None:
        self._origin = time.monotonic()

    def now(self) -> datetime:
        return datetime.now(UTC)

    def elapsed(self) -> float:
        return time.monotonic() - self._origin

    def sleep(self, seconds: float) -> None:
        time.sleep(max(seconds, 0.0))

    def spend(self, seconds: float) -> None:
        # The work already happened in real time: nothing to add.
        return None


def make_clock(kind: ClockKind) -> Clock:
    """The clock named by the simulator's ``clock`` argument."""
    if kind == "simulated":
        return SimulatedClock()
    if kind == "real":
        return RealClock()
    raise ValueError(f"clock must be 'simulated' or 'real', not {kind!r}")
