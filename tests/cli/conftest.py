"""Fixtures of the plan command's tests (see cli_harness)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cdk_securityhub_org.cli.declared_from_assembly import DeclaredResource
from cdk_securityhub_org.cli.declared_from_constructs import from_config
from cdk_securityhub_org.testing.emulator import Emulator, FaultConfig, World
from cli_harness import ADMINISTRATOR, CONFIG, MANAGEMENT, PARTNER, Deployed


@pytest.fixture(scope="session")
def declared() -> list[DeclaredResource]:
    return from_config(CONFIG)


@pytest.fixture
def organization(declared: list[DeclaredResource], monkeypatch: pytest.MonkeyPatch) -> Iterator[Deployed]:
    """The emulated organization of the declaration, not yet deployed."""
    world = World.organization(MANAGEMENT, member_count=4, seed=5)
    world.add_account(ADMINISTRATOR, name="security-admin")
    world.add_standalone_account(PARTNER, email="partner@example.com")
    with Emulator(world, faults=FaultConfig(rate_limit=False)) as emulator:
        monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.endpoint_url)  # for the deploy only; plan is told
        yield Deployed(emulator, world, declared)
