"""Parsing the properties CloudFormation delivers (strings everywhere) and the round trip from the constructs."""

from __future__ import annotations

import contextlib

import pytest
from cdk_securityhub_org.handler.engine.declaration import DeclarationError, Scope, account_id_problem
from cdk_securityhub_org.handler.kinds.delegated_admin.spec import DelegatedAdminSpec, parse_delegated_admin
from cdk_securityhub_org.handler.kinds.members.spec import (
    MemberAccount,
    MemberListDocument,
    MemberListLocation,
    MembersSpec,
    OrganizationSelector,
    PrunePolicy,
    parse_member_list_document,
    parse_members,
)
from cdk_securityhub_org.handler.kinds.organization_configuration.spec import (
    AutoEnableStandards,
    ConfigurationType,
    OrganizationConfigurationSpec,
    parse_organization_configuration,
)
from hypothesis import given, settings
from hypothesis import strategies as st


def stringify(value):
    """What CloudFormation does to every scalar in resource properties."""
    if isinstance(value, dict):
        return {k: stringify(v) for k, v in value.items()}
    if isinstance(value, list):
        return [stringify(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@pytest.mark.parametrize(
    ("value", "fix"),
    [
        ("444455556666.0", "'444455556666'"),
        ("4.44456E+11", "scientific notation"),
        ("44445555666", "'044445555666'"),
        (444455556666, "12-digit string"),
        (" 444455556666", "surrounding spaces"),
        ("4444-5555-6666", "12-digit AWS account ID"),
    ],
)
def test_mangled_account_ids_are_named_with_the_fix(value, fix):
    problem = account_id_problem(value)
    assert problem is not None and repr(value) in problem and fix in problem


def test_round_trip_through_cloudformation_strings():
    scope = Scope(("us-east-1", "eu-west-1"), expected_account="000000000002")
    members = MembersSpec(
        scope=scope,
        member_list=MemberListDocument(
            (MemberAccount("000000000123", "a@example.com"),),
            (OrganizationSelector(("ou-ab12-abcdefgh",), ("000000000004",)),),
        ),
        prune=PrunePolicy.DELETE_INVITED,
        invite_non_organization_accounts=False,
    )
    assert parse_members(stringify(members.to_properties())) == members
    admin = DelegatedAdminSpec("000000000002", Scope(("us-east-1",)), allow_replace=True)
    assert parse_delegated_admin(stringify(admin.to_properties())) == admin
    configuration = OrganizationConfigurationSpec(
        scope=scope,
        auto_enable=False,
        auto_enable_standards=AutoEnableStandards.NONE,
        configuration_type=ConfigurationType.CENTRAL,
        home_region="us-east-1",
    )
    assert parse_organization_configuration(stringify(configuration.to_properties())) == configuration
    location = MembersSpec(scope=scope, member_list=MemberListLocation("bucket", "key.json", "ab" * 32))
    assert parse_members(stringify(location.to_properties())) == location


def test_every_problem_is_reported_at_once():
    with pytest.raises(DeclarationError) as caught:
        parse_organization_configuration(
            {
                "Regions": ["us-east-1", "us-east-1", "nowhere"],
                "ConfigurationType": "CENTRAL",
                "AutoEnable": "yes",
                "HomeRegion": "eu-west-1",
                "LinkedRegions": ["eu-west-1"],
            }
        )
    problems = caught.value.problems
    assert len(problems) >= 5, problems
    text = str(caught.value)
    for fragment in (
        "listed twice",
        "'nowhere'",
        "AutoEnable",
        "HomeRegion 'eu-west-1' must also",
        "also listed in LinkedRegions",
    ):
        assert fragment in text


def test_member_list_rejects_conflicting_emails_and_its_own_administrator():
    with pytest.raises(DeclarationError, match="different emails") as caught:
        parse_members(
            {
                "Regions": ["us-east-1"],
                "ExpectedAccount": "000000000002",
                "MemberList": {
                    "Accounts": [
                        {"AccountId": "000000000005", "Email": "a@example.com"},
                        {"AccountId": "000000000005", "Email": "b@example.com"},
                        {"AccountId": "000000000002"},
                    ]
                },
            }
        )
    assert "own member list" in str(caught.value)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
known_keys = st.sampled_from(
    [
        "Regions",
        "MemberList",
        "MemberListLocation",
        "Prune",
        "ExpectedAccount",
        "Accounts",
        "OrganizationSelectors",
        "AccountId",
        "Email",
        "RemovalPolicy",
        "InviteNonOrganizationAccounts",
        "OrganizationalUnits",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(known_keys | st.text(max_size=8), json_values | st.dictionaries(known_keys, json_values)))
def test_property_parsing_raises_only_the_documented_error(properties):
    for parse in (parse_members, parse_delegated_admin, parse_organization_configuration):
        with contextlib.suppress(DeclarationError):
            parse(properties)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_member_list_document_parsing_raises_only_the_documented_error(body):
    with contextlib.suppress(DeclarationError):
        parse_member_list_document(body)


@pytest.mark.parametrize(("count", "invite", "cap"), [(11_001, "true", "11,000"), (10_001, "false", "10,000")])
def test_plan_refuses_more_explicit_accounts_than_the_quota(count, invite, cap):
    properties = {
        "Regions": ["us-east-1"],
        "MemberList": {"Accounts": [{"AccountId": f"{n:012d}"} for n in range(10**6, 10**6 + count)]},
        "InviteNonOrganizationAccounts": invite,
    }
    with pytest.raises(DeclarationError, match=rf"declares {count:,} accounts.*declare at most {cap}"):
        parse_members(properties)
    properties["MemberList"]["Accounts"].pop()
    assert len(parse_members(properties).member_list.accounts) == count - 1
