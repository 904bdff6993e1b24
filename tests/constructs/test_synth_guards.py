"""The synth-time guards of destructive declarations: pruning an empty member list, more members than the quota,
declarations that fight each other anywhere in the app, and the warnings for unchecked or discouraged setups."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Annotations, Match
from cdk_securityhub_org import (
    DelegatedAdmin,
    MemberList,
    Members,
    OrganizationConfiguration,
    SecurityHubConfigurationError,
    SecurityHubOrganization,
    load_config,
)

MANAGEMENT, ADMINISTRATOR, OTHER = "111111111111", "222222222222", "333333333333"
EMPTY_LIST = "declares no account and no organization selector"


def stack(app: cdk.App, name: str = "Stack", account: str | None = ADMINISTRATOR) -> cdk.Stack:
    return cdk.Stack(app, name, env=cdk.Environment(account=account, region="us-east-1"))


def conflicts(app: cdk.App) -> str:
    """The message of the one error that synth raises for the app's conflicting declarations."""
    with pytest.raises(RuntimeError, match="Validation failed") as caught:
        app.synth()
    return str(caught.value)


# ------------------------------------------------------------------------------------- pruning an empty list


@pytest.mark.parametrize("prune", ["DISASSOCIATE", "DELETE_INVITED"])
def test_pruning_a_list_built_from_no_accounts_is_refused(prune):
    with pytest.raises(SecurityHubConfigurationError) as caught:
        Members(
            stack(cdk.App()), "Members", member_list=MemberList.from_accounts([]), regions=["us-east-1"], prune=prune
        )
    (problem,) = caught.value.problems["Stack/Members"]
    assert f"member_list: {EMPTY_LIST}, so prune={prune!r} would remove every member" in problem
    assert "set allow_empty_member_list=True to remove them all" in problem


def test_pruning_a_header_only_csv_is_refused_and_names_the_csv(tmp_path):
    path = tmp_path / "members.csv"
    path.write_text("Account ID,Email\n")
    with pytest.raises(SecurityHubConfigurationError, match="is the CSV only a header"):
        Members(
            stack(cdk.App()),
            "Members",
            member_list=MemberList.from_csv(path),
            regions=["us-east-1"],
            prune="DISASSOCIATE",
        )


def test_an_empty_list_prunes_when_asked_by_name_and_never_without_pruning():
    app = cdk.App()
    pruning = Members(
        stack(app),
        "Members",
        member_list=MemberList.from_accounts([]),
        regions=["us-east-1"],
        prune="DISASSOCIATE",
        allow_empty_member_list=True,
    )
    assert pruning.spec.prune == "DISASSOCIATE"
    Members(stack(app, "Other", OTHER), "Members", member_list=MemberList.from_accounts([]), regions=["us-east-1"])
    app.synth()


def test_the_stage_and_the_yaml_carry_allow_empty_member_list(tmp_path):
    (tmp_path / "members.csv").write_text("Account ID,Email\n")
    config = tmp_path / "securityhub.yaml"
    head = f'management_account_id: "{MANAGEMENT}"\nadministrator_account_id: "{ADMINISTRATOR}"\n'
    head += "regions: [us-east-1]\nauto_enable: false\nmembers:\n  csv: members.csv\n  prune: DISASSOCIATE\n"
    config.write_text(head)
    with pytest.raises(SecurityHubConfigurationError, match=EMPTY_LIST):
        SecurityHubOrganization(cdk.App(), "SecurityHub", **load_config(config).organization_props())
    config.write_text(head + "  allow_empty_member_list: true\n")
    stage = SecurityHubOrganization(cdk.App(), "SecurityHub", **load_config(config).organization_props())
    assert stage.members is not None and stage.members.document.accounts == ()


# ------------------------------------------------------------------------------------------------ the quota


@pytest.mark.parametrize(("count", "invite", "quota"), [(11_001, True, "and 1,000 invited"), (10_001, False, "")])
def test_more_explicit_accounts_than_the_quota_are_refused(count, invite, quota):
    accounts = MemberList.from_accounts(f"{n:012d}" for n in range(1_000_000, 1_000_000 + count))
    with pytest.raises(SecurityHubConfigurationError) as caught:
        Members(
            stack(cdk.App()),
            "Members",
            member_list=accounts,
            regions=["us-east-1"],
            invite_non_organization_accounts=invite,
        )
    text = str(caught.value)
    assert f"the member list declares {count:,} accounts" in text
    assert f"(10,000 organization accounts {quota}".rstrip() in text
    assert f"declare at most {count - 1:,}" in text


# ------------------------------------------------------------------------------- conflicts across the app


def pruning_members(scope: cdk.Stack, id: str, regions: list[str], account: str = "444455556666") -> Members:
    return Members(scope, id, member_list=MemberList.from_accounts([account]), regions=regions, prune="DISASSOCIATE")


def test_two_pruning_members_of_one_administrator_in_one_region_are_refused():
    app = cdk.App()
    pruning_members(stack(app, "First"), "Members", ["us-east-1", "eu-west-1"])
    pruning_members(stack(app, "Second"), "Members", ["eu-west-1"], "555566667777")
    text = conflicts(app)
    assert f"First/Members and Second/Members both prune the members of {ADMINISTRATOR} in ['eu-west-1']" in text
    assert "declare them in one Members (MemberList.union), or set prune='NONE' on all but one" in text


