"""Snapshot tests of stacks that hold these constructs: templates with the asset hashes masked.

A template names the handler asset by the SHA-256 of its content (in S3 keys, in the bootstrap's asset parameters
and in metadata), so every release of this library would change a user's snapshots although nothing in the user's
own stacks changed. Masking the 64-hex-digit hashes keeps a snapshot about the user's declaration::

    from aws_cdk.assertions import Template
    from cdk_securityhub_org.testing.snapshots import mask_asset_hashes

    def test_security_stack(snapshot):
        template = Template.from_stack(stack).to_json()
        assert mask_asset_hashes(template) == snapshot
"""

from __future__ import annotations

import json
import re
from typing import Any

ASSET_HASH = re.compile(r"\b[0-9a-f]{64}\b")
MASK = "<asset-hash>"


def mask_asset_hashes(template: Any) -> Any:
    """``template`` (any JSON value) with every asset hash, 64 hex digits, replaced by ``<asset-hash>``."""
    return json.loads(ASSET_HASH.sub(MASK, json.dumps(template)))
