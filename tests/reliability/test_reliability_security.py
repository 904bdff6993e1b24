"""Security properties of the deployed handlers: no email address in the INFO logs; the invitation accepter accepts
its declared administrator's invitation and no one else's; a handler deployed into an account other than the one
its declaration names refuses to act, before any call; physical IDs and response Data carry no member list."""

from __future__ import annotations

import json
import re
import time

import pytest
from cdk_securityhub_org.testing.emulator import FaultConfig, World
from cdk_securityhub_org.testing.emulator.world import AdministratorLink, Invitation, MemberRecord
from reliability_apps import ADMINISTRATOR_STACK, INVITED_STACK, MANAGEMENT_STACK, Declaration, Members, retarget
from reliability_calls import handler_lines
from reliability_harness import harness
from reliability_lifecycle import Lifecycle
from reliability_org import (
    DECOY,
    INVITED,
    LAYOUT,
    MANAGEMENT,
    REGIONS,
    administrator_of,
    build_world,
    email_of,
    seed_partial_enrolment,
)

A = LAYOUT.admin
I1 = INVITED[0]
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHYSICAL_ID = re.compile(
    r"^SecurityHub(?:DelegatedAdmin|OrganizationConfiguration|ConfigurationPolicies|Members|InvitationAccepter)"
    r"-(\d{12})-[0-9a-f]{12}$"
)
DATA_KEYS = {"StartedAt", "Summary", "Changed", "Pending", "Skipped", "Failed"}
ACCEPTER = Declaration(members=Members(invited=INVITED), accepter=True)
STANDARD = Declaration(members=Members(whole_organization=True, invited=INVITED))


def info_level(line: str) -> bool:
    """The handler's JSON records carry their level; the runtime's own lines (START, END, REPORT) are INFO too.
    Uncaught errors are logged at ERROR by the runtime ([ERROR] and the traceback lines after it)."""
    if line.startswith("{"):
        return json.loads(line).get("level") == "INFO"
    return line.startswith(("START ", "END ", "REPORT ", "[INFO]"))


# ---------------------------------------------------------------------------------------- over the whole lifecycle


@pytest.mark.reliability
def test_no_email_address_is_logged_at_info_level(lifecycle: Lifecycle):
    lines = [line for _, line in handler_lines(lifecycle.harness.windows)]
    info = [line for line in lines if info_level(line)]
    assert len(info) >= 3 * len(lifecycle.harness.windows)  # START, END and REPORT at least, per invocation
    assert len(lines) > len(info)  # the failed steps logged errors too
    assert [line for line in info if EMAIL.search(line)] == []
    assert [line for line in lines if EMAIL.search(line)] == []  # nor at any other level
    # The emails were there to leak: the declared invited accounts' member records carry them.
    with lifecycle.harness.world.lock:
        records = {r.account_id: r for r in lifecycle.harness.world.hub(LAYOUT.successor, "us-east-1").members}
    assert records[I1].email == email_of(I1)


@pytest.mark.reliability
def test_physical_ids_and_response_data_carry_no_member_list(lifecycle: Lifecycle):
    reports = [(o.result, r) for o in lifecycle.operations() for r in o.result.custom_resources]
    assert len(reports) > 30
    for result, report in reports:
        account = next(s.account for s in result.stacks.values() if s.stack_name == report.stack_name)
        found = PHYSICAL_ID.match(report.physical_id)
        assert found and found[1] == account, report.physical_id  # kind, running account, digest: nothing else
        assert set(report.data) <= DATA_KEYS
        text = json.dumps(report.data)
        assert len(text.encode()) < 4096
        assert not re.search(r"\d{12}", text) and not EMAIL.search(text), text
        assert not EMAIL.search(report.reason)


# ------------------------------------------------------------------------------------------- invitation acceptance


