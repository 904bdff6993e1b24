"""``MemberList``: the accounts a ``Members`` construct declares, from code, a CSV file or the organization.

Reading problems (a mangled account ID, a bad CSV row) are collected, not raised, so that ``Members`` reports them
with its own problems in one error. Each problem names where the value came from: a CSV line or a list index.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cdk_securityhub_org._validation import SecurityHubConfigurationError
from cdk_securityhub_org.handler.engine.declaration import (
    account_id_problem,
    email_problem,
    organizational_unit_problem,
)
from cdk_securityhub_org.handler.kinds.members.spec import MemberAccount, MemberListDocument, OrganizationSelector

CSV_HEADER = ("Account ID", "Email")

AccountLike = MemberAccount | str | tuple[str, str | None] | Mapping[str, str | None]


@dataclass(frozen=True)
class _Entry:
    account: MemberAccount
    origin: str


@dataclass(frozen=True)
class MemberList:
    """Explicit accounts plus organization selectors; the handler enrols their union.

    Build it with ``from_accounts``, ``from_csv`` or ``from_organization``, and combine lists with ``union`` or
    ``|``. An account listed twice with the same email is kept once; with different emails it is a problem.
    """

    _entries: tuple[_Entry, ...] = ()
    _selectors: tuple[OrganizationSelector, ...] = ()
    _read_problems: tuple[str, ...] = ()

    @classmethod
    def from_accounts(cls, accounts: Iterable[AccountLike]) -> MemberList:
        """Accounts given in code: ``MemberAccount``, an account ID, ``(account_id, email)`` or
        ``{"account_id": ..., "email": ...}``."""
        entries: list[_Entry] = []
        problems: list[str] = []
        for index, value in enumerate(accounts):
            origin = f"accounts[{index}]"
            account_id, email, shape_problem = _account_fields(value)
            found = [shape_problem] if shape_problem else _account_problems(account_id, email)
            if found:
                problems.extend(f"{origin}: {problem}" for problem in found)
            else:
                entries.append(_Entry(MemberAccount(account_id, email), origin))  # type: ignore[arg-type]
        return cls(tuple(entries), (), tuple(problems))

    @classmethod
    def from_csv(cls, path: str | Path) -> MemberList:
        """A CSV file in the Security Hub console's format: the header ``Account ID,Email``, then one account per
        line. A UTF-8 byte-order mark and CRLF line endings are accepted; the email may be empty."""
        path = Path(path)
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except OSError as error:
            return cls(_read_problems=(f"{path}: cannot be read ({error.strerror}); check the path",))
        except UnicodeDecodeError as error:
            return cls(_read_problems=(f"{path}: byte {error.start} is not UTF-8; save the file as 'CSV UTF-8' text",))
        return cls._from_csv_lines(str(path), text.splitlines())

    @classmethod
    def _from_csv_lines(cls, name: str, lines: Sequence[str]) -> MemberList:
        header = ",".join(CSV_HEADER)
        if not lines:
            return cls(_read_problems=(f"{name}: the file is empty; its first line must be the header {header!r}",))
        if all(_semicolon_separated(line) for line in lines if line.strip()):
            return cls(
                _read_problems=(
                    f"{name}: the file is separated by semicolons, as spreadsheets in some locales save CSV; save it"
                    f" with commas, so that its first line is {header!r}",
                )
            )
        problems: list[str] = []
        # Editors and spreadsheets end the file with an empty line; only a blank line between accounts is suspect.
        while len(lines) > 1 and not lines[-1].strip():
            lines = lines[:-1]
        rows = list(enumerate(lines, start=1))
        first = _cells(lines[0])
        if [cell.lower() for cell in first] != [cell.lower() for cell in CSV_HEADER]:
            looks_like_data = bool(first) and first[0][:1].isdigit()
            if looks_like_data:
                problems.append(f"{name} line 1: the header is missing; add {header!r} as the first line")
            else:
                problems.append(f"{name} line 1: the header is {lines[0]!r}; write {header!r}")
                rows = rows[1:]
        else:
            rows = rows[1:]
        entries: list[_Entry] = []
        for number, line in rows:
            where = f"{name} line {number}"
            if not line.strip():
                problems.append(f"{where}: the line is blank; remove it")
                continue
            cells = _cells(line)
            if len(cells) == 1 and _semicolon_separated(line):
                problems.append(f"{where}: {line!r} is separated by semicolons; save it with commas")
                continue
            if len(cells) != len(CSV_HEADER):
                problems.append(f"{where}: {line!r} has {len(cells)} fields; write 'account ID,email'")
                continue
            account_id, email = cells[0], cells[1] or None
            found = _account_problems(account_id, email)
            if found:
                problems.extend(f"{where}: {problem}" for problem in found)
            else:
                entries.append(_Entry(MemberAccount(account_id, email), where))
        return cls(tuple(entries), (), tuple(problems))

    @classmethod
    def from_organization(
        cls,
        organizational_units: Sequence[str] | None = None,
        exclude_accounts: Sequence[str] = (),
        exclude_organizational_units: Sequence[str] = (),
    ) -> MemberList:
        """The organization's ACTIVE accounts, as the handler finds them at deploy time: all of them
        (``organizational_units=None``) or those under the given OUs or roots, nested OUs included, minus the
        excluded accounts and OUs."""
        problems: list[str] = []
        for prop, values, check in (
            ("organizational_units", organizational_units or (), organizational_unit_problem),
            ("exclude_accounts", exclude_accounts, account_id_problem),
            ("exclude_organizational_units", exclude_organizational_units, organizational_unit_problem),
        ):
            if isinstance(values, str):
                problems.append(f"organization.{prop}: {values!r} is not a list; write [{values!r}]")
                continue
            problems.extend(
                f"organization.{prop}[{index}]: {problem}"
                for index, value in enumerate(values)
                if (problem := check(value))
            )
        if problems:
            return cls(_read_problems=tuple(problems))
        selector = OrganizationSelector(
            organizational_units=tuple(organizational_units) if organizational_units is not None else None,
            exclude_accounts=tuple(exclude_accounts),
            exclude_organizational_units=tuple(exclude_organizational_units),
        )
        return cls(_selectors=(selector,))

    @classmethod
    def union(cls, *lists: MemberList) -> MemberList:
        """Every account and selector of ``lists``."""
        selectors: list[OrganizationSelector] = []
        for member_list in lists:
            selectors.extend(s for s in member_list._selectors if s not in selectors)
        return cls(
            tuple(entry for member_list in lists for entry in member_list._entries),
            tuple(selectors),
            tuple(problem for member_list in lists for problem in member_list._read_problems),
        )

    def __or__(self, other: MemberList) -> MemberList:
        return MemberList.union(self, other)

    @property
    def problems(self) -> list[str]:
        """Every problem in the list: reading problems, then accounts listed with different emails."""
        emails: dict[str, dict[str, str]] = {}
        for entry in self._entries:
            if entry.account.email:
                emails.setdefault(entry.account.account_id, {}).setdefault(entry.account.email, entry.origin)
        conflicts = [
            f"account {account_id} is listed with different emails: "
            + ", ".join(f"{email!r} ({origin})" for email, origin in by_email.items())
            + "; keep one entry per account"
            for account_id, by_email in emails.items()
            if len(by_email) > 1
        ]
        return [*self._read_problems, *conflicts]

    def origins(self, account_id: str) -> list[str]:
        """Where ``account_id`` was declared: CSV lines and list indexes."""
        return [entry.origin for entry in self._entries if entry.account.account_id == account_id]

    def document(self) -> MemberListDocument:
        """The canonical member-list document, accounts sorted by ID so that reordering changes nothing."""
        if problems := self.problems:
            raise SecurityHubConfigurationError({"member list": problems})
        merged: dict[str, MemberAccount] = {}
        for entry in self._entries:
            known = merged.get(entry.account.account_id)
            merged[entry.account.account_id] = known if known and known.email else entry.account
        return MemberListDocument(
            accounts=tuple(merged[account_id] for account_id in sorted(merged)), selectors=self._selectors
        )


def _semicolon_separated(line: str) -> bool:
    """Whether ``line`` has the header's or an account row's two fields, separated by a semicolon."""
    return "," not in line and len(line.split(";")) == len(CSV_HEADER)


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in next(csv.reader([line]), [])]


def _account_fields(value: object) -> tuple[object, object, str | None]:
    """(account ID, email, problem with the shape of ``value``)."""
    if isinstance(value, MemberAccount):
        return value.account_id, value.email, None
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return value, None, None  # a number is reported as a mangled account ID, with the fix
    if isinstance(value, tuple) and len(value) == 2:
        return value[0], value[1], None
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - {"account_id", "email"})
        if unknown:
            return None, None, f"unknown keys {unknown}; an account has 'account_id' and optionally 'email'"
        return value.get("account_id"), value.get("email"), None
    return (
        None,
        None,
        (
            f"{value!r} is not an account; give a MemberAccount, an account ID, (account_id, email) or"
            " {'account_id': ..., 'email': ...}"
        ),
    )


def _account_problems(account_id: object, email: object) -> list[str]:
    problems = [problem] if (problem := account_id_problem(account_id)) else []
    if email is not None and not isinstance(email, str):
        problems.append(f"email {email!r} is not text; write it as name@example.com")
    elif isinstance(email, str) and (problem := email_problem(email)):
        problems.append(problem)
    return problems
