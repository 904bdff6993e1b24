"""The boto3 boundary: clients, retries, rate limits, the time budget, and how errors are classified.

Every AWS call of the reconciler goes through a client made here (used by ``observe`` and ``apply``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.exceptions
import botocore.loaders
import botocore.session
from botocore.config import Config

from .ratelimit import SECURITY_HUB_BURST, SECURITY_HUB_RATE, TokenBucket

# Standard retry mode retries throttling (LimitExceededException is on its list) and 5xx with backoff.
# The planners build every request from parsed, checked declarations, so botocore's client-side validation of
# each one against the model (about a fifth of a CreateMembers call's CPU) checks nothing new; a request the
# service still refuses comes back as its ValidationException, which is classified like any other client error.
_RETRY_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 8},
    connect_timeout=10,
    read_timeout=60,
    user_agent_extra="cdk-securityhub-org",
    parameter_validation=False,
)
# Organizations publishes no request rate, so it gets no token bucket: adaptive mode paces the client by the
# throttling it meets instead (about half the throttled ListAccounts calls of standard mode at 10,000 accounts).
_ORGANIZATIONS_CONFIG = _RETRY_CONFIG.merge(Config(retries={"mode": "adaptive", "max_attempts": 8}))

# An opt-in Region that the account has not enabled answers as if the credentials were bad (facts doc).
_REGION_UNAVAILABLE_CODES = frozenset({"UnrecognizedClientException", "InvalidClientTokenId", "AuthFailure"})
_RETRYABLE_CODES = frozenset(
    {
        "LimitExceededException",
        "TooManyRequestsException",
        "ThrottlingException",
        "Throttling",
        "InternalException",
        "InternalServerError",
        "InternalFailure",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        # Right after designation the administrator's view is still syncing (facts doc).
        "DataUnavailableException",
        "ConcurrentModificationException",
    }
)


class RegionUnavailable(Exception):
    """The Region is not enabled for the account (opt-in Region), or an SCP denies it."""

    def __init__(self, region: str, detail: str) -> None:
        super().__init__(f"{region} is not available to this account: {detail}")
        self.region = region
        self.detail = detail


@dataclass(frozen=True)
class CallFailure:
    """A call that failed after botocore's retries: what failed, why, and whether a later pass may succeed."""

    operation: str
    code: str
    message: str
    retryable: bool

    def __str__(self) -> str:
        return f"{self.operation} failed: {self.code}: {self.message}"


def error_code(error: botocore.exceptions.ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", "Unknown"))


def classify(operation: str, error: Exception) -> CallFailure:
    """Turn an exception from a call into a failure report; region unavailability is raised separately."""
    if isinstance(error, botocore.exceptions.ClientError):
        code = error_code(error)
        message = str(error.response.get("Error", {}).get("Message", ""))
        status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        eventual = code == "BadRequestException" and "no such resource" in message.lower()
        retryable = code in _RETRYABLE_CODES or status >= 500 or status == 429 or eventual
        return CallFailure(operation, code, message, retryable)
    if isinstance(error, botocore.exceptions.BotoCoreError):
        return CallFailure(operation, type(error).__name__, str(error), retryable=True)
    raise error


def is_region_unavailable(error: Exception) -> bool:
    return isinstance(error, botocore.exceptions.ClientError) and error_code(error) in _REGION_UNAVAILABLE_CODES


class Budget:
    """The time a pass may use: it stops cleanly before the Lambda timeout and says it has not finished."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._deadline = clock() + seconds

    @classmethod
    def from_context(cls, context: Any, reserve_fraction: float = 0.15, minimum_reserve: float = 10.0) -> Budget:
        """Leave a reserve for the last call in flight, its retries, and writing the result."""
        remaining = context.get_remaining_time_in_millis() / 1000.0
        return cls(max(0.0, remaining - max(minimum_reserve, remaining * reserve_fraction)))

    def remaining(self) -> float:
        return self._deadline - self._clock()

    def expired(self) -> bool:
        return self.remaining() <= 0


class Clients:
    """boto3 clients per service and Region, sharing one session, with one rate-limit bucket per Region.

    ``account`` is the account the handler runs in (from the Lambda context).
    """

    def __init__(
        self, account: str, session: boto3.session.Session | None = None, rate: float = SECURITY_HUB_RATE
    ) -> None:
        self.account = account
        self._session = session or _session_without_timestamp_parsing()
        self._rate = rate
        self._clients: dict[tuple[str, str], Any] = {}
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    @property
    def home_region(self) -> str:
        return self._session.region_name or "us-east-1"

    def securityhub(self, region: str) -> Any:
        return self._client("securityhub", region)

    def securityhub_regions(self) -> tuple[str, ...]:
        """Every Region of the home Region's partition where Security Hub has an endpoint, from botocore's
        endpoint data (no call). Opt-in Regions the account has not enabled are among them: they answer as
        unavailable (facts doc)."""
        partition = self._session.get_partition_for_region(self.home_region)
        return tuple(self._session.get_available_regions("securityhub", partition_name=partition))

    def organizations(self) -> Any:
        # Organizations is a global service: one client, signed for the Lambda's own Region.
        return self._client("organizations", self.home_region)

    def s3(self) -> Any:
        return self._client("s3", self.home_region)

    def _client(self, service: str, region: str) -> Any:
        with self._lock:
            client = self._clients.get((service, region))
            if client is None:
                config = _ORGANIZATIONS_CONFIG if service == "organizations" else _RETRY_CONFIG
                client = self._session.client(service, region_name=region, config=config)
                if service in _ENDPOINT_PER_CLIENT:
                    _resolve_endpoint_once_per_operation(client)
                if service == "securityhub":
                    # before-send runs for every HTTP attempt, retries included.
                    client.meta.events.register("before-send.securityhub", _wait_for_token(self._bucket(region)))
                self._clients[(service, region)] = client
            return client

    def _bucket(self, region: str) -> TokenBucket:
        if region not in self._buckets:
            self._buckets[region] = TokenBucket(self._rate, SECURITY_HUB_BURST)
        return self._buckets[region]


def _session_without_timestamp_parsing() -> boto3.session.Session:
    """A session whose clients leave timestamps as the text the service sent, sharing the container's loader.

    The reconciler reads no timestamp, and botocore parses every one with dateutil: a ListMembers page carries one
    per member, a ListAccounts page one per account. At 10,000 members in 17 Regions that parsing was most of a
    pass's CPU (about 19 of 24 s), enough to keep a converged pass from the rate limit's pace on a small Lambda.
    """
    core = botocore.session.get_session()
    core.register_component("data_loader", _LOADER)
    core.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=_unparsed)
    return boto3.session.Session(botocore_session=core)


_SERVICES = ("securityhub", "organizations", "s3")  # every service the reconciler calls

RAW_LISTS = {"securityhub": ("MemberList",), "organizations": ("Accounts",)}
"""The lists of records that come by the thousand (a ListMembers page holds 50 members, a ListAccounts page 20
accounts), handed over as the JSON the service sent instead of walked field by field against the model. botocore
returns a shape marked as a document as it was decoded; the records' JSON keys are their model names (neither
shape renames a member), and their timestamps stay text, as every timestamp does here. This was about a third of a
ListMembers call's CPU. Both lists appear in answers only, never in a request."""


