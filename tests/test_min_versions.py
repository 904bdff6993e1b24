"""The lower bounds that pyproject.toml declares are the versions `make test-min` installs and tests."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_requirements_min_pins_exactly_the_declared_lower_bounds():
    declared = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    lower_bounds = {}
    for requirement in declared:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)>=([0-9.]+)(,<\d+)?", requirement)
        assert match, f"{requirement!r} has no lower bound of the form name>=version"
        lower_bounds[match[1].lower()] = match[2]
    pinned = dict(
        line.split("==")
        for line in (REPO / "requirements-min.txt").read_text().splitlines()
        if line and not line.startswith("#")
    )
    pinned = {name.lower(): version for name, version in pinned.items()}
    for name, version in lower_bounds.items():
        assert pinned.get(name) == version, (
            f"requirements-min.txt pins {name} {pinned.get(name)}, pyproject declares >={version}"
        )
