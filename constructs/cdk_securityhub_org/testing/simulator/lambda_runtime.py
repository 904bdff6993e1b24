"""Invoking a Python Lambda handler from a synthesized asset directory, in a subprocess, like Lambda does.

Each invocation is a fresh process (a cold start): the asset directory is first on the module path,
followed only by the packages the Lambda Python runtime provides (boto3 and its dependencies), so
that a handler importing anything else fails here as it would in Lambda. The environment is the
function's own variables plus what Lambda sets (credentials of the stack's account, Region, the
emulator endpoint) and nothing inherited from the caller's ``AWS_*``. The process is killed when it
exceeds the function's timeout. Its peak RSS (``VmHWM``, so Linux only) is reported by the runner,
or read from ``/proc`` just before a timeout kill.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import weakref
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from cdk_securityhub_org.testing.simulator._runner import peak_rss_kb

RUNNER = Path(__file__).with_name("_runner.py")

INIT_TIMEOUT_SECONDS = 10.0
"""Lambda gives the init phase (importing the handler module) 10 seconds of its own."""

LAMBDA_RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")
"""What the Lambda Python runtime has on its path besides the function's own code."""

UNREACHABLE_ENDPOINT = "http://127.0.0.1:9"
"""Used when no emulator is given, so that a handler can never reach real AWS by accident."""


@dataclass(frozen=True)
class LambdaFunction:
    """What is needed to run one deployed Lambda function."""

    name: str
    arn: str
    handler: str
    runtime: str
    code_directory: Path
    environment: dict[str, str]
    timeout_seconds: int
    memory_mb: int
    account: str
    region: str


@dataclass(frozen=True)
class LambdaError:
    """A failed invocation, as the Lambda service reports it (``FunctionError`` payload)."""

    error_type: str
    message: str
    stack_trace: tuple[str, ...] = ()


@dataclass(frozen=True)
class Invocation:
    """One handler invocation: its outcome, timings, memory and log stream."""

    function_name: str
    handler: str
    request_id: str
    payload: Any
    error: LambdaError | None
    timed_out: bool
    duration_seconds: float
    """Time spent in the handler function (Lambda's ``Duration``)."""
    init_seconds: float
    """Time spent importing the handler module (Lambda's ``Init Duration``: every run here is a cold start)."""
    wall_seconds: float
    """Total time including starting the Python process: the simulator's own overhead is the difference."""
    max_memory_mb: float
    memory_size_mb: int
    log_lines: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the handler returned normally."""
        return self.error is None


class LambdaRuntime:
    """Runs Python handlers found in synthesized assets against an AWS endpoint (the emulator)."""

    def __init__(self, endpoint_url: str | None, python: str = sys.executable) -> None:
        self._endpoint_url = endpoint_url or UNREACHABLE_ENDPOINT
        self._python = python
        self._runtime_packages: Path | None = None

    def invoke(self, function: LambdaFunction, event: Any) -> Invocation:
        """Invoke ``function`` with ``event`` and wait for it to finish, fail, or time out."""
        if not function.runtime.startswith("python"):
            raise ValueError(f"{function.name}: runtime {function.runtime} is not simulated (Python only)")
        request_id = str(uuid.uuid4())
        read_fd, write_fd = os.pipe()
        started = time.monotonic()
        try:
            process = subprocess.Popen(
                # -S: no site-packages (nor their .pth import hooks) beyond the runtime's own packages;
                # -P: the runner's directory (this package) must not shadow modules of the asset.
                [self._python, "-S", "-P", "-B", str(RUNNER), str(write_fd)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                env=self._environment(function, request_id),
                cwd=function.code_directory,
                pass_fds=(write_fd,),
                # Its own process group, so a timeout kills anything the handler started too.
                start_new_session=True,
            )
        finally:
            os.close(write_fd)
        watch = _ProcessWatch(process, read_fd, json.dumps(event).encode())
        timed_out = not watch.wait_until_done(function.timeout_seconds)
        wall = time.monotonic() - started
        return self._invocation(function, request_id, watch, timed_out, wall)

    def _environment(self, function: LambdaFunction, request_id: str) -> dict[str, str]:
        python_version = function.runtime.removeprefix("python")
        environment = {
            "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
            "LANG": "en_US.UTF-8",
            "TZ": ":UTC",
            # The runner makes this the PYTHONPATH (asset directory first) once its own imports are done.
            "_SIMULATOR_PYTHONPATH": os.pathsep.join(
                [str(function.code_directory), str(self._runtime_packages_directory())]
            ),
            # Lambda's /var/task is read-only; writing __pycache__ into cdk.out would change asset hashes.
            "PYTHONDONTWRITEBYTECODE": "1",
            # Lambda streams logs; unbuffered output keeps the lines written before a timeout kill.
            "PYTHONUNBUFFERED": "1",
            "LAMBDA_TASK_ROOT": str(function.code_directory),
            "_HANDLER": function.handler,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_python{python_version}",
            "AWS_LAMBDA_FUNCTION_NAME": function.name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_mb),
            "AWS_LAMBDA_FUNCTION_TIMEOUT": str(function.timeout_seconds),
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function.name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": f"{datetime.now(UTC):%Y/%m/%d}/[$LATEST]{uuid.uuid4().hex}",
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            # The emulator's identity convention: the access key ID is the account ID.
            "AWS_ACCESS_KEY_ID": function.account,
            "AWS_SECRET_ACCESS_KEY": "emulated",
            "AWS_REGION": function.region,
            "AWS_DEFAULT_REGION": function.region,
            "AWS_ENDPOINT_URL": self._endpoint_url,
            # Keep the developer's ~/.aws profiles out of the function (Lambda has none).
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "_SIMULATOR_FUNCTION_ARN": function.arn,
            "_SIMULATOR_REQUEST_ID": request_id,
        }
        return {**function.environment, **environment}

    def _runtime_packages_directory(self) -> Path:
        """A directory holding links to the runtime's packages only (made once per runtime)."""
        if self._runtime_packages is None:
            directory = Path(tempfile.mkdtemp(prefix="simulated-lambda-runtime-"))
            weakref.finalize(self, shutil.rmtree, directory, ignore_errors=True)
            for name in LAMBDA_RUNTIME_PACKAGES:
                spec = importlib.util.find_spec(name)
                if spec is None or spec.origin is None:
                    continue
                origin = Path(spec.origin)
                source = origin.parent if spec.submodule_search_locations else origin
                (directory / source.name).symlink_to(source)
            self._runtime_packages = directory
        return self._runtime_packages

    @staticmethod
    def _invocation(
        function: LambdaFunction, request_id: str, watch: _ProcessWatch, timed_out: bool, wall: float
    ) -> Invocation:
        result = watch.result
        error: LambdaError | None = None
        payload: Any = None
        extra_log: list[str] = []
        if timed_out:
            message = f"{_timestamp()} {request_id} Task timed out after {function.timeout_seconds:.2f} seconds"
            error = LambdaError("Sandbox.Timedout", message)
            extra_log.append(message)
        elif result is None:
            message = f"RequestId: {request_id} Error: Runtime exited with error: exit status {watch.exit_code}"
            error = LambdaError("Runtime.ExitError", message)
            extra_log.append(message)
        elif result.get("ok"):
            payload = result.get("payload")
        else:
            error = LambdaError(
                str(result.get("errorType", "Error")),
                str(result.get("errorMessage", "")),
                tuple(result.get("stackTrace", [])),
            )
        duration = float(function.timeout_seconds) if timed_out else float((result or {}).get("duration_seconds", 0.0))
        max_memory_mb = (watch.max_rss_kb or int((result or {}).get("max_rss_kb", 0))) / 1024
        report = (
            f"REPORT RequestId: {request_id}\tDuration: {duration * 1000:.2f} ms\t"
            f"Billed Duration: {int(duration * 1000) + 1} ms\tMemory Size: {function.memory_mb} MB\t"
            f"Max Memory Used: {round(max_memory_mb)} MB\tInit Duration: {watch.init_seconds * 1000:.2f} ms"
        )
        log_lines = [
            f"START RequestId: {request_id} Version: $LATEST",
            *watch.output.decode("utf-8", errors="replace").splitlines(),
            *extra_log,
            f"END RequestId: {request_id}",
            report,
        ]
        return Invocation(
            function_name=function.name,
            handler=function.handler,
            request_id=request_id,
            payload=payload,
            error=error,
            timed_out=timed_out,
            duration_seconds=duration,
            init_seconds=watch.init_seconds,
            wall_seconds=wall,
            max_memory_mb=max_memory_mb,
            memory_size_mb=function.memory_mb,
            log_lines=log_lines,
        )


