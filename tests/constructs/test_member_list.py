"""MemberList from code and from the organization, and unions of lists."""

from __future__ import annotations

from cdk_securityhub_org import MemberList
from cdk_securityhub_org.handler.kinds.members.spec import MemberAccount, OrganizationSelector


def test_accounts_are_accepted_in_every_documented_form():
    members = MemberList.from_accounts(
        [
            MemberAccount("111111111111", "a@example.com"),
            "222222222222",
            ("333333333333", "c@example.com"),
            {"account_id": "444444444444", "email": "d@example.com"},
        ]
    )
    assert members.problems == []
    assert [a.account_id for a in members.document().accounts] == [
        "111111111111",
        "222222222222",
        "333333333333",
        "444444444444",
    ]


def test_bad_accounts_are_reported_by_index():
    problems = MemberList.from_accounts(
        [444455556666, {"account": "111111111111"}, ("12345678901", "bad"), None]
    ).problems
    assert problems[0].startswith("accounts[0]: account ID 444455556666 is a int; write it as a 12-digit string")
    assert problems[1].startswith("accounts[1]: unknown keys ['account']")
    assert problems[2].startswith("accounts[2]: account ID '12345678901' has 11 digits")
    assert problems[3].startswith("accounts[2]: email 'bad' is not a valid email address")
    assert problems[4].startswith("accounts[3]: None is not an account")


def test_organization_selector_and_its_problems():
    selector = MemberList.from_organization(
        organizational_units=["ou-ab12-cdefgh34"], exclude_accounts=["111111111111"]
    ).document()
    assert selector.selectors == (
        OrganizationSelector(organizational_units=("ou-ab12-cdefgh34",), exclude_accounts=("111111111111",)),
    )
    assert MemberList.from_organization().document().selectors == (OrganizationSelector(),)
    problems = MemberList.from_organization(
        organizational_units=["marketing"], exclude_accounts="111111111111"
    ).problems
    assert problems == [
        "organization.organizational_units[0]: organizational unit 'marketing' is not an OU ID ('ou-xxxx-xxxxxxxx')"
        " or a root ID ('r-xxxx')",
        "organization.exclude_accounts: '111111111111' is not a list; write ['111111111111']",
    ]


def test_union_merges_duplicates_and_keeps_the_email():
    union = (
        MemberList.union(
            MemberList.from_accounts(["111111111111"]),
            MemberList.from_accounts([("111111111111", "a@example.com")]),
            MemberList.from_organization(),
        )
        | MemberList.from_organization()
    )
    document = union.document()
    assert document.accounts == (MemberAccount("111111111111", "a@example.com"),)
    assert document.selectors == (OrganizationSelector(),)


def test_union_reports_an_account_with_different_emails_and_where_each_came_from(tmp_path):
    csv_file = tmp_path / "members.csv"
    csv_file.write_text("Account ID,Email\n111111111111,a@example.com\n")
    union = MemberList.from_csv(csv_file) | MemberList.from_accounts([("111111111111", "b@example.com")])
    (problem,) = union.problems
    assert f"'a@example.com' ({csv_file} line 2)" in problem
    assert "'b@example.com' (accounts[0])" in problem


def test_order_does_not_change_the_document():
    forward = MemberList.from_accounts(["111111111111", "222222222222"]).document()
    backward = MemberList.from_accounts(["222222222222", "111111111111"]).document()
    assert forward.dumps() == backward.dumps()
