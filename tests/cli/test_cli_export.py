"""The adoption promise of ``cdk-securityhub-org export``: for setups built in the emulator as the console, the
Landing Zone Accelerator and the Security Reference Architecture leave them, ``export`` writes a declaration that
``plan`` finds in sync (exit 0) and whose deploy (the engine's reconcile pass) makes no write; for a partly broken
setup, ``plan`` shows exactly the repairs. Also: what cannot be expressed is listed, and bad options are refused.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cdk_securityhub_org import cli
from cdk_securityhub_org.cli.declared_from_constructs import from_config
from cdk_securityhub_org.cli.report import EXIT_ERROR, EXIT_NO_DRIFT
from cdk_securityhub_org.testing.emulator import Emulator, FaultConfig, World
from cdk_securityhub_org.yaml_declaration import load_config
from cli_harness import ADMINISTRATOR, MANAGEMENT, PARTNER, Deployed

REGIONS = ("us-east-1", "us-west-2", "eu-west-1")


@pytest.fixture
def emulated(monkeypatch: pytest.MonkeyPatch):
    world = World.organization(MANAGEMENT, member_count=6, seed=7)
    world.add_account(ADMINISTRATOR, name="security-admin")
    world.add_standalone_account(PARTNER, email="partner@example.com")
    with Emulator(world, faults=FaultConfig(rate_limit=False)) as emulator:
        monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.endpoint_url)  # for the deploy; the commands are told
        yield emulator


def admin(emulator: Emulator, region: str):
    return emulator.client("securityhub", ADMINISTRATOR, region)


def designate(emulator: Emulator, regions=REGIONS) -> None:
    """What every setup does first, from the management account (whose hub the console enables too)."""
    for region in regions:
        management = emulator.client("securityhub", MANAGEMENT, region)
        management.enable_security_hub(EnableDefaultStandards=False)
        management.enable_organization_admin_account(AdminAccountId=ADMINISTRATOR)


def enroll(emulator: Emulator, accounts, regions=REGIONS) -> None:
    for region in regions:
        admin(emulator, region).create_members(AccountDetails=[{"AccountId": a} for a in accounts])


def invite_partner(emulator: Emulator, regions=REGIONS) -> None:
    for region in regions:
        admin(emulator, region).create_members(AccountDetails=[{"AccountId": PARTNER, "Email": "partner@example.com"}])
        admin(emulator, region).invite_members(AccountIds=[PARTNER])


def organization_accounts(emulator: Emulator) -> list[str]:
    return [a for a in emulator.world.member_account_ids() if a != ADMINISTRATOR]


def export(emulator: Emulator, tmp_path: Path, capsys, *extra: str) -> tuple[Path, str]:
    out = tmp_path / "securityhub.yaml"
    capsys.readouterr()
    code = cli.main(
        [
            "export",
            "--emulator",
            "--endpoint-url",
            emulator.endpoint_url,
            "--management-account",
            MANAGEMENT,
            "--out",
            str(out),
            *extra,
        ]
    )
    err = capsys.readouterr().err
    assert code == 0, err
    return out, err


def plan(emulator: Emulator, config: Path, capsys) -> tuple[int, dict]:
    capsys.readouterr()
    code = cli.main(["plan", "--config", str(config), "--emulator", "--endpoint-url", emulator.endpoint_url, "--json"])
    return code, json.loads(capsys.readouterr().out)


def assert_adopted_without_a_write(emulator: Emulator, config: Path, capsys) -> None:
    emulator.reset_calls()
    code, report = plan(emulator, config, capsys)
    assert code == EXIT_NO_DRIFT, json.dumps(report, indent=1)
    Deployed(emulator, emulator.world, from_config(config)).deploy()
    assert [c.operation for c in emulator.calls(writes_only=True)] == []


def test_a_console_setup_is_exported_as_explicit_accounts_and_the_invited_partner_in_the_csv(
    emulated, tmp_path, capsys
):
    designate(emulated)
    chosen = organization_accounts(emulated)[:2]  # two of seven: naming them is shorter than excluding five
    enroll(emulated, chosen)
    invite_partner(emulated)
    for region in REGIONS:
        admin(emulated, region).update_organization_configuration(AutoEnable=False, AutoEnableStandards="NONE")
    out, err = export(emulated, tmp_path, capsys, "--regions", ",".join(REGIONS))

    text = out.read_text()
    assert text.startswith("# yaml-language-server: $schema=securityhub.schema.json\n")
    assert json.loads((tmp_path / "securityhub.schema.json").read_text())["required"][0] == "management_account_id"
    config = load_config(out)
    assert (config.management_account_id, config.administrator_account_id) == (MANAGEMENT, ADMINISTRATOR)
    assert config.regions == REGIONS and config.home_region is None
    assert (config.prune.value, config.removal_policy.name, config.auto_enable) == ("NONE", "RETAIN", False)
    assert "organization:" not in text
    assert sorted(a.account_id for a in config.member_list.document().accounts) == sorted([*chosen, PARTNER])
    assert (tmp_path / "securityhub-invited.csv").read_text() == f"Account ID,Email\n{PARTNER},partner@example.com\n"
    assert "not expressible" not in err
    assert_adopted_without_a_write(emulated, out, capsys)


def test_an_lza_setup_is_exported_as_the_whole_organization_with_its_all_regions_aggregator(emulated, tmp_path, capsys):
    designate(emulated)
    enroll(emulated, [MANAGEMENT, *organization_accounts(emulated)])  # LZA enrolls the management account too
    for region in REGIONS:
        admin(emulated, region).update_organization_configuration(AutoEnable=True, AutoEnableStandards="DEFAULT")
    admin(emulated, "us-east-1").create_finding_aggregator(RegionLinkingMode="ALL_REGIONS")
    out, _ = export(emulated, tmp_path, capsys)  # default Regions: where the administrator is designated

    config = load_config(out)
    assert sorted(config.regions) == sorted(REGIONS)
    assert (config.home_region, config.region_linking_mode.value, config.linked_regions) == (
        "us-east-1",
        "ALL_REGIONS",
        None,
    )
    assert config.auto_enable and config.auto_enable_standards.value == "DEFAULT"
    assert "  organization: {}\n" in out.read_text()
    assert not (tmp_path / "securityhub-invited.csv").exists()
    assert_adopted_without_a_write(emulated, out, capsys)


def test_an_sra_setup_is_exported_as_the_organization_minus_what_it_left_out(emulated, tmp_path, capsys):
    designate(emulated)
    accounts = organization_accounts(emulated)
    enroll(emulated, [MANAGEMENT, *accounts[1:]])  # one account was left out (say, a suspended workload)
    for region in REGIONS:
        admin(emulated, region).update_organization_configuration(AutoEnable=True, AutoEnableStandards="NONE")
    admin(emulated, "eu-west-1").create_finding_aggregator(
        RegionLinkingMode="SPECIFIED_REGIONS", Regions=["us-east-1", "us-west-2"]
    )
    invite_partner(emulated)
    out, _ = export(emulated, tmp_path, capsys, "--regions", ",".join(REGIONS))

    config = load_config(out)
    assert (config.home_region, config.region_linking_mode.value) == ("eu-west-1", "SPECIFIED_REGIONS")
    assert config.linked_regions == ("us-east-1", "us-west-2")
    assert f"exclude_accounts: ['{accounts[0]}']" in out.read_text()
    assert_adopted_without_a_write(emulated, out, capsys)


def test_a_broken_setup_plans_exactly_its_repairs_and_lists_what_it_cannot_express(emulated, tmp_path, capsys):
    present = REGIONS[:2]  # the administrator was never designated in eu-west-1
    designate(emulated, present)
    accounts = organization_accounts(emulated)
    enroll(emulated, [MANAGEMENT, *accounts], present)
    admin(emulated, "us-east-1").update_organization_configuration(AutoEnable=True, AutoEnableStandards="DEFAULT")
    admin(emulated, "us-west-2").update_organization_configuration(AutoEnable=False, AutoEnableStandards="DEFAULT")
    admin(emulated, "us-west-2").disassociate_members(AccountIds=[accounts[0]])
    out, err = export(emulated, tmp_path, capsys, "--regions", ",".join(REGIONS))

    text = out.read_text()
    differs = "auto_enable differs between Regions: true in us-east-1, false in us-west-2"
    assert f"not expressible: {differs}" in err and differs in text
    assert "note: eu-west-1: no administrator is designated; a deploy designates 000000000002" in err
    assert "note: eu-west-1: Security Hub is off in the management account; a deploy enables it" in err
    assert f"note: us-west-2: {accounts[0]} is Removed; the declaration re-associates it" in err

    # Until the deploy designates the administrator in eu-west-1, its side cannot be read there: plan reports
    # those two reads as errors (exit 1) and shows every other repair.
    code, report = plan(emulated, out, capsys)
    assert code == EXIT_ERROR
    errors = sorted(
        (resource["resource"].split("/")[-1], region["region"])
        for resource in report["resources"]
        for region in resource["regions"]
        if region["errors"]
    )
    assert errors == [("Members", "eu-west-1"), ("OrganizationConfiguration", "eu-west-1")]
    changes = sorted(
        (region["region"], action["operation"], tuple(action.get("accounts", ())))
        for resource in report["resources"]
        for region in resource["regions"]
        for action in region["actions"]
    )
    assert changes == sorted(
        [
            ("eu-west-1", "EnableSecurityHub", ()),
            ("eu-west-1", "EnableOrganizationAdminAccount", ()),
            ("us-west-2", "UpdateOrganizationConfiguration", ()),
            ("us-west-2", "CreateMembers", (accounts[0],)),
        ]
    ), json.dumps(report, indent=1)


def test_central_configuration_policies_are_listed_as_not_expressible_yet(emulated, tmp_path, capsys):
    emulated.world.settings.central_config_seconds = 0
    designate(emulated)
    home = admin(emulated, "us-east-1")
    home.create_finding_aggregator(RegionLinkingMode="ALL_REGIONS")
    home.update_organization_configuration(
        AutoEnable=False, AutoEnableStandards="NONE", OrganizationConfiguration={"ConfigurationType": "CENTRAL"}
    )
    home.create_configuration_policy(
        Name="baseline",
        ConfigurationPolicy={
            "SecurityHub": {
                "ServiceEnabled": True,
                "EnabledStandardIdentifiers": [],
                "SecurityControlsConfiguration": {"DisabledSecurityControlIdentifiers": []},
            }
        },
    )
    out, err = export(emulated, tmp_path, capsys, "--regions", ",".join(REGIONS))
    assert "not expressible: central configuration policies are not expressible yet; they stay as they are:" in err
    assert "baseline" in out.read_text().split("management_account_id")[0]
    assert load_config(out).configuration_type.value == "CENTRAL"


def test_bad_options_are_refused_naming_the_value_and_the_fix(emulated, tmp_path, capsys):
    assert cli.main(["export", "--emulator", "--endpoint-url", emulated.endpoint_url]) == EXIT_ERROR
    assert "pass --management-account" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["export", "--regions", "us-east-1,useast2"])
    assert "Region 'useast2' is not a Region name" in capsys.readouterr().err
    code = cli.main(
        [
            "export",
            "--emulator",
            "--endpoint-url",
            emulated.endpoint_url,
            "--management-account",
            MANAGEMENT,
            "--regions",
            "us-east-1",
            "--out",
            str(tmp_path / "x.yaml"),
        ]
    )
    assert code == EXIT_ERROR
    assert "no delegated administrator is designated in us-east-1" in capsys.readouterr().err
