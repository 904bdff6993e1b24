"""How the benchmark starts the handler processes besides the simulator's plain way: under cProfile (where their
CPU goes), or held to a CPU quota (as a 512 MB Lambda is, about 0.29 of a vCPU).

Both hand the simulator a wrapper script to start in place of the Python interpreter
(``CloudFormationSimulator(python=...)``), so that only the handler processes are profiled or held back, never the
emulator, which runs in the benchmark's own process.
"""

from __future__ import annotations

import contextlib
import os
import pstats
import shlex
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .figures import CaseResult

CGROUP_ROOT = Path("/sys/fs/cgroup")
CPU_PERIOD_MICROSECONDS = 100_000
PROFILED_RUNNER = Path(__file__).with_name("_profiled_runner.py")


def _wrapper(path: Path, lines: list[str]) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + "\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o755)
    return str(path)


# ------------------------------------------------------------------------------------------------------ profiling


def profiled_python(directory: Path, python: str = sys.executable) -> str:
    """A wrapper that runs each handler process under cProfile (every thread, by its CPU clock), leaving a
    ``.prof`` file per process in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    quoted = shlex.quote(python)
    return _wrapper(
        directory / "python",
        [f'exec {quoted} -S -P -B {shlex.quote(str(PROFILED_RUNNER))} {shlex.quote(str(directory))} "$@"'],
    )


Where = Callable[[str, str], bool]
"""(file name, function name) -> whether a profiled function belongs to a bucket."""


def _in(*parts: str) -> Where:
    return lambda file, _: any(part in file for part in parts)


def _builtin(*names: str) -> Where:
    return lambda file, function: file == "~" and any(name in function for name in names)


BUCKETS: tuple[tuple[str, Where], ...] = (
    ("botocore: serialize + validate the request", _in("botocore/serialize.py", "botocore/validate.py")),
    ("botocore: endpoint resolution (rule sets)", _in("botocore/endpoint_provider.py", "botocore/regions.py")),
    ("botocore: sign (SigV4)", _in("botocore/auth.py", "botocore/signers.py", "/hmac.py", "/hashlib.py")),
    ("botocore: parse the response", _in("botocore/parsers.py", "json/decoder.py", "json/__init__.py")),
    ("botocore: event hooks", _in("botocore/hooks.py", "botocore/handlers.py")),
    ("botocore: retries", _in("botocore/retries/", "botocore/retryhandler.py")),
    (
        "HTTP: urllib3, http.client, sockets",
        _in(
            "urllib3/",
            "http/client.py",
            "botocore/httpsession.py",
            "botocore/awsrequest.py",
            "/socket.py",
            "/ssl.py",
            "/selectors.py",
            "/email/",
        ),
    ),
    ("botocore: the rest of the call path", _in("botocore/", "boto3/", "dateutil/", "jmespath/")),
    ("reconciler: planners", _in("handler/engine/plan.py", "/plan.py")),
    ("reconciler: logging", _in("handler/engine/logs.py")),
    ("reconciler: metrics", _in("handler/engine/metrics.py")),
    ("reconciler: the rest (observe, members, apply, rate limit)", _in("cdk_securityhub_org/handler/")),
    ("threads, locks, queues", _in("/threading.py", "concurrent/futures", "/queue.py")),
    ("start-up: imports", _in("<frozen importlib", "<frozen zipimport")),
)
WAITING = "inside blocking calls (locks, sleeps, socket reads)"
BLOCKING_BUILTINS = _builtin(
    "acquire' of '_thread", "time.sleep", "recv_into' of '_socket", "select.", "poll' of", "connect' of '_socket"
)
SOCKET_BUILTINS = _builtin("_socket.socket", "_ssl.")
HASH_BUILTINS = _builtin("_hashlib", "_hmac")
OTHER = "other (builtins, standard library)"


def bucket_of(file: str, function: str) -> str:
    """The bucket a profiled function's own time goes to."""
    if BLOCKING_BUILTINS(file, function):
        return WAITING
    if SOCKET_BUILTINS(file, function):
        return "HTTP: urllib3, http.client, sockets"
    if HASH_BUILTINS(file, function):
        return "botocore: sign (SigV4)"
    return next((name for name, where in BUCKETS if where(file, function)), OTHER)


