"""Snapshots of the sample app's templates, asset hashes masked, and asset folders free of byte code."""

from __future__ import annotations

import pytest
from cdk_securityhub_org.testing.snapshots import mask_asset_hashes
from syrupy.extensions.json import JSONSnapshotExtension

# Synthesizes CDK apps (shared per session) or runs the app.
pytestmark = pytest.mark.slow


@pytest.fixture
def snapshot_json(snapshot):
    return snapshot.use_extension(JSONSnapshotExtension)


def test_management_stack_template(sample_app, snapshot_json):
    assert mask_asset_hashes(sample_app.management.template) == snapshot_json


def test_administrator_stack_template(sample_app, snapshot_json):
    assert mask_asset_hashes(sample_app.administrator.template) == snapshot_json


def test_asset_folders_hold_the_handler_package_without_byte_code(sample_app):
    asset_folders = [path for path in sample_app.outdir.glob("asset.*") if path.is_dir()]
    handler_folders = [path for path in asset_folders if (path / "cdk_securityhub_org" / "handler").is_dir()]
    assert len(handler_folders) == 1
    assert (handler_folders[0] / "cdk_securityhub_org" / "handler" / "kinds" / "members" / "kind.py").is_file()
    byte_code = [
        p for folder in asset_folders for p in folder.rglob("*") if p.name == "__pycache__" or p.suffix == ".pyc"
    ]
    assert byte_code == []
