"""The declaration of configuration policies and their associations: its spec, and both directions of its
properties.

The policies travel as one JSON string (``Policies``): CloudFormation turns every scalar of a custom resource's
properties into a string, and custom control parameters need their integers, doubles and booleans intact.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ...engine.declaration import (
    PropertyReader,
    Scope,
    account_id_problem,
    finish,
    parse_scope,
    region_problem,
)

SELF_MANAGED = "SELF_MANAGED_SECURITY_HUB"
"""The configuration identifier that makes a target self-managed (API reference,
StartConfigurationPolicyAssociation)."""

OWNERSHIP_MARKER = "[managed by cdk-securityhub-org]"
"""Ends the description of every policy this kind creates: a policy without it was made elsewhere and is never
updated or deleted. The marker lives in the description because ListConfigurationPolicies returns it, so a
converged pass needs no tag reads."""

DESCRIPTION_MAX = 512  # API reference, CreateConfigurationPolicy: Description, up to 512 characters
POLICY_QUOTA = 100  # Security Hub quotas: 100 configuration policies per delegated administrator
_NAME_SYMBOLS = set("-.!*/")
_NAME_MAX = 128
_CONTROL_ID = re.compile(r"^[A-Za-z][A-Za-z0-9]*\.\d+$")
_OU_ID = re.compile(r"^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$")
_ROOT_ID = re.compile(r"^r-[0-9a-z]{4,32}$")


class ControlsMode(StrEnum):
    """How a policy lists controls: exactly one mode, as the API requires."""

    ENABLED_ONLY = "ENABLED_ONLY"
    """Only the listed controls are enabled; every other control, new ones included, is disabled."""
    DISABLED = "DISABLED"
    """The listed controls are disabled; every other control, new ones included, is enabled."""


class ParameterType(StrEnum):
    """The members of the API's ``ParameterValue`` union."""

    INTEGER = "Integer"
    INTEGER_LIST = "IntegerList"
    DOUBLE = "Double"
    STRING = "String"
    STRING_LIST = "StringList"
    BOOLEAN = "Boolean"
    ENUM = "Enum"
    ENUM_LIST = "EnumList"


@dataclass(frozen=True)
class ControlParameter:
    """A custom value of one parameter of one security control."""

    control_id: str
    name: str
    value_type: ParameterType
    value: Any


@dataclass(frozen=True)
class PolicySpec:
    name: str
    description: str = ""
    service_enabled: bool = True
    standards: tuple[str, ...] = ()
    controls_mode: ControlsMode = ControlsMode.DISABLED
    controls: tuple[str, ...] = ()
    parameters: tuple[ControlParameter, ...] = ()

    @property
    def stored_description(self) -> str:
        """The description as stored in Security Hub: the declared one and the ownership marker."""
        return f"{self.description} {OWNERSHIP_MARKER}".strip()

    def configuration(self) -> dict[str, Any]:
        """The ``Policy`` union of Create/UpdateConfigurationPolicy."""
        if not self.service_enabled:
            return {"SecurityHub": {"ServiceEnabled": False}}
        key = (
            "EnabledSecurityControlIdentifiers"
            if self.controls_mode is ControlsMode.ENABLED_ONLY
            else "DisabledSecurityControlIdentifiers"
        )
        controls: dict[str, Any] = {key: sorted(self.controls)}
        by_control: dict[str, dict[str, Any]] = {}
        for p in sorted(self.parameters, key=lambda p: (p.control_id, p.name)):
            by_control.setdefault(p.control_id, {})[p.name] = {
                "ValueType": "CUSTOM",
                "Value": {p.value_type.value: p.value},
            }
        if by_control:
            controls["SecurityControlCustomParameters"] = [
                {"SecurityControlId": control, "Parameters": parameters} for control, parameters in by_control.items()
            ]
        return {
            "SecurityHub": {
                "ServiceEnabled": True,
                "EnabledStandardIdentifiers": sorted(self.standards),
                "SecurityControlsConfiguration": controls,
            }
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "Name": self.name,
            "Description": self.description,
            "ServiceEnabled": self.service_enabled,
            "Standards": list(self.standards),
            "ControlsMode": self.controls_mode.value,
            "Controls": list(self.controls),
            "Parameters": [
                {"Control": p.control_id, "Name": p.name, "Type": p.value_type.value, "Value": p.value}
                for p in self.parameters
            ],
        }


