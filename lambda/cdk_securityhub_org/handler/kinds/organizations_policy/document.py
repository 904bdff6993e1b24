"""The document of an AWS Organizations ``SECURITYHUB_CSPM_POLICY`` policy, in one place for every side that reads
or writes one: its keys and operators, the published standards it may name, the management-policy inheritance
that turns the policies attached from the root down to an account into that account's effective policy, and what
an effective policy sets in one Region.

The construct renders documents with these keys, the ``plan`` impact review computes effective policies with
``effective_policy`` and ``region_settings``, and the emulator (``testing/emulator/orgpolicies.py``) parses and
enforces documents with the same names and functions. Standard library only (this is the Lambda asset).

What the AWS pages give (``docs/organizations-policies.md`` has the notes): the ``securityhub`` container,
``cspm_enablement`` with ``enable_in_regions`` and ``disable_in_regions``, ``ALL_SUPPORTED``, a default
configuration and Regional overrides that set standards, control statuses and control parameters, and the
inheritance operators. The stored copies of the AWS pages did not show the exact keys of the configuration part,
so ``CONFIGURATION_KEYS`` and the two keys next to ``cspm_enablement`` are this library's names, kept here so that
they can follow the page once its text is at hand.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

POLICY_TYPE = "SECURITYHUB_CSPM_POLICY"
# AWS Organizations user guide, "Quotas for AWS Organizations" (maximum and minimum values): a Security Hub CSPM
# policy document holds at most 10,000 characters.
POLICY_CONTENT_LIMIT = 10_000

ALL_SUPPORTED = "ALL_SUPPORTED"
ASSIGN, APPEND, REMOVE = "@@assign", "@@append", "@@remove"
VALUE_OPERATORS = frozenset({ASSIGN, APPEND, REMOVE})
CHILD_CONTROL = "@@operators_allowed_for_child_policies"
ALL_OPERATORS, NO_OPERATORS = "@@all", "@@none"

ENABLEMENT = "cspm_enablement"
DEFAULT_CONFIGURATION = "default_configuration"
REGIONAL_OVERRIDES = "regional_overrides"
ENABLED_STANDARDS, CONTROL_STATUSES, CONTROL_PARAMETERS = "enabled_standards", "control_statuses", "control_parameters"
CONFIGURATION_KEYS = (ENABLED_STANDARDS, CONTROL_STATUSES, CONTROL_PARAMETERS)
CONTROL_STATUS_VALUES = ("ENABLED", "DISABLED")


class PolicyDocumentError(ValueError):
    """A policy document that does not follow the type's syntax; the message names the place and the fix."""


@dataclass(frozen=True)
class RegionSettings:
    """What an effective policy sets in one Region: Security Hub CSPM on or off and, when on, the whole
    configuration (standards exactly these, these control statuses, these custom parameters, the rest default)."""

    enabled: bool
    standards: tuple[str, ...] = ()
    control_statuses: Mapping[str, str] = field(default_factory=dict)
    control_parameters: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def setting(node: Any) -> tuple[str | None, Any]:
    """The value-setting operator of a leaf and its value; a bare value counts as ``@@assign`` (the AWS
    Organizations user guide's Security Hub policy examples write bare lists)."""
    if not isinstance(node, dict):
        return ASSIGN, node
    operators = [key for key in node if key in VALUE_OPERATORS]
    if len(operators) > 1:
        raise PolicyDocumentError(f"a setting takes one value-setting operator, got {', '.join(operators)}")
    return (operators[0], node[operators[0]]) if operators else (None, None)


# ---------------------------------------------------------------------------------------------- inheritance


def effective_policy(levels: Iterable[Iterable[Mapping[str, Any]]]) -> dict[str, Any] | None:
    """Merge the policy documents attached at each level, from the root down to the account, into the effective
    policy (plain values, no operators); None when no policy applies.

    AWS Organizations user guide, "Understanding declarative policy inheritance" and "Inheritance operators":
    ``@@assign`` overwrites the inherited value, ``@@append`` adds to an inherited list, ``@@remove`` takes values
    out of it; ``@@operators_allowed_for_child_policies`` in a parent limits the operators that policies below
    it may use at that place and below, and a child cannot lift the limit. The stored pages do not say what
    becomes of a child's setting that uses an operator its parents forbid, nor in which order several policies
    attached at one level apply: the emulator drops the forbidden setting (the parent's value stays) and applies
    same-level policies in attachment order, without limiting one another (only the levels below).
    """
    values: dict[str, Any] = {}
    limits: dict[tuple[str, ...], frozenset[str]] = {}
    found = False
    for documents in levels:
        level_limits: dict[tuple[str, ...], frozenset[str]] = {}
        for document in documents:
            found = True
            _merge(document, (), values, limits, level_limits)
        for path, allowed in level_limits.items():
            limits[path] = limits.get(path, VALUE_OPERATORS) & allowed
    return values if found else None


def _allowed(limits: Mapping[tuple[str, ...], frozenset[str]], path: tuple[str, ...]) -> frozenset[str]:
    allowed = VALUE_OPERATORS
    for depth in range(len(path) + 1):
        allowed = allowed & limits.get(path[:depth], VALUE_OPERATORS)
    return allowed


