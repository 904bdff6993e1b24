"""Rate quotas, injected throttling / 5xx / latency, and the call log."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

from cdk_securityhub_org.testing.emulator import Emulator, FaultConfig


def test_over_the_quota_answers_429_limit_exceeded(emu: Emulator, org, aws, aws_error):
    emu.set_faults(FaultConfig(rate_scale=0.1))  # DescribeHub: 1 rps, burst 3
    client = aws("securityhub", org.management, retries=False)
    codes = []
    for _ in range(6):
        try:
            client.get_administrator_account()
            codes.append(200)
        except Exception as error:
            codes.append(error.response["ResponseMetadata"]["HTTPStatusCode"])  # type: ignore[attr-defined]
    assert codes[:3] == [200, 200, 200] and 429 in codes[3:]
    response = aws_error("LimitExceededException", client.get_administrator_account)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 429
    throttled = emu.calls(operation="GetAdministratorAccount")
    assert any(r.throttled and r.http_status == 429 and r.error_code == "LimitExceededException" for r in throttled)
    # Buckets are per account, Region and operation: the others are untouched.
    aws("securityhub", org.management, "eu-west-1", retries=False).get_administrator_account()
    client.list_invitations()


def test_botocore_retries_throttling_to_success(emu: Emulator, org, aws):
    # Seed 11 draws 0.45, 0.56, 0.92, 0.47, 0.51: the first and the fourth attempt are throttled.
    emu.set_faults(FaultConfig(throttle_rate=0.5, seed=11))
    client = aws("securityhub", org.management)
    for _ in range(3):
        client.get_administrator_account()
    records = emu.calls(operation="GetAdministratorAccount")
    assert [r.http_status for r in records] == [429, 200, 200, 429, 200]
    assert [r.throttled for r in records] == [True, False, False, True, False]


def test_injected_5xx(emu: Emulator, org, aws, aws_error):
    emu.set_faults(FaultConfig(rate_limit=False, fail_operations={"ListInvitations": 2}))
    assert aws("securityhub", org.management).list_invitations()["Invitations"] == []
    statuses = [r.http_status for r in emu.calls(operation="ListInvitations")]
    assert statuses == [500, 500, 200]
    emu.set_faults(FaultConfig(rate_limit=False, error_rate=1.0, only_operations=["DescribeHub"]))
    response = aws_error("InternalException", aws("securityhub", org.management, retries=False).describe_hub)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 500
    aws("securityhub", org.management).list_invitations()  # not in only_operations
    emu.set_faults(FaultConfig(rate_limit=False, error_rate=1.0, only_regions=["eu-west-1"]))
    aws("securityhub", org.management).list_invitations()
    aws_error("InternalException", aws("securityhub", org.management, "eu-west-1", retries=False).list_invitations)


def test_denied_operations_answer_access_denied_every_time(emu: Emulator, org, aws, aws_error):
    emu.set_faults(FaultConfig(rate_limit=False, deny_operations=["ListAccounts"]))
    response = aws_error("AccessDeniedException", aws("organizations", org.management).list_accounts)
    assert "ListAccounts" in response["Error"]["Message"]
    assert len(emu.calls(operation="ListAccounts")) == 1  # not retried: botocore retries no AccessDenied
    aws("securityhub", org.management).list_invitations()  # other operations are answered


def test_latency_does_not_serialize_regions(emu: Emulator, org, aws):
    emu.set_faults(FaultConfig(rate_limit=False, latency_ms=300))
    regions = [
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
        "eu-west-1",
        "eu-west-2",
        "eu-central-1",
        "sa-east-1",
    ]
    clients = [aws("securityhub", org.management, r) for r in regions]
    started = time.monotonic()
    with ThreadPoolExecutor(len(clients)) as pool:
        list(pool.map(lambda c: c.list_invitations(), clients))
    assert time.monotonic() - started < 1.2  # 8 x 300 ms in parallel, not 2.4 s in series


def test_latency_spikes_are_reproducible():
    from cdk_securityhub_org.testing.emulator.faults import FaultInjector

    config = FaultConfig(latency_spike_rate=0.3, latency_spike_ms=100, seed=11)
    injectors = [FaultInjector(config), FaultInjector(config)]
    draws = [[injector.latency("ListMembers", "us-east-1") for _ in range(20)] for injector in injectors]
    assert draws[0] == draws[1] and 0.1 in draws[0] and 0.0 in draws[0]


def test_call_log_records(emu: Emulator, org, aws, designate):
    designate("eu-west-1")
    admin = aws("securityhub", org.admin, "eu-west-1")
    admin.create_members(AccountDetails=[{"AccountId": org.members[0]}])
    admin.list_members()
    aws("organizations", org.management).list_roots()
    create = emu.calls(operation="CreateMembers")[0]
    assert (create.account, create.region, create.service) == (org.admin, "eu-west-1", "securityhub")
    assert create.write and create.http_status == 200 and create.error_code is None and not create.throttled
    assert create.request_size == len(json.dumps({"AccountDetails": [{"AccountId": org.members[0]}]}))
    assert [r.operation for r in emu.calls(writes_only=True)] == ["EnableOrganizationAdminAccount", "CreateMembers"]
    assert [r.operation for r in emu.calls(service="organizations")] == ["ListRoots"]
    assert [r.operation for r in emu.calls(account=org.admin, region="eu-west-1")] == ["CreateMembers", "ListMembers"]
    records = emu.calls()
    assert [r.seq for r in records] == sorted(r.seq for r in records)
    json.dumps([r.to_dict() for r in records])
    emu.reset_calls()
    assert emu.calls() == []
