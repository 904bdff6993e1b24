"""Fuzzing the two parsers a user's declaration goes through: the member CSV (synth side) and the resource
properties (handler side). Nothing but the documented validation error may come out, and what one side accepts the
other accepts too.

``tests/handler/test_desired.py`` already throws random dictionaries at three of the property parsers; here the
fourth parser, near-valid properties (valid ones with a few values mutated), valid declarations round-tripped
through CloudFormation's strings, and CSV files.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from cdk_securityhub_org import MemberList, SecurityHubConfigurationError
from cdk_securityhub_org._validation import as_cloudformation_delivers
from cdk_securityhub_org.handler.engine.declaration import DeclarationError, OnRegionUnavailable, RemovalPolicy, Scope
from cdk_securityhub_org.handler.kinds.delegated_admin.spec import DelegatedAdminSpec, parse_delegated_admin
from cdk_securityhub_org.handler.kinds.invitation_accepter.spec import InvitationAccepterSpec, parse_invitation_accepter
from cdk_securityhub_org.handler.kinds.members.spec import (
    MemberAccount,
    MemberListDocument,
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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ------------------------------------------------------------------------------------------------------ the CSV

account_ids = st.from_regex(r"\d{12}", fullmatch=True)
mangled_ids = st.one_of(
    account_ids.map(lambda a: a + ".0"),
    st.from_regex(r"\d\.\d{1,5}E\+1[01]", fullmatch=True),
    st.from_regex(r"\d{1,11}", fullmatch=True),
    st.from_regex(r"\d{13,14}", fullmatch=True),
    account_ids.map(lambda a: f"{a[:4]}-{a[4:8]}-{a[8:]}"),
)
emails = st.one_of(st.emails(), st.sampled_from(["", "a@example", "a b@example.com", "a@@example.com", "é@é.é"]))
junk = st.text(alphabet=st.sampled_from(list("01a9 ,;\t\"'@.-é\ufeff")), max_size=16)
cells = st.one_of(account_ids, mangled_ids, emails, junk)


def quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\n') else cell


rows = st.lists(cells, min_size=0, max_size=4).map(lambda row: ",".join(quoted(c) for c in row))
headers = st.sampled_from(
    ["Account ID,Email", "account id,email", "Account ID", "AccountId;Email", "", "Email,Account ID"]
)
csv_texts = st.builds(
    lambda bom, header, body, ending, last: ("\ufeff" if bom else "") + ending.join([header, *body]) + last,
    st.booleans(),
    headers,
    st.lists(st.one_of(rows, account_ids.map(lambda a: f"{a},m{a}@example.com")), max_size=8),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.sampled_from(["", "\n"]),
)
# Files the console would write: the header, then accounts with or without an email.
clean_csv_texts = st.builds(
    lambda bom, body, ending: ("\ufeff" if bom else "") + ending.join(["Account ID,Email", *body]) + ending,
    st.booleans(),
    st.lists(st.tuples(account_ids, st.none() | st.emails()).map(lambda r: f"{r[0]},{r[1] or ''}"), max_size=8),
    st.sampled_from(["\n", "\r\n"]),
)
csv_files = st.one_of(
    clean_csv_texts.map(lambda text: text.encode("utf-8")),
    csv_texts.map(lambda text: text.encode("utf-8")),
    csv_texts.map(lambda text: text.encode("utf-16")),
    csv_texts.map(lambda text: text.encode("latin-1", errors="replace")),
    st.binary(max_size=200),
)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[bytes], Path]]:
    directory = tmp_path_factory.mktemp("fuzzed-csv")

    def write(content: bytes) -> Path:
        path = directory / "members.csv"
        path.write_bytes(content)
        return path

    yield write


@SETTINGS
@given(content=csv_files)
def test_csv_reading_reports_problems_and_what_it_accepts_the_handler_accepts(content: bytes, scratch, figures):
    path = scratch(content)
    members = MemberList.from_csv(path)  # reading never raises: problems are collected
    problems = members.problems
    figures.fuzz_examples["CSV files"] = figures.fuzz_examples.get("CSV files", 0) + 1
    if problems:
        assert all(isinstance(p, str) and (str(path) in p or "listed with different emails" in p) for p in problems)
        with pytest.raises(SecurityHubConfigurationError):
            members.document()
        figures.inputs_rejected["fuzzed CSV files"] = figures.inputs_rejected.get("fuzzed CSV files", 0) + 1
        return
    document = members.document()
    # The S3 asset's content, as the handler parses it after the deploy.
    assert parse_member_list_document(document.dumps()) == document


# ------------------------------------------------------------------------------------------ resource properties

regions = st.lists(
    st.sampled_from(["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2", "af-south-1"]),
    min_size=1,
    max_size=4,
    unique=True,
)
scopes = st.builds(
    Scope,
    regions=regions.map(tuple),
    expected_account=st.none() | account_ids,
    on_region_unavailable=st.sampled_from(OnRegionUnavailable),
    removal_policy=st.sampled_from(RemovalPolicy),
)
ou_ids = st.from_regex(r"ou-[0-9a-z]{4}-[a-z0-9]{8}", fullmatch=True)
selectors = st.builds(
    OrganizationSelector,
    organizational_units=st.none() | st.lists(ou_ids, max_size=2, unique=True).map(tuple),
    exclude_accounts=st.lists(account_ids, max_size=2, unique=True).map(tuple),
    exclude_organizational_units=st.lists(ou_ids, max_size=2, unique=True).map(tuple),
)
member_lists = st.builds(
    MemberListDocument,
    accounts=st.lists(
        st.builds(MemberAccount, account_ids, st.none() | st.emails()), max_size=5, unique_by=lambda a: a.account_id
    ).map(tuple),
    selectors=st.lists(selectors, max_size=2).map(tuple),
)


@st.composite
def organization_configurations(draw: st.DrawFn) -> OrganizationConfigurationSpec:
    scope = draw(scopes)
    central = draw(st.booleans())
    home = draw(st.none() | st.sampled_from(scope.regions)) if not central else draw(st.sampled_from(scope.regions))
    return OrganizationConfigurationSpec(
        scope=scope,
        auto_enable=False if central else draw(st.booleans()),
        auto_enable_standards=AutoEnableStandards.NONE if central else draw(st.sampled_from(AutoEnableStandards)),
        configuration_type=ConfigurationType.CENTRAL if central else ConfigurationType.LOCAL,
        home_region=home,
        linked_regions=tuple(r for r in scope.regions if r != home) if home else (),
    )


@st.composite
def members_specs(draw: st.DrawFn) -> MembersSpec:
    scope = draw(scopes)
    document = draw(member_lists)
    accounts = tuple(a for a in document.accounts if a.account_id != scope.expected_account)
    return MembersSpec(
        scope=scope,
        member_list=MemberListDocument(accounts, document.selectors),
        prune=draw(st.sampled_from(PrunePolicy)),
        invite_non_organization_accounts=draw(st.booleans()),
        restore_disassociated=draw(st.booleans()),
    )


@st.composite
def accepter_specs(draw: st.DrawFn) -> InvitationAccepterSpec:
    scope = draw(scopes)
    administrator = draw(account_ids.filter(lambda a: a != scope.expected_account))
    return InvitationAccepterSpec(administrator, scope)


declarations = st.one_of(
    st.builds(DelegatedAdminSpec, account_ids, scopes, st.booleans(), st.booleans()).map(
        lambda s: (parse_delegated_admin, s)
    ),
    organization_configurations().map(lambda s: (parse_organization_configuration, s)),
    members_specs().map(lambda s: (parse_members, s)),
    accepter_specs().map(lambda s: (parse_invitation_accepter, s)),
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=14)
    | st.sampled_from(["true", "FALSE", "", "us-east-1"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=12,
)


@SETTINGS
@given(declaration=declarations)
def test_every_valid_declaration_survives_cloudformations_strings(declaration, figures):
    parse, spec = declaration
    assert parse(as_cloudformation_delivers(spec.to_properties())) == spec
    figures.fuzz_examples["valid declarations"] = figures.fuzz_examples.get("valid declarations", 0) + 1


def mutate(properties: Any, path: list[Any], value: Any) -> Any:
    """``properties`` with the item at ``path`` replaced by ``value`` (deleted when ``value`` is ``...``)."""
    if not path or not isinstance(properties, dict | list) or not properties:
        return properties if path else value
    container = dict(properties) if isinstance(properties, dict) else list(properties)
    key = list(container)[path[0] % len(container)] if isinstance(container, dict) else path[0] % len(container)
    if len(path) == 1 and value is ...:
        del container[key]
    else:
        container[key] = mutate(container[key], path[1:], value)
    return container


@SETTINGS
@given(
    declaration=declarations,
    mutations=st.lists(
        st.tuples(st.lists(st.integers(0, 9), min_size=1, max_size=4), st.just(...) | json_values),
        min_size=1,
        max_size=3,
    ),
)
def test_near_valid_properties_raise_only_the_documented_error(declaration, mutations, figures):
    parse, spec = declaration
    properties = as_cloudformation_delivers(spec.to_properties())
    for path, value in mutations:
        properties = mutate(properties, path, value)
    figures.fuzz_examples["mutated properties"] = figures.fuzz_examples.get("mutated properties", 0) + 1
    try:
        parsed = parse(properties)
    except DeclarationError as error:
        assert error.problems and all(isinstance(p, str) and p for p in error.problems)
        figures.inputs_rejected["mutated properties"] = figures.inputs_rejected.get("mutated properties", 0) + 1
        return
    # Whatever is accepted is a declaration that survives the round trip as well.
    assert parse(as_cloudformation_delivers(parsed.to_properties())) == parsed


@SETTINGS
@given(
    properties=st.dictionaries(
        st.sampled_from(
            ["Regions", "AdministratorAccountId", "ExpectedAccount", "RemovalPolicy", "OnRegionUnavailable"]
        )
        | st.text(max_size=8),
        json_values,
    )
)
def test_accepter_property_parsing_raises_only_the_documented_error(properties: Mapping[str, Any], figures):
    figures.fuzz_examples["accepter properties"] = figures.fuzz_examples.get("accepter properties", 0) + 1
    with contextlib.suppress(DeclarationError):
        parse_invitation_accepter(properties)


@SETTINGS
@given(text=st.one_of(st.binary(max_size=100), json_values.map(lambda v: json.dumps({"Accounts": v}).encode())))
def test_member_list_documents_from_s3_raise_only_the_documented_error(text: bytes, figures):
    figures.fuzz_examples["member-list documents"] = figures.fuzz_examples.get("member-list documents", 0) + 1
    with contextlib.suppress(DeclarationError):
        parse_member_list_document(text)
