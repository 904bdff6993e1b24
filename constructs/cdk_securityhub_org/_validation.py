"""Synth-time validation: every construct collects all of its problems and raises one error.

The value checks come from the handler's ``spec`` modules (the handlers' own rules), so synth rejects exactly
what a deploy would reject, only earlier and with the construct path and the property name in the message.
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import Enum
from typing import Any, TypeVar

import aws_cdk as cdk
import botocore.session

from cdk_securityhub_org._provider import DEFAULT_MEMORY_MB
from cdk_securityhub_org.handler.engine.declaration import (
    DeclarationError,
    OnRegionUnavailable,
    RemovalPolicy,
    Scope,
    account_id_problem,
)
from constructs import Construct

E = TypeVar("E", bound=Enum)


class SecurityHubConfigurationError(ValueError):
    """A declaration that synth refuses. ``problems`` maps each construct path to every problem found there."""

    def __init__(self, problems: Mapping[str, Sequence[str]]) -> None:
        self.problems = {path: list(found) for path, found in problems.items() if found}
        count = sum(len(found) for found in self.problems.values())
        sections = [
            f"{path}:\n" + "\n".join(f"  - {problem}" for problem in found) for path, found in self.problems.items()
        ]
        super().__init__(f"{count} problem(s) in the Security Hub declaration:\n" + "\n".join(sections))

    @classmethod
    def combine(cls, errors: Iterable[SecurityHubConfigurationError]) -> SecurityHubConfigurationError:
        """One error for several constructs built from the same props: a problem that several of them find (the
        same prop and value) is reported once, at the first construct that found it."""
        merged: dict[str, list[str]] = {}
        seen: set[str] = set()
        for error in errors:
            for path, found in error.problems.items():
                merged.setdefault(path, []).extend(p for p in found if p not in seen)
                seen.update(found)
        return cls(merged)


@functools.cache
def _securityhub_regions_by_partition() -> dict[str, frozenset[str]]:
    session = botocore.session.get_session()
    return {
        partition: frozenset(session.get_available_regions("securityhub", partition_name=partition))
        for partition in session.get_available_partitions()
    }


def partition_of(region: str) -> str | None:
    """The partition whose Security Hub endpoints include ``region``; ``None`` for an unknown Region."""
    for partition, regions in _securityhub_regions_by_partition().items():
        if region in regions:
            return partition
    return None


def _did_you_mean(value: str, candidates: Iterable[str]) -> str:
    matches = difflib.get_close_matches(value, sorted(candidates), n=1, cutoff=0.6)
    return f" (did you mean {matches[0]!r}?)" if matches else ""


def region_value_problem(value: object) -> str | None:
    """Why ``value`` is not a Region where Security Hub is available, with the fix; ``None`` when it is one."""
    if not isinstance(value, str):
        return f"Region {value!r} is a {type(value).__name__}; write a Region name such as 'us-east-1'"
    if partition_of(value):
        return None
    every_region = set().union(*_securityhub_regions_by_partition().values())
    # Case is not a typo difflib can see ('US-EAST-1' shares little with 'us-east-1'): suggest the lower case.
    suggestion = value.strip().lower()
    hint = f" (did you mean {suggestion!r}?)" if suggestion in every_region else _did_you_mean(value, every_region)
    return f"Region {value!r} is not a Region where Security Hub is available{hint}"


LAMBDA_MEMORY_MB = (128, 10_240)


def memory_size_problem(value: object) -> str | None:
    """What is wrong with a Lambda memory size: it is a whole number of MB from 128 to 10,240."""
    low, high = LAMBDA_MEMORY_MB
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
        return None
    return f"{value!r} is not a Lambda memory size; write a whole number of MB from {low} to {high:,}, such as 1769 (one vCPU)"


class Problems:
    """The problems found in one construct's props, each prefixed with the prop it is about."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.found: list[str] = []

    def add(self, prop: str, problem: str) -> None:
        self.found.append(f"{prop}: {problem}")

    def account_id(self, prop: str, value: object) -> str:
        problem = account_id_problem(value)
        if problem:
            self.add(prop, problem)
        return value if isinstance(value, str) else str(value)

    def region(self, prop: str, value: object) -> str:
        problem = region_value_problem(value)
        if problem:
            self.add(prop, problem)
        return value if isinstance(value, str) else str(value)

    def regions(self, prop: str, values: object, *, required: bool = True) -> tuple[str, ...]:
        """Real, unique Region names from one partition (a handler cannot reach across partitions)."""
        if isinstance(values, str) or not isinstance(values, Sequence):
            self.add(prop, f"{values!r} is not a list of Regions; write a list such as ['us-east-1']")
            return ()
        if required and not values:
            self.add(prop, "lists no Region; name at least one Region, such as 'us-east-1'")
        accepted: list[str] = []
        for index, value in enumerate(values):
            problem = region_value_problem(value)
            if problem:
                self.add(f"{prop}[{index}]", problem)
            elif value in accepted:
                self.add(f"{prop}[{index}]", f"Region {value!r} is listed twice; list each Region once")
            else:
                accepted.append(value)
        partitions = sorted({p for p in map(partition_of, accepted) if p})
        if len(partitions) > 1:
            self.add(
                prop,
                f"Regions {accepted} span the partitions {partitions}; declare the Regions of one partition per"
                " construct, since credentials and endpoints do not cross partitions",
            )
        return tuple(accepted)

    def choice(self, prop: str, value: object, enum: type[E]) -> E:
        allowed = [member.value for member in enum]
        try:
            return enum(value.value if isinstance(value, Enum) else value)
        except ValueError:
            self.add(prop, f"{value!r} is not one of {allowed}; use one of them")
            return next(iter(enum))

    def removal_policy(self, value: object) -> RemovalPolicy:
        """Only RETAIN and DESTROY mean something for live Security Hub state; SNAPSHOT and the like do not."""
        name = value.name if isinstance(value, cdk.RemovalPolicy) else value
        if name in ("RETAIN", "DESTROY"):
            return RemovalPolicy(name)
        self.add("removal_policy", f"{value!r} is not supported; use RemovalPolicy.RETAIN or RemovalPolicy.DESTROY")
        return RemovalPolicy.RETAIN

    def flag(self, prop: str, value: object) -> bool:
        if not isinstance(value, bool):
            self.add(prop, f"{value!r} is not true or false; write True or False")
            return False
        return value

    def memory_size(self, prop: str, value: object) -> int:
        if problem := memory_size_problem(value):
            self.add(prop, problem)
            return DEFAULT_MEMORY_MB
        assert isinstance(value, int)
        return value

    def round_trip(self, properties: Mapping[str, Any], parse: Callable[[Mapping[str, Any]], object]) -> None:
        """Parse ``properties`` the way the handler will receive them, so synth never produces a declaration the
        handler refuses. Runs only when the prop checks passed: otherwise it would repeat their findings."""
        if self.found:
            return
        try:
            parse(as_cloudformation_delivers(properties))
        except DeclarationError as error:
            self.found.extend(f"the handler would refuse this declaration: {p}" for p in error.problems)

    def raise_if_any(self) -> None:
        if self.found:
            raise SecurityHubConfigurationError({self.path: self.found})


