"""The drift-repair handler (schedule and enrollment triggers), the engine's read-only preview, and the metrics each
pass emits, against the emulator."""

from __future__ import annotations

import pytest
from cdk_securityhub_org.handler import drift_repair as scheduled
from cdk_securityhub_org.handler import registry
from cdk_securityhub_org.handler.engine import metrics
from cdk_securityhub_org.handler.engine.aws import Budget, Clients
from cdk_securityhub_org.handler.engine.custom_resource import ReconcileFailed
from cdk_securityhub_org.handler.engine.declaration import DeclarationError
from cdk_securityhub_org.handler.kinds.delegated_admin import kind as delegated_admin
from cdk_securityhub_org.handler.kinds.members import kind as members
from cdk_securityhub_org.handler.kinds.members.spec import parse_members
from drift_harness import emf_documents
from reconciler_harness import REGIONS, LambdaContext


def designate(org, deploy):
    deploy(delegated_admin, org.management).run(
        "Create",
        {"Regions": REGIONS, "AdminAccountId": org.admin, "ExpectedAccount": org.management},
    )


def member_properties(org):
    return {
        "Regions": REGIONS,
        "ExpectedAccount": org.admin,
        "MemberList": {"OrganizationSelectors": [{"ExcludeAccounts": [org.management]}]},
    }


def repair_event(resource_type, properties, trigger="schedule"):
    return {"ResourceType": resource_type, "ResourceProperties": properties, "Trigger": trigger}


@pytest.fixture
def enrolled(make_org, deploy):
    """An organization whose members are deployed in every Region; boto3 signs as the administrator."""
    org = make_org(member_count=12)
    designate(org, deploy)
    deploy(members, org.admin).run("Create", member_properties(org))
    org.emulator.reset_calls()
    return org


def test_preview_writes_nothing_and_plans_exactly_what_the_reconcile_pass_then_does(enrolled):
    org = enrolled
    drifted = sorted(org.accounts[1:4])
    org.securityhub(org.admin, "us-west-2").disassociate_members(AccountIds=drifted)
    spec = parse_members(member_properties(org))
    clients = Clients(org.admin)
    org.emulator.reset_calls()

    preview = members.KIND.preview(spec, tuple(REGIONS), clients)

    assert org.writes() == []
    assert {
        region: [(a.operation, sorted(a.accounts())) for p in plans for a in p.actions]
        for region, plans in preview.plans.items()
    } == {
        "us-east-1": [],
        "us-west-2": [("CreateMembers", drifted)],
        "eu-west-1": [],
    }
    outcome = members.KIND.reconcile(spec, tuple(REGIONS), clients, budget=Budget(600))
    assert {r.region: dict(r.changed) for r in outcome.regions} == {
        "us-east-1": {},
        "us-west-2": {"CreateMembers": 3},
        "eu-west-1": {},
    }


