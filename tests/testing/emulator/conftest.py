"""Fixtures of the emulator tests: one server for the session, a fresh world state for every test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from cdk_securityhub_org.testing.emulator import Emulator, FaultConfig, World

STANDALONE = "222222222222"
STANDALONE_2 = "333333333333"
NO_RETRY = Config(retries={"mode": "standard", "total_max_attempts": 1})


@dataclass(frozen=True)
class Org:
    """Well-known accounts of the test world."""

    management: str
    admin: str
    members: list[str]
    standalone: str = STANDALONE
    standalone_2: str = STANDALONE_2


def _baseline_world() -> World:
    world = World.organization(member_count=30, seed=7, opt_in_regions_enabled=["eu-south-1"])
    world.add_standalone_account(STANDALONE, email="standalone@example.com")
    world.add_standalone_account(STANDALONE_2, email="standalone2@example.com")
    return world


@pytest.fixture(scope="session")
def baseline() -> dict[str, Any]:
    return _baseline_world().to_dict()


@pytest.fixture(scope="session")
def server() -> Iterator[Emulator]:
    with Emulator(_baseline_world(), faults=FaultConfig(rate_limit=False)) as emulator:
        yield emulator


@pytest.fixture
def emu(server: Emulator, baseline: dict[str, Any]) -> Emulator:
    """The session's emulator, reset to the baseline world, no faults, an empty call log."""
    server.seed(baseline)
    server.set_faults(FaultConfig(rate_limit=False))
    server.reset_calls()
    return server


@pytest.fixture
def org(emu: Emulator) -> Org:
    members = emu.world.member_account_ids()
    return Org(emu.world.management_account, members[0], members[1:])


@pytest.fixture(scope="session")
def aws(server: Emulator) -> Callable[..., Any]:
    """``aws(service, account, region="us-east-1", retries=True)``: a cached boto3 client."""
    cache: dict[tuple[str, str, str, bool], Any] = {}

    def make(service: str, account: str, region: str = "us-east-1", retries: bool = True) -> Any:
        key = (service, account, region, retries)
        if key not in cache:
            cache[key] = server.client(service, account, region, config=None if retries else NO_RETRY)
        return cache[key]

    return make


@pytest.fixture(scope="session")
def aws_error() -> Callable[..., dict[str, Any]]:
    """``aws_error(code, fn, *args, **kwargs)``: call, expect a ClientError with ``code``, return its response."""

    def check(code: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
        with pytest.raises(ClientError) as info:
            fn(*args, **kwargs)
        response: dict[str, Any] = info.value.response
        assert response["Error"]["Code"] == code, response["Error"]
        return response

    return check


@pytest.fixture
def designate(emu: Emulator, org: Org, aws: Callable[..., Any]) -> Callable[..., None]:
    """``designate(*regions, admin=org.admin)``: make the delegated administrator in those Regions."""

    def run(*regions: str, admin: str | None = None) -> None:
        for region in regions:
            aws("securityhub", org.management, region).enable_organization_admin_account(
                AdminAccountId=admin or org.admin
            )

    return run