def _merge(
    node: Any,
    path: tuple[str, ...],
    values: dict[str, Any],
    limits: Mapping[tuple[str, ...], frozenset[str]],
    level_limits: dict[tuple[str, ...], frozenset[str]],
) -> None:
    if isinstance(node, dict) and CHILD_CONTROL in node:
        operators = node[CHILD_CONTROL]
        allowed = (
            VALUE_OPERATORS
            if ALL_OPERATORS in operators
            else frozenset()
            if NO_OPERATORS in operators
            else frozenset(operators)
        )
        level_limits[path] = level_limits.get(path, VALUE_OPERATORS) & allowed
    operator, value = setting(node) if path and _is_leaf(node) else (None, None)
    if operator is not None:
        if operator in _allowed(limits, path):
            _apply(values, path, operator, value)
        return
    if isinstance(node, dict):
        for key, child in node.items():
            if not key.startswith("@@"):
                _merge(child, (*path, key), values, limits, level_limits)


def _is_leaf(node: Any) -> bool:
    return not isinstance(node, dict) or any(key in VALUE_OPERATORS for key in node)


def _apply(values: dict[str, Any], path: tuple[str, ...], operator: str, value: Any) -> None:
    parent = values
    for key in path[:-1]:
        parent = parent.setdefault(key, {})
    key = path[-1]
    if operator == ASSIGN:
        parent[key] = copy.deepcopy(value)
    elif operator == APPEND:
        # The lists of this type are sets (Regions, standards): a value already inherited is not repeated.
        inherited = parent.get(key, [])
        parent[key] = inherited + [v for v in value if v not in inherited]
    elif key in parent:
        parent[key] = [v for v in parent[key] if v not in value]


# ---------------------------------------------------------------------------------------------- effect


def region_settings(effective: Mapping[str, Any] | None, region: str) -> RegionSettings | None:
    """What ``effective`` sets in ``region``: None when the Region is in neither list (ungoverned).

    Security Hub user guide, "How declarative policies work in Security Hub CSPM" (Regional configuration): a
    Region in both lists is disabled; ``ALL_SUPPORTED`` covers every current and future Region; where the policy
    enables Security Hub CSPM, the default configuration sets standards, control statuses and parameters, and a
    Regional override replaces the default entirely for its Region. "Reviewing a declarative policy's impact
    before you apply it": standards the policy does not list are disabled and parameters it does not set go
    back to their defaults, so a Region without any configuration gets no standards at all (the strictest
    reading; the pages do not show a policy without one).
    """
    securityhub = (effective or {}).get("securityhub") or {}
    enablement = securityhub.get(ENABLEMENT) or {}

    def listed(key: str) -> bool:
        regions = enablement.get(key) or []
        return region in regions or ALL_SUPPORTED in regions

    if listed("disable_in_regions"):
        return RegionSettings(enabled=False)
    if not listed("enable_in_regions"):
        return None
    overrides = securityhub.get(REGIONAL_OVERRIDES) or {}
    configuration = overrides[region] if region in overrides else securityhub.get(DEFAULT_CONFIGURATION) or {}
    return RegionSettings(
        enabled=True,
        standards=tuple(configuration.get(ENABLED_STANDARDS) or ()),
        control_statuses=dict(configuration.get(CONTROL_STATUSES) or {}),
        control_parameters={k: dict(v) for k, v in (configuration.get(CONTROL_PARAMETERS) or {}).items()},
    )


# ---------------------------------------------------------------------------------------------- identifiers

# Security Hub user guide, "Standards reference for Security Hub CSPM": the published standards, by the part of
# their ARN after "standards/" (CIS v1.2.0's ARN is a "ruleset/" one; its key is the same). Synth refuses a
# standard outside this list; the emulator's catalog is a subset of it.
PUBLISHED_STANDARDS = frozenset(
    {
        "aws-foundational-security-best-practices/v/1.0.0",
        "aws-resource-tagging-standard/v/1.0.0",
        "cis-aws-foundations-benchmark/v/1.2.0",
        "cis-aws-foundations-benchmark/v/1.4.0",
        "cis-aws-foundations-benchmark/v/3.0.0",
        "cis-aws-foundations-benchmark/v/5.0.0",
        "nist-800-53/v/5.0.0",
        "nist-800-171/v/2.0.0",
        "pci-dss/v/3.2.1",
        "pci-dss/v/4.0.1",
    }
)

# Security Hub user guide, "Security control IDs" (consolidated control findings): a security control ID is the
# service's name and a number, such as IAM.7 or EC2.2.
_CONTROL_ID = re.compile(r"^[A-Z][A-Za-z0-9]*\.[1-9][0-9]*$")
_PARAMETER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")


def standard_problem(value: object) -> str | None:
    """Why ``value`` is not a published standard key, with the fix; ``None`` when it is one."""
    if value in PUBLISHED_STANDARDS:
        return None
    if isinstance(value, str) and value.startswith("arn:"):
        key = value.split(":", 5)[-1].split("/", 1)[-1]
        if key in PUBLISHED_STANDARDS:
            return f"standard {value!r} is an ARN; write the part after 'standards/': {key!r}"
    return f"standard {value!r} is not a published Security Hub standard; use one of {', '.join(sorted(PUBLISHED_STANDARDS))}"


def control_id_problem(value: object) -> str | None:
    """Why ``value`` is not a well-formed security control ID, with the fix; ``None`` when it is one."""
    if isinstance(value, str) and _CONTROL_ID.match(value):
        return None
    return f"control {value!r} is not a security control ID; write the service and number, such as 'IAM.7'"


def parameter_name_problem(value: object) -> str | None:
    if isinstance(value, str) and _PARAMETER_NAME.match(value):
        return None
    return f"control parameter {value!r} is not a parameter name; write it as Security Hub names it, such as 'MaxPasswordAge'"
