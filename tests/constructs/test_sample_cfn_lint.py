"""cfn-lint on every synthesized template, with the project's .cfnlintrc.yaml."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from securityhub_templates import stack_templates

# Synthesizes CDK apps (shared per session) or runs the app.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]


def test_templates_pass_cfn_lint(sample_app, variants):
    templates = [*stack_templates(sample_app.outdir), *stack_templates(variants.outdir)]
    assert len(templates) == 8
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), *map(str, templates)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
