"""The impact of an Organizations Security Hub CSPM policy before it applies: pure functions from the organization's
tree, the policies attached in it and each account's live Security Hub state to the changes the effective policy
would make, per account and Region. ``cdk-securityhub-org plan`` reads the live state and reports these.

Security Hub user guide, "Reviewing a declarative policy's impact before you apply it": where a policy enables
Security Hub CSPM it governs completely (standards it does not list are disabled, parameters it does not set are
reset to their defaults); where it disables it, administrator and member associations are removed, invitation-based
ones included, and not restored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .document import RegionSettings, effective_policy, region_settings

ENABLE_HUB, DISABLE_HUB = "EnableSecurityHub", "DisableSecurityHub"
ENABLE_STANDARD, DISABLE_STANDARD = "EnableStandard", "DisableStandard"
SET_CONTROL_STATUS, SET_PARAMETER, RESET_PARAMETER = "SetControlStatus", "SetControlParameter", "ResetControlParameter"
REMOVE_ADMINISTRATOR, REMOVE_MEMBERS = "RemoveAdministratorAssociation", "RemoveMemberAssociations"


@dataclass(frozen=True)
class LiveHub:
    """One account's Security Hub state in one Region, as the review reads it. ``standards``: standard keys (the
    part of the ARN after ``standards/``); ``custom_parameters``: control -> parameter -> value, only those not at
    their default; ``control_statuses``: the statuses of the controls the policies name."""

    enabled: bool
    standards: frozenset[str] = frozenset()
    control_statuses: Mapping[str, str] = field(default_factory=dict)
    custom_parameters: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    administrator: str | None = None
    members: int = 0


@dataclass(frozen=True, order=True)
class Change:
    """One change the policy would make: ``operation`` on ``subject`` (a standard, a control, a parameter; empty
    for the hub itself) in ``account`` and ``region``."""

    region: str
    operation: str
    subject: str
    account: str


def path_policies(path: Sequence[str], attached: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[list[Any]]:
    """The documents attached at each level of ``path`` (root, OUs, then the account), in that order."""
    return [list(attached.get(target, ())) for target in path]


def computed_effective_policy(
    path: Sequence[str], attached: Mapping[str, Sequence[Mapping[str, Any]]]
) -> dict[str, Any] | None:
    """The effective policy of the account at the end of ``path``, by Organizations' inheritance rules."""
    return effective_policy(path_policies(path, attached))


def region_changes(account: str, region: str, settings: RegionSettings | None, live: LiveHub) -> list[Change]:
    """What an effective policy's ``settings`` for ``region`` would change in ``live``; nothing where the Region is
    ungoverned (``settings`` is None)."""
    if settings is None:
        return []
    changes: list[Change] = []

    def change(operation: str, subject: str = "") -> None:
        changes.append(Change(region, operation, subject, account))

    if not settings.enabled:
        if live.enabled:
            change(DISABLE_HUB)
            if live.administrator:
                change(REMOVE_ADMINISTRATOR, live.administrator)
            if live.members:
                change(REMOVE_MEMBERS, f"{live.members} member(s)")
        return changes
    if not live.enabled:
        change(ENABLE_HUB)
    for standard in sorted(live.standards - set(settings.standards)):
        change(DISABLE_STANDARD, standard)
    for standard in sorted(set(settings.standards) - live.standards):
        change(ENABLE_STANDARD, standard)
    for control, status in sorted(settings.control_statuses.items()):
        if live.control_statuses.get(control, "ENABLED") != status:
            change(SET_CONTROL_STATUS, f"{control}={status}")
    for control, parameters in sorted(live.custom_parameters.items()):
        for name in sorted(parameters):
            if name not in settings.control_parameters.get(control, {}):
                change(RESET_PARAMETER, f"{control}.{name}")
    for control, parameters in sorted(settings.control_parameters.items()):
        for name, value in sorted(parameters.items()):
            if live.custom_parameters.get(control, {}).get(name) != value:
                change(SET_PARAMETER, f"{control}.{name}={value}")
    return changes


def account_changes(account: str, effective: Mapping[str, Any] | None, live: Mapping[str, LiveHub]) -> list[Change]:
    """Every change ``effective`` would make in ``account``, over the Regions of ``live``."""
    return [
        change
        for region, hub in sorted(live.items())
        for change in region_changes(account, region, region_settings(effective, region), hub)
    ]