@dataclass(frozen=True)
class AssociationSpec:
    """A root, OU or organization account, and the policy (by name) it follows, or :data:`SELF_MANAGED`."""

    target: str
    configuration: str

    @property
    def target_key(self) -> str:
        """The member of the API's ``Target`` union that names this target."""
        if self.target.startswith("r-"):
            return "RootId"
        return "OrganizationalUnitId" if self.target.startswith("ou-") else "AccountId"


@dataclass(frozen=True)
class ConfigurationPoliciesSpec:
    scope: Scope
    home_region: str
    policies: tuple[PolicySpec, ...] = ()
    associations: tuple[AssociationSpec, ...] = ()

    def to_properties(self) -> dict[str, Any]:
        return {
            **self.scope.to_properties(),
            "HomeRegion": self.home_region,
            "Policies": json.dumps([p.to_json() for p in self.policies], sort_keys=True),
            "Associations": [{"Target": a.target, "Configuration": a.configuration} for a in self.associations],
        }


def parse_configuration_policies(properties: Mapping[str, Any]) -> ConfigurationPoliciesSpec:
    reader = PropertyReader(properties)
    scope = parse_scope(reader)
    home_region = reader.text("HomeRegion", check=region_problem)
    policies = _parse_policies(properties.get("Policies", "[]"), reader.problems)
    associations = _parse_associations(properties.get("Associations") or [], reader.problems)
    spec = ConfigurationPoliciesSpec(scope, home_region, policies, associations)
    reader.problems.extend(configuration_policies_problems(spec))
    finish(reader, "Custom::SecurityHubConfigurationPolicies")
    return spec


def _parse_policies(value: Any, problems: list[str]) -> tuple[PolicySpec, ...]:
    try:
        items = json.loads(value) if isinstance(value, str) else None
    except json.JSONDecodeError as error:
        items = None
        problems.append(f"property Policies is not valid JSON ({error}); it is written by the construct")
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        if items is not None or not isinstance(value, str):
            problems.append(f"property Policies must be a JSON list of policies, got {value!r}")
        return ()
    policies = []
    for item in items:
        try:
            policies.append(
                PolicySpec(
                    name=str(item["Name"]),
                    description=str(item.get("Description", "")),
                    service_enabled=bool(item.get("ServiceEnabled", True)),
                    standards=tuple(item.get("Standards", ())),
                    controls_mode=ControlsMode(item.get("ControlsMode", ControlsMode.DISABLED.value)),
                    controls=tuple(item.get("Controls", ())),
                    parameters=tuple(
                        ControlParameter(p["Control"], p["Name"], ParameterType(p["Type"]), p["Value"])
                        for p in item.get("Parameters", ())
                    ),
                )
            )
        except (KeyError, ValueError, TypeError) as error:
            problems.append(
                f"policy {item.get('Name', item)!r} is malformed ({error!r}); it is written by the construct"
            )
    return tuple(policies)


def _parse_associations(value: Any, problems: list[str]) -> tuple[AssociationSpec, ...]:
    if not isinstance(value, list):
        problems.append(f"property Associations must be a list, got {value!r}")
        return ()
    found = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("Target"), str) or not item.get("Configuration"):
            problems.append(f"association {item!r} needs a Target and a Configuration (a policy name or SELF_MANAGED)")
            continue
        found.append(AssociationSpec(item["Target"], str(item["Configuration"])))
    return tuple(found)


def target_problem(target: str) -> str | None:
    """Why ``target`` is not a root, OU or account ID, with the fix."""
    if _ROOT_ID.match(target) or _OU_ID.match(target):
        return None
    if target.startswith(("r-", "ou-")):
        return f"target {target!r} is not a root ID ('r-xxxx') or an OU ID ('ou-xxxx-xxxxxxxx')"
    problem = account_id_problem(target)
    return f"target {problem}; a target is a root ID, an OU ID or a 12-digit account ID" if problem else None


def name_problem(name: str) -> str | None:
    # API reference, CreateConfigurationPolicy: "Alphanumeric characters and the following ASCII characters
    # are permitted: -, ., !, *, /."
    bad = sorted({c for c in name if not (c.isascii() and c.isalnum()) and c not in _NAME_SYMBOLS})
    if not name or len(name) > _NAME_MAX or bad:
        return f"policy name {name!r} must be 1 to {_NAME_MAX} letters, digits and - . ! * /" + (
            f" (remove {''.join(bad)!r})" if bad else ""
        )
    return None