CUMULATIVE = {
    "an API call, whole (BaseClient._make_api_call)": ("botocore/client.py", "_make_api_call"),
    "serialize + validate (_convert_to_request_dict)": ("botocore/client.py", "_convert_to_request_dict"),
    "endpoint resolution per call (_resolve_endpoint_ruleset)": ("botocore/client.py", "_resolve_endpoint_ruleset"),
    "sign (RequestSigner.sign)": ("botocore/signers.py", "sign"),
    "HTTP send (Endpoint._send)": ("botocore/endpoint.py", "_send"),
    "parse (ResponseParser.parse)": ("botocore/parsers.py", "parse"),
    "plan (plan_enrollment)": ("handler/kinds/members/plan.py", "plan_enrollment"),
    "plan (combine_plans)": ("handler/engine/plan.py", "combine_plans"),
    "log lines (logs.log)": ("handler/engine/logs.py", "log"),
    "metrics (metrics.emit)": ("handler/engine/metrics.py", "emit"),
}
"""Cumulative times worth seeing beside the buckets: label -> (file, function)."""


@dataclass(frozen=True)
class Breakdown:
    """Where the CPU of some handler processes' threads went, from their profiles (each thread's CPU clock)."""

    processes: int
    total_seconds: float
    """Own time of every bucket but :data:`WAITING` (the CPU spent in blocking calls, shown apart)."""
    waiting_seconds: float
    buckets: tuple[tuple[str, float], ...]
    """Own time by bucket but :data:`WAITING`, largest first: they add up to ``total_seconds``."""
    cumulative: tuple[tuple[str, float], ...]
    calls: int
    """API calls made (``BaseClient._make_api_call``)."""


def breakdown(directory: Path) -> Breakdown:
    """Add up the ``.prof`` files that ``profiled_python``'s processes left in ``directory``."""
    files = sorted(directory.glob("*.prof"))
    if not files:
        raise FileNotFoundError(f"no profiles in {directory}: were the handlers started with profiled_python?")
    stats = pstats.Stats(*(str(f) for f in files))
    table = stats.stats  # type: ignore[attr-defined]  # pstats keeps its table undocumented
    own: dict[str, float] = {}
    cumulative = dict.fromkeys(CUMULATIVE, 0.0)
    calls = 0
    for (file, _, function), (_, made, own_seconds, cumulative_seconds, _) in table.items():
        bucket = bucket_of(file, function)
        own[bucket] = own.get(bucket, 0.0) + own_seconds
        for label, (suffix, name) in CUMULATIVE.items():
            if function == name and file.endswith(suffix):
                cumulative[label] += cumulative_seconds
        if function == "_make_api_call" and file.endswith("botocore/client.py"):
            calls += made
    waiting = own.pop(WAITING, 0.0)
    return Breakdown(
        processes=len(files),
        total_seconds=sum(own.values()),
        waiting_seconds=waiting,
        buckets=tuple(sorted(own.items(), key=lambda item: -item[1])),
        cumulative=tuple(cumulative.items()),
        calls=calls,
    )


# ------------------------------------------------------------------------------------------------------ CPU quota


class CpuQuotaUnavailable(RuntimeError):
    """This machine does not let the benchmark set a CPU quota (no writable cgroup CPU controller)."""


@dataclass(frozen=True)
class CpuQuota:
    """A cgroup that holds the processes in it to ``fraction`` of one CPU: ``cpu.max`` (cgroup v2) or
    ``cpu.cfs_quota_us`` over ``cpu.cfs_period_us`` (cgroup v1)."""

    group: Path
    fraction: float
    version: int

    @property
    def quota_microseconds(self) -> int:
        return round(self.fraction * CPU_PERIOD_MICROSECONDS)

    def settings(self) -> dict[str, str]:
        """The files to write into the group, and what."""
        if self.version == 2:
            return {"cpu.max": f"{self.quota_microseconds} {CPU_PERIOD_MICROSECONDS}"}
        return {"cpu.cfs_period_us": str(CPU_PERIOD_MICROSECONDS), "cpu.cfs_quota_us": str(self.quota_microseconds)}


