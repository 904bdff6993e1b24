"""Deploys of the library's SecurityHubOrganization through the CloudFormation simulator, against a 120-account
organization in three Regions, while the emulator injects the faults real deployments meet.

Every case starts from a state someone else left (the administrator designated, 40 members enrolled, one
disassociated, one undeclared invited member) and ends in one of two outcomes: the declaration converged, or the
deploy failed with a reason naming the accounts and Regions. Never a silent success (a deploy that reports success
is checked against the live state), and never a lost member (the member table before and after is compared).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
from cdk_securityhub_org.testing.emulator import FaultConfig, World, WorldSettings
from cdk_securityhub_org.testing.emulator.world import AdministratorLink
from cdk_securityhub_org.testing.simulator import CustomResourceReport
from reliability_apps import Declaration, Members, Tight
from reliability_harness import Harness, Operation, harness
from reliability_org import (
    DECOY,
    INVITED,
    LAYOUT,
    MANAGEMENT,
    OPT_IN_REGION,
    REGIONS,
    UNDECLARED,
    administrators,
    aggregator,
    build_world,
    lost_members,
    organization_settings,
    seed_partial_enrolment,
    unconverged,
)

ADMIN = LAYOUT.admin
OTHERS = LAYOUT.others()
SANDBOX = OTHERS[-1]  # excluded from the organization selector
NOT_YET_MEMBER = OTHERS[60]  # declared, not enrolled before the deploy
# A state someone else left behind: enrolled accounts, one disassociated, one invited member nobody declares.
PRIOR = {**dict.fromkeys(OTHERS[:40], "Enabled"), OTHERS[50]: "Removed", UNDECLARED: "Invited"}

STANDARD = Declaration(members=Members(whole_organization=True, exclude=(SANDBOX,), invited=INVITED))
# isComplete Lambda timeout 13 s: a pass's budget is 3 s (the handler keeps a 10 s reserve).
TIGHT = STANDARD.with_(tight=Tight(lambda_timeout_seconds=13))
# ... and a waiter deadline the handler sees after about 7 s of passes (50 s minus a 30 s interval and a 13 s pass).
DEADLINE = STANDARD.with_(tight=Tight(lambda_timeout_seconds=13, total_timeout_seconds=50))
OPT_IN = STANDARD.with_(regions=(*REGIONS, OPT_IN_REGION))
DECLARED = tuple(a for a in STANDARD.members.declared_organization_accounts() if a != ADMIN)


def prepared_world(settings: WorldSettings | None = None, *, opt_in_enabled_for: tuple[str, ...] = ()) -> World:
    world = build_world(settings, opt_in_enabled_for=opt_in_enabled_for)
    seed_partial_enrolment(world, ADMIN, REGIONS, PRIOR)
    return world


@dataclass
class Case:
    harness: Harness
    operations: list[Operation]

    @property
    def last(self) -> Operation:
        return self.operations[-1]


def converged(operation: Operation, world: World, declared: Declaration, regions: tuple[str, ...]) -> None:
    """What a successful deploy claims, checked against the live state in ``regions`` (the declared Regions that
    are available)."""
    assert unconverged(operation.after, regions, DECLARED, INVITED) == []
    assert administrators(world, regions) == dict.fromkeys(regions, ADMIN)
    for region in regions:
        assert organization_settings(world, ADMIN, region) == (True, "DEFAULT", "LOCAL", "ENABLED")
    linked = tuple(sorted(r for r in declared.regions if r != "us-east-1"))
    assert aggregator(world, ADMIN) == ("us-east-1", "SPECIFIED_REGIONS", linked)


def judge(case: Case, name: str, figures, declared: Declaration = STANDARD, regions: tuple[str, ...] = REGIONS) -> str:
    """Converged or failed clearly, never a lost member; the outcome goes to the figures."""
    for operation in case.operations:
        assert lost_members(operation.before, operation.after) == [], f"{name}: a member was lost"
    if case.last.result.ok:
        converged(case.last, case.harness.world, declared, regions)
        retried = not case.operations[0].result.ok
        outcome = "converged after a retry" if retried else "converged"
    else:
        assert case.last.reasons(), f"{name}: a failed deploy without a reason"
        outcome = "failed, naming the accounts and Regions"
    case.harness.attribute()
    figures.record_faults(case.harness.emulator.calls(), case.harness.windows)
    figures.record_deploy(name, outcome)
    return outcome


def run(assembly, world: World, faults: FaultConfig, *, redeploy: bool = False) -> Case:
    with harness(world, faults) as h:
        operations = [h.deploy(assembly, "deploy", ADMIN)]
        if redeploy:
            operations.append(h.deploy(assembly, "forced redeploy", ADMIN, force=True))
        return Case(h, operations)


def reasons(case: Case) -> str:
    return "\n".join(case.last.reasons())


def members_request(operation: Operation) -> CustomResourceReport:
    (report,) = [r for r in operation.result.custom_resources if r.resource_type == "Custom::SecurityHubMembers"]
    return report


# ---------------------------------------------------------------------------------------------------- fast subset


def test_five_percent_server_errors_converge(synth, figures):
    case = run(synth(STANDARD), prepared_world(), FaultConfig(rate_limit=True, error_rate=0.05, seed=5))
    assert judge(case, "5% of calls answered 5xx", figures) == "converged"


def test_an_account_held_by_another_administrator_fails_by_name_not_silently(synth, figures):
    # A declared organization account accepted an invitation from an administrator outside the organization:
    # CreateMembers answers "already a member of another administrator", which is no success.
    world = prepared_world()
    held = NOT_YET_MEMBER
    with world.lock:
        world.hub(held, "us-west-2").enable(time.time())
        world.hub(held, "us-west-2").administrator = AdministratorLink(DECOY, "Enabled")
    case = run(synth(STANDARD), world, FaultConfig(rate_limit=True))
    assert judge(case, "declared account held by another administrator", figures).startswith("failed")
    assert (
        f"{held} in us-west-2: CreateMembers: Account {held} is already a member of another administrator"
        in reasons(case)
    )
    # Everything else of the declaration was done before the deploy failed.
    others = tuple(a for a in DECLARED if a != held)
    assert unconverged(case.last.after, REGIONS, others, INVITED) == []


# ----------------------------------------------------------------------------------------------- the whole suite


@pytest.mark.reliability
def test_a_throttling_storm_of_30_percent_converges(synth, figures):
    case = run(synth(STANDARD), prepared_world(), FaultConfig(rate_limit=True, throttle_rate=0.3, seed=1))
    assert judge(case, "throttling storm (30% answered 429)", figures) == "converged"
    assert sum(c.throttled for c in case.harness.emulator.calls()) > 10


@pytest.mark.reliability
def test_latency_spikes_converge(synth, figures):
    faults = FaultConfig(rate_limit=True, latency_ms=20, latency_spike_rate=0.2, latency_spike_ms=1500, seed=3)
    case = run(synth(STANDARD), prepared_world(), faults)
    assert judge(case, "latency spikes (20% of calls +1.5 s)", figures) == "converged"
    # The call log records no latency: what is known is how many calls drew at the spike rate.
    figures.faults["calls exposed to 20% latency spikes of +1.5 s"] += len(case.harness.emulator.calls())


@pytest.mark.reliability
def test_unprocessed_accounts_fail_the_deploy_by_name_after_the_rest_is_done(synth, figures):
    refused = {
        NOT_YET_MEMBER: "The account is suspended and cannot be added as a member",
        INVITED[1]: "Invalid email address",
    }
    case = run(synth(STANDARD), prepared_world(), FaultConfig(rate_limit=True, unprocessed=refused))
    assert judge(case, "UnprocessedAccounts for two accounts", figures).startswith("failed")
    text = reasons(case)
    for account_id, message in refused.items():
        assert f"{account_id} in us-east-1, us-west-2, eu-west-1: CreateMembers: {message}" in text
    rest = tuple(a for a in DECLARED if a not in refused)
    assert unconverged(case.last.after, REGIONS, rest, [INVITED[0], INVITED[2]]) == []


@pytest.mark.reliability
def test_transient_unprocessed_accounts_fail_at_the_deadline_by_name(synth, figures):
    faults = FaultConfig(rate_limit=True, unprocessed={NOT_YET_MEMBER: "Rate exceeded, try again later"})
    case = run(synth(DEADLINE), prepared_world(), faults)
    assert judge(case, "UnprocessedAccounts 'try again' until the deadline", figures).startswith("failed")
    text = reasons(case)
    assert "not converged before the deadline" in text
    assert f"{NOT_YET_MEMBER} in us-east-1, us-west-2, eu-west-1: CreateMembers: Rate exceeded" in text
    members = members_request(case.last)
    assert members.is_complete_passes > 2  # it kept trying until the deadline


@pytest.mark.reliability
def test_an_opt_in_region_not_enabled_fails_by_name(synth, figures):
    world = prepared_world(opt_in_enabled_for=(MANAGEMENT,))  # the administrator account did not enable it
    case = run(synth(OPT_IN), world, FaultConfig(rate_limit=True))
    assert judge(case, "opt-in Region not enabled (FAIL)", figures).startswith("failed")
    assert f"region in {OPT_IN_REGION}: not enabled for this account (opt-in Region)" in reasons(case)
    assert "on_region_unavailable=SKIP" in reasons(case)


@pytest.mark.reliability
def test_an_opt_in_region_not_enabled_is_skipped_and_reported_when_declared(synth, figures):
    world = prepared_world(opt_in_enabled_for=(MANAGEMENT,))
    declared = OPT_IN.with_(on_region_unavailable="SKIP")
    case = run(synth(declared), world, FaultConfig(rate_limit=True))
    assert judge(case, "opt-in Region not enabled (SKIP)", figures, declared) == "converged"
    for report in case.last.result.custom_resources:
        if report.stack_name.endswith("Administrator"):
            assert int(report.data["Skipped"]) >= 1
            assert f"{OPT_IN_REGION}: skipped 1, unavailable" in report.data["Summary"]


@pytest.mark.reliability
def test_eventual_consistency_converges_and_a_stale_read_loses_nothing(synth, figures):
    # Members created less than 30 s ago are invisible to ListMembers, and the fresh administrator's organization
    # configuration answers DataUnavailable for 2 s: the forced redeploy right after reads a stale member list.
    world = prepared_world(WorldSettings(admin_sync_seconds=2.0))
    faults = FaultConfig(rate_limit=True, consistency_delay_seconds=30)
    case = run(synth(STANDARD), world, faults, redeploy=True)
    assert judge(case, "eventual consistency (30 s), then a forced redeploy", figures) == "converged"
    first, second = case.operations
    assert second.after == first.after  # the stale read re-sent writes, and changed nothing
    figures.faults["writes re-sent after a stale ListMembers (eventual consistency)"] += len(second.writes)


@pytest.mark.reliability
def test_a_pass_cut_off_at_its_time_budget_is_finished_by_the_next(synth, figures):
    faults = FaultConfig(
        rate_limit=True, latency_spike_rate=1.0, latency_spike_ms=1500, only_operations=["CreateMembers"]
    )
    case = run(synth(TIGHT), prepared_world(), faults)
    assert judge(case, "time budget (3 s passes, 1.5 s per CreateMembers)", figures) == "converged"
    members = members_request(case.last)
    assert members.is_complete_passes >= 2
    assert all(not run.timed_out for run in members.is_complete)


@pytest.mark.reliability
def test_an_invocation_killed_mid_pass_is_retried_by_the_next_deploy(synth, figures):
    # CreateMembers takes 14 s; the isComplete Lambda is killed at 13 s, its batches still in flight.
    world = prepared_world()
    assembly = synth(TIGHT)
    with harness(world, FaultConfig(rate_limit=False)) as h:
        h.set_faults(
            FaultConfig(
                rate_limit=True, latency_spike_rate=1.0, latency_spike_ms=14_000, only_operations=["CreateMembers"]
            )
        )
        killed = h.deploy(assembly, "deploy, killed", ADMIN)
        # The batches in flight when the Lambda died still land: wait for them, as AWS would have applied them.
        time.sleep(2.0)
        h.set_faults(FaultConfig(rate_limit=True))
        retry = h.deploy(assembly, "retry", ADMIN)
        case = Case(h, [killed, retry])
        assert judge(case, "Lambda killed mid-pass, then retried", figures) == "converged after a retry"
    assert not killed.result.ok
    assert "Task timed out after 13.00 seconds" in killed.reasons()[0]
    assert killed.result.stack("Reliability/Administrator").status == "ROLLBACK_COMPLETE"
    assert retry.result.stack("Reliability/Administrator").status == "CREATE_COMPLETE"


# ------------------------------------------------------------------------------ replacing the administrator

PREVIOUS_ADMIN = OTHERS[1]
NOT_DECLARED_REGION = "ap-northeast-1"
REPLACING = STANDARD.with_(allow_replace=True)


def world_administered_by_another(settings: WorldSettings | None = None, *, also_in: tuple[str, ...] = ()) -> World:
    """The prepared state, but with another account as the delegated administrator: in the declared Regions and
    ``also_in``."""
    world = build_world(settings)
    now = time.time()
    with world.lock:
        for region in (*REGIONS, *also_in):
            world.designate_admin(region, PREVIOUS_ADMIN, now)
    return world


@pytest.mark.reliability
def test_a_replacement_whose_removal_stays_in_progress_for_reads_converges_over_passes(synth, figures):
    world = world_administered_by_another()
    case = run(synth(REPLACING), world, FaultConfig(rate_limit=True, admin_disable_pending_reads=3))
    assert judge(case, "replacement, removal DISABLE_IN_PROGRESS for 3 reads", figures, REPLACING) == "converged"
    designations = case.harness.emulator.calls(operation="EnableOrganizationAdminAccount")
    assert designations and [c for c in designations if c.error_code] == []  # never sent while still disabling


@pytest.mark.reliability
def test_a_replacement_with_the_old_administrator_in_an_undeclared_region_is_refused_without_a_write(synth, figures):
    world = world_administered_by_another(also_in=(NOT_DECLARED_REGION,))
    case = run(synth(REPLACING), world, FaultConfig(rate_limit=True))
    outcome = judge(case, "replacement, old administrator also in an undeclared Region", figures, REPLACING)
    assert outcome.startswith("failed")
    assert f"{PREVIOUS_ADMIN} is the delegated administrator in {NOT_DECLARED_REGION}" in reasons(case)
    assert case.harness.emulator.calls(operation="DisableOrganizationAdminAccount") == []
    # No Region was left without an administrator: the old one is where it was.
    assert administrators(world, (*REGIONS, NOT_DECLARED_REGION)) == dict.fromkeys(
        (*REGIONS, NOT_DECLARED_REGION), PREVIOUS_ADMIN
    )