def control_id_problem(control_id: object) -> str | None:
    if isinstance(control_id, str) and _CONTROL_ID.match(control_id):
        return None
    return f"control ID {control_id!r} is not a security control ID; write it like 'S3.1' or 'CloudTrail.2'"


def parameter_problem(parameter: ControlParameter) -> str | None:
    """Why the value does not fit its declared type, with the fix."""
    value, kind = parameter.value, parameter.value_type

    def is_int(v: Any) -> bool:
        return isinstance(v, int) and not isinstance(v, bool)

    fits = {
        ParameterType.INTEGER: is_int(value),
        ParameterType.DOUBLE: (is_int(value) or isinstance(value, float)),
        ParameterType.BOOLEAN: isinstance(value, bool),
        ParameterType.STRING: isinstance(value, str) and bool(value),
        ParameterType.ENUM: isinstance(value, str) and bool(value),
        ParameterType.INTEGER_LIST: isinstance(value, list) and all(is_int(v) for v in value),
        ParameterType.STRING_LIST: isinstance(value, list) and all(isinstance(v, str) and v for v in value),
        ParameterType.ENUM_LIST: isinstance(value, list) and all(isinstance(v, str) and v for v in value),
    }[kind]
    if fits:
        return None
    return (
        f"parameter {parameter.name!r} of control {parameter.control_id} is {value!r}, which is not a"
        f" {kind.value}; give a value of that type"
    )


def configuration_policies_problems(spec: ConfigurationPoliciesSpec) -> list[str]:
    """Rules between fields: shared by the synth-time and the deploy-time checks."""
    problems: list[str] = []
    if spec.home_region and spec.home_region not in spec.scope.regions:
        problems.append(f"HomeRegion {spec.home_region!r} must also be one of Regions {list(spec.scope.regions)}")
    if len(spec.policies) > POLICY_QUOTA:
        problems.append(
            f"{len(spec.policies)} configuration policies are declared; the quota is {POLICY_QUOTA} per delegated"
            " administrator: merge policies, or ask AWS Support to raise the quota"
        )
    names: set[str] = set()
    for policy in spec.policies:
        problems.extend(_policy_problems(policy, names))
        names.add(policy.name)
    targets: set[str] = set()
    for association in spec.associations:
        problem = target_problem(association.target)
        if problem:
            problems.append(problem)
        if association.target in targets:
            problems.append(f"target {association.target} is associated more than once; keep one association")
        targets.add(association.target)
        if association.configuration != SELF_MANAGED and association.configuration not in names:
            problems.append(
                f"target {association.target} is associated with {association.configuration!r}, which is not a"
                f" declared policy; use one of {sorted(names)} or {SELF_MANAGED}"
            )
    return problems


def _policy_problems(policy: PolicySpec, earlier_names: set[str]) -> list[str]:
    problems: list[str] = []
    label = f"policy {policy.name!r}"
    name = name_problem(policy.name)
    if name:
        problems.append(name)
    if policy.name in earlier_names:
        problems.append(f"{label} is declared twice; policy names must be unique")
    if len(policy.stored_description) > DESCRIPTION_MAX:
        room = DESCRIPTION_MAX - len(OWNERSHIP_MARKER) - 1
        problems.append(f"{label}: the description is longer than {room} characters; shorten it")
    if not policy.service_enabled:
        if policy.standards or policy.controls or policy.parameters:
            problems.append(
                f"{label} disables Security Hub, so it takes no standards, controls or parameters; remove them"
            )
        return problems
    if not policy.standards:
        problems.append(f"{label} enables Security Hub, so it needs at least one enabled standard")
    if policy.controls_mode is ControlsMode.ENABLED_ONLY and not policy.controls:
        problems.append(
            f"{label} enables only the listed controls but lists none; list the controls, or use the DISABLED mode"
        )
    for control in (*policy.controls, *(p.control_id for p in policy.parameters)):
        problem = control_id_problem(control)
        if problem:
            problems.append(f"{label}: {problem}")
    for parameter in policy.parameters:
        problem = parameter_problem(parameter)
        if problem:
            problems.append(f"{label}: {problem}")
    return problems
