"""MemberList.from_csv: the console's CSV format, every problem reported with its line number."""

from __future__ import annotations

import pytest
from cdk_securityhub_org import MemberList, SecurityHubConfigurationError
from cdk_securityhub_org.handler.kinds.members.spec import MemberAccount


def read(tmp_path, content: bytes | str) -> MemberList:
    path = tmp_path / "members.csv"
    if isinstance(content, str):
        path.write_text(content, newline="")
    else:
        path.write_bytes(content)
    return MemberList.from_csv(path)


def test_the_console_format_is_read(tmp_path):
    members = read(tmp_path, "Account ID,Email\n111111111111,user@example.com\n012345678901,\n")
    assert members.problems == []
    assert members.document().accounts == (
        MemberAccount("012345678901", None),
        MemberAccount("111111111111", "user@example.com"),
    )


def test_a_byte_order_mark_and_crlf_line_endings_are_accepted(tmp_path):
    members = read(tmp_path, "\ufeffAccount ID,Email\r\n111111111111,user@example.com\r\n".encode())
    assert members.problems == []
    assert members.document().accounts == (MemberAccount("111111111111", "user@example.com"),)


def test_quoted_fields_and_spaces_around_cells_are_accepted(tmp_path):
    members = read(tmp_path, 'Account ID,Email\n"111111111111", user@example.com \n')
    assert members.document().accounts == (MemberAccount("111111111111", "user@example.com"),)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("444455556666.0,a@example.com", "was formatted as a decimal number; write '444455556666'"),
        ("4.44456E+11,a@example.com", "is in scientific notation"),
        ("12345678901,a@example.com", "has 11 digits; if leading zeros were lost, write '012345678901'"),
        ("1234-5678-9012,a@example.com", "is not 12 digits"),
        ("111111111111,not-an-email", "email 'not-an-email' is not a valid email address"),
        ("111111111111,a@example.com,extra", "has 3 fields; write 'account ID,email'"),
        ("", "the line is blank; remove it"),
    ],
)
def test_each_bad_row_is_reported_with_its_line_number(tmp_path, row, expected):
    members = read(tmp_path, f"Account ID,Email\n111111111111,ok@example.com\n{row}\n222222222222,ok@example.com\n")
    (problem,) = members.problems
    assert problem.startswith(f"{tmp_path / 'members.csv'} line 3: ")
    assert expected in problem


def test_a_missing_header_is_reported_and_the_rows_still_checked(tmp_path):
    problems = read(tmp_path, "111111111111,a@example.com\n4.44456E+11,b@example.com\n").problems
    assert "line 1: the header is missing; add 'Account ID,Email' as the first line" in problems[0]
    assert "line 2: account ID '4.44456E+11' is in scientific notation" in problems[1]
    assert len(problems) == 2


def test_a_wrong_header_is_reported(tmp_path):
    (problem,) = read(tmp_path, "AccountId;Email\n111111111111,a@example.com\n").problems
    assert "line 1: the header is 'AccountId;Email'; write 'Account ID,Email'" in problem


def test_an_empty_file_is_reported(tmp_path):
    (problem,) = read(tmp_path, "").problems
    assert "the file is empty; its first line must be the header 'Account ID,Email'" in problem


def test_an_unreadable_or_non_utf8_file_is_reported(tmp_path):
    (missing,) = MemberList.from_csv(tmp_path / "absent.csv").problems
    assert "absent.csv: cannot be read" in missing
    assert "check the path" in missing
    (latin1,) = read(tmp_path, "Account ID,Email\n111111111111,j\xf6rg@example.com\n".encode("latin-1")).problems
    assert "is not UTF-8; save the file as 'CSV UTF-8' text" in latin1


def test_the_same_account_with_different_emails_names_both_lines(tmp_path):
    members = read(tmp_path, "Account ID,Email\n111111111111,a@example.com\n111111111111,b@example.com\n")
    (problem,) = members.problems
    assert "account 111111111111 is listed with different emails" in problem
    assert "'a@example.com' (" in problem and "members.csv line 2)" in problem
    assert "'b@example.com' (" in problem and "members.csv line 3)" in problem
    assert "keep one entry per account" in problem


def test_every_problem_of_a_file_is_reported_at_once(tmp_path):
    members = read(
        tmp_path,
        "Account,Email\r\n444455556666.0,a@example.com\r\n\r\n12345678901,bad\r\n111111111111,c@example.com\r\n",
    )
    assert len(members.problems) == 5  # header, decimal ID, blank line, 11 digits, bad email
    with pytest.raises(SecurityHubConfigurationError) as caught:
        members.document()
    assert all(problem in str(caught.value) for problem in members.problems)


def test_a_trailing_blank_line_is_accepted(tmp_path):
    members = read(tmp_path, "Account ID,Email\n111111111111,a@example.com\n\n")
    assert members.problems == []
    assert members.document().accounts == (MemberAccount("111111111111", "a@example.com"),)


def test_a_semicolon_separated_file_gets_one_problem_naming_the_fix(tmp_path):
    (problem,) = read(tmp_path, "Account ID;Email\n111111111111;a@example.com\n222222222222;\n").problems
    assert "the file is separated by semicolons" in problem
    assert "save it with commas" in problem


def test_a_semicolon_separated_row_under_a_comma_header_is_named(tmp_path):
    (problem,) = read(tmp_path, "Account ID,Email\n111111111111;a@example.com\n").problems
    assert "line 2: '111111111111;a@example.com' is separated by semicolons; save it with commas" in problem


def test_an_email_with_surrounding_spaces_gets_the_trimmed_value_as_the_fix():
    (problem,) = MemberList.from_accounts([("111111111111", " a@example.com ")]).problems
    assert "email ' a@example.com ' has surrounding spaces; write 'a@example.com'" in problem
