"""Runs one Lambda handler invocation in this process, the way the Lambda Python runtime would.

Started by ``lambda_runtime`` as ``python -S -P -B _runner.py <result-fd>``. The module search path
for the handler arrives in ``_SIMULATOR_PYTHONPATH`` (the asset directory first); the runner puts it
on ``sys.path`` and into ``PYTHONPATH`` only after importing its own modules, so that an asset
module named like a standard one (``json.py``) cannot break the runner, as in Lambda, whose
bootstrap also loads before the function's code. The event arrives as JSON on stdin; stdout and
stderr are the function's log stream. Messages for the simulator go, one JSON object per line, to the dedicated file descriptor:
``{"phase": "ready", ...}`` once the handler module is imported (Lambda's init phase), then
``{"phase": "result", ...}`` with the return value or the error.

Standard library only, and no imports from the simulator package: this file runs inside the
function's environment, not the simulator's.
"""

import importlib
import json
import logging
import os
import sys
import time
import traceback
from pathlib import Path


class LambdaContext:
    """The attributes and method of the Lambda Python runtime's context object."""

    def __init__(self, invoked_function_arn: str, request_id: str, deadline: float) -> None:
        self.function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_version = os.environ["AWS_LAMBDA_FUNCTION_VERSION"]
        self.invoked_function_arn = invoked_function_arn
        # The real runtime hands the memory size over as the string from its environment.
        self.memory_limit_in_mb = os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"]
        self.aws_request_id = request_id
        self.log_group_name = os.environ["AWS_LAMBDA_LOG_GROUP_NAME"]
        self.log_stream_name = os.environ["AWS_LAMBDA_LOG_STREAM_NAME"]
        self.identity = None
        self.client_context = None
        self._deadline = deadline

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the simulator kills this invocation."""
        return max(int((self._deadline - time.monotonic()) * 1000), 0)


class _RequestIdFilter(logging.Filter):
    def __init__(self, request_id: str) -> None:
        super().__init__()
        self._request_id = request_id

    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = self._request_id
        return True


def _install_lambda_logging(request_id: str) -> None:
    # The Lambda runtime puts a handler on the root logger before importing the function, so
    # handlers that only call logger.setLevel(...) still get their records into the log stream.
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s", "%Y-%m-%dT%H:%M:%S"
        )
    )
    handler.formatter.converter = time.gmtime  # type: ignore[union-attr]
    handler.addFilter(_RequestIdFilter(request_id))
    logging.getLogger().addHandler(handler)


def _error(error_type: str, message: str, trace: list[str]) -> dict[str, object]:
    return {"phase": "result", "ok": False, "errorType": error_type, "errorMessage": message, "stackTrace": trace}


def _log_error(error_type: str, message: str, trace: list[str]) -> None:
    # Lambda writes uncaught errors to the log stream in this shape.
    print(f"[ERROR] {error_type}: {message}\nTraceback (most recent call last):\n{''.join(trace)}", flush=True)


def _load_handler(handler_name: str, task_root: Path) -> tuple[object, dict[str, object] | None]:
    module_name, _, function_name = handler_name.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except Exception as error:  # the runtime reports any import-time failure the same way
        message = f"Unable to import module '{module_name}': {error}"
        return None, _error("Runtime.ImportModuleError", message, [])
    module_file = Path(getattr(module, "__file__", None) or "/").resolve()
    if not module_file.is_relative_to(task_root):
        # Something earlier on sys.path (or already imported) shadowed the asset: running it would
        # test code that is not what was synthesized.
        message = f"module '{module_name}' was imported from {module_file}, not from the asset directory {task_root}"
        return None, _error("Simulator.AssetMismatch", message, [])
    handler = getattr(module, function_name, None)
    if not callable(handler):
        return None, _error(
            "Runtime.HandlerNotFound", f"Handler '{function_name}' missing on module '{module_name}'", []
        )
    return handler, None


def peak_rss_kb(status_file: str = "/proc/self/status") -> int:
    """Peak resident set size of this process since it exec'd (``VmHWM``), in KiB.

    ``getrusage`` cannot be used: its ``ru_maxrss`` keeps the high-water mark of the memory the
    process had before ``exec``, i.e. the simulator's own (the child is forked from it).
    """
    try:
        with open(status_file, encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> None:
    channel = os.fdopen(int(sys.argv[1]), "w", encoding="utf-8")

    def send(message: dict[str, object]) -> None:
        channel.write(json.dumps(message) + "\n")
        channel.flush()

    event = json.loads(sys.stdin.buffer.read())
    # The simulator's own variables are not part of the function's environment.
    invoked_function_arn = os.environ.pop("_SIMULATOR_FUNCTION_ARN")
    request_id = os.environ.pop("_SIMULATOR_REQUEST_ID")
    handler_path = os.environ.pop("_SIMULATOR_PYTHONPATH")
    sys.path[:0] = handler_path.split(os.pathsep)
    os.environ["PYTHONPATH"] = handler_path
    task_root = Path(os.environ["LAMBDA_TASK_ROOT"]).resolve()
    _install_lambda_logging(request_id)

    init_started = time.monotonic()
    handler, failure = _load_handler(os.environ["_HANDLER"], task_root)
    send({"phase": "ready", "init_seconds": time.monotonic() - init_started})
    if failure is not None:
        print(f"[ERROR] {failure['errorType']}: {failure['errorMessage']}", flush=True)
        send(failure)
        return

    started = time.monotonic()
    context = LambdaContext(
        invoked_function_arn, request_id, started + float(os.environ["AWS_LAMBDA_FUNCTION_TIMEOUT"])
    )
    try:
        result = handler(event, context)  # type: ignore[operator]
    except Exception as error:
        trace = traceback.format_tb(error.__traceback__)
        _log_error(type(error).__name__, str(error), trace)
        outcome = _error(type(error).__name__, str(error), trace)
    else:
        try:
            outcome = {"phase": "result", "ok": True, "payload": json.loads(json.dumps(result))}
        except (TypeError, ValueError) as error:
            outcome = _error("Runtime.MarshalError", f"Unable to marshal response: {error}", [])
    outcome["duration_seconds"] = time.monotonic() - started
    outcome["max_rss_kb"] = peak_rss_kb()
    sys.stdout.flush()
    sys.stderr.flush()
    send(outcome)
    # Lambda freezes the sandbox after the response instead of ending the interpreter; tearing down
    # boto3's module graph alone would add about 0.2 s to every invocation.
    os._exit(0)


if __name__ == "__main__":
    main()
