"""A pass that reads and plans but never writes: what ``reconcile`` would do now, Region by Region.

Each kind's pass takes an :class:`~.apply.Execute`; a preview passes a :class:`Recorder`,
which keeps each plan instead of applying it. The reads, the planners and the order of the phases are the
reconcile pass's own, so a preview cannot disagree with what a deploy or a drift repair would do first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .apply import note_unexecuted
from .plan import RegionPlan
from .result import Outcome, RegionResult


@dataclass
class Preview:
    """``plans``: per Region, the plans in the order the pass would run them. ``outcome``: the pass's result
    without writes: what reading failed, which Regions are unavailable, what is pending, skipped or blocked."""

    plans: dict[str, list[RegionPlan]]
    outcome: Outcome

    @property
    def actions(self) -> int:
        return sum(len(plan.actions) for plans in self.plans.values() for plan in plans)


class Recorder:
    """An ``Execute`` that records. ``on_plan`` is told of each plan as it is made (progress displays)."""

    def __init__(self, on_plan: Callable[[RegionPlan], None] | None = None) -> None:
        self.plans: dict[str, list[RegionPlan]] = {}
        self._on_plan = on_plan
        self._lock = threading.Lock()  # Regions plan concurrently

    def __call__(self, plan: RegionPlan, securityhub: Any, result: RegionResult) -> None:
        with self._lock:
            self.plans.setdefault(plan.region, []).append(plan)
        note_unexecuted(plan, result)
        if self._on_plan:
            self._on_plan(plan)

    def preview(self, outcome: Outcome) -> Preview:
        order = [r.region for r in outcome.regions]
        return Preview({region: self.plans[region] for region in order if region in self.plans}, outcome)