def test_pruning_members_in_other_regions_or_other_administrators_do_not_conflict():
    app = cdk.App()
    pruning_members(stack(app, "First"), "Members", ["us-east-1"])
    pruning_members(stack(app, "Second"), "Members", ["eu-west-1"])
    pruning_members(stack(app, "Third", OTHER), "Members", ["us-east-1"])
    app.synth()


def test_two_delegated_admins_naming_different_administrators_are_refused_across_stages():
    app = cdk.App()
    for name, administrator in (("Blue", ADMINISTRATOR), ("Green", OTHER)):
        DelegatedAdmin(
            stack(cdk.Stage(app, name), "Management", MANAGEMENT),
            "DelegatedAdmin",
            admin_account_id=administrator,
            regions=["us-east-1"],
        )
    text = conflicts(app)
    assert f"Blue/Management/DelegatedAdmin names {ADMINISTRATOR}" in text
    assert f"Green/Management/DelegatedAdmin names {OTHER}" in text
    assert "name the same account in each, or keep one DelegatedAdmin" in text


@pytest.mark.parametrize(
    ("member_list", "left_out"),
    [
        (MemberList.from_organization(exclude_accounts=[OTHER]), f"excludes the accounts ['{OTHER}']"),
        (
            MemberList.from_organization(exclude_organizational_units=["ou-ab12-cdefgh34"]),
            "excludes the OUs ['ou-ab12-cdefgh34']",
        ),
    ],
)
def test_auto_enable_with_a_pruning_list_that_excludes_accounts_is_refused(member_list, left_out):
    app = cdk.App()
    SecurityHubOrganization(
        app,
        "SecurityHub",
        management_account_id=MANAGEMENT,
        administrator_account_id=ADMINISTRATOR,
        regions=["us-east-1"],
        member_list=member_list,
        prune="DISASSOCIATE",
    )
    text = conflicts(app)
    assert "SecurityHub/Administrator/OrganizationConfiguration auto-enables new organization accounts" in text
    assert f"SecurityHub/Administrator/Members prunes (prune='DISASSOCIATE') with a member list that {left_out}" in text
    assert "set auto_enable=False, or prune='NONE'" in text


def test_auto_enable_with_a_list_without_exclusions_or_without_pruning_does_not_conflict():
    app = cdk.App()
    configuration = stack(app, "Configuration")
    OrganizationConfiguration(configuration, "OrganizationConfiguration", regions=["us-east-1"])
    Members(
        configuration,
        "Everyone",
        member_list=MemberList.from_organization(),
        regions=["us-east-1"],
        prune="DISASSOCIATE",
    )
    Members(
        configuration, "Some", member_list=MemberList.from_organization(exclude_accounts=[OTHER]), regions=["us-east-1"]
    )
    app.synth()


def test_every_conflict_of_the_app_comes_in_one_error():
    app = cdk.App()
    administrator = stack(app, "Administrator")
    OrganizationConfiguration(administrator, "OrganizationConfiguration", regions=["us-east-1"])
    pruning_members(administrator, "First", ["us-east-1"])
    Members(
        administrator,
        "Second",
        member_list=MemberList.from_organization(exclude_accounts=[OTHER]),
        regions=["us-east-1"],
        prune="DELETE_INVITED",
    )
    management = stack(app, "Management", MANAGEMENT)
    DelegatedAdmin(management, "A", admin_account_id=ADMINISTRATOR, regions=["us-east-1"])
    DelegatedAdmin(management, "B", admin_account_id=OTHER, regions=["us-east-1"])
    text = conflicts(app)
    assert text.count("both prune the members") == 1
    assert text.count("name different administrators") == 1
    assert text.count("auto-enables new organization accounts") == 1


# ------------------------------------------------------------------------------------------------ warnings


def test_members_in_an_account_agnostic_stack_without_an_account_is_warned():
    app = cdk.App()
    agnostic = stack(app, "Agnostic", None)
    Members(agnostic, "Members", member_list=MemberList.from_accounts(["444455556666"]), regions=["us-east-1"])
    warning = Match.string_like_regexp("is not known at synth time.*give administrator_account_id")
    Annotations.from_stack(agnostic).has_warning("/Agnostic/Members", warning)
    named = stack(app, "Named", None)
    Members(
        named,
        "Members",
        member_list=MemberList.from_accounts(["444455556666"]),
        regions=["us-east-1"],
        administrator_account_id=ADMINISTRATOR,
    )
    Annotations.from_stack(named).has_no_warning("*", Match.any_value())


def test_the_management_account_as_administrator_is_warned():
    app = cdk.App()
    management = stack(app, "Management", MANAGEMENT)
    DelegatedAdmin(management, "DelegatedAdmin", admin_account_id=MANAGEMENT, regions=["us-east-1"])
    warning = Match.string_like_regexp(f"admin_account_id {MANAGEMENT} is the management account.*name a security")
    Annotations.from_stack(management).has_warning("/Management/DelegatedAdmin", warning)
    other = stack(app, "Other", OTHER)
    DelegatedAdmin(other, "DelegatedAdmin", admin_account_id=ADMINISTRATOR, regions=["us-east-1"])
    Annotations.from_stack(other).has_no_warning("*", Match.any_value())
