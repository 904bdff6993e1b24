"""Engine-test harness: the handlers' real entry points, real boto3 clients, the emulator behind them.

``drive`` plays the Provider framework's part in-process (onEvent, then isComplete until complete); the
CloudFormation simulator does the same for synthesized stacks in the deploy tests.
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pytest
from cdk_securityhub_org.testing.emulator import Emulator, FaultConfig, World, WorldSettings

MANAGEMENT = "000000000001"
REGIONS = ["us-east-1", "us-west-2", "eu-west-1"]
QUERY_INTERVAL_SECONDS = 0.1  # the Provider framework waits 30 s between passes; tests need not


@dataclass
class LambdaContext:
    """What the Lambda runtime hands a handler: the function ARN (its account) and the time left."""

    account: str
    seconds: float = 900.0
    started: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:us-east-1:{self.account}:function:reconciler"

    def get_remaining_time_in_millis(self) -> int:
        return int(max(0.0, self.seconds - (time.monotonic() - self.started)) * 1000)


@dataclass
class Deployment:
    """A resource's lifecycle as the Provider framework runs it."""

    handler: ModuleType
    account: str
    monkeypatch: pytest.MonkeyPatch
    physical_id: str | None = None
    properties: dict[str, Any] | None = None
    passes: int = 0

    def event(self, request: str, properties: dict[str, Any], old: dict[str, Any] | None = None) -> dict[str, Any]:
        event: dict[str, Any] = {
            "RequestType": request,
            "StackId": f"arn:aws:cloudformation:us-east-1:{self.account}:stack/test/1",
            "RequestId": str(uuid.uuid4()),
            "LogicalResourceId": "Resource",
            "ResourceType": self.handler.KIND.resource_type,
            "ResourceProperties": properties,
        }
        if self.physical_id:
            event["PhysicalResourceId"] = self.physical_id
        if old is not None:
            event["OldResourceProperties"] = old
        return event

    def run(self, request: str, properties: dict[str, Any], *, seconds: float = 900.0, max_passes: int = 20) -> dict:
        self._sign_as_account()
        event = self.event(request, properties, self.properties if request == "Update" else None)
        answer = self.handler.on_event(event, LambdaContext(self.account))
        self.physical_id = answer["PhysicalResourceId"]
        event = {**event, **answer}
        self.passes = 0
        while True:
            self.passes += 1
            result = self.handler.is_complete(event, LambdaContext(self.account, seconds))
            if result["IsComplete"]:
                self.properties = properties
                return {**(answer.get("Data") or {}), **(result.get("Data") or {})}
            if self.passes >= max_passes:
                raise AssertionError(f"not complete after {max_passes} passes")
            time.sleep(QUERY_INTERVAL_SECONDS)

    def one_pass(self, request: str, properties: dict[str, Any], *, seconds: float = 900.0) -> dict:
        self._sign_as_account()
        event = self.event(request, properties, self.properties if request == "Update" else None)
        answer = self.handler.on_event(event, LambdaContext(self.account))
        self.physical_id = answer["PhysicalResourceId"]
        return self.handler.is_complete({**event, **answer}, LambdaContext(self.account, seconds))

    def _sign_as_account(self) -> None:
        # The emulator takes the caller's account from the access key ID, as the simulator arranges.
        self.monkeypatch.setenv("AWS_ACCESS_KEY_ID", self.account)


@dataclass
class Org:
    emulator: Emulator
    world: World
    management: str
    admin: str
    accounts: list[str]  # organization accounts besides the management account

    def securityhub(self, account: str, region: str = "us-east-1") -> Any:
        return self.emulator.client("securityhub", account, region)

    def members(self, region: str, admin: str | None = None) -> dict[str, str]:
        client = self.securityhub(admin or self.admin, region)
        found: dict[str, str] = {}
        for page in client.get_paginator("list_members").paginate(OnlyAssociated=False):
            found.update({m["AccountId"]: m["MemberStatus"] for m in page["Members"]})
        return found

    def writes(self, **filters: Any) -> list[Any]:
        return self.emulator.calls(writes_only=True, **filters)

    def calls_of(self, operation: str, region: str | None = None) -> int:
        return len(self.emulator.calls(operation=operation, region=region))


def create_members_minimum(n: int) -> int:
    return math.ceil(n / 50)


@pytest.fixture
def make_org(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Build an emulated organization, start the emulator, and point boto3 at it (as the simulator does)."""
    started: list[Emulator] = []

    def build(
        member_count: int = 60, faults: FaultConfig | None = None, settings: WorldSettings | None = None, **kw: Any
    ) -> Org:
        world = World.organization(MANAGEMENT, member_count=member_count, seed=11, settings=settings, **kw)
        emulator = Emulator(world, faults=faults or FaultConfig(rate_limit=False)).start()
        started.append(emulator)
        monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.endpoint_url)
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "emulator")
        monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        accounts = [a for a in world.accounts if a != MANAGEMENT]
        return Org(emulator, world, MANAGEMENT, accounts[0], accounts)

    yield build
    for emulator in started:
        emulator.stop()


@pytest.fixture
def deploy(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A Deployment of ``handler`` in ``account``; boto3 signs as that account (the access key is the ID)."""

    def make(handler: ModuleType, account: str) -> Deployment:
        return Deployment(handler, account, monkeypatch)

    return make
