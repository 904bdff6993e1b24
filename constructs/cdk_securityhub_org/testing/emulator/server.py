"""The HTTP side: identity from SigV4, routing to a service, faults, the world lock, and the call log.

One ``Dispatcher`` answers every AWS request. Per request: read the caller's account, Region and service
from the SigV4 credential scope; decode the operation; check the account (and the Region, for opt-in
Regions); sleep the injected latency *outside* the state lock; apply the rate quota and injected faults;
run the handler holding ``world.lock``; encode; log.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cdk_securityhub_org.testing.emulator.base import EmulatedService, RequestContext, ServiceError
from cdk_securityhub_org.testing.emulator.calllog import CallLog, is_write
from cdk_securityhub_org.testing.emulator.control import CONTROL_PREFIX, ControlApi
from cdk_securityhub_org.testing.emulator.faults import FaultConfig, FaultInjector
from cdk_securityhub_org.testing.emulator.organizations import Organizations
from cdk_securityhub_org.testing.emulator.protocol import (
    Codec,
    HttpRequest,
    JsonCodec,
    QueryCodec,
    Response,
    RestJsonCodec,
    RestXmlCodec,
)
from cdk_securityhub_org.testing.emulator.s3 import S3
from cdk_securityhub_org.testing.emulator.securityhub import SecurityHub
from cdk_securityhub_org.testing.emulator.sts import Sts
from cdk_securityhub_org.testing.emulator.world import World

logger = logging.getLogger(__name__)

_CREDENTIAL = re.compile(r"(?:Credential=)?([^/\s,=]+)/\d{8}/([^/\s]+)/([^/\s]+)/aws4_request")


@dataclass(frozen=True)
class Identity:
    """What the SigV4 credential scope says: access key ID (the account), Region and service."""

    account: str
    region: str
    service: str


def parse_identity(request: HttpRequest) -> Identity | None:
    """From the ``Authorization`` header, or ``X-Amz-Credential`` of a presigned URL. Signatures are not
    verified: the emulator trusts the access key ID to name the calling account."""
    credential = request.headers.get("authorization") or (request.query_params.get("X-Amz-Credential") or [""])[0]
    found = _CREDENTIAL.search(credential)
    return Identity(*found.groups()) if found else None


class Dispatcher:
    """Answers AWS requests for a world; holds the call log and the current fault injector."""

    def __init__(self, world: World, faults: FaultConfig, calls: CallLog) -> None:
        self.world = world
        self.calls = calls
        self.injector = FaultInjector(faults)
        self._bindings: dict[str, tuple[EmulatedService, Codec]] = {
            "securityhub": (SecurityHub(world), RestJsonCodec("securityhub")),
            "organizations": (Organizations(world), JsonCodec("organizations")),
            "sts": (Sts(), QueryCodec("sts")),
            "s3": (S3(world), RestXmlCodec("s3")),
        }

    def set_faults(self, faults: FaultConfig) -> None:
        """Replace the fault settings; token buckets and ``fail_operations`` counters start afresh."""
        self.injector = FaultInjector(faults)

    def dispatch(self, request: HttpRequest) -> Response:
        started = time.time()
        identity = parse_identity(request)
        binding = self._bindings.get(identity.service) if identity else None
        if identity is None or binding is None:
            return self._unroutable(request, identity, started)
        service, codec = binding
        request_id = str(uuid.uuid4())
        operation = "Unknown"
        implied: list[str] = []
        error_code: str | None = None
        try:
            operation, params = codec.decode(request)
            result, implied = self._run(service, identity, operation, params)
            response = codec.encode(operation, result, request_id)
        except ServiceError as error:
            response = codec.encode_error(error, request_id)
            error_code = error.code
        except Exception as error:
            # A bug in the emulator: answer 500 so the client sees it, and tell whoever runs the emulator.
            logger.exception("emulator failure in %s %s", identity.service, operation)
            failure = ServiceError("InternalFailure", f"Emulator failure: {error!r}", 500)
            response = codec.encode_error(failure, request_id)
            error_code = failure.code
        self.calls.record(
            time=started,
            account=identity.account,
            region=identity.region,
            service=identity.service,
            operation=operation,
            http_status=response.status,
            error_code=error_code,
            throttled=error_code == service.throttle_error().code,
            write=is_write(operation),
            request_size=len(request.body),
            implied_actions=implied,
        )
        return response

    def _run(
        self, service: EmulatedService, identity: Identity, operation: str, params: dict[str, Any]
    ) -> tuple[Any, list[str]]:
        """Run one call; returns its result and implied actions. Raises ServiceError for error answers."""
        account, region = identity.account, identity.region
        with self.world.lock:
            if account not in self.world.accounts:
                raise service.invalid_identity_error()
            service.check_region(account, region)
        handler = service.operations.get(operation)
        if handler is None:
            raise ServiceError("InvalidAction", f"The emulator does not implement {service.name} {operation}", 400)
        injector = self.injector  # one call sees one fault configuration, even if it is replaced meanwhile
        delay = injector.latency(operation, region)
        if delay:
            time.sleep(delay)  # outside the lock: slow calls must not serialize the other Regions
        quota = service.quota(operation, region)
        if quota is not None and not injector.admit((service.name, account, *quota[0]), quota[1]):
            raise service.throttle_error()
        fault = injector.pick_fault(operation, region)
        if fault == "throttle":
            raise service.throttle_error()
        if fault == "error":
            raise service.internal_error()
        if fault == "denied":
            raise ServiceError(
                "AccessDeniedException", f"The emulator denies {operation} (FaultConfig.deny_operations)", 403
            )
        ctx = RequestContext(account, region, operation, time.time(), injector.config)
        with self.world.lock:
            self.world.settle(ctx.now)
            result = handler(ctx, params)
        return result, ctx.implied_actions

    def _unroutable(self, request: HttpRequest, identity: Identity | None, started: float) -> Response:
        """No SigV4 credential, or a service the emulator does not serve: a generic JSON error."""
        if identity is None:
            code, message, status = "MissingAuthenticationTokenException", "Missing Authentication Token", 403
        else:
            code, message, status = "InvalidAction", f"The emulator does not serve {identity.service}", 400
        self.calls.record(
            time=started,
            account=identity.account if identity else "",
            region=identity.region if identity else "",
            service=identity.service if identity else "",
            operation="Unknown",
            http_status=status,
            error_code=code,
            throttled=False,
            write=True,
            request_size=len(request.body),
        )
        body = json.dumps({"__type": code, "Message": message}).encode()
        return Response(status, {"Content-Type": "application/json", "x-amzn-ErrorType": code}, body)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: botocore reuses connections, one thread per connection
    disable_nagle_algorithm = True
    wbufsize = 1 << 16  # status, headers and body leave in one write (flushed after each request)
    server: EmulatorHTTPServer

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        headers = {k.lower(): v for k, v in self.headers.items()}
        request = HttpRequest(self.command, path, query, headers, body)
        if path.startswith(CONTROL_PREFIX):
            response = self.server.control.handle(request)
        else:
            response = self.server.dispatcher.dispatch(request)
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        if "Content-Length" not in response.headers:
            self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, open_=True)

    def finish(self) -> None:
        self.server.track(self.connection, open_=False)
        super().finish()

    def handle_expect_100(self) -> bool:
        # The interim "100 Continue" must leave now, not with the buffered final response: botocore waits
        # for it (up to a second) before sending an S3 PutObject body.
        accepted = super().handle_expect_100()
        self.wfile.flush()
        return accepted

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the call log records every AWS request."""


class EmulatorHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server bound to a dispatcher and its control API."""

    daemon_threads = True
    request_queue_size = 128  # many clients connect at once (17 Regions x worker threads)

    def __init__(self, address: tuple[str, int], dispatcher: Dispatcher) -> None:
        super().__init__(address, _RequestHandler)
        self.dispatcher = dispatcher
        self.control = ControlApi(dispatcher)
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def track(self, connection: socket.socket, *, open_: bool) -> None:
        with self._connections_lock:
            if open_:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def close_connections(self) -> None:
        """End the kept-alive connections too: after ``shutdown`` their threads would otherwise go on serving."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
