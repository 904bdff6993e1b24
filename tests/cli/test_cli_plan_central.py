"""``cdk-securityhub-org plan`` on a CENTRAL organization: configuration policies edited or deleted by hand and an
association changed in the console are drift (exit 2), with the write that would repair each; a deployed
organization has none (exit 0), and the plan itself writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cdk_securityhub_org import cli
from cdk_securityhub_org.cli.report import EXIT_DRIFT, EXIT_NO_DRIFT
from cdk_securityhub_org.handler.kinds.configuration_policies.spec import SELF_MANAGED
from cdk_securityhub_org.testing.emulator import Emulator, FaultConfig
from cdk_securityhub_org.testing.organization import converge_declaration, emulated_organization

CONFIG = Path(__file__).resolve().parent / "plan-central.yaml"
ADMINISTRATOR, HOME = "000000000002", "us-east-1"
PRODUCTION_OU, SANDBOX_OU = "ou-pl4n-prod0001", "ou-pl4n-sbox0001"


@pytest.fixture
def central(monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    """The declaration deployed by the engine's own passes."""
    with Emulator(emulated_organization(CONFIG, accounts=12), faults=FaultConfig(rate_limit=False)) as emulator:
        monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.endpoint_url)
        converge_declaration(CONFIG)
        yield emulator


def plan(emulator: Emulator, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    arguments = ["plan", "--config", str(CONFIG), "--endpoint-url", emulator.endpoint_url, "--emulator"]
    code = cli.main(arguments)
    return code, capsys.readouterr().out


def policy_ids(emulator: Emulator) -> dict[str, str]:
    securityhub = emulator.client("securityhub", ADMINISTRATOR, HOME)
    summaries = securityhub.list_configuration_policies()["ConfigurationPolicySummaries"]
    return {summary["Name"]: summary["Id"] for summary in summaries}


def test_a_deployed_central_organization_has_no_drift_and_plan_writes_nothing(central, capsys):
    central.reset_calls()
    code, out = plan(central, capsys)
    assert code == EXIT_NO_DRIFT, out
    assert central.calls(writes_only=True) == []


def test_a_policy_edited_by_hand_is_drift(central, capsys):
    securityhub = central.client("securityhub", ADMINISTRATOR, HOME)
    production = policy_ids(central)["production"]
    stored = securityhub.get_configuration_policy(Identifier=production)
    policy = stored["ConfigurationPolicy"]
    policy["SecurityHub"]["SecurityControlsConfiguration"]["DisabledSecurityControlIdentifiers"] = ["EC2.8", "S3.1"]
    securityhub.update_configuration_policy(Identifier=production, ConfigurationPolicy=policy)
    central.reset_calls()
    code, out = plan(central, capsys)
    assert code == EXIT_DRIFT, out
    assert "UpdateConfigurationPolicy" in out and "production" in out, out
    assert central.calls(writes_only=True) == []


def test_a_policy_deleted_by_hand_is_drift(central, capsys):
    securityhub = central.client("securityhub", ADMINISTRATOR, HOME)
    securityhub.start_configuration_policy_disassociation(
        Target={"OrganizationalUnitId": SANDBOX_OU}, ConfigurationPolicyIdentifier=policy_ids(central)["sandbox"]
    )
    securityhub.delete_configuration_policy(Identifier=policy_ids(central)["sandbox"])
    code, out = plan(central, capsys)
    assert code == EXIT_DRIFT, out
    assert "CreateConfigurationPolicy" in out and "sandbox" in out, out
    assert SANDBOX_OU in out, out  # its association is to be made again


def test_an_association_changed_in_the_console_is_drift(central, capsys):
    securityhub = central.client("securityhub", ADMINISTRATOR, HOME)
    securityhub.start_configuration_policy_association(
        Target={"OrganizationalUnitId": PRODUCTION_OU}, ConfigurationPolicyIdentifier=SELF_MANAGED
    )
    code, out = plan(central, capsys)
    assert code == EXIT_DRIFT, out
    assert "StartConfigurationPolicyAssociation" in out and PRODUCTION_OU in out, out
