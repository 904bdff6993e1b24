"""S3, path-style only: ``CreateBucket``, ``PutObject``, ``GetObject``, ``HeadObject``.

botocore addresses an IP endpoint (``http://127.0.0.1:PORT``) path-style by itself, so a default client
works. Buckets are global to the world; there are no bucket policies: every account of the world may read
and write every bucket (enough for CDK file assets, which is what the emulator serves them for).
"""

from __future__ import annotations

import hashlib
import re
from email.utils import formatdate
from typing import Any

from cdk_securityhub_org.testing.emulator.base import EmulatedService, RequestContext, ServiceError
from cdk_securityhub_org.testing.emulator.protocol import RawResult
from cdk_securityhub_org.testing.emulator.world import Bucket, S3Object, World

_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


class S3(EmulatedService):
    """Object storage for assets and member lists."""

    name = "s3"

    def __init__(self, world: World) -> None:
        super().__init__()
        self.world = world
        self.operations = {
            "CreateBucket": self.create_bucket,
            "PutObject": self.put_object,
            "GetObject": self.get_object,
            "HeadObject": self.head_object,
        }

    def invalid_identity_error(self) -> ServiceError:
        return ServiceError(
            "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", 403
        )

    def throttle_error(self) -> ServiceError:
        return ServiceError("SlowDown", "Please reduce your request rate.", 503)

    def internal_error(self) -> ServiceError:
        return ServiceError("InternalError", "We encountered an internal error. Please try again.", 500)

    def _bucket(self, name: str) -> Bucket:
        bucket = self.world.buckets.get(name)
        if bucket is None:
            raise ServiceError("NoSuchBucket", "The specified bucket does not exist", 404)
        return bucket

    def _object(self, params: dict[str, Any]) -> S3Object:
        found = self._bucket(params["Bucket"]).objects.get(params["Key"])
        if found is None:
            raise ServiceError("NoSuchKey", "The specified key does not exist.", 404)
        return found

    def create_bucket(self, ctx: RequestContext, params: dict[str, Any]) -> RawResult:
        name = params["Bucket"]
        if not _BUCKET_NAME.match(name):
            raise ServiceError("InvalidBucketName", "The specified bucket is not valid.", 400)
        existing = self.world.buckets.get(name)
        if existing is not None:
            if existing.owner == ctx.account:
                raise ServiceError(
                    "BucketAlreadyOwnedByYou",
                    "Your previous request to create the named bucket succeeded and you already own it.",
                    409,
                )
            raise ServiceError("BucketAlreadyExists", "The requested bucket name is not available.", 409)
        self.world.buckets[name] = Bucket(name, ctx.account, ctx.region, ctx.now)
        return RawResult(headers={"Location": f"/{name}", "Content-Length": "0"})

    def put_object(self, ctx: RequestContext, params: dict[str, Any]) -> RawResult:
        bucket = self._bucket(params["Bucket"])
        body = params.get("Body") or b""
        etag = f'"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"'
        content_type = params.get("ContentType") or "binary/octet-stream"
        bucket.objects[params["Key"]] = S3Object(body, content_type, etag, ctx.now)
        return RawResult(headers={"ETag": etag, "Content-Length": "0"})

    @staticmethod
    def _headers(found: S3Object) -> dict[str, str]:
        return {
            "ETag": found.etag,
            "Content-Type": found.content_type,
            "Content-Length": str(len(found.body)),
            "Last-Modified": formatdate(found.last_modified, usegmt=True),
        }

    def get_object(self, ctx: RequestContext, params: dict[str, Any]) -> RawResult:
        found = self._object(params)
        return RawResult(headers=self._headers(found), body=found.body)

    def head_object(self, ctx: RequestContext, params: dict[str, Any]) -> RawResult:
        # The server sends no body for HEAD; Content-Length still tells the object's size.
        return RawResult(headers=self._headers(self._object(params)))
