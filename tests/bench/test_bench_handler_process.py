"""The benchmark's ways of starting the handler processes: under cProfile, and held to a CPU quota (cgroup)."""

import subprocess
import sys
import textwrap
import time

import pytest

from bench import handler_process
from bench.handler_process import CpuQuota, CpuQuotaUnavailable, breakdown, bucket_of, held_to_cpu, profiled_python


def test_a_machine_without_a_cgroup_cpu_controller_says_so_and_where_it_looked(tmp_path):
    with pytest.raises(CpuQuotaUnavailable, match=f"no cgroup CPU controller under {tmp_path}"):
        handler_process.cpu_controller(tmp_path)
    with pytest.raises(CpuQuotaUnavailable), held_to_cpu(0.29, tmp_path / "work", root=tmp_path):
        pytest.fail("the wrapper must not be handed out")


def test_a_cgroup_v2_hierarchy_without_the_cpu_controller_is_unavailable(tmp_path):
    (tmp_path / "cgroup.controllers").write_text("memory pids\n")
    with pytest.raises(CpuQuotaUnavailable, match="has no cpu controller"):
        handler_process.cpu_controller(tmp_path)


def test_the_quota_is_written_as_each_cgroup_version_spells_it(tmp_path):
    assert CpuQuota(tmp_path, 0.29, 2).settings() == {"cpu.max": "29000 100000"}
    assert CpuQuota(tmp_path, 0.29, 1).settings() == {"cpu.cfs_period_us": "100000", "cpu.cfs_quota_us": "29000"}
    (tmp_path / "cpu").mkdir()
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text("-1\n")
    assert handler_process.cpu_controller(tmp_path) == (tmp_path / "cpu", 1)


def test_a_fraction_outside_one_cpu_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"between 0 and 1, not 1\.5"), held_to_cpu(1.5, tmp_path):
        pass


def test_the_wrapper_sets_the_group_up_joins_it_and_runs_python(tmp_path):
    """On a stand-in v2 hierarchy (plain files), so that it runs on any machine: what the wrapper writes and runs."""
    root = tmp_path / "cgroup"
    root.mkdir()
    (root / "cgroup.controllers").write_text("cpu memory\n")
    (root / "cgroup.subtree_control").write_text("")
    with held_to_cpu(0.29, tmp_path / "work", root=root) as python:
        (group,) = [p for p in root.iterdir() if p.is_dir()]
        assert (group / "cpu.max").read_text() == "29000 100000"
        assert (root / "cgroup.subtree_control").read_text() == "+cpu"
        completed = subprocess.run(
            [python, "-c", "import os; print(os.getpid())"], check=False, capture_output=True, text=True
        )
    assert completed.returncode == 0, completed.stderr
    assert (group / "cgroup.procs").read_text().strip() == completed.stdout.strip()


def _quota_available() -> bool:
    try:
        handler_process.cpu_controller()
    except CpuQuotaUnavailable:
        return False
    return True


@pytest.mark.skipif(not _quota_available(), reason="no cgroup CPU controller on this machine")
def test_a_process_held_to_a_third_of_a_cpu_takes_three_times_its_cpu_in_wall_time(tmp_path):
    spin = "import time\nstart = time.process_time()\nwhile time.process_time() - start < 0.3: pass\n"
    try:
        with held_to_cpu(0.3, tmp_path) as python:
            started = time.monotonic()
            completed = subprocess.run([python, "-c", spin], check=False, capture_output=True, text=True)
            elapsed = time.monotonic() - started
    except CpuQuotaUnavailable as error:  # a controller that exists but refuses us (no permission)
        pytest.skip(str(error))
    assert completed.returncode == 0, completed.stderr
    assert elapsed >= 0.8 * 0.3 / 0.3  # 0.3 s of CPU at 0.3 of a CPU: about 1 s, never much less


def test_every_thread_of_a_profiled_process_is_profiled_even_when_it_ends_with_os_exit(tmp_path):
    runner = tmp_path / "runner.py"
    runner.write_text(
        textwrap.dedent(
            """
            import os, sys, threading

            def json_work():
                import json
                for _ in range(2000):
                    json.loads(json.dumps({"a": [1, 2, 3]}))

            assert sys.argv[1] == "11", sys.argv  # the runner's own argument arrives as it would
            worker = threading.Thread(target=json_work)
            worker.start()
            worker.join()
            os._exit(0)
            """
        )
    )
    python = profiled_python(tmp_path / "profiles", sys.executable)
    completed = subprocess.run(
        [python, "-S", "-P", "-B", str(runner), "11"], check=False, capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr
    found = breakdown(tmp_path / "profiles")
    assert found.processes == 1
    assert dict(found.buckets)["botocore: parse the response"] > 0  # json's decoder ran in the worker thread
    assert found.total_seconds == pytest.approx(sum(seconds for _, seconds in found.buckets))


def test_a_directory_without_profiles_is_an_error_naming_it(tmp_path):
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        breakdown(tmp_path)


def test_functions_go_to_the_bucket_of_their_module_and_blocking_built_ins_are_not_cpu():
    assert bucket_of("/x/botocore/validate.py", "_validate") == "botocore: serialize + validate the request"
    assert (
        bucket_of("/x/cdk_securityhub_org/handler/kinds/members/plan.py", "plan_enrollment") == "reconciler: planners"
    )
    assert bucket_of("~", "<method 'acquire' of '_thread.lock' objects>") == handler_process.WAITING
    assert bucket_of("~", "<method 'sendall' of '_socket.socket' objects>") == "HTTP: urllib3, http.client, sockets"
    assert bucket_of("/usr/lib/python3.11/textwrap.py", "dedent") == handler_process.OTHER
