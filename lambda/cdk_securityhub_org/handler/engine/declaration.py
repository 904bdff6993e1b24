"""What every declaration shares: the problem report, the scope of a resource, the value checks and the reader
of CloudFormation's string properties.

Each kind's ``spec`` module owns both directions of its property contract: ``to_properties`` (the constructs, at
synth) and ``parse`` (the handlers, on what CloudFormation delivers, where every scalar arrives as a string:
``true`` becomes ``"true"``). Every parser collects all problems and raises one :class:`DeclarationError`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Any, TypeVar

_ACCOUNT_ID = re.compile(r"^\d{12}$")


_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")


_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$")
REGION_PATTERN = _REGION.pattern  # the shape of a Region name, for the declaration's JSON Schema


_OU_ID = re.compile(r"^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$")


_ROOT_ID = re.compile(r"^r-[0-9a-z]{4,32}$")


class DeclarationError(ValueError):
    """A declaration that cannot be acted on. ``problems`` lists every problem found, not just the first."""

    def __init__(self, problems: Iterable[str], context: str = "") -> None:
        self.problems = list(problems)
        prefix = f"{context}: " if context else ""
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{prefix}{len(self.problems)} problem(s) in the declaration:\n{lines}")


class RemovalPolicy(StrEnum):
    """What Delete (and a Region dropped on Update) does. RETAIN leaves the live state as it is."""

    RETAIN = "RETAIN"
    DESTROY = "DESTROY"


class OnRegionUnavailable(StrEnum):
    """What to do in an opt-in Region that the account has not enabled."""

    FAIL = "FAIL"
    SKIP = "SKIP"


def account_id_problem(value: object) -> str | None:
    """Why ``value`` is not a 12-digit account ID, with the fix; ``None`` when it is one.

    Spreadsheets mangle account IDs in three known ways (seed 000): a decimal suffix (``444455556666.0``),
    scientific notation (``4.44456E+11``), and lost leading zeros (11 digits or fewer).
    """
    if not isinstance(value, str):
        return (
            f"account ID {value!r} is a {type(value).__name__}; write it as a 12-digit string in quotes,"
            " so that leading zeros survive"
        )
    text = value.strip()
    if _ACCOUNT_ID.match(text):
        return None if text == value else f"account ID {value!r} has surrounding spaces; write {text!r}"
    if re.fullmatch(r"\d{12}\.0+", text):
        return f"account ID {value!r} was formatted as a decimal number; write {text.split('.')[0]!r}"
    if re.fullmatch(r"\d(\.\d+)?[eE]\+?\d+", text):
        return (
            f"account ID {value!r} is in scientific notation, so its digits are lost; format the column as"
            " text and write the full 12 digits"
        )
    if re.fullmatch(r"\d{1,11}", text):
        return f"account ID {value!r} has {len(text)} digits; if leading zeros were lost, write {text.zfill(12)!r}"
    return f"account ID {value!r} is not 12 digits; write the 12-digit AWS account ID"


def email_problem(value: str) -> str | None:
    if _EMAIL.match(value):
        return None
    if value != value.strip() and _EMAIL.match(value.strip()):
        return f"email {value!r} has surrounding spaces; write {value.strip()!r}"
    return f"email {value!r} is not a valid email address; write it as name@example.com"


def region_problem(value: object) -> str | None:
    if isinstance(value, str) and _REGION.match(value):
        return None
    return f"Region {value!r} is not a Region name; write it like 'us-east-1'"


def organizational_unit_problem(value: object) -> str | None:
    if isinstance(value, str) and (_OU_ID.match(value) or _ROOT_ID.match(value)):
        return None
    return f"organizational unit {value!r} is not an OU ID ('ou-xxxx-xxxxxxxx') or a root ID ('r-xxxx')"


@dataclass(frozen=True)
class Scope:
    """Where a resource acts, and in which account its handler must run."""

    regions: tuple[str, ...]
    expected_account: str | None = None
    on_region_unavailable: OnRegionUnavailable = OnRegionUnavailable.FAIL
    removal_policy: RemovalPolicy = RemovalPolicy.RETAIN

    def to_properties(self) -> dict[str, Any]:
        properties: dict[str, Any] = {
            "Regions": list(self.regions),
            "OnRegionUnavailable": self.on_region_unavailable.value,
            "RemovalPolicy": self.removal_policy.value,
        }
        if self.expected_account:
            properties["ExpectedAccount"] = self.expected_account
        return properties


E = TypeVar("E", bound=Enum)


@dataclass
class PropertyReader:
    """Reads one properties mapping, collecting problems instead of stopping at the first."""

    properties: Mapping[str, Any]
    problems: list[str] = field(default_factory=list)

    def _get(self, key: str, required: bool) -> Any:
        value = self.properties.get(key)
        if value is None and required:
            self.problems.append(f"property {key} is required")
        return value

    def text(self, key: str, *, required: bool = True, check: Callable[[Any], str | None] | None = None) -> str:
        value = self._get(key, required)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.problems.append(f"property {key} must be a string, got {value!r}")
            return ""
        problem = check(value) if check else None
        if problem:
            self.problems.append(f"{key}: {problem}")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.properties.get(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        self.problems.append(f"property {key} must be true or false, got {value!r}")
        return default

    def choice(self, key: str, enum: type[E], default: E | None) -> E:
        value = self.properties.get(key)
        if value is None:
            if default is None:
                self.problems.append(f"property {key} is required")
                return next(iter(enum))
            return default
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(m.value for m in enum)
            self.problems.append(f"property {key} is {value!r}; use one of {allowed}")
            return default if default is not None else next(iter(enum))

    def strings(self, key: str, check: Callable[[Any], str | None], *, required: bool = False) -> tuple[str, ...]:
        value = self._get(key, required)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problems.append(f"property {key} must be a list, got {value!r}")
            return ()
        items: list[str] = []
        for item in value:
            problem = check(item)
            if problem:
                self.problems.append(f"{key}: {problem}")
            elif item in items:
                self.problems.append(f"{key}: {item!r} is listed twice; list it once")
            else:
                items.append(item)
        return tuple(items)


def parse_scope(reader: PropertyReader) -> Scope:
    regions = reader.strings("Regions", region_problem, required=True)
    if not regions and "Regions" in reader.properties:
        reader.problems.append("Regions must list at least one Region")
    expected = reader.text("ExpectedAccount", required=False, check=account_id_problem) or None
    return Scope(
        regions=regions,
        expected_account=expected,
        on_region_unavailable=reader.choice("OnRegionUnavailable", OnRegionUnavailable, OnRegionUnavailable.FAIL),
        removal_policy=reader.choice("RemovalPolicy", RemovalPolicy, RemovalPolicy.RETAIN),
    )


def finish(reader: PropertyReader, context: str) -> None:
    if reader.problems:
        raise DeclarationError(reader.problems, context)