def _raw_lists(loader: botocore.loaders.Loader) -> None:
    for service, shapes in RAW_LISTS.items():
        # The same arguments as botocore's client creator, so that this call fills the loader's cache entry that
        # every client made from this loader then reads.
        model = loader.load_service_model(service, "service-2", api_version=None)
        for name in shapes:
            model["shapes"][name] = {"type": "structure", "members": {}, "document": True}


def _loaded_models() -> botocore.loaders.Loader:
    """A loader holding the models of the services the reconciler calls, loaded at import: in the Lambda init
    phase, once per container, instead of in every invocation (about 0.1 s of each pass). Each pass still makes a
    session of its own, because credentials are the invocation's."""
    loader = botocore.loaders.create_loader()
    _raw_lists(loader)
    core = botocore.session.get_session()
    core.register_component("data_loader", loader)
    for service in _SERVICES:
        # Creating a client loads all it needs (model, endpoint rules, partitions) and makes no call.
        core.create_client(service, "us-east-1", aws_access_key_id="init", aws_secret_access_key="init")
    return loader


_LOADER = _loaded_models()


def _unparsed(value: str) -> str:
    return value


_ENDPOINT_PER_CLIENT = frozenset({"securityhub", "organizations"})
"""Services whose endpoint rule sets take only the client's settings (Region, FIPS, dual-stack, endpoint URL), no
request parameter: their endpoint is the same for every call of a client. S3's depends on the bucket."""


def _resolve_endpoint_once_per_operation(client: Any) -> None:
    """Keep the endpoint botocore's rule set resolves for the first call of each operation, instead of resolving it
    again for every call (about 4% of a call's CPU). The resolver is botocore's own; a botocore without it is left
    as it is."""
    resolver = getattr(client, "_ruleset_resolver", None)
    if resolver is None:
        return
    resolve = resolver.construct_endpoint
    resolved: dict[str, Any] = {}

    def construct_endpoint(operation_model: Any, call_args: Any, request_context: Any) -> Any:
        endpoint = resolved.get(operation_model.name)
        if endpoint is None:
            endpoint = resolved[operation_model.name] = resolve(operation_model, call_args, request_context)
        return endpoint

    resolver.construct_endpoint = construct_endpoint


def _wait_for_token(bucket: TokenBucket) -> Callable[..., None]:
    def before_send(**_: Any) -> None:
        # Must return None: a before-send handler that returns a value replaces the HTTP response.
        bucket.acquire()

    return before_send
