"""What every emulated service shares: the error type, the per-request context, and the service interface."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cdk_securityhub_org.testing.emulator.faults import FaultConfig, RateQuota


class ServiceError(Exception):
    """An AWS error answer: the protocol codec turns it into the service's wire format.

    ``status`` may be left out: the codec then takes the HTTP status from the error shape in the botocore
    model (``httpStatusCode``), so modeled errors answer with the status the real service uses. ``reason`` fills
    the ``Reason`` member that some Organizations errors carry (``ConstraintViolationException``,
    ``InvalidInputException``).
    """

    def __init__(self, code: str, message: str, status: int | None = None, *, reason: str | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.reason = reason


@dataclass
class RequestContext:
    """Who is calling, where, and under which fault settings; handlers may add implied actions."""

    account: str
    region: str
    operation: str
    now: float
    faults: FaultConfig
    implied_actions: list[str] = field(default_factory=list)


Handler = Callable[[RequestContext, dict[str, Any]], Any]


class EmulatedService:
    """Base of the per-service operation tables.

    Subclasses fill ``operations`` (operation name -> handler) and say how throttling, internal faults and
    unknown credentials look on their wire. Handlers run with the world lock held.
    """

    name: str = ""

    def __init__(self) -> None:
        self.operations: dict[str, Handler] = {}

    def throttle_error(self) -> ServiceError:
        """The answer to a call over its rate quota (or picked by ``throttle_rate``)."""
        return ServiceError("ThrottlingException", "Rate exceeded", 400)

    def internal_error(self) -> ServiceError:
        """The answer to a call picked by ``error_rate`` or ``fail_operations``."""
        return ServiceError("InternalFailure", "The emulator injected an internal error", 500)

    def invalid_identity_error(self) -> ServiceError:
        """The answer to an access key ID that is not an account of the world."""
        return ServiceError("UnrecognizedClientException", "The security token included in the request is invalid", 403)

    def check_region(self, account: str, region: str) -> None:
        """Raise when the account may not call this service in the Region (default: every Region works)."""

    def quota(self, operation: str, region: str) -> tuple[tuple[str, ...], RateQuota] | None:
        """The token bucket key suffix and the quota of an operation, or None when it is not rate limited."""
        return None


def encode_token(cursor: str) -> str:
    """An opaque NextToken for a cursor."""
    return base64.urlsafe_b64encode(cursor.encode()).decode()


def decode_token(token: str | None) -> str | None:
    """The cursor inside a NextToken (None for the first page); a forged token is an InvalidInputException."""
    if not token:
        return None
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeDecodeError) as error:
        raise ServiceError("InvalidInputException", "The NextToken is not valid") from error


def max_results(params: dict[str, Any], default: int, maximum: int) -> int:
    """``MaxResults`` checked against the operation's range."""
    value = params.get("MaxResults", default)
    if not isinstance(value, int) or not 1 <= value <= maximum:
        raise ServiceError("InvalidInputException", f"MaxResults must be between 1 and {maximum}, got {value}")
    return value


def offset_page(items: list[Any], params: dict[str, Any], limit: int) -> tuple[list[Any], str | None]:
    """A page of a short, stable list with an offset cursor, and the NextToken of the next page."""
    cursor = decode_token(params.get("NextToken")) or "0"
    if not cursor.isdigit():
        raise ServiceError("InvalidInputException", "The NextToken is not valid")
    start = int(cursor)
    end = start + limit
    return items[start:end], (encode_token(str(end)) if end < len(items) else None)
