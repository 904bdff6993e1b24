"""The YAML declaration of a ``SecurityHubOrganization`` (what the sample app reads), validated with errors that
name the key path and the fix.

Example (``examples/securityhub.yaml``)::

    management_account_id: "000000000001"
    administrator_account_id: "000000000002"
    regions: [us-east-1, us-west-2, eu-west-1]
    home_region: us-east-1
    members:
      organization: {exclude_accounts: ["000000000009"]}
      csv: members.csv
    drift_repair: rate(6 hours)     # between deploys (optional): an EventBridge schedule expression
    enroll_new_accounts: true       # Organizations new-account events trigger a repair of the members
    failure_alarm: true             # an alarm when a repair fails
    dashboard: true                 # a CloudWatch dashboard of membership and drift per Region
    organizations_policy:           # an Organizations Security Hub CSPM policy (examples/securityhub-orgpolicy.yaml)
      name: securityhub-baseline
      enable_in_regions: [us-east-1, us-west-2]
      default_configuration: {standards: [aws-foundational-security-best-practices/v/1.0.0]}
      target_ids: [r-abcd]

Under ``configuration_type: CENTRAL`` (``examples/securityhub-central.yaml``)::

    configuration_policies:
      - name: production
        standards: [FSBP, CIS_3_0]      # PublishedStandard names, or standard ARNs of the home Region
        disabled_controls: [EC2.8]      # or enabled_controls: [...], not both
        parameters:
          - {control: IAM.7, name: MaxPasswordAge, type: Integer, value: 60}
      - {name: sandbox, security_hub_enabled: false}
    policy_associations:               # root, OU or account ID -> a policy name, or SELF_MANAGED
      ou-abcd-11111111: production
      "000000000007": SELF_MANAGED

Numbers are read as the text written, so ``000000000001`` keeps its zeros and ``4.44456E+11`` is reported as the
spreadsheet damage it is.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import yaml
from aws_cdk import aws_events as events

from cdk_securityhub_org._provider import DEFAULT_MEMORY_MB
from cdk_securityhub_org._validation import (
    LAMBDA_MEMORY_MB,
    SecurityHubConfigurationError,
    memory_size_problem,
    region_value_problem,
)
from cdk_securityhub_org.configuration_policies import (
    SELF_MANAGED,
    ConfigurationPolicy,
    ControlParameter,
    ParameterType,
    PublishedStandard,
)
from cdk_securityhub_org.handler.engine.declaration import REGION_PATTERN, OnRegionUnavailable, account_id_problem
from cdk_securityhub_org.handler.kinds.members.spec import PrunePolicy, max_prune_problem
from cdk_securityhub_org.handler.kinds.organization_configuration.spec import (
    AutoEnableStandards,
    ConfigurationType,
    RegionLinkingMode,
)
from cdk_securityhub_org.member_list import MemberList
from cdk_securityhub_org.organizations_policy import OrganizationsPolicyProps, PolicyConfiguration

DEFAULT_STAGE_NAME = "SecurityHub"


class _TextNumbersLoader(yaml.SafeLoader):
    """A safe loader that keeps numbers as the text written (YAML would read ``000000000001`` as 1), and refuses a
    key given twice in one mapping (YAML would keep the last one silently, dropping a line of the declaration)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        first_seen: dict[object, int] = {}
        for key_node, _ in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None or key == "<<":
                continue
            if key in first_seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"the key {key!r} is given twice (first on line {first_seen[key]}); keep one",
                    key_node.start_mark,
                )
            first_seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


