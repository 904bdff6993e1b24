"""Synth time and template size of the sample app (``app.py`` + ``examples/securityhub.yaml``) by CSV length.

The sample declaration is copied beside a generated ``members.csv`` of K invited accounts (IDs outside the
organization, with emails), and ``app.py`` is run the way the CDK CLI runs it (``CDK_OUTDIR``,
``CDK_CONTEXT_JSON`` with ``config``), cdk-nag checks included. The time is the whole process: Python, the jsii
runtime, construction, validation and writing the cloud assembly. Sizes are alternated and the fastest run of
each is kept, so that a busy moment of the machine does not decide the comparison.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
SAMPLE_APP = REPOSITORY / "app.py"
SAMPLE_CONFIG = REPOSITORY / "examples" / "securityhub.yaml"


@dataclass
class SynthResult:
    """One CSV length: the synth times of every repeat, and what the cloud assembly holds."""

    rows: int
    seconds: list[float] = field(default_factory=list)
    templates: dict[str, int] = field(default_factory=dict)
    """Template file name -> bytes."""
    member_list_asset_bytes: int = 0
    """The member list shipped as an S3 file asset (0 when it is small enough to travel inline)."""

    @property
    def best_seconds(self) -> float:
        return min(self.seconds)

    @property
    def template_bytes(self) -> int:
        return sum(self.templates.values())


def _prepare(directory: Path, rows: int) -> Path:
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    config = directory / SAMPLE_CONFIG.name
    shutil.copyfile(SAMPLE_CONFIG, config)  # its csv: members.csv is read relative to the file
    lines = ["Account ID,Email", *(f"{900000000000 + i:012d},aws+bench-{i:05d}@example.com" for i in range(rows))]
    (directory / "members.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def _synth_once(config: Path, outdir: Path) -> float:
    if outdir.exists():
        shutil.rmtree(outdir)
    environment = {**os.environ, "CDK_OUTDIR": str(outdir), "CDK_CONTEXT_JSON": json.dumps({"config": str(config)})}
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, str(SAMPLE_APP)],
        cwd=REPOSITORY,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.monotonic() - started
    if completed.returncode != 0:
        raise RuntimeError(f"synth of {config} failed:\n{completed.stdout}\n{completed.stderr}")
    return seconds


def _inspect(result: SynthResult, outdir: Path) -> None:
    result.templates = {path.name: path.stat().st_size for path in sorted(outdir.rglob("*.template.json"))}
    # File assets that are a single JSON document: the member list (the handler assets are directories).
    result.member_list_asset_bytes = sum(path.stat().st_size for path in outdir.glob("asset.*.json"))


def measure(row_counts: tuple[int, ...], workdir: Path, repeats: int) -> list[SynthResult]:
    """Synthesize the sample app with each CSV length ``repeats`` times, the lengths alternating."""
    results = {rows: SynthResult(rows) for rows in row_counts}
    configs = {rows: _prepare(workdir / f"sample-{rows}", rows) for rows in row_counts}
    for _ in range(repeats):
        for rows in row_counts:
            outdir = configs[rows].parent / "cdk.out"
            results[rows].seconds.append(_synth_once(configs[rows], outdir))
            _inspect(results[rows], outdir)
    return [results[rows] for rows in row_counts]
