"""AWS Organizations policies of type ``SECURITYHUB_CSPM_POLICY``: content validation, the management-policy
inheritance that turns the policies attached above an account into its effective policy, and what an effective
policy sets in one Region. Pure functions over JSON documents: ``world.py`` stores the policies and attachments
and enforces the result when it settles; ``organizations.py`` serves the API. Standards,
controls and control parameters are checked against the one catalog, ``catalog.py``.

What the AWS pages give (``docs/organizations-policies.md`` has the notes): the ``securityhub`` container,
``cspm_enablement`` with ``enable_in_regions`` and ``disable_in_regions``, ``ALL_SUPPORTED``, a default
configuration and Regional overrides that set standards, control statuses and control parameters, and the
inheritance operators. The stored copies of the AWS pages did not show the exact keys of the configuration part,
so ``CONFIGURATION_KEYS`` and the two keys next to ``cspm_enablement`` are the emulator's names, kept here in one
place so that they can follow the page once its text is at hand.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import catalog

SECURITYHUB_CSPM_POLICY = "SECURITYHUB_CSPM_POLICY"

# AWS Organizations user guide, "Quotas for AWS Organizations" (maximum and minimum values): a Security Hub CSPM
# policy document holds at most 10,000 characters, and an organization at most 1,000 policies of the type.
POLICY_CONTENT_LIMIT = 10_000
POLICIES_PER_TYPE = 1_000
# The same page allows 10 attached backup or tag policies per root, OU or account and is silent for this type:
# the emulator applies the same figure.
ATTACHMENTS_PER_TARGET = 10

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


# ---------------------------------------------------------------------------------------------- validation

_Schema = Any  # a dict of key -> schema, ("map", key_check, schema), or ("leaf", value_check, is_list)


def _region_check(regions: Collection[str], *, all_supported: bool) -> Callable[[Any], str | None]:
    # AWS Organizations user guide, "Security Hub CSPM policy syntax and examples": Region names must be valid
    # and available in Security Hub CSPM.
    def check(value: Any) -> str | None:
        if value in regions or (all_supported and value == ALL_SUPPORTED):
            return None
        other = f", or {ALL_SUPPORTED}" if all_supported else ""
        return f"{value!r} is not a Region Security Hub CSPM supports (use a Region name such as us-east-1{other})"

    return check


def _standard(value: Any) -> str | None:
    if value in catalog.STANDARDS:
        return None
    return f"{value!r} is not a known standard; use one of {', '.join(catalog.STANDARDS)}"


def _control_id(value: str) -> str | None:
    if value in catalog.SECURITY_CONTROLS:
        return None
    return f"{value!r} is not a known control ID; use one of {', '.join(catalog.SECURITY_CONTROLS)}"


def _status(value: Any) -> str | None:
    return None if value in CONTROL_STATUS_VALUES else f"{value!r} is not ENABLED or DISABLED"


def _any_value(value: Any) -> str | None:
    return None


_CONFIGURATION: _Schema = {
    ENABLED_STANDARDS: ("leaf", _standard, True),
    CONTROL_STATUSES: ("map", _control_id, ("leaf", _status, False)),
    # The parameter names and types are checked against the control once the key path is known (_check_parameter).
    CONTROL_PARAMETERS: ("map", _control_id, ("map", None, ("leaf", _any_value, False))),
}


def _schema(regions: Collection[str]) -> _Schema:
    listed_region = _region_check(regions, all_supported=True)
    return {
        "securityhub": {
            ENABLEMENT: {
                "enable_in_regions": ("leaf", listed_region, True),
                "disable_in_regions": ("leaf", listed_region, True),
            },
            DEFAULT_CONFIGURATION: _CONFIGURATION,
            REGIONAL_OVERRIDES: ("map", _region_check(regions, all_supported=False), _CONFIGURATION),
        }
    }


def parse_policy_content(content: str, regions: Collection[str]) -> dict[str, Any]:
    """The policy document of ``content``, checked against the type's syntax (``regions``: the Regions Security
    Hub CSPM supports). Raises ``PolicyDocumentError`` naming what is wrong; the size limit is the caller's
    (``content_too_large``), as Organizations answers it with a different error.
    """
    try:
        document = json.loads(content)
    except ValueError as error:
        raise PolicyDocumentError(f"The policy content is not valid JSON: {error}") from error
    if not isinstance(document, dict):
        raise PolicyDocumentError("The policy content must be a JSON object whose only key is securityhub")
    _check_node(document, _schema(regions), ())
    securityhub = document.get("securityhub")
    # AWS Organizations user guide, "Security Hub CSPM policy syntax and examples" (Considerations): both lists
    # under cspm_enablement are required in the policy, though they can be empty. The page says "in the policy",
    # so the emulator requires them in every policy document, a child policy included.
    enablement = securityhub.get(ENABLEMENT) if isinstance(securityhub, dict) else None
    missing = [
        key
        for key in ("enable_in_regions", "disable_in_regions")
        if not isinstance(enablement, dict) or key not in enablement
    ]
    if missing:
        raise PolicyDocumentError(
            f"securityhub.{ENABLEMENT} must hold both enable_in_regions and disable_in_regions (they may be "
            f"empty lists); missing: {', '.join(missing)}"
        )
    return document


def content_too_large(content: str) -> bool:
    return len(content) > POLICY_CONTENT_LIMIT


def _where(path: tuple[str, ...]) -> str:
    return ".".join(path) or "the document"


def _check_node(node: Any, schema: _Schema, path: tuple[str, ...]) -> None:
    if isinstance(schema, tuple) and schema[0] == "leaf":
        _check_leaf(node, schema, path)
        return
    if not isinstance(node, dict):
        raise PolicyDocumentError(f"{_where(path)} must be a JSON object, got {json.dumps(node)}")
    for key, child in node.items():
        if key == CHILD_CONTROL:
            _check_child_control(child, path)
            continue
        if key.startswith("@@"):
            raise PolicyDocumentError(
                f"{_where(path)} is a container: {key} can only set a value (a list or a single value)"
                if key in VALUE_OPERATORS
                else f"{key} at {_where(path)} is not an inheritance operator ({', '.join(sorted(VALUE_OPERATORS))}, {CHILD_CONTROL})"
            )
        if isinstance(schema, dict):
            if key not in schema:
                raise PolicyDocumentError(f"{key!r} is not a key of {_where(path)}; allowed: {', '.join(schema)}")
            _check_node(child, schema[key], (*path, key))
        else:
            _, key_check, child_schema = schema
            problem = key_check(key) if key_check else _check_parameter(path, key)
            if problem:
                raise PolicyDocumentError(f"At {_where(path)}: {problem}")
            _check_node(child, child_schema, (*path, key))
            if key_check is None:
                _check_parameter_value(path[-1], key, child, (*path, key))


def _check_child_control(value: Any, path: tuple[str, ...]) -> None:
    allowed = VALUE_OPERATORS | {ALL_OPERATORS, NO_OPERATORS}
    if not isinstance(value, list) or not value or any(v not in allowed for v in value):
        raise PolicyDocumentError(
            f'{CHILD_CONTROL} at {_where(path)} must be a list of operators: ["{ALL_OPERATORS}"], '
            f'["{NO_OPERATORS}"] or some of {", ".join(sorted(VALUE_OPERATORS))}; got {json.dumps(value)}'
        )
    if len(value) > 1 and ({ALL_OPERATORS, NO_OPERATORS} & set(value)):
        raise PolicyDocumentError(f"{CHILD_CONTROL} at {_where(path)}: {ALL_OPERATORS} and {NO_OPERATORS} stand alone")


def _setting(node: Any) -> tuple[str | None, Any]:
    """The value-setting operator of a leaf and its value; a bare value counts as ``@@assign`` (the AWS
    Organizations user guide's Security Hub policy examples write bare lists)."""
    if not isinstance(node, dict):
        return ASSIGN, node
    operators = [key for key in node if key in VALUE_OPERATORS]
    if len(operators) > 1:
        raise PolicyDocumentError(f"a setting takes one value-setting operator, got {', '.join(operators)}")
    return (operators[0], node[operators[0]]) if operators else (None, None)


def _check_leaf(node: Any, schema: _Schema, path: tuple[str, ...]) -> None:
    _, value_check, is_list = schema
    if isinstance(node, dict):
        for key in node:
            if key != CHILD_CONTROL and key not in VALUE_OPERATORS:
                raise PolicyDocumentError(f"{key!r} at {_where(path)}: a setting holds only inheritance operators")
        if CHILD_CONTROL in node:
            _check_child_control(node[CHILD_CONTROL], path)
    try:
        operator, value = _setting(node)
    except PolicyDocumentError as error:
        raise PolicyDocumentError(f"{_where(path)}: {error}") from None
    if operator is None:
        return
    if is_list != isinstance(value, list):
        kind = "a list" if is_list else "a single value, not a list"
        raise PolicyDocumentError(f"{_where(path)} must be {kind}, got {json.dumps(value)}")
    # AWS Organizations user guide, "Inheritance operators": @@append and @@remove apply to multi-valued settings only.
    if operator != ASSIGN and not is_list:
        raise PolicyDocumentError(f"{operator} at {_where(path)}: only lists take @@append or @@remove; use @@assign")
    for item in value if is_list else [value]:
        problem = value_check(item)
        if problem:
            raise PolicyDocumentError(f"At {_where(path)}: {problem}")


def _check_parameter(path: tuple[str, ...], name: str) -> str | None:
    parameters = catalog.CONTROL_PARAMETERS.get(path[-1], {})
    if name in parameters:
        return None
    known = ", ".join(parameters) or "none"
    return f"{name!r} is not a parameter of control {path[-1]} (its parameters: {known})"


def _check_parameter_value(control_id: str, name: str, node: Any, path: tuple[str, ...]) -> None:
    operator, value = _setting(node)
    if operator is None:
        return
    value_type = catalog.CONTROL_PARAMETERS[control_id][name][0]
    fits = (
        isinstance(value, bool) if value_type == "Boolean" else isinstance(value, int) and not isinstance(value, bool)
    )
    if not fits:
        raise PolicyDocumentError(f"{_where(path)} takes a {value_type} value, got {json.dumps(value)}")


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
    operator, value = _setting(node) if path and _is_leaf(node) else (None, None)
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
