"""The handler asset's hash depends on the package source only: not on where it lives, when it was copied, or
byte code beside it."""

from __future__ import annotations

import shutil
from pathlib import Path

import aws_cdk as cdk
import pytest
from cdk_securityhub_org import _provider

# Synthesizes CDK apps (shared per session) or runs the app.
pytestmark = pytest.mark.slow

IGNORE_BYTE_CODE = shutil.ignore_patterns("__pycache__", "*.pyc")


def asset_key(package: Path, monkeypatch: pytest.MonkeyPatch, outdir: Path) -> str:
    monkeypatch.setattr(_provider, "HANDLER_PACKAGE", package)
    stack = cdk.Stack(cdk.App(outdir=str(outdir)), "Stack")
    return _provider.handler_code().bind(stack).s3_location.object_key


def copy_package(destination: Path) -> Path:
    package = destination / _provider.HANDLER_PACKAGE.name
    shutil.copytree(_provider.HANDLER_PACKAGE, package, ignore=IGNORE_BYTE_CODE)
    return package


def test_hash_is_the_same_wherever_the_package_is_and_with_byte_code_beside_it(tmp_path, monkeypatch):
    installed = asset_key(_provider.HANDLER_PACKAGE, monkeypatch, tmp_path / "out-installed")
    clean = asset_key(copy_package(tmp_path / "machine-a"), monkeypatch, tmp_path / "out-a")
    with_byte_code = copy_package(tmp_path / "machine-b")
    (with_byte_code / "__pycache__").mkdir()
    (with_byte_code / "__pycache__" / "desired.cpython-311.pyc").write_bytes(b"\x00compiled")
    (with_byte_code / "stray.pyc").write_bytes(b"\x00compiled")
    assert asset_key(with_byte_code, monkeypatch, tmp_path / "out-b") == clean == installed


def test_hash_changes_with_the_source(tmp_path, monkeypatch):
    original = asset_key(copy_package(tmp_path / "original"), monkeypatch, tmp_path / "out-original")
    changed = copy_package(tmp_path / "changed")
    with (changed / "members.py").open("a") as source:
        source.write("\n# changed\n")
    assert asset_key(changed, monkeypatch, tmp_path / "out-changed") != original