_TextNumbersLoader.yaml_implicit_resolvers = {
    first: [
        (tag, pattern) for tag, pattern in resolvers if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class SecurityHubConfig:
    """A validated declaration: ``stage_name`` plus the props of ``SecurityHubOrganization``."""

    management_account_id: str
    administrator_account_id: str
    regions: tuple[str, ...]
    stage_name: str = DEFAULT_STAGE_NAME
    deployment_region: str | None = None
    home_region: str | None = None
    linked_regions: tuple[str, ...] | None = None
    region_linking_mode: RegionLinkingMode | None = None
    configuration_type: ConfigurationType = ConfigurationType.LOCAL
    auto_enable: bool = True
    auto_enable_standards: AutoEnableStandards = AutoEnableStandards.DEFAULT
    allow_replace: bool = False
    removal_policy: cdk.RemovalPolicy = cdk.RemovalPolicy.RETAIN
    on_region_unavailable: OnRegionUnavailable = OnRegionUnavailable.FAIL
    member_list: MemberList | None = None
    prune: PrunePolicy = PrunePolicy.NONE
    invite_non_organization_accounts: bool = True
    restore_disassociated: bool = True
    max_prune: int | None = None
    allow_empty_member_list: bool = False
    members_reconciler_memory_size: int = DEFAULT_MEMORY_MB
    drift_repair: events.Schedule | None = None
    failure_alarm: bool = False
    enroll_new_accounts: bool = False
    dashboard: bool = False
    configuration_policies: tuple[ConfigurationPolicy, ...] | None = None
    policy_associations: dict[str, str] | None = None
    organizations_policy: OrganizationsPolicyProps | None = None

    def organization_props(self) -> dict[str, Any]:
        """Keyword arguments for ``SecurityHubOrganization``."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "stage_name"}


# ---------------------------------------------------------------------------------------------------- the schema

Check = Callable[["_Reader", str, Any], Any]

# The JSON Schema of what each check accepts: the JSON Schema file is derived from the key tables below through it,
# so the editor's schema and the validation cannot list different keys.
_JSON_SCHEMA_OF: dict[Check, dict[str, Any]] = {}


def _accepts(fragment: dict[str, Any]) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        _JSON_SCHEMA_OF[check] = fragment
        return check

    return register


@dataclass
class _Reader:
    problems: list[str] = field(default_factory=list)

    def add(self, path: str, problem: str) -> None:
        self.problems.append(f"{path}: {problem}")

    def mapping(self, path: str, value: Any, schema: Mapping[str, Check], required: tuple[str, ...]) -> dict[str, Any]:
        """The checked values of ``value``'s keys; unknown keys and missing required keys are problems."""
        if not isinstance(value, Mapping):
            self.add(
                path or "the document", f"is {_shown(value)}; write a mapping of keys such as {sorted(schema)[:3]}"
            )
            return {}
        checked: dict[str, Any] = {}
        for key, item in value.items():
            key_path = f"{path}.{key}" if path else str(key)
            if key not in schema:
                close = difflib.get_close_matches(str(key), list(schema), n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"use one of {sorted(schema)}"
                self.add(key_path, f"is not a known key; {hint}")
                continue
            checked[key] = schema[key](self, key_path, item)
        for key in required:
            if key not in value:
                self.add(f"{path}.{key}" if path else key, f"is missing; add {_EXAMPLES[key]}")
        return checked


_EXAMPLES = {
    "management_account_id": 'management_account_id: "111111111111" (the organization\'s management account)',
    "administrator_account_id": 'administrator_account_id: "222222222222" (the delegated administrator)',
    "regions": "regions: [us-east-1] (the Regions Security Hub runs in)",
    "name": "name: production (the policy's or the parameter's name)",
    "control": "control: IAM.7 (the security control ID)",
    "type": f"type: Integer (one of {[t.value for t in ParameterType]})",
    "value": "value: 60 (of the declared type)",
}


def _shown(value: Any) -> str:
    return "empty" if value is None else f"{value!r} ({type(value).__name__})"


@_accepts({"type": "string", "minLength": 1})
def _text(reader: _Reader, path: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        reader.add(path, f"is {_shown(value)}; write a non-empty text value")
    return value


@_accepts({"type": "boolean"})
def _flag(reader: _Reader, path: str, value: Any) -> bool:
    if not isinstance(value, bool):
        reader.add(path, f"is {_shown(value)}; write true or false")
    return value


@_accepts({"type": "integer", "minimum": LAMBDA_MEMORY_MB[0], "maximum": LAMBDA_MEMORY_MB[1]})
def _memory_size(reader: _Reader, path: str, value: Any) -> int:
    number = int(value) if isinstance(value, str) and value.isdigit() else value  # numbers arrive as text
    if problem := memory_size_problem(number):
        reader.add(path, problem)
    return number


@_accepts({"type": "integer", "minimum": 0, "description": "the most members a pass may remove per Region"})
def _max_prune(reader: _Reader, path: str, value: Any) -> int:
    number = int(value) if isinstance(value, str) and value.isdigit() else value  # numbers arrive as text
    if problem := max_prune_problem(number):
        reader.add(path, problem)
    return number


_ACCOUNT_SCHEMA = {"type": "string", "pattern": "^[0-9]{12}$", "description": "a 12-digit account ID, in quotes"}


@_accepts(_ACCOUNT_SCHEMA)
def _account(reader: _Reader, path: str, value: Any) -> str:
    if problem := account_id_problem(value):
        reader.add(path, problem)
    return value


_REGION_SCHEMA = {"type": "string", "pattern": REGION_PATTERN, "description": "a Region name such as us-east-1"}


@_accepts(_REGION_SCHEMA)
def _region(reader: _Reader, path: str, value: Any) -> str:
    if problem := region_value_problem(value):
        reader.add(path, problem)
    return value


@_accepts({"type": "array", "items": _REGION_SCHEMA, "uniqueItems": True})
def _regions(reader: _Reader, path: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        reader.add(path, f"is {_shown(value)}; write a list such as [us-east-1, eu-west-1]")
        return ()
    for index, item in enumerate(value):
        _region(reader, f"{path}[{index}]", item)
        if item in value[:index]:
            reader.add(f"{path}[{index}]", f"Region {item!r} is listed twice; list each Region once")
    return tuple(value)


def _choice(enum: type[Enum]) -> Check:
    def check(reader: _Reader, path: str, value: Any) -> Any:
        allowed = [member.value for member in enum]
        if value not in allowed:
            close = difflib.get_close_matches(str(value), allowed, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"use one of {allowed}"
            reader.add(path, f"is {_shown(value)}; {hint}")
            return None
        return enum(value)

    return _accepts({"enum": [member.value for member in enum]})(check)


@_accepts({"enum": ["RETAIN", "DESTROY"]})
def _removal_policy(reader: _Reader, path: str, value: Any) -> cdk.RemovalPolicy:
    if value not in ("RETAIN", "DESTROY"):
        reader.add(path, f"is {_shown(value)}; use RETAIN or DESTROY")
        return cdk.RemovalPolicy.RETAIN
    return cdk.RemovalPolicy[value]


@_accepts({"type": "array", "items": {"type": "string"}})
def _strings(reader: _Reader, path: str, value: Any) -> list[Any]:
    if not isinstance(value, list):
        reader.add(path, f"is {_shown(value)}; write a list")
        return []
    return value


# EventBridge schedule expressions: rate(1 hour) (singular for 1), rate(6 hours), cron(0 6 * * ? *) (six fields).
_SCHEDULE = re.compile(
    r"^(rate\(1 (minute|hour|day)\)|rate\((?!1 )[1-9]\d* (minutes|hours|days)\)|cron\(\S+( \S+){5}\))$"
)


@_accepts({"type": "string", "pattern": _SCHEDULE.pattern, "description": "rate(6 hours) or cron(0 6 * * ? *)"})
def _schedule(reader: _Reader, path: str, value: Any) -> events.Schedule | None:
    if not isinstance(value, str) or not _SCHEDULE.match(value):
        reader.add(
            path,
            f"is {_shown(value)}; write an EventBridge schedule expression such as 'rate(6 hours)' or"
            " 'cron(0 6 * * ? *)'",
        )
        return None
    return events.Schedule.expression(value)


_ORGANIZATION_SCHEMA: dict[str, Check] = {
    "organizational_units": _strings,
    "exclude_accounts": _strings,
    "exclude_organizational_units": _strings,
}


@_accepts(
    {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"account_id": _ACCOUNT_SCHEMA, "email": {"type": "string"}},
            "required": ["account_id"],
            "additionalProperties": False,
        },
    }
)
def _accounts(reader: _Reader, path: str, value: Any) -> list[Any]:
    if not isinstance(value, list):
        reader.add(path, f"is {_shown(value)}; write a list of {{account_id: ..., email: ...}}")
        return []
    return value


@_accepts(
    {"anyOf": [{"type": "string", "minLength": 1}, {"type": "array", "items": {"type": "string", "minLength": 1}}]}
)
def _csv_files(reader: _Reader, path: str, value: Any) -> list[str]:
    files = [value] if isinstance(value, str) else value
    if not isinstance(files, list) or not all(isinstance(f, str) and f for f in files):
        reader.add(path, f"is {_shown(value)}; write a CSV path (relative to this file) or a list of them")
        return []
    return files


def _section(keys: Mapping[str, Check], *, empty_allowed: bool = False, required: tuple[str, ...] = ()) -> Check:
    """A nested mapping of ``keys``; ``empty_allowed``: an empty value (``organization:``) reads as ``{}``."""

    def check(reader: _Reader, path: str, value: Any) -> dict[str, Any]:
        return reader.mapping(path, (value or {}) if empty_allowed else value, keys, required)

    return _accepts(_object_schema(keys, required, nullable=empty_allowed))(check)


def _object_schema(keys: Mapping[str, Check], required: tuple[str, ...], *, nullable: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": ["object", "null"] if nullable else "object",
        "properties": {key: _JSON_SCHEMA_OF[check] for key, check in keys.items()},
        "additionalProperties": False,
    }
    if required:
        schema["required"] = list(required)
    return schema


_MEMBERS_SCHEMA: dict[str, Check] = {
    "accounts": _accounts,
    "csv": _csv_files,
    "organization": _section(_ORGANIZATION_SCHEMA, empty_allowed=True),
    "prune": _choice(PrunePolicy),
    "invite_non_organization_accounts": _flag,
    "restore_disassociated": _flag,
    "max_prune": _max_prune,
    "allow_empty_member_list": _flag,
    "reconciler_memory_size": _memory_size,
}

# ------------------------------------------------------------------------------- central configuration


def _standard(reader: _Reader, path: str, value: Any) -> PublishedStandard | str:
    if isinstance(value, str) and value.startswith("arn:"):
        return value  # the construct checks the ARN's partition and Region against the home Region
    names = [member.name for member in PublishedStandard]
    if value in names:
        return PublishedStandard[value]
    close = difflib.get_close_matches(str(value), names, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"use one of {names} or a standard ARN"
    reader.add(path, f"is {_shown(value)}; {hint}")
    return str(value)


@_accepts(
    {
        "type": "array",
        "items": {"anyOf": [{"enum": [m.name for m in PublishedStandard]}, {"type": "string", "pattern": "^arn:"}]},
    }
)
def _standards(reader: _Reader, path: str, value: Any) -> tuple[PublishedStandard | str, ...]:
    if not isinstance(value, list):
        reader.add(path, f"is {_shown(value)}; write a list such as [FSBP, CIS_3_0]")
        return ()
    return tuple(_standard(reader, f"{path}[{index}]", item) for index, item in enumerate(value))


@_accepts({"type": "array", "items": {"type": "string"}, "description": "control IDs such as EC2.8"})
def _controls(reader: _Reader, path: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        reader.add(path, f"is {_shown(value)}; write a list of control IDs such as [EC2.8, S3.1]")
        return ()
    return tuple(value)


def _typed_value(reader: _Reader, path: str, value_type: ParameterType, value: Any) -> Any:
    """The parameter's value in its type: YAML numbers arrive as the text written (see ``_TextNumbersLoader``)."""
    convert = {ParameterType.INTEGER: int, ParameterType.DOUBLE: float}
    if value_type in convert and isinstance(value, str):
        try:
            return convert[value_type](value)
        except ValueError:
            reader.add(path, f"is {_shown(value)}, which is not a {value_type.value}; write a number")
            return value
    if value_type is ParameterType.INTEGER_LIST and isinstance(value, list):
        if all(isinstance(item, str) and item.lstrip("-").isdigit() for item in value):
            return [int(item) for item in value]
        reader.add(path, f"is {_shown(value)}, which is not an IntegerList; write a list of whole numbers")
    return value  # the construct checks the other types against their values, naming the control


@_accepts({"description": "a value of the parameter's type"})
def _any_value(reader: _Reader, path: str, value: Any) -> Any:
    return value  # converted to its type by _parameters, which knows the type


_PARAMETER_SCHEMA: dict[str, Check] = {
    "control": _text,
    "name": _text,
    "type": _choice(ParameterType),
    "value": _any_value,
}


@_accepts({"type": "array", "items": _object_schema(_PARAMETER_SCHEMA, ("control", "name", "type", "value"))})
def _parameters(reader: _Reader, path: str, value: Any) -> tuple[ControlParameter, ...]:
    if not isinstance(value, list):
        reader.add(path, f"is {_shown(value)}; write a list of {{control: ..., name: ..., type: ..., value: ...}}")
        return ()
    parameters = []
    for index, item in enumerate(value):
        item_path = f"{path}[{index}]"
        checked = reader.mapping(item_path, item, _PARAMETER_SCHEMA, ("control", "name", "type", "value"))
        if {"control", "name", "type", "value"} <= checked.keys() and checked["type"] is not None:
            typed = _typed_value(reader, f"{item_path}.value", checked["type"], checked["value"])
            parameters.append(ControlParameter(checked["control"], checked["name"], checked["type"], typed))
    return tuple(parameters)


_POLICY_SCHEMA: dict[str, Check] = {
    "name": _text,
    "description": _text,
    "security_hub_enabled": _flag,
    "standards": _standards,
    "enabled_controls": _controls,
    "disabled_controls": _controls,
    "parameters": _parameters,
}


@_accepts({"type": "array", "items": _object_schema(_POLICY_SCHEMA, ("name",))})
def _configuration_policies(reader: _Reader, path: str, value: Any) -> tuple[ConfigurationPolicy, ...]:
    """The policies' shapes; the rules between them (unique names, standards with Security Hub enabled, one
    controls list) are ``ConfigurationPolicies``' synth-time checks, which name the policy."""
    if not isinstance(value, list):
        reader.add(path, f"is {_shown(value)}; write a list of policies, each with a name")
        return ()
    policies = []
    for index, item in enumerate(value):
        checked = reader.mapping(f"{path}[{index}]", item, _POLICY_SCHEMA, ("name",))
        if "name" in checked:
            policies.append(ConfigurationPolicy(**checked))
    return tuple(policies)


@_accepts(
    {
        "type": "object",
        "propertyNames": {"pattern": "^(r-[0-9a-z]+|ou-[0-9a-z]+-[0-9a-z]+|[0-9]{12})$"},
        "additionalProperties": {"type": "string", "minLength": 1},
        "description": "target (root, OU or account ID) -> a policy name, or SELF_MANAGED",
    }
)
def _policy_associations(reader: _Reader, path: str, value: Any) -> dict[str, str]:
    """Target -> policy name; ``SELF_MANAGED`` is the short form of the API's ``SELF_MANAGED_SECURITY_HUB``."""
    if not isinstance(value, Mapping):
        reader.add(path, f"is {_shown(value)}; write a mapping of target (r-..., ou-..., account ID) to a policy name")
        return {}
    associations = {}
    for target, configuration in value.items():
        if not isinstance(configuration, str) or not configuration:
            reader.add(f"{path}.{target}", f"is {_shown(configuration)}; write a policy name or SELF_MANAGED")
            continue
        associations[str(target)] = SELF_MANAGED if configuration == "SELF_MANAGED" else configuration
    return associations


_NUMBER = re.compile(r"^-?(\d+|\d*\.\d+)$")


def _parameter_value(value: Any) -> Any:
    """A control parameter as written: the loader keeps numbers as text, and a parameter takes numbers."""
    if isinstance(value, list):
        return [_parameter_value(item) for item in value]
    if isinstance(value, str) and _NUMBER.match(value):
        return float(value) if "." in value else int(value)
    return value


def _mapping_of(check: Check, example: str) -> Check:
    def read(reader: _Reader, path: str, value: Any) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            reader.add(path, f"is {_shown(value)}; write a mapping such as {example}")
            return {}
        return {str(key): check(reader, f"{path}.{key}", item) for key, item in value.items()}

    return _accepts({"type": "object", "additionalProperties": _JSON_SCHEMA_OF[check]})(read)


def _configuration(reader: _Reader, path: str, value: Any) -> PolicyConfiguration:
    checked = reader.mapping(path, value, _CONFIGURATION_SCHEMA, ())
    return PolicyConfiguration(
        standards=tuple(checked.get("standards", ())),
        control_statuses=checked.get("control_statuses", {}),
        control_parameters={
            control: {name: _parameter_value(v) for name, v in parameters.items()}
            for control, parameters in checked.get("control_parameters", {}).items()
        },
    )


_CONFIGURATION_SCHEMA: dict[str, Check] = {
    "standards": _strings,
    "control_statuses": _mapping_of(_any_value, "{IAM.1: DISABLED}"),
    "control_parameters": _mapping_of(_mapping_of(_any_value, "{MaxPasswordAge: 60}"), "{IAM.7: {MaxPasswordAge: 60}}"),
}
_accepts(_object_schema(_CONFIGURATION_SCHEMA, ()))(_configuration)

_ORGANIZATIONS_POLICY_SCHEMA: dict[str, Check] = {
    "name": _text,
    "description": _text,
    "enable_in_regions": _strings,
    "disable_in_regions": _strings,
    "default_configuration": _configuration,
    "regional_overrides": _mapping_of(_configuration, "{eu-west-1: {standards: [...]}}"),
    "child_policy_operators": _strings,
    "target_ids": _strings,
}


@_accepts(_object_schema(_ORGANIZATIONS_POLICY_SCHEMA, ("name",)))
def _organizations_policy(reader: _Reader, path: str, value: Any) -> OrganizationsPolicyProps | None:
    checked = reader.mapping(path, value, _ORGANIZATIONS_POLICY_SCHEMA, ("name",))
    if "name" not in checked:
        return None
    return OrganizationsPolicyProps(**checked)


_TOP_SCHEMA: dict[str, Check] = {
    "stage_name": _text,
    "management_account_id": _account,
    "administrator_account_id": _account,
    "regions": _regions,
    "deployment_region": _region,
    "home_region": _region,
    "linked_regions": _regions,
    "region_linking_mode": _choice(RegionLinkingMode),
    "configuration_type": _choice(ConfigurationType),
    "auto_enable": _flag,
    "auto_enable_standards": _choice(AutoEnableStandards),
    "allow_replace": _flag,
    "removal_policy": _removal_policy,
    "on_region_unavailable": _choice(OnRegionUnavailable),
    "members": _section(_MEMBERS_SCHEMA),
    "drift_repair": _schedule,
    "failure_alarm": _flag,
    "enroll_new_accounts": _flag,
    "dashboard": _flag,
    "configuration_policies": _configuration_policies,
    "policy_associations": _policy_associations,
    "organizations_policy": _organizations_policy,
}


_REQUIRED = ("management_account_id", "administrator_account_id", "regions")


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the YAML declaration (``schema/securityhub.schema.json``), from the key tables above."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "cdk-securityhub-org declaration (securityhub.yaml)",
        "description": "A SecurityHubOrganization: the administrator, Regions, organization configuration, members.",
        **_object_schema(_TOP_SCHEMA, _REQUIRED),
    }


def json_schema_text() -> str:
    """:func:`json_schema` as the checked-in file's text (stable key order, final newline)."""
    return json.dumps(json_schema(), indent=2) + "\n"


def load_config(path: str | Path) -> SecurityHubConfig:
    """Read and validate the YAML declaration at ``path``; raise one ``SecurityHubConfigurationError`` listing
    every problem, each with its key path (``members.accounts[2].account_id``) and the fix."""
    path = Path(path)
    try:
        document = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=_TextNumbersLoader)
    except OSError as error:
        raise SecurityHubConfigurationError(
            {str(path): [f"cannot be read ({error.strerror}); check the path"]}
        ) from error
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        at = f"line {where.line + 1}, column {where.column + 1}: " if where else ""
        raise SecurityHubConfigurationError(
            {str(path): [f"{at}not valid YAML ({getattr(error, 'problem', error)}); fix the syntax there"]}
        ) from error
    reader = _Reader()
    values = reader.mapping("", document, _TOP_SCHEMA, _REQUIRED)
    members = values.pop("members", None)
    if members is not None:
        values.update(_member_props(reader, members, path.parent))
    if reader.problems:
        raise SecurityHubConfigurationError({str(path): reader.problems})
    return SecurityHubConfig(**values)


def _member_props(reader: _Reader, members: dict[str, Any], base: Path) -> dict[str, Any]:
    """The ``members`` section as ``SecurityHubOrganization`` props. CSV problems already name the file and line;
    the others get their key path under ``members``."""
    keyed: list[MemberList] = []
    if "organization" in members:
        keyed.append(MemberList.from_organization(**members["organization"]))
    if "accounts" in members:
        keyed.append(MemberList.from_accounts(members["accounts"]))
    from_files = [MemberList.from_csv(base / csv_path) for csv_path in members.get("csv", ())]
    reported = [problem for member_list in keyed for problem in member_list.problems]
    reader.problems.extend(f"members.{problem}" for problem in reported)
    reported.extend(problem for member_list in from_files for problem in member_list.problems)
    reader.problems.extend(problem for member_list in from_files for problem in member_list.problems)
    member_list = MemberList.union(*keyed, *from_files)
    reader.problems.extend(f"members: {problem}" for problem in member_list.problems if problem not in reported)
    props = {key: value for key, value in members.items() if key not in ("organization", "csv", "accounts")}
    if "reconciler_memory_size" in props:
        props["members_reconciler_memory_size"] = props.pop("reconciler_memory_size")
    return {**props, "member_list": member_list if keyed or from_files else None}