def as_cloudformation_delivers(value: Any) -> Any:
    """``value`` as CloudFormation passes it to a custom resource: every scalar becomes a string."""
    if isinstance(value, Mapping):
        return {key: as_cloudformation_delivers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_cloudformation_delivers(item) for item in value]
    if isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int | float):
        return str(value)
    return value


def stack_account(scope: Construct) -> str | None:
    """The account of ``scope``'s stack when it is known at synth time (not an ``AWS::AccountId`` token)."""
    account = cdk.Stack.of(scope).account
    return None if cdk.Token.is_unresolved(account) else account


def declared_account(problems: Problems, scope: Construct, prop: str, declared: object | None) -> str | None:
    """The account a handler must run in: ``declared``, else the stack's account when it is concrete."""
    account = stack_account(scope)
    if declared is None:
        return account
    checked = problems.account_id(prop, declared)
    if account and checked != account:
        problems.add(
            prop,
            f"{declared!r} is not the account of stack {cdk.Stack.of(scope).stack_name} ({account}); deploy this"
            f" construct in a stack of account {declared!r}, or correct {prop}",
        )
    return checked


def scope_spec(
    problems: Problems,
    *,
    regions: object,
    expected_account: str | None,
    on_region_unavailable: object,
    removal_policy: object,
) -> Scope:
    return Scope(
        regions=problems.regions("regions", regions),
        expected_account=expected_account,
        on_region_unavailable=problems.choice("on_region_unavailable", on_region_unavailable, OnRegionUnavailable),
        removal_policy=problems.removal_policy(removal_policy),
    )