def test_scheduled_repair_restores_disassociated_members_and_reports_them_in_metrics(enrolled, capsys, monkeypatch):
    org = enrolled
    monkeypatch.setenv(registry.METRICS_RESOURCE_VARIABLE, "SecurityHub/Administrator/Members")
    drifted = sorted(org.accounts[1:4])
    org.securityhub(org.admin, "us-west-2").disassociate_members(AccountIds=drifted)
    capsys.readouterr()

    answer = scheduled.handler(
        repair_event(members.KIND.resource_type, member_properties(org)), LambdaContext(org.admin)
    )

    assert answer["Changed"] == "3" and answer["Complete"] is True
    assert all(org.members("us-west-2")[a] == "Enabled" for a in drifted)
    documents = {d["Region"]: d for d in emf_documents(capsys.readouterr().out)}
    assert sorted(documents) == sorted(REGIONS)
    west = documents["us-west-2"]
    directive = west["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "SecurityHubOrg"
    assert directive["Dimensions"] == [["Resource", "Region"], ["Resource"]]
    assert {m["Name"] for m in directive["Metrics"]} == {
        "Repaired",
        "Failures",
        "Pending",
        "Skipped",
        "InSync",
        *metrics.MEMBERS_METRICS,
    }
    members_before_repair = len(org.accounts) - 1  # the administrator is not its own member
    assert (west["Resource"], west["Trigger"], west["Repaired"], west["Failures"]) == (
        "SecurityHub/Administrator/Members",
        "schedule",
        3,
        0,
    )
    assert (west["MembersRemoved"], west["MembersEnabled"]) == (3, members_before_repair - 3)
    assert (documents["eu-west-1"]["Repaired"], documents["eu-west-1"]["MembersEnabled"]) == (0, members_before_repair)


def test_enrollment_event_enrols_a_new_organization_account_in_every_region(enrolled, capsys):
    org = enrolled
    newcomer = org.world.add_account(name="newcomer")  # auto-enable is off: nothing enrols it but the event
    assert all(newcomer not in org.members(r) for r in REGIONS)
    capsys.readouterr()

    event = repair_event(members.KIND.resource_type, member_properties(org), trigger="enrollment")
    answer = scheduled.handler({**event, "Event": {"id": "1", "name": "CreateAccountResult"}}, LambdaContext(org.admin))

    assert answer["Changed"] == str(len(REGIONS))
    assert all(org.members(r)[newcomer] == "Enabled" for r in REGIONS)
    documents = emf_documents(capsys.readouterr().out)
    assert {(d["Region"], d["Trigger"], d["Repaired"]) for d in documents} == {(r, "enrollment", 1) for r in REGIONS}


def test_drift_that_cannot_be_repaired_fails_the_invocation_and_counts_as_failures(enrolled, capsys):
    org = enrolled
    other = org.accounts[1]
    declared = {"Regions": REGIONS, "AdminAccountId": other, "ExpectedAccount": org.management}
    capsys.readouterr()
    with pytest.raises(scheduled.DriftNotRepaired, match=f"{org.admin} is already the delegated administrator"):
        scheduled.handler(repair_event(delegated_admin.KIND.resource_type, declared), LambdaContext(org.management))
    documents = emf_documents(capsys.readouterr().out)
    assert {(d["Region"], d["Failures"], d["Repaired"]) for d in documents} == {(r, 1, 0) for r in REGIONS}
    assert org.writes() == []


def test_repair_refuses_an_account_other_than_the_declared_one(enrolled):
    org = enrolled
    with pytest.raises(ReconcileFailed, match=f"declared for account {org.admin}"):
        scheduled.handler(
            repair_event(members.KIND.resource_type, member_properties(org)), LambdaContext(org.management)
        )
    assert org.writes() == []


def test_repair_of_an_unknown_resource_type_is_a_declaration_error():
    with pytest.raises(DeclarationError, match="Custom::SecurityHubNothing"):
        scheduled.handler(repair_event("Custom::SecurityHubNothing", {}), LambdaContext("000000000002"))


def test_deploy_passes_emit_changed_under_the_logical_id_unless_the_construct_names_the_resource(
    make_org, deploy, capsys
):
    org = make_org(member_count=4)
    designate(org, deploy)
    capsys.readouterr()
    deploy(members, org.admin).run("Create", member_properties(org))
    documents = emf_documents(capsys.readouterr().out)
    assert {d["Trigger"] for d in documents} == {"deploy"}
    assert {d["Resource"] for d in documents} == {"Resource"}  # the harness's LogicalResourceId
    assert sum(d["Changed"] for d in documents) == 3 * len(REGIONS)
    assert all("Repaired" not in d for d in documents)


def test_drift_repair_and_the_preview_keep_to_the_prune_limit(make_org, deploy):
    org = make_org(member_count=30)
    designate(org, deploy)
    deploy(members, org.admin).run("Create", member_properties(org))
    org.emulator.reset_calls()
    # The last deployed declaration now lists one account: the other 28 members would be disassociated.
    narrowed = {**member_properties(org), "MemberList": {"Accounts": [{"AccountId": org.accounts[1]}]}}
    narrowed["Prune"] = "DISASSOCIATE"
    preview = members.KIND.preview(parse_members(narrowed), tuple(REGIONS), Clients(org.admin))
    blocked = [issue.reason for plans in preview.plans.values() for plan in plans for issue in plan.blocked]
    assert len(blocked) == len(REGIONS) and all("would remove 28 members" in reason for reason in blocked)
    with pytest.raises(scheduled.DriftNotRepaired, match=r"more than the limit of 25.*set max_prune to 28 or more"):
        scheduled.handler(repair_event(members.KIND.resource_type, narrowed), LambdaContext(org.admin))
    assert org.writes() == []
