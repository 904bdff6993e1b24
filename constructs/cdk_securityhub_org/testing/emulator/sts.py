"""STS: ``GetCallerIdentity`` only, which is how code learns which account its credentials belong to."""

from __future__ import annotations

from typing import Any

from cdk_securityhub_org.testing.emulator.base import EmulatedService, RequestContext, ServiceError


class Sts(EmulatedService):
    """The caller is the account whose ID is the access key ID (the emulator's identity convention)."""

    name = "sts"

    def __init__(self) -> None:
        super().__init__()
        self.operations = {"GetCallerIdentity": self.get_caller_identity}

    def invalid_identity_error(self) -> ServiceError:
        return ServiceError("InvalidClientTokenId", "The security token included in the request is invalid.", 403)

    def get_caller_identity(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return {"UserId": ctx.account, "Account": ctx.account, "Arn": f"arn:aws:iam::{ctx.account}:root"}
