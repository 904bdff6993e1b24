"""The plan command's tests: the organization of ``plan.yaml`` in the emulator, deployed by the engine itself (each
declared resource's reconcile pass), ready to drift."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import boto3
from cdk_securityhub_org.cli.declared_from_assembly import DeclaredResource
from cdk_securityhub_org.handler.engine.aws import Budget, Clients
from cdk_securityhub_org.handler.registry import KINDS
from cdk_securityhub_org.testing.emulator import Emulator, World

CONFIG = Path(__file__).resolve().parent / "plan.yaml"
GOLDEN = Path(__file__).resolve().parent / "golden"
MANAGEMENT, ADMINISTRATOR, PARTNER = "000000000001", "000000000002", "444455556666"


@dataclass
class Deployed:
    emulator: Emulator
    world: World
    declared: list[DeclaredResource]

    def plan_arguments(self, *extra: str) -> list[str]:
        return ["plan", "--config", str(CONFIG), "--endpoint-url", self.emulator.endpoint_url, "--emulator", *extra]

    def deploy(self) -> None:
        """Converge every declared resource, as a deploy would (the same engine pass)."""
        for resource in self.declared:
            kind = KINDS[resource.resource_type].load()
            spec = kind.parse(resource.properties)
            account = resource.properties["ExpectedAccount"]
            session = boto3.session.Session(
                aws_access_key_id=account, aws_secret_access_key="emulator", region_name="us-east-1"
            )
            outcome = kind.reconcile(spec, kind.scope(spec).regions, Clients(account, session), Budget(600))
            assert not outcome.permanent_failures, outcome.summary()
