"""``cdk-securityhub-org plan`` against the emulator: golden table and JSON for seeded drift, the exit codes
(0 no drift, 2 drift, 1 error), credentials of the wrong account, the progress display, and ``python -m``.

Regenerate the golden files with ``UPDATE_GOLDEN=1`` after an intended change of the output, and review the diff.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time

from cdk_securityhub_org import cli
from cdk_securityhub_org.cli.plan import Progress
from cdk_securityhub_org.cli.report import EXIT_DRIFT, EXIT_ERROR, EXIT_NO_DRIFT
from cli_harness import ADMINISTRATOR, CONFIG, GOLDEN, MANAGEMENT, PARTNER


def seed_drift(organization) -> None:
    """One member disassociated in eu-west-1, auto-enable turned on in us-east-1 (declared off)."""
    member = sorted(a for a in organization.world.member_account_ids() if a != ADMINISTRATOR)[0]
    admin = organization.emulator.client("securityhub", ADMINISTRATOR, "eu-west-1")
    admin.disassociate_members(AccountIds=[member])
    organization.emulator.client("securityhub", ADMINISTRATOR, "us-east-1").update_organization_configuration(
        AutoEnable=True, AutoEnableStandards="DEFAULT"
    )


def plan(organization, capsys, *extra: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(organization.plan_arguments(*extra))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text()


def test_seeded_drift_is_shown_per_region_and_exits_2(organization, capsys):
    organization.deploy()
    seed_drift(organization)
    code, out, _ = plan(organization, capsys)
    assert code == EXIT_DRIFT
    assert_golden("plan-drift.txt", out)


def test_json_output_is_stable_and_exits_2(organization, capsys):
    organization.deploy()
    seed_drift(organization)
    code, out, _ = plan(organization, capsys, "--json")
    assert code == EXIT_DRIFT
    report = json.loads(out)
    assert (report["drift"], report["exit_code"]) == (True, 2)
    assert report["summary"]["regions_with_drift"] == ["eu-west-1", "us-east-1"]
    assert_golden("plan-drift.json", out)
    assert plan(organization, capsys, "--json")[1] == out  # the same state reads the same


def test_no_drift_after_a_deploy_exits_0_and_pending_invitations_are_not_drift(organization, capsys):
    organization.deploy()
    organization.emulator.reset_calls()
    code, out, _ = plan(organization, capsys)
    assert code == EXIT_NO_DRIFT
    assert "444455556666: invitation awaiting acceptance" in out
    assert out.rstrip().endswith(
        "No drift: 3 resource(s) match the declaration in 2 Region(s); 2 pending, 0 skipped, 0 blocked."
    )
    assert organization.emulator.calls(writes_only=True) == []  # read-only


def test_a_region_that_cannot_be_read_is_an_error_and_exits_1(organization, capsys):
    # Before the first deploy the administrator is not designated: its reads are refused.
    code, out, _ = plan(organization, capsys)
    assert code == EXIT_ERROR
    assert "EnableOrganizationAdminAccount" in out  # what can be planned still is
    assert "error" in out and "is not subscribed to AWS Security Hub" in out
    assert out.rstrip().splitlines()[-1].startswith("Error: ")
    assert organization.emulator.calls(writes_only=True) == []


def test_credentials_of_another_account_are_refused_naming_the_option(organization, capsys, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", PARTNER)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "emulator")
    capsys.readouterr()
    code = cli.main(["plan", "--config", str(CONFIG), "--endpoint-url", organization.emulator.endpoint_url])
    out = capsys.readouterr().out
    assert code == EXIT_ERROR
    assert f"acts in account {MANAGEMENT} (management), but the credentials are for account {PARTNER}" in out
    assert "pass --management-profile or --assume-role" in out
    assert "pass --administrator-profile or --assume-role" in out


def test_an_account_the_organization_does_not_have_is_named_as_such(organization, capsys):
    with organization.world.lock:
        del organization.world.accounts[ADMINISTRATOR]
    code, out, _ = plan(organization, capsys)
    assert code == EXIT_ERROR
    assert f"account {ADMINISTRATOR} is not a member of the organization" in out
    assert "opt-in Region" not in out


def test_an_unreadable_declaration_exits_1_with_the_reason(capsys, tmp_path):
    missing = tmp_path / "missing.yaml"
    assert (
        cli.main(["plan", "--config", str(missing), "--emulator", "--endpoint-url", "http://127.0.0.1:9"]) == EXIT_ERROR
    )
    assert "cannot be read" in capsys.readouterr().err
    assert cli.main(["plan", "--config", str(missing), "--emulator"]) == EXIT_ERROR
    assert "--emulator needs --endpoint-url" in capsys.readouterr().err


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal_once_the_run_is_long_and_clears_its_line():
    terminal = Terminal()
    with Progress(terminal, total_regions=4, delay=0.0, interval=0.01) as progress:
        progress.start("SecurityHub/Administrator/Members")
        progress.planned(type("Plan", (), {"region": "us-east-1"})())
        time.sleep(0.05)
    shown = terminal.getvalue()
    assert "planning SecurityHub/Administrator/Members: 1/4 resource-Regions read" in shown
    assert shown.endswith("\r\033[K")
    quiet = io.StringIO()  # not a terminal
    with Progress(quiet, total_regions=4, delay=0.0, interval=0.01):
        time.sleep(0.03)
    assert quiet.getvalue() == ""


def test_python_dash_m_runs_the_same_command(organization):
    organization.deploy()
    seed_drift(organization)
    result = subprocess.run(
        [sys.executable, "-m", "cdk_securityhub_org", *organization.plan_arguments("--json")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == EXIT_DRIFT, result.stderr
    assert json.loads(result.stdout)["summary"]["changes"] == 2
