"""The checks that keep a change of delegated administrator from leaving a Region without one.

AWS wants one administrator in every Region: the current one is removed before another is designated (Security Hub
user guide, "Removing or changing the delegated administrator"), and the Security Hub API removes it only in the
Region it is called in. A change made in the declared Regions only must therefore see, before its first write, every
other Region this account can reach and the registration in Organizations, and refuse when it could not finish; after
a removal it designates nowhere until the old administrator is gone everywhere (``DISABLE_IN_PROGRESS`` waits).

Pure functions of what ``kind.py`` read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from ...engine.live import AdminDesignation
from ...engine.plan import RegionPlan
from ...engine.result import Issue

DESIGNATE = "EnableOrganizationAdminAccount"
REMOVE = "DisableOrganizationAdminAccount"
ENABLED = "ENABLED"


@dataclass(frozen=True)
class Surroundings:
    """What a change of administrator sees besides the declared Regions.

    ``undeclared``: the designations in each other Region this account can reach. ``unreadable``: Region -> why
    it could not be read (opt-in Regions the account has not enabled are neither: nothing can be designated there
    by this account). ``registered``: the accounts Organizations lists as Security Hub's delegated administrator.
    """

    undeclared: Mapping[str, Sequence[AdminDesignation]]
    unreadable: Mapping[str, str]
    registered: Sequence[str]


def removes_administrator(plans: Sequence[RegionPlan]) -> bool:
    """Whether a pass would remove an administrator anywhere: only then are the other Regions read. A designation
    with nothing to remove first empties no Region: where AWS refuses it, it refuses with its reason."""
    return any(action.operation == REMOVE for plan in plans for action in plan.actions)


def replacement_refusal(
    admin: str, declared: Mapping[str, Sequence[AdminDesignation]], around: Surroundings
) -> str | None:
    """Why designating ``admin`` in the declared Regions cannot complete, or None. Said before any write, so a
    refusal leaves every Region as it was."""
    if around.unreadable:
        region, reason = sorted(around.unreadable.items())[0]
        return (
            f"the delegated administrator cannot be changed without reading every Region, and"
            f" {_regions(around.unreadable)} could not be read ({region}: {reason}); grant"
            " securityhub:ListOrganizationAdminAccounts there, or retry if the error was passing"
        )
    elsewhere: dict[str, list[str]] = {}
    for region, designations in sorted(around.undeclared.items()):
        for designation in designations:
            if designation.account_id != admin and designation.status == ENABLED:
                elsewhere.setdefault(designation.account_id, []).append(region)
    if elsewhere:
        current, regions = sorted(elsewhere.items())[0]
        return (
            f"{current} is the delegated administrator in {_regions(regions)}, which the declaration does not"
            f" list; AWS wants the same administrator in every Region, so {admin} cannot be designated while"
            f" {current} is there, and removing {current} in the declared Regions only would leave them without"
            f" one. Declare {_regions(regions)}, or remove {current} there first (DisableOrganizationAdminAccount"
            " in each of those Regions)"
        )
    seen = {d.account_id for designations in (*declared.values(), *around.undeclared.values()) for d in designations}
    hidden = sorted(account for account in around.registered if account != admin and account not in seen)
    if hidden:
        return (
            f"{', '.join(hidden)} is registered in Organizations as Security Hub's delegated administrator but is"
            f" the administrator in none of the Regions this account can read (an opt-in Region since disabled?);"
            f" {admin} cannot be designated while it is. Enable that Region again and remove it there, or"
            " deregister it in Organizations (DeregisterDelegatedAdministrator, which removes it in every Region)"
        )
    return None


def removals_in_progress(admin: str, live: Mapping[str, Sequence[AdminDesignation]]) -> dict[str, str]:
    """Region -> the other administrator still listed there: its removal has not finished (or not started)."""
    return {
        region: d.account_id for region, designations in live.items() for d in designations if d.account_id != admin
    }


def hold_designations(designations: Sequence[RegionPlan], admin: str, waiting: Mapping[str, str]) -> list[RegionPlan]:
    """Take the designations out of every Region while ``waiting`` names a Region where another administrator is
    still listed: AWS refuses the new one until the old one is gone everywhere, and a refusal taken for a
    permanent failure would end the deploy with Regions already emptied. A later pass designates."""
    if not waiting:
        return list(designations)
    still = ", ".join(f"{account} in {region}" for region, account in sorted(waiting.items()))
    held = []
    for plan in designations:
        kept = tuple(a for a in plan.actions if a.operation != DESIGNATE)
        if len(kept) == len(plan.actions):
            held.append(plan)
            continue
        note = Issue(admin, f"designation waits until the previous administrator is removed ({still})", retryable=True)
        held.append(replace(plan, actions=kept, pending=(*plan.pending, note)))
    return held


def _regions(regions: Mapping[str, str] | Sequence[str]) -> str:
    return ", ".join(sorted(regions))