def invite(world: World, sender: str, member: str, region: str) -> None:
    """``sender`` invites ``member`` in ``region``, as InviteMembers would."""
    now = time.time()
    with world.lock:
        world.hub(sender, region).enable(now)
        record = MemberRecord(member, email_of(member), "Invited", False, now, now, invited_at=now)
        world.hub(sender, region).members.put(record)
        world.hub(member, region).invitations[sender] = Invitation(sender, f"{sender}-{region}", now)


def test_the_accepter_accepts_only_its_administrators_invitation(synth, figures):
    world = build_world()
    seed_partial_enrolment(world, A, ["us-east-1", "eu-west-1"], {I1: "Invited"})  # no invitation in us-west-2
    for region in REGIONS:
        invite(world, DECOY, I1, region)
    with harness(world, FaultConfig(rate_limit=True)) as h:
        operation = h.deploy(synth(ACCEPTER), "accept", A, [INVITED_STACK])
    assert operation.result.ok
    assert [administrator_of(world, I1, r) for r in REGIONS] == [(A, "Enabled"), None, (A, "Enabled")]
    with world.lock:
        for region in REGIONS:
            assert DECOY in world.hub(I1, region).invitations  # the decoy's invitation is left as it was
            assert world.hub(DECOY, region).members.get(I1).status == "Invited"
    (report,) = operation.result.custom_resources
    assert "us-west-2: pending 1" in report.data["Summary"]  # reported as waiting, not as accepted
    figures.record_deploy("accepter with a decoy invitation", "converged")


def test_the_accepter_does_not_leave_another_administrator_it_already_joined(synth, figures):
    world = build_world()
    seed_partial_enrolment(world, A, REGIONS, {I1: "Invited"})
    with world.lock:
        world.hub(I1, "eu-west-1").enable(time.time())
        world.hub(I1, "eu-west-1").administrator = AdministratorLink(DECOY, "Enabled")
    with harness(world, FaultConfig(rate_limit=True)) as h:
        operation = h.deploy(synth(ACCEPTER), "accept", A, [INVITED_STACK])
    assert not operation.result.ok
    reason = "\n".join(operation.reasons())
    assert f"{A} in eu-west-1: already a member of administrator {DECOY}; disassociate from it first" in reason
    assert administrator_of(world, I1, "eu-west-1") == (DECOY, "Enabled")
    assert [administrator_of(world, I1, r) for r in ("us-east-1", "us-west-2")] == [(A, "Enabled")] * 2
    figures.record_deploy("accepter already joined to another administrator", "failed, naming the accounts and Regions")


# ---------------------------------------------------------------------------------------------- the wrong account


@pytest.mark.parametrize(
    "wrong_account",
    [(ADMINISTRATOR_STACK, A, MANAGEMENT), (MANAGEMENT_STACK, MANAGEMENT, A)],
    ids=["administrator stack in the management account", "management stack in the administrator account"],
)
def test_a_handler_in_another_account_than_declared_refuses_before_any_call(synth, tmp_path, figures, wrong_account):
    stack, declared, running = wrong_account
    wrong = retarget(synth(STANDARD), stack, running, tmp_path / "cdk.out")
    world = build_world()
    with harness(world, FaultConfig(rate_limit=True)) as h:
        operation = h.deploy(wrong, "deploy into the wrong account", A, [stack])
        deployer_calls = h.attribute()
    assert not operation.result.ok
    reason = operation.reasons()[0]
    assert f"declared for account {declared} but its handler runs in account {running}" in reason
    assert f"deploy the stack to account {declared}, or correct the declared account" in reason
    assert sum(len(w.calls) for w in h.windows) == 0  # refused in onEvent, before any AWS call
    assert all(c.service == "s3" for c in deployer_calls)  # only the deployer's asset upload
    assert world.hubs == {} or all(hub.is_default for hub in world.hubs.values())
    figures.record_deploy(f"{stack} deployed into account {running}", "failed in onEvent, before any AWS call")
