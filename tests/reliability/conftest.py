"""Fixtures of the reliability suite: declarations synthesized once per session, and the figures ledger."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from reliability_apps import Declaration, synthesize
from reliability_figures import Figures, write_requested
from reliability_lifecycle import Lifecycle, run_lifecycle


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Declaration], Path]:
    """Synthesize a declaration (once per session: equal declarations share one cloud assembly)."""
    root = tmp_path_factory.mktemp("reliability-apps")
    assemblies: dict[Declaration, Path] = {}

    def get(declaration: Declaration) -> Path:
        if declaration not in assemblies:
            assemblies[declaration] = synthesize(declaration, root / f"app{len(assemblies)}")
        return assemblies[declaration]

    return get


@pytest.fixture(scope="session")
def figures() -> Iterator[Figures]:
    ledger = Figures()
    yield ledger
    write_requested(ledger)


@pytest.fixture(scope="session")
def lifecycle(synth: Callable[[Declaration], Path], figures: Figures) -> Lifecycle:
    """The lifecycle, run once for the lifecycle, least-privilege and security checks."""
    run = run_lifecycle(synth)
    figures.record_faults(run.harness.emulator.calls(), run.harness.windows)
    return run
