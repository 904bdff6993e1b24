"""``Emulator``: run the emulated world over HTTP on 127.0.0.1 in a daemon thread, and inspect it."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import Any

import boto3
from botocore.config import Config

from cdk_securityhub_org.testing.emulator.calllog import CallLog, CallRecord
from cdk_securityhub_org.testing.emulator.faults import FaultConfig
from cdk_securityhub_org.testing.emulator.protocol import service_model
from cdk_securityhub_org.testing.emulator.server import Dispatcher, EmulatorHTTPServer
from cdk_securityhub_org.testing.emulator.world import World

_CLIENT_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 8},
    connect_timeout=5,
    read_timeout=60,
    max_pool_connections=32,
)


class Emulator:
    """An emulated AWS (Security Hub, Organizations, STS, S3) that real boto3 clients talk to.

    Use it as a context manager (or call ``start``/``stop``)::

        world = World.organization(member_count=50, seed=7)
        with Emulator(world) as emu:
            hub = emu.client("securityhub", account=world.management_account, region="eu-west-1")
            hub.enable_organization_admin_account(AdminAccountId=world.member_account_ids()[0])
            assert emu.calls(operation="EnableOrganizationAdminAccount")

    Clients made elsewhere reach it with ``endpoint_url=emu.endpoint_url`` (or ``AWS_ENDPOINT_URL``) and the
    account ID as access key ID; the secret key is not checked.
    """

    def __init__(
        self,
        world: World | None = None,
        *,
        faults: FaultConfig | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.world = world or World.organization()
        self._calls = CallLog()
        self._dispatcher = Dispatcher(self.world, faults or FaultConfig(), self._calls)
        self._address = (host, port)
        self._server: EmulatorHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._session: boto3.session.Session | None = None
        self._client_lock = threading.Lock()

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> Emulator:
        """Bind (port 0 picks a free port) and serve in a daemon thread."""
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        for name in ("securityhub", "organizations", "sts", "s3"):
            service_model(name)  # load the models before the first request, not during it
        self._server = EmulatorHTTPServer(self._address, self._dispatcher)
        self._thread = threading.Thread(target=self._server.serve_forever, name="aws-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server.close_connections()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Emulator:
        return self.start()

    def serve_until_signalled(self, announce: Callable[[Emulator], None]) -> None:
        """Serve in the foreground until SIGINT or SIGTERM (a command line's emulator): ``announce`` runs once the
        endpoint is bound, so that it can print the URL (port 0 is known only then)."""
        stop = threading.Event()

        def _on_signal(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, _on_signal)
        signal.signal(signal.SIGINT, _on_signal)
        with self:
            announce(self)
            while not stop.wait(0.5):
                pass

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def endpoint_url(self) -> str:
        """``http://127.0.0.1:PORT`` of the running emulator."""
        if self._server is None:
            raise RuntimeError("the emulator is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # ------------------------------------------------------------------ clients

    def client(self, service: str, account: str, region: str = "us-east-1", *, config: Config | None = None) -> Any:
        """A boto3 client for ``service`` acting as ``account`` in ``region`` (standard retry mode, at most 8 attempts).

        ``config`` is merged over the defaults (for example ``Config(retries={"total_max_attempts": 1})`` for no retries).
        """
        with self._client_lock:  # boto3 sessions are not thread-safe while creating clients
            if self._session is None:
                self._session = boto3.session.Session()
            return self._session.client(
                service,
                region_name=region,
                endpoint_url=self.endpoint_url,
                aws_access_key_id=account,
                aws_secret_access_key="emulator",
                config=_CLIENT_CONFIG.merge(config) if config else _CLIENT_CONFIG,
            )

    # ------------------------------------------------------------------ inspection and control

    def calls(
        self,
        *,
        account: str | None = None,
        region: str | None = None,
        service: str | None = None,
        operation: str | None = None,
        writes_only: bool = False,
    ) -> list[CallRecord]:
        """The logged requests matching every given filter, oldest first."""
        return self._calls.select(
            account=account, region=region, service=service, operation=operation, writes_only=writes_only
        )

    def reset_calls(self) -> None:
        """Empty the call log."""
        self._calls.reset()

    def dump(self) -> dict[str, Any]:
        """The world's full state as JSON-serializable data."""
        return self.world.to_dict()

    def seed(self, state: dict[str, Any]) -> None:
        """Replace the world's state with ``state`` (from ``dump``): simulate drift, or restore a snapshot."""
        self.world.load(state)

    @property
    def faults(self) -> FaultConfig:
        """The fault settings in force."""
        return self._dispatcher.injector.config

    def set_faults(self, faults: FaultConfig) -> None:
        """Replace the fault settings (token buckets and forced-failure counters start afresh)."""
        self._dispatcher.set_faults(faults)
