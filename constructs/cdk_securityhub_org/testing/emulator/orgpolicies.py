"""AWS Organizations policies of type ``SECURITYHUB_CSPM_POLICY`` in the emulator: content validation against
the emulator's catalog. The document's keys, the inheritance that turns the policies attached above an account into
its effective policy, and what an effective policy sets in one Region are the handler's
(``handler/kinds/organizations_policy/document.py``), shared with the construct and the ``plan`` review, and
re-exported here. ``world.py`` stores the policies and attachments and enforces the result when it settles;
``organizations.py`` serves the API. Standards, controls and control parameters are checked against the one
catalog, ``catalog.py``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from typing import Any

from cdk_securityhub_org.handler.kinds.organizations_policy.document import (
    ALL_OPERATORS,
    ALL_SUPPORTED,
    ASSIGN,
    CHILD_CONTROL,
    CONTROL_PARAMETERS,
    CONTROL_STATUS_VALUES,
    CONTROL_STATUSES,
    DEFAULT_CONFIGURATION,
    ENABLED_STANDARDS,
    ENABLEMENT,
    NO_OPERATORS,
    POLICY_CONTENT_LIMIT,
    POLICY_TYPE,
    REGIONAL_OVERRIDES,
    VALUE_OPERATORS,
    PolicyDocumentError,
    setting,
)

from . import catalog

SECURITYHUB_CSPM_POLICY = POLICY_TYPE

# AWS Organizations user guide, "Quotas for AWS Organizations" (maximum and minimum values): an organization
# holds at most 1,000 policies of the type (the document's own limit is POLICY_CONTENT_LIMIT).
POLICIES_PER_TYPE = 1_000
# The same page allows 10 attached backup or tag policies per root, OU or account and is silent for this type:
# the emulator applies the same figure.
ATTACHMENTS_PER_TARGET = 10

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


def _check_leaf(node: Any, schema: _Schema, path: tuple[str, ...]) -> None:
    _, value_check, is_list = schema
    if isinstance(node, dict):
        for key in node:
            if key != CHILD_CONTROL and key not in VALUE_OPERATORS:
                raise PolicyDocumentError(f"{key!r} at {_where(path)}: a setting holds only inheritance operators")
        if CHILD_CONTROL in node:
            _check_child_control(node[CHILD_CONTROL], path)
    try:
        operator, value = setting(node)
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
    operator, value = setting(node)
    if operator is None:
        return
    value_type = catalog.CONTROL_PARAMETERS[control_id][name][0]
    fits = (
        isinstance(value, bool) if value_type == "Boolean" else isinstance(value, int) and not isinstance(value, bool)
    )
    if not fits:
        raise PolicyDocumentError(f"{_where(path)} takes a {value_type} value, got {json.dumps(value)}")
