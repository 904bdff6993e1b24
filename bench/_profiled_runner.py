"""Runs the simulator's Lambda runner under cProfile, every thread of it, and leaves the profile in a directory.

Started instead of the runner (``bench.handler_process.profiled_python`` writes the wrapper that starts it) as
``python -S -P -B _profiled_runner.py <profile directory> -S -P -B <runner> <result fd>``. Standard library only:
like the runner, it runs in the function's environment (``-S``: no site-packages).

cProfile sees only the thread that enables it, and the handler does its AWS calls in one thread per Region, so
every thread gets a profiler of its own, timed by that thread's CPU clock (``time.thread_time``). A wall clock
would be cheaper, but with 18 threads taking turns at the GIL it charges each function the time its thread waited
for the GIL (a profile of 200 s for a pass of 15 s of CPU). The CPU clock costs a system call per profiled event,
which makes the profiled pass several times slower and weighs heavier on code that makes many small calls: the
profile shows where the CPU goes, the process CPU time of an unprofiled run how much there is. The runner ends with
``os._exit`` (as Lambda freezes the sandbox rather than tearing the interpreter down), which would skip any
``atexit``: the profiles are written just before it.
"""

import cProfile
import os
import pstats
import runpy
import sys
import threading
import time
from collections.abc import Callable

_profilers: list[cProfile.Profile] = []
_lock = threading.Lock()


def _profiled(run: Callable[[threading.Thread], None]) -> Callable[[threading.Thread], None]:
    def run_profiled(self: threading.Thread) -> None:
        profiler = cProfile.Profile(time.thread_time)
        with _lock:
            _profilers.append(profiler)
        profiler.enable()
        try:
            run(self)
        finally:
            profiler.disable()

    return run_profiled


def _write(directory: str) -> None:
    with _lock:
        profilers = list(_profilers)
    for profiler in profilers:
        profiler.disable()  # a daemon thread may still be running its profiler
    stats = pstats.Stats(*profilers)
    stats.dump_stats(os.path.join(directory, f"handler-{os.getpid()}.prof"))


def main() -> None:
    directory = sys.argv[1]
    runner, result_fd = [argument for argument in sys.argv[2:] if not argument.startswith("-")]
    exit_now = os._exit

    def write_then_exit(code: int) -> None:
        _write(directory)
        exit_now(code)

    os._exit = write_then_exit  # type: ignore[assignment]
    threading.Thread.run = _profiled(threading.Thread.run)  # type: ignore[method-assign,assignment]
    sys.argv = [runner, result_fd]
    main_profiler = cProfile.Profile(time.thread_time)
    _profilers.append(main_profiler)
    main_profiler.enable()
    runpy.run_path(runner, run_name="__main__")
    write_then_exit(0)


if __name__ == "__main__":
    main()
