"""Helpers of the between-deploys tests: the emulated organization of ``between-deploys.yaml``, drift to seed, and
the EMF lines of a run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cdk_securityhub_org.handler import registry
from cdk_securityhub_org.testing.emulator import Emulator, World

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "between-deploys.yaml"
MANAGEMENT, ADMINISTRATOR, PARTNER = "000000000001", "000000000002", "444455556666"
REGIONS = ("us-east-1", "eu-west-1")
SCHEDULED_HANDLER = registry.DRIFT_REPAIR_HANDLER


def organization(member_count: int = 6) -> World:
    """The organization the declaration describes: management, administrator, ``member_count`` other accounts,
    and the invited partner outside the organization."""
    world = World.organization(MANAGEMENT, member_count=member_count, seed=5)
    world.add_account(ADMINISTRATOR, name="security-admin")
    world.add_standalone_account(PARTNER, email="partner@example.com")
    return world


def seed_drift(emulator: Emulator, world: World) -> list[str]:
    """Drift between deploys: two members disassociated in eu-west-1, auto-enable turned on in us-east-1 (the
    declaration has it off). Returns the disassociated accounts."""
    disassociated = sorted(world.member_account_ids()[:2])
    emulator.client("securityhub", ADMINISTRATOR, "eu-west-1").disassociate_members(AccountIds=disassociated)
    emulator.client("securityhub", ADMINISTRATOR, "us-east-1").update_organization_configuration(
        AutoEnable=True, AutoEnableStandards="DEFAULT"
    )
    return disassociated


def emf_documents(output: str) -> list[dict[str, Any]]:
    """The Embedded Metric Format documents among a handler's stdout lines."""
    documents = []
    for line in output.splitlines():
        if line.startswith("{") and '"_aws"' in line:
            documents.append(json.loads(line))
    return documents