class _ProcessWatch:
    """Feeds the event to the runner and collects its log stream, messages, exit status and rusage.

    Every pipe is served by its own thread, so a large event, a chatty handler or a large result can
    never deadlock against a full pipe buffer.
    """

    def __init__(self, process: subprocess.Popen[bytes], channel_fd: int, event: bytes) -> None:
        self._process = process
        self.output = b""
        self.result: dict[str, Any] | None = None
        self.init_seconds = 0.0
        self.exit_code: int | None = None
        self.max_rss_kb = 0
        self._ready = threading.Event()
        self._exited = threading.Event()
        assert process.stdin is not None and process.stdout is not None
        self._threads = [
            threading.Thread(target=self._feed, args=(process.stdin, event), daemon=True),
            threading.Thread(target=self._drain, args=(process.stdout,), daemon=True),
            threading.Thread(target=self._listen, args=(channel_fd,), daemon=True),
            threading.Thread(target=self._reap, daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def wait_until_done(self, timeout_seconds: float) -> bool:
        """Wait for the process to end; kill it when the handler overruns. False when it was killed."""
        self._ready.wait(INIT_TIMEOUT_SECONDS)
        # The function's timeout counts from the handler call, after the init phase, as in Lambda.
        finished = self._exited.wait(timeout_seconds)
        if not finished:
            # The runner cannot report its memory any more: read it before the kill.
            self.max_rss_kb = peak_rss_kb(f"/proc/{self._process.pid}/status")
            self._kill()
            self._exited.wait()
        for thread in self._threads:
            thread.join(timeout=5)
        return finished

    def _kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._process.pid, signal.SIGKILL)

    @staticmethod
    def _feed(stdin: IO[bytes], event: bytes) -> None:
        try:
            stdin.write(event)
            stdin.close()
        except BrokenPipeError:  # the runner died before reading its event; the exit status says why
            pass

    def _drain(self, stdout: IO[bytes]) -> None:
        self.output = stdout.read()
        stdout.close()

    def _listen(self, channel_fd: int) -> None:
        with os.fdopen(channel_fd, "r", encoding="utf-8") as channel:
            for line in channel:
                message = json.loads(line)
                if message.get("phase") == "ready":
                    self.init_seconds = float(message.get("init_seconds", 0.0))
                    self._ready.set()
                elif message.get("phase") == "result":
                    self.result = message

    def _reap(self) -> None:
        self.exit_code = self._process.wait()
        self._ready.set()
        self._exited.set()


def _timestamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
