"""Run one Region's work in every Region at once, and turn a Region's trouble into that Region's result."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from .aws import RegionUnavailable, classify, is_region_unavailable
from .declaration import OnRegionUnavailable
from .result import Issue, RegionResult


def run_in_regions(
    results: Sequence[RegionResult],
    work: Callable[[RegionResult], None],
    on_unavailable: OnRegionUnavailable,
) -> None:
    """Call ``work`` for each Region's result concurrently. Rate limits are per Region, so Regions do not slow
    each other down. A Region that already failed or is unavailable (an earlier phase) is not worked again."""
    ready = [r for r in results if not r.unavailable and not r.failed and not r.unfinished]
    if not ready:
        return
    with ThreadPoolExecutor(max_workers=len(ready), thread_name_prefix="region") as pool:
        for future in [pool.submit(_guarded, work, result, on_unavailable) for result in ready]:
            future.result()


def _guarded(work: Callable[[RegionResult], None], result: RegionResult, policy: OnRegionUnavailable) -> None:
    try:
        work(result)
    except Exception as error:
        if not (isinstance(error, RegionUnavailable) or is_region_unavailable(error)):
            failure = classify("reading the live state", error)
            result.fail("region", failure)
            return
        result.unavailable = True
        if policy is OnRegionUnavailable.SKIP:
            result.skipped.append(Issue("region", "not enabled for this account (opt-in Region); skipped as declared"))
        else:
            reason = (
                "not enabled for this account (opt-in Region) or denied by policy; enable the Region, remove it"
                " from the declaration, or declare on_region_unavailable=SKIP"
            )
            result.failed.append(Issue("region", reason))
