"""Publishing ``file`` assets to the emulator's S3, as ``cdk deploy`` does before it deploys a stack.

``zip`` assets (Lambda code) are not uploaded: the simulator runs the code straight from its asset
directory, so zipping it would only cost time.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from cdk_securityhub_org.cloud_assembly.assembly import StackArtifact
from cdk_securityhub_org.testing.simulator.results import AssetUpload


@dataclass(frozen=True)
class FileAssetObject:
    """One object to put: a ``file`` asset at one of its destinations, with the stack's identity."""

    account: str
    region: str
    bucket: str
    key: str
    path: Path


AssetUploader = Callable[[FileAssetObject], None]
"""Puts one asset object somewhere (by default: the emulator's S3 via boto3)."""


class Boto3Uploader:
    """Uploads with boto3 to an S3 endpoint, path-style, as the stack's account (access key = account ID)."""

    def __init__(self, endpoint_url: str) -> None:
        self._endpoint_url = endpoint_url
        self._clients: dict[tuple[str, str], Any] = {}
        self._buckets: set[tuple[str, str]] = set()

    def __call__(self, item: FileAssetObject) -> None:
        client = self._client(item.account, item.region)
        if (item.account, item.bucket) not in self._buckets:
            self._create_bucket(client, item)
            self._buckets.add((item.account, item.bucket))
        with item.path.open("rb") as body:
            client.put_object(Bucket=item.bucket, Key=item.key, Body=body)

    def _client(self, account: str, region: str) -> Any:
        if (account, region) not in self._clients:
            self._clients[(account, region)] = boto3.client(
                "s3",
                endpoint_url=self._endpoint_url,
                region_name=region,
                aws_access_key_id=account,
                aws_secret_access_key="emulated",
                config=Config(s3={"addressing_style": "path"}),
            )
        return self._clients[(account, region)]

    @staticmethod
    def _create_bucket(client: Any, item: FileAssetObject) -> None:
        # The bootstrap stack would own this bucket; the emulator starts empty, so make it.
        arguments: dict[str, Any] = {"Bucket": item.bucket}
        if item.region != "us-east-1":
            arguments["CreateBucketConfiguration"] = {"LocationConstraint": item.region}
        with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
            client.create_bucket(**arguments)


def publish(stack: StackArtifact, uploader: AssetUploader | None) -> list[AssetUpload]:
    """Put every ``file`` asset of ``stack`` at each of its destinations (record only, without an uploader)."""
    uploads = []
    for asset in stack.assets:
        if asset.packaging != "file":
            continue
        for destination in asset.destinations:
            if uploader is not None:
                uploader(
                    FileAssetObject(
                        account=stack.account,
                        region=destination.region,
                        bucket=destination.bucket_name,
                        key=destination.object_key,
                        path=asset.source_path,
                    )
                )
            uploads.append(
                AssetUpload(
                    stack_name=stack.stack_name,
                    asset_id=asset.asset_id,
                    bucket=destination.bucket_name,
                    key=destination.object_key,
                    size_bytes=asset.source_path.stat().st_size,
                    uploaded=uploader is not None,
                )
            )
    return uploads
