"""Apply a plan: batches of 50, every UnprocessedAccounts entry classified, the budget respected.

Throttling and 5xx are retried by botocore (``aws.Clients``); what still fails is recorded per account, and the
rest of the plan goes on. An account whose earlier action failed is left out of its later actions (an account
that could not be created is not invited).

A pass hands each Region's plan to an :class:`Execute`: :func:`applying` writes it (``reconcile``); the preview's
recorder only keeps it (``preview``, what the ``plan`` command shows). Everything before that call, reading and
planning, is the same code for both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from botocore import xform_name

from .aws import Budget, Clients, RegionUnavailable, classify, is_region_unavailable
from .declaration import OnRegionUnavailable
from .plan import BATCH_SIZE, Action, RegionPlan
from .regions import run_in_regions
from .result import RegionResult

# UnprocessedAccounts arrive with HTTP 200: tell "nothing to do" apart from real failures (facts doc).
_BENIGN = re.compile(r"already (a member|associated|enabled|exists|invited)|is already", re.IGNORECASE)
# "Already a member of another administrator" is no success: the account stays out of this administrator's members.
_HELD_ELSEWHERE = re.compile(r"\b(another|other|different) (administrator|organization)", re.IGNORECASE)
# A member that has not enabled an opt-in Region cannot be enrolled there until its owner does; no retry helps.
_REGION_NOT_ENABLED = re.compile(r"not (enabled|opted in to) (the )?Region", re.IGNORECASE)
_RETRYABLE = re.compile(
    r"maximum number of results exceeded|throttl|rate exceeded|try again|retry|internal|temporar|syncing",
    re.IGNORECASE,
)


class Execute(Protocol):
    """What a pass does with one Region's plan, once it is made."""

    def __call__(self, plan: RegionPlan, securityhub: Any, result: RegionResult) -> None: ...


def applying(budget: Budget) -> Execute:
    """Write each plan within ``budget``: a reconcile pass."""

    def execute(plan: RegionPlan, securityhub: Any, result: RegionResult) -> None:
        apply_plan(plan, securityhub, budget, result)

    return execute


def apply_in_regions(
    results: Sequence[RegionResult],
    plans: Iterable[RegionPlan],
    clients: Clients,
    execute: Execute,
    on_unavailable: OnRegionUnavailable,
) -> None:
    """Execute each Region's plan, all Regions at once."""
    by_region = {p.region: p for p in plans}

    def write(result: RegionResult) -> None:
        if result.region in by_region:
            execute(by_region[result.region], clients.securityhub(result.region), result)

    run_in_regions([r for r in results if r.region in by_region], write, on_unavailable)


def note_unexecuted(plan: RegionPlan, result: RegionResult) -> None:
    """Record what the plan itself says, before any action runs: what waits, what is left alone, what is blocked
    (a failure, so later phases skip the Region), and what is already as declared."""
    result.pending.extend(plan.pending)
    result.skipped.extend(plan.skipped)
    result.failed.extend(plan.blocked)
    result.in_sync += plan.in_sync


def apply_plan(plan: RegionPlan, securityhub: Any, budget: Budget, result: RegionResult) -> None:
    """Execute ``plan`` in order, recording what changed and what failed into ``result``."""
    note_unexecuted(plan, result)
    failed_accounts: set[str] = set()
    for action in plan.actions:
        if budget.expired():
            result.unfinished = True
            return
        if action.batch_key:
            _apply_batch(action, securityhub, budget, result, failed_accounts)
        elif not _apply_single(action, securityhub, result):
            return  # later single actions depend on earlier ones (designate after removing, accept after enabling)


def _apply_single(action: Action, securityhub: Any, result: RegionResult) -> bool:
    try:
        getattr(securityhub, xform_name(action.operation))(**action.parameters)
    except Exception as error:
        if is_region_unavailable(error):
            raise RegionUnavailable(result.region, str(error)) from error
        result.fail(action.operation, classify(action.operation, error))
        return False
    result.changed[action.operation] += 1
    return True


def _apply_batch(
    action: Action, securityhub: Any, budget: Budget, result: RegionResult, failed_accounts: set[str]
) -> None:
    assert action.batch_key
    items = [i for i, account in zip(action.items, action.accounts(), strict=True) if account not in failed_accounts]
    method = getattr(securityhub, xform_name(action.operation))
    for start in range(0, len(items), BATCH_SIZE):
        if budget.expired():
            result.unfinished = True
            return
        batch = items[start : start + BATCH_SIZE]
        accounts = Action(action.operation, batch_key=action.batch_key, items=tuple(batch)).accounts()
        try:
            answer = method(**{action.batch_key: batch})
        except Exception as error:
            if is_region_unavailable(error):
                raise RegionUnavailable(result.region, str(error)) from error
            failure = classify(action.operation, error)
            for account in accounts:
                result.fail(account, failure)
            failed_accounts.update(accounts)
            continue
        unprocessed = {u["AccountId"]: u.get("ProcessingResult", "") for u in answer.get("UnprocessedAccounts", [])}
        for account, message in unprocessed.items():
            if _BENIGN.search(message) and not _HELD_ELSEWHERE.search(message):
                continue
            fix = (
                f"; the account's owner must enable the Region {result.region} (AWS account settings),"
                " then the next pass enrolls it"
                if _REGION_NOT_ENABLED.search(message)
                else ""
            )
            result.fail(account, f"{action.operation}: {message}{fix}", retryable=bool(_RETRYABLE.search(message)))
            failed_accounts.add(account)
        result.changed[action.operation] += len(batch) - len(unprocessed)