def cpu_controller(root: Path = CGROUP_ROOT) -> tuple[Path, int]:
    """Where new CPU cgroups go, and the cgroup version; raises :class:`CpuQuotaUnavailable` saying why not."""
    controllers = root / "cgroup.controllers"
    if controllers.is_file():
        if "cpu" not in controllers.read_text(encoding="ascii").split():
            raise CpuQuotaUnavailable(f"the cgroup v2 hierarchy at {root} has no cpu controller")
        return root, 2
    for name in ("cpu", "cpu,cpuacct"):
        if (root / name / "cpu.cfs_quota_us").is_file():
            return root / name, 1
    raise CpuQuotaUnavailable(f"no cgroup CPU controller under {root} (neither cgroup v2 cpu.max nor v1 cpu.cfs_*)")


@contextlib.contextmanager
def held_to_cpu(
    fraction: float, directory: Path, *, python: str = sys.executable, root: Path = CGROUP_ROOT
) -> Iterator[str]:
    """A wrapper that starts each handler process in a cgroup holding it to ``fraction`` of a CPU; the group is
    removed afterwards. The simulator runs one handler process at a time, so one group holds each of them alone.
    Raises :class:`CpuQuotaUnavailable` when the machine does not allow it (no controller, no permission)."""
    if not 0 < fraction <= 1:
        raise ValueError(f"a CPU fraction between 0 and 1, not {fraction}")
    parent, version = cpu_controller(root)
    quota = CpuQuota(parent / f"cdk-securityhub-org-bench-{os.getpid()}", fraction, version)
    try:
        if version == 2:
            subtree = parent / "cgroup.subtree_control"
            if "cpu" not in subtree.read_text(encoding="ascii").split():
                subtree.write_text("+cpu", encoding="ascii")
        quota.group.mkdir()
        for name, value in quota.settings().items():
            (quota.group / name).write_text(value, encoding="ascii")
    except OSError as error:
        with contextlib.suppress(OSError):
            quota.group.rmdir()
        raise CpuQuotaUnavailable(f"cannot set a CPU quota in {quota.group}: {error}") from error
    procs = shlex.quote(str(quota.group / "cgroup.procs"))
    try:
        yield _wrapper(
            directory / "python-held-to-cpu",
            [f"echo $$ > {procs} || exit 97", f'exec {shlex.quote(python)} "$@"'],
        )
    finally:
        with contextlib.suppress(OSError):
            quota.group.rmdir()


def profile_report(directory: Path, cases: Sequence[CaseResult]) -> str:
    """Markdown: per size and member-list kind, the profiled CPU of each case by bucket, with its share."""
    lines: list[str] = []
    runs = dict.fromkeys((r.system, r.size) for r in cases)
    for system, size in runs:
        measured = [r for r in cases if (r.system, r.size) == (system, size)]
        found = {
            r.case: breakdown(directory / f"{system}-{size.accounts}x{size.regions}" / r.case)
            for r in measured
            if (directory / f"{system}-{size.accounts}x{size.regions}" / r.case).is_dir()
        }
        if not found:
            continue
        names = list(dict.fromkeys(name for b in found.values() for name, _ in b.buckets))

        def cell(b: Breakdown, seconds: float) -> str:
            return f"{seconds:.2f} ({seconds / b.total_seconds:.0%})"

        rows = [[name, *(cell(b, dict(b.buckets).get(name, 0.0)) for b in found.values())] for name in names]
        rows.append(["**CPU the profile sees**", *(f"**{b.total_seconds:.2f}**" for b in found.values())])
        rows.append([WAITING, *(f"{b.waiting_seconds:.1f}" for b in found.values())])
        rows.append(["API calls", *(f"{b.calls:,}" for b in found.values())])
        rows += [
            [f"cumulative: {label}", *(f"{dict(b.cumulative)[label]:.2f}" for b in found.values())]
            for label in CUMULATIVE
        ]
        header = ["own time by bucket, s (share)", *found]
        lines += [f"#### {system}, {size.label}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        lines.append("")
    return "\n".join(lines)
