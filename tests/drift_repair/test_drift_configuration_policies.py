"""Drift repair of configuration policies (CENTRAL): the construct's schedule carries the deployed properties to
the repair function, and a scheduled repair undoes a policy edited by hand and an association changed in the
console, counting the repairs in its metrics."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template
from cdk_securityhub_org import SecurityHubOrganization, load_config
from cdk_securityhub_org.cli.declared_from_constructs import from_config
from cdk_securityhub_org.handler import drift_repair as scheduled
from cdk_securityhub_org.handler import registry
from cdk_securityhub_org.handler.kinds.configuration_policies.spec import SELF_MANAGED
from cdk_securityhub_org.testing.emulator import Emulator, FaultConfig
from cdk_securityhub_org.testing.organization import converge_declaration, emulated_organization
from drift_harness import emf_documents
from reconciler_harness import LambdaContext

CONFIG = Path(__file__).resolve().parent / "central.yaml"
ADMINISTRATOR, HOME, PRODUCTION_OU = "000000000002", "us-east-1", "ou-dr1f-prod0001"
RESOURCE_TYPE = registry.CONFIGURATION_POLICIES.resource_type


def test_the_schedule_carries_the_policies_properties_to_the_repair_function():
    config = load_config(CONFIG)
    stage = SecurityHubOrganization(cdk.App(), config.stage_name, **config.organization_props())
    assert stage.configuration_policies is not None and stage.configuration_policies.drift_repair is not None
    template = Template.from_stack(stage.administrator_stack)
    (resource,) = template.find_resources(RESOURCE_TYPE).values()
    declared = {k: v for k, v in resource["Properties"].items() if k not in ("ServiceToken", "ServiceTimeout")}
    rules = template.find_resources("AWS::Events::Rule", {"Properties": {"ScheduleExpression": "rate(6 hours)"}})
    inputs = [json.loads(t["Input"]) for rule in rules.values() for t in rule["Properties"]["Targets"]]
    assert {"ResourceType": RESOURCE_TYPE, "ResourceProperties": declared, "Trigger": "schedule"} in inputs
    # The dashboard graphs the policies' repairs and failures in the home Region, where the kind acts.
    (dashboard,) = template.find_resources("AWS::CloudWatch::Dashboard").values()
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    assert f"{stage.configuration_policies.node.path}: Drift repaired" in body


@pytest.fixture
def central(monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    with Emulator(emulated_organization(CONFIG, accounts=10), faults=FaultConfig(rate_limit=False)) as emulator:
        monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.endpoint_url)
        converge_declaration(CONFIG)
        emulator.reset_calls()
        yield emulator


def test_a_scheduled_repair_restores_an_edited_policy_and_a_changed_association(central, capsys, monkeypatch):
    monkeypatch.setenv(registry.METRICS_RESOURCE_VARIABLE, "SecurityHub/Administrator/ConfigurationPolicies")
    # The repair function runs with its role's credentials: in the emulator, the access key is the account.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ADMINISTRATOR)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "emulator")
    securityhub = central.client("securityhub", ADMINISTRATOR, HOME)
    ids = {p["Name"]: p["Id"] for p in securityhub.list_configuration_policies()["ConfigurationPolicySummaries"]}
    declared = securityhub.get_configuration_policy(Identifier=ids["production"])["ConfigurationPolicy"]
    edited = json.loads(json.dumps(declared))
    edited["SecurityHub"]["EnabledStandardIdentifiers"] = edited["SecurityHub"]["EnabledStandardIdentifiers"][:1]
    securityhub.update_configuration_policy(Identifier=ids["production"], ConfigurationPolicy=edited)
    securityhub.start_configuration_policy_association(
        Target={"OrganizationalUnitId": PRODUCTION_OU}, ConfigurationPolicyIdentifier=SELF_MANAGED
    )
    (resource,) = [r for r in from_config(CONFIG) if r.resource_type == RESOURCE_TYPE]
    capsys.readouterr()

    answer = scheduled.handler(
        {"ResourceType": RESOURCE_TYPE, "ResourceProperties": resource.properties, "Trigger": "schedule"},
        LambdaContext(ADMINISTRATOR),
    )

    assert answer["Changed"] == "2", answer
    writes = sorted(c.operation for c in central.calls(writes_only=True, service="securityhub"))
    assert writes == [
        "StartConfigurationPolicyAssociation",
        "StartConfigurationPolicyAssociation",  # the hand-made one, then the repair
        "UpdateConfigurationPolicy",
        "UpdateConfigurationPolicy",
    ]
    restored = securityhub.get_configuration_policy(Identifier=ids["production"])["ConfigurationPolicy"]
    assert restored == declared
    association = securityhub.get_configuration_policy_association(Target={"OrganizationalUnitId": PRODUCTION_OU})
    assert association["ConfigurationPolicyId"] == ids["production"]
    (document,) = emf_documents(capsys.readouterr().out)  # the kind acts in the home Region only
    assert (document["Region"], document["Trigger"], document["Repaired"], document["Failures"]) == (
        HOME,
        "schedule",
        2,
        0,
    )
