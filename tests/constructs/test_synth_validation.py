"""Synth-time validation: each bad input is refused with the construct path, the value and the fix, and every
problem of a declaration comes in one error."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from cdk_securityhub_org import (
    DelegatedAdmin,
    InvitationAccepter,
    MemberList,
    Members,
    OrganizationConfiguration,
    SecurityHubConfigurationError,
    SecurityHubOrganization,
)

MANAGEMENT, ADMINISTRATOR = "111111111111", "222222222222"


def stack(account: str | None = MANAGEMENT) -> cdk.Stack:
    return cdk.Stack(cdk.App(), "Stack", env=cdk.Environment(account=account, region="us-east-1"))


def refused(build) -> SecurityHubConfigurationError:
    with pytest.raises(SecurityHubConfigurationError) as caught:
        build()
    return caught.value


def only_problem(error: SecurityHubConfigurationError, path: str) -> str:
    assert list(error.problems) == [path]
    (problem,) = error.problems[path]
    assert path in str(error) and problem in str(error)
    return problem


@pytest.mark.parametrize(
    ("value", "fix"),
    [
        ("444455556666.0", "was formatted as a decimal number; write '444455556666'"),
        ("4.44456E+11", "is in scientific notation, so its digits are lost; format the column as text"),
        ("12345678901", "has 11 digits; if leading zeros were lost, write '012345678901'"),
        (444455556666, "is a int; write it as a 12-digit string in quotes"),
        (" 444455556666", "has surrounding spaces; write '444455556666'"),
        ("1234-5678-9012", "is not 12 digits; write the 12-digit AWS account ID"),
    ],
)
def test_mangled_account_ids(value, fix):
    error = refused(lambda: DelegatedAdmin(stack(), "DelegatedAdmin", admin_account_id=value, regions=["us-east-1"]))
    problem = only_problem(error, "Stack/DelegatedAdmin")
    assert problem.startswith(f"admin_account_id: account ID {value!r} ")
    assert fix in problem


@pytest.mark.parametrize(
    ("regions", "prop", "fix"),
    [
        (["us-east-9"], "regions[0]", "Region 'us-east-9' is not a Region where Security Hub is available"),
        (["eu-west-1", "eu-westt-1"], "regions[1]", "(did you mean 'eu-west-1'?)"),
        (["us-east-1", "us-east-1"], "regions[1]", "Region 'us-east-1' is listed twice; list each Region once"),
        ("us-east-1", "regions", "'us-east-1' is not a list of Regions; write a list such as ['us-east-1']"),
        ([], "regions", "lists no Region; name at least one Region"),
        (["us-east-1", "cn-north-1"], "regions", "span the partitions ['aws', 'aws-cn']"),
    ],
)
def test_bad_regions(regions, prop, fix):
    error = refused(lambda: DelegatedAdmin(stack(), "DelegatedAdmin", admin_account_id=ADMINISTRATOR, regions=regions))
    problem = only_problem(error, "Stack/DelegatedAdmin")
    assert problem.startswith(f"{prop}: ")
    assert fix in problem


def test_home_region_also_linked():
    error = refused(
        lambda: OrganizationConfiguration(
            stack(ADMINISTRATOR),
            "Configuration",
            regions=["us-east-1", "eu-west-1"],
            home_region="us-east-1",
            linked_regions=["us-east-1", "eu-west-1"],
        )
    )
    problem = only_problem(error, "Stack/Configuration")
    assert "HomeRegion 'us-east-1' is also listed in LinkedRegions; remove it from LinkedRegions" in problem


def test_home_region_outside_the_regions():
    error = refused(
        lambda: OrganizationConfiguration(
            stack(ADMINISTRATOR), "Configuration", regions=["eu-west-1"], home_region="us-east-1"
        )
    )
    problem = only_problem(error, "Stack/Configuration")
    assert "HomeRegion 'us-east-1' must also be one of Regions ['eu-west-1']" in problem


def test_central_configuration_run_by_the_management_account():
    error = refused(
        lambda: OrganizationConfiguration(
            stack(MANAGEMENT),
            "Configuration",
            regions=["us-east-1"],
            configuration_type="CENTRAL",
            auto_enable=False,
            auto_enable_standards="NONE",
            home_region="us-east-1",
            management_account_id=MANAGEMENT,
        )
    )
    problem = only_problem(error, "Stack/Configuration")
    assert problem.startswith("configuration_type: CENTRAL configuration cannot be run by the management account")
    assert MANAGEMENT in problem and "designate another account as delegated administrator, or use LOCAL" in problem


def test_central_configuration_rules_from_the_handler_contract():
    error = refused(
        lambda: OrganizationConfiguration(
            stack(ADMINISTRATOR), "Configuration", regions=["us-east-1"], configuration_type="CENTRAL"
        )
    )
    problems = error.problems["Stack/Configuration"]
    assert any("CENTRAL configuration needs a home Region" in p for p in problems)
    assert any("CENTRAL configuration requires AutoEnable=false" in p for p in problems)
    assert any("CENTRAL configuration requires AutoEnableStandards=NONE" in p for p in problems)


def test_administrator_in_its_own_member_list():
    error = refused(
        lambda: Members(
            stack(ADMINISTRATOR),
            "Members",
            member_list=MemberList.from_accounts(["333333333333", ADMINISTRATOR]),
            regions=["us-east-1"],
        )
    )
    problem = only_problem(error, "Stack/Members")
    assert problem == (
        f"member_list: the administrator account {ADMINISTRATOR} is in its own member list (accounts[1]);"
        " remove it there"
    )


def test_same_account_with_different_emails():
    member_list = MemberList.from_accounts([("333333333333", "a@example.com"), ("333333333333", "b@example.com")])
    error = refused(lambda: Members(stack(ADMINISTRATOR), "Members", member_list=member_list, regions=["us-east-1"]))
    problem = only_problem(error, "Stack/Members")
    assert problem == (
        "member_list: account 333333333333 is listed with different emails: 'a@example.com' (accounts[0]),"
        " 'b@example.com' (accounts[1]); keep one entry per account"
    )


@pytest.mark.parametrize("value", [0, 127, 10_241, "1769", 1769.0, True, None])
def test_reconciler_memory_size_is_a_lambda_memory_size(value):
    error = refused(
        lambda: Members(
            stack(ADMINISTRATOR),
            "Members",
            member_list=MemberList.from_accounts(["333333333333"]),
            regions=["us-east-1"],
            reconciler_memory_size=value,
        )
    )
    assert only_problem(error, "Stack/Members") == (
        f"reconciler_memory_size: {value!r} is not a Lambda memory size; write a whole number of MB from 128 to"
        " 10,240, such as 1769 (one vCPU)"
    )


def test_csv_problems_reach_the_members_error_with_their_line_numbers(tmp_path):
    csv_file = tmp_path / "members.csv"
    csv_file.write_text("Account ID,Email\n444455556666.0,a@example.com\n\n555566667777,b@example.com\n")
    error = refused(
        lambda: Members(
            stack(ADMINISTRATOR), "Members", member_list=MemberList.from_csv(csv_file), regions=["us-east-1"]
        )
    )
    assert error.problems["Stack/Members"] == [
        f"member_list: {csv_file} line 2: account ID '444455556666.0' was formatted as a decimal number;"
        " write '444455556666'",
        f"member_list: {csv_file} line 3: the line is blank; remove it",
    ]


@pytest.mark.parametrize(
    ("prop", "value", "fix"),
    [
        ("prune", "DELETE", "'DELETE' is not one of ['NONE', 'DISASSOCIATE', 'DELETE_INVITED']; use one of them"),
        ("removal_policy", cdk.RemovalPolicy.SNAPSHOT, "use RemovalPolicy.RETAIN or RemovalPolicy.DESTROY"),
        ("on_region_unavailable", "IGNORE", "'IGNORE' is not one of ['FAIL', 'SKIP']"),
        ("invite_non_organization_accounts", "yes", "'yes' is not true or false; write True or False"),
    ],
)
def test_bad_choices(prop, value, fix):
    error = refused(
        lambda: Members(
            stack(ADMINISTRATOR),
            "Members",
            member_list=MemberList.from_organization(),
            regions=["us-east-1"],
            **{prop: value},
        )
    )
    problem = only_problem(error, "Stack/Members")
    assert problem.startswith(f"{prop}: ")
    assert fix in problem


def test_declared_account_must_be_the_stacks_account():
    error = refused(
        lambda: DelegatedAdmin(
            stack(MANAGEMENT),
            "DelegatedAdmin",
            admin_account_id=ADMINISTRATOR,
            regions=["us-east-1"],
            management_account_id="999999999999",
        )
    )
    problem = only_problem(error, "Stack/DelegatedAdmin")
    assert problem == (
        "management_account_id: '999999999999' is not the account of stack Stack (111111111111); deploy this"
        " construct in a stack of account '999999999999', or correct management_account_id"
    )


def test_an_account_cannot_accept_its_own_invitation():
    error = refused(
        lambda: InvitationAccepter(
            stack(ADMINISTRATOR), "Accepter", administrator_account_id=ADMINISTRATOR, regions=["us-east-1"]
        )
    )
    problem = only_problem(error, "Stack/Accepter")
    assert problem.startswith(f"administrator_account_id: '{ADMINISTRATOR}' is the member account itself")


def test_a_region_the_handler_would_refuse_is_caught_by_the_round_trip():
    # botocore knows the European Sovereign Cloud Region; the handler's Region check does not accept its name.
    error = refused(
        lambda: DelegatedAdmin(stack(), "DelegatedAdmin", admin_account_id=ADMINISTRATOR, regions=["eusc-de-east-1"])
    )
    problems = error.problems["Stack/DelegatedAdmin"]
    assert problems[0].startswith("the handler would refuse this declaration: Regions: Region 'eusc-de-east-1'")


def test_every_problem_of_a_construct_comes_in_one_error():
    error = refused(
        lambda: DelegatedAdmin(
            stack(),
            "DelegatedAdmin",
            admin_account_id="4.44456E+11",
            regions=["us-east-1", "us-east-1", "mars-north-1"],
            removal_policy=cdk.RemovalPolicy.SNAPSHOT,
            allow_replace="no",
        )
    )
    problems = error.problems["Stack/DelegatedAdmin"]
    assert [p.split(":")[0] for p in problems] == [
        "admin_account_id",
        "regions[1]",
        "regions[2]",
        "removal_policy",
        "allow_replace",
    ]
    assert str(error).startswith("5 problem(s) in the Security Hub declaration:\nStack/DelegatedAdmin:\n  - ")


def test_the_stage_reports_every_constructs_problems_once_in_one_error():
    error = refused(
        lambda: SecurityHubOrganization(
            cdk.App(),
            "SecurityHub",
            management_account_id="11111111111",
            administrator_account_id=ADMINISTRATOR,
            regions=["us-east-1", "us-east-1"],
            configuration_type="CENTRAL",
            member_list=MemberList.from_accounts([ADMINISTRATOR]),
        )
    )
    assert set(error.problems) == {
        "SecurityHub/Management/DelegatedAdmin",
        "SecurityHub/Administrator/OrganizationConfiguration",
        "SecurityHub/Administrator/Members",
    }
    text = str(error)
    # The duplicate Region and the bad management account are found by several constructs, reported once.
    assert text.count("Region 'us-east-1' is listed twice") == 1
    assert text.count("account ID '11111111111' has 11 digits") == 1
    assert "CENTRAL configuration needs a home Region" in text
    assert f"the administrator account {ADMINISTRATOR} is in its own member list" in text
