"""dump/seed, the HTTP control API, and the command line."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError
from cdk_securityhub_org.testing.emulator import Emulator, FaultConfig, World


def _control(emu: Emulator, method: str, endpoint: str, payload: Any = None) -> tuple[int, Any]:
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(f"{emu.endpoint_url}/_emulator/{endpoint}", data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_dump_seed_round_trip(emu: Emulator, org, aws, designate):
    designate("us-east-1")
    admin = aws("securityhub", org.admin)
    admin.create_finding_aggregator(RegionLinkingMode="NO_REGIONS")
    admin.create_members(AccountDetails=[{"AccountId": a} for a in (org.members[0], org.standalone)])
    admin.invite_members(AccountIds=[org.standalone])
    s3 = aws("s3", org.management)
    s3.create_bucket(Bucket="assets")
    s3.put_object(Bucket="assets", Key="k", Body=b"\x00\x01binary")
    state = emu.dump()
    text = json.dumps(state)
    # Drift: someone disassociates a member behind our back; seeding the snapshot undoes it.
    admin.disassociate_members(AccountIds=[org.members[0]])
    emu.seed(json.loads(text))
    assert emu.dump() == state
    assert admin.list_members()["Members"][0]["MemberStatus"] == "Enabled"
    assert aws("securityhub", org.standalone).list_invitations()["Invitations"]
    assert s3.get_object(Bucket="assets", Key="k")["Body"].read() == b"\x00\x01binary"


def test_control_api(emu: Emulator, org, aws):
    aws("sts", org.admin).get_caller_identity()
    status, state = _control(emu, "GET", "state")
    assert status == 200 and state["management_account"] == org.management
    state["accounts"] = [a for a in state["accounts"] if a["id"] != org.members[-1]]
    assert _control(emu, "POST", "state", state) == (200, {"ok": True})
    assert org.members[-1] not in emu.world.accounts
    status, calls = _control(emu, "GET", "calls?service=sts&account=" + org.admin)
    assert status == 200 and [c["operation"] for c in calls["calls"]] == ["GetCallerIdentity"]
    assert _control(emu, "GET", "calls?writes_only=true")[1] == {"calls": []}
    assert _control(emu, "POST", "faults", {"rate_limit": False, "error_rate": 0.25})[0] == 200
    assert emu.faults == FaultConfig(rate_limit=False, error_rate=0.25)
    assert _control(emu, "GET", "faults")[1]["error_rate"] == 0.25
    status, error = _control(emu, "POST", "faults", {"eror_rate": 1})
    assert status == 400 and "eror_rate" in error["error"]
    assert _control(emu, "POST", "reset-calls", {}) == (200, {"ok": True})
    assert emu.calls() == []
    assert _control(emu, "GET", "nothing")[0] == 404


def test_stopped_emulator_stops_answering():
    world = World.organization(member_count=1)
    emulator = Emulator(world).start()
    sts = emulator.client("sts", world.management_account, config=Config(retries={"total_max_attempts": 1}))
    assert sts.get_caller_identity()["Account"] == world.management_account
    emulator.stop()
    # The client's pooled keep-alive connection must not reach a still-running handler thread.
    with pytest.raises(EndpointConnectionError):
        sts.get_caller_identity()


def test_cli_serves_until_interrupted(tmp_path: Path):
    state_file = tmp_path / "state.json"
    command = [sys.executable, "-m", "cdk_securityhub_org.testing.emulator", "--port", "0", "--accounts", "3"]
    process = subprocess.Popen([*command, "--state", str(state_file)], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        endpoint = process.stdout.readline().split()[-1]
        assert endpoint.startswith("http://127.0.0.1:")
        sts = boto3.client(
            "sts",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="000000000001",
            aws_secret_access_key="x",
        )
        assert sts.get_caller_identity()["Account"] == "000000000001"
        with urllib.request.urlopen(f"{endpoint}/_emulator/calls", timeout=5) as response:
            assert json.loads(response.read())["calls"][0]["operation"] == "GetCallerIdentity"
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert process.returncode == 0
    saved = json.loads(state_file.read_text())
    assert len(saved["accounts"]) == 4
