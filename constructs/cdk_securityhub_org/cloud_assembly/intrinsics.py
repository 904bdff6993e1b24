"""CloudFormation intrinsic functions, conditions, and the string-ification of custom-resource properties.

The resolver knows the template's own sections (Parameters, Mappings, Conditions) and the pseudo
parameters; everything about live resources (``Ref``/``Fn::GetAtt`` of a resource, ``Fn::ImportValue``)
comes from a :class:`ResourceLookup` supplied by the stack engine.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from cdk_securityhub_org.cloud_assembly.errors import TemplateError
from cdk_securityhub_org.cloud_assembly.partitions import partition_of, url_suffix_of

NO_VALUE = object()
"""What ``Ref: AWS::NoValue`` resolves to: the enclosing property or list element disappears."""

RESOLVABLE = frozenset(
    {
        "Ref",
        "Fn::GetAtt",
        "Fn::Join",
        "Fn::Sub",
        "Fn::Select",
        "Fn::Split",
        "Fn::If",
        "Fn::Equals",
        "Fn::Not",
        "Fn::And",
        "Fn::Or",
        "Fn::ImportValue",
        "Fn::FindInMap",
        "Fn::Base64",
        "Fn::GetAZs",
    }
)
"""Intrinsics this resolver evaluates (``Condition`` is also understood inside condition expressions)."""

_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


@dataclass(frozen=True)
class PseudoParameters:
    """The values of ``AWS::*`` pseudo parameters for one stack."""

    account: str
    region: str
    stack_name: str
    stack_id: str

    def value(self, name: str) -> Any:
        """The value of pseudo parameter ``name`` (``AWS::NoValue`` gives :data:`NO_VALUE`)."""
        values: dict[str, Any] = {
            "AWS::AccountId": self.account,
            "AWS::Region": self.region,
            "AWS::Partition": partition_of(self.region),
            "AWS::URLSuffix": url_suffix_of(self.region),
            "AWS::StackName": self.stack_name,
            "AWS::StackId": self.stack_id,
            "AWS::NoValue": NO_VALUE,
            "AWS::NotificationARNs": [],
        }
        if name not in values:
            raise TemplateError(f"Unsupported pseudo parameter {name}")
        return values[name]


class ResourceLookup(Protocol):
    """Live values the resolver cannot know from the template alone."""

    def ref(self, logical_id: str) -> Any:
        """``Ref`` of a resource: its physical ID (or what the resource type returns for ``Ref``)."""
        ...

    def get_att(self, logical_id: str, attribute: str) -> Any:
        """``Fn::GetAtt`` of a resource attribute."""
        ...

    def import_value(self, export_name: str) -> Any:
        """``Fn::ImportValue``: an export of another stack in the same account and Region."""
        ...


class Resolver:
    """Evaluates intrinsic functions in one stack's template."""

    def __init__(self, template: Mapping[str, Any], pseudo: PseudoParameters, lookup: ResourceLookup) -> None:
        self._resources: Mapping[str, Any] = template.get("Resources", {})
        self._parameters: Mapping[str, Any] = template.get("Parameters", {})
        self._mappings: Mapping[str, Any] = template.get("Mappings", {})
        self._conditions: Mapping[str, Any] = template.get("Conditions", {})
        self._condition_values: dict[str, bool] = {}
        self._pseudo = pseudo
        self._lookup = lookup

    def resolve(self, value: Any, where: str) -> Any:
        """``value`` with every intrinsic evaluated; ``where`` names the location in errors."""
        try:
            resolved = self._resolve(value)
        except TemplateError as error:
            raise TemplateError(f"{where}: {error}") from None
        return None if resolved is NO_VALUE else resolved

    def condition(self, name: str) -> bool:
        """The value of the named condition in the ``Conditions`` section."""
        if name not in self._condition_values:
            if name not in self._conditions:
                raise TemplateError(f"Condition {name} is not defined in the Conditions section")
            self._condition_values[name] = self._condition_expression(self._conditions[name])
        return self._condition_values[name]

    def _resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            items = [self._resolve(item) for item in value]
            return [item for item in items if item is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, argument),) = value.items()
            if key == "Ref":
                return self._ref(argument)
            if key.startswith("Fn::"):
                return self._function(key, argument)
        resolved = {key: self._resolve(item) for key, item in value.items()}
        return {key: item for key, item in resolved.items() if item is not NO_VALUE}

    def _ref(self, name: Any) -> Any:
        if not isinstance(name, str):
            raise TemplateError(f"Ref takes a name, not {name!r}")
        if name.startswith("AWS::"):
            return self._pseudo.value(name)
        if name in self._parameters:
            return self._parameter(name)
        if name in self._resources:
            return self._lookup.ref(name)
        raise TemplateError(f"Unresolved resource dependencies [{name}] in the Resources block of the template")

    def _parameter(self, name: str) -> Any:
        declaration = self._parameters[name]
        if str(declaration.get("Type", "")).startswith("AWS::SSM::Parameter"):
            raise TemplateError(f"Parameter {name} is read from SSM Parameter Store, which is not simulated")
        if "Default" not in declaration:
            raise TemplateError(f"Parameters: [{name}] must have values")
        default = declaration["Default"]
        if str(declaration.get("Type", "")).startswith("List<") or declaration.get("Type") == "CommaDelimitedList":
            return [item.strip() for item in str(default).split(",")]
        return default

    def _function(self, name: str, argument: Any) -> Any:
        handlers = {
            "Fn::GetAtt": self._get_att,
            "Fn::Join": self._join,
            "Fn::Sub": self._sub,
            "Fn::Select": self._select,
            "Fn::Split": self._split,
            "Fn::If": self._if,
            "Fn::ImportValue": lambda arg: self._lookup.import_value(self._string(arg, "Fn::ImportValue")),
            "Fn::FindInMap": self._find_in_map,
            "Fn::Base64": lambda arg: base64.b64encode(self._string(arg, name).encode()).decode(),
            "Fn::GetAZs": self._get_azs,
        }
        if name in ("Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or"):
            return self._condition_expression({name: argument})
        if name not in handlers:
            raise TemplateError(f"Unsupported intrinsic function {name}")
        return handlers[name](argument)

    def _get_att(self, argument: Any) -> Any:
        if isinstance(argument, str) and "." in argument:
            argument = argument.split(".", 1)
        if not (isinstance(argument, list) and len(argument) == 2):
            raise TemplateError(f"Fn::GetAtt takes [LogicalId, Attribute], not {argument!r}")
        logical_id = argument[0]
        attribute = self._string(argument[1], "Fn::GetAtt attribute")
        if logical_id not in self._resources:
            raise TemplateError(f"Template error: instance of Fn::GetAtt references undefined resource {logical_id}")
        return self._lookup.get_att(logical_id, attribute)

    def _join(self, argument: Any) -> str:
        if not (isinstance(argument, list) and len(argument) == 2):
            raise TemplateError(f"Fn::Join takes [delimiter, [values]], not {argument!r}")
        delimiter = self._string(argument[0], "Fn::Join delimiter")
        values = self._resolve(argument[1])
        if not isinstance(values, list):
            raise TemplateError(f"Fn::Join needs a list of values, got {values!r}")
        return delimiter.join(_scalar_string(item, "Fn::Join") for item in values)

    def _sub(self, argument: Any) -> str:
        variables: Mapping[str, Any] = {}
        if isinstance(argument, list):
            if len(argument) != 2 or not isinstance(argument[1], dict):
                raise TemplateError(f"Fn::Sub takes a string or [string, {{variables}}], not {argument!r}")
            argument, variables = argument[0], {k: self._resolve(v) for k, v in argument[1].items()}
        if not isinstance(argument, str):
            raise TemplateError(f"Fn::Sub needs a string, not {argument!r}")

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return _scalar_string(variables[name], "Fn::Sub")
            if "." in name and not name.startswith("AWS::"):
                logical_id, attribute = name.split(".", 1)
                return _scalar_string(self._get_att([logical_id, attribute]), "Fn::Sub")
            return _scalar_string(self._ref(name), "Fn::Sub")

        return _SUB_VARIABLE.sub(replace, argument)

    def _select(self, argument: Any) -> Any:
        if not (isinstance(argument, list) and len(argument) == 2):
            raise TemplateError(f"Fn::Select takes [index, [values]], not {argument!r}")
        index, values = self._resolve(argument[0]), self._resolve(argument[1])
        if not isinstance(values, list):
            raise TemplateError(f"Fn::Select needs a list, got {values!r}")
        try:
            return values[int(index)]
        except (ValueError, IndexError):
            raise TemplateError(f"Fn::Select index {index!r} is out of bounds for {len(values)} values") from None

    def _split(self, argument: Any) -> list[str]:
        if not (isinstance(argument, list) and len(argument) == 2):
            raise TemplateError(f"Fn::Split takes [delimiter, string], not {argument!r}")
        delimiter = self._string(argument[0], "Fn::Split delimiter")
        return self._string(argument[1], "Fn::Split").split(delimiter)

    def _if(self, argument: Any) -> Any:
        if not (isinstance(argument, list) and len(argument) == 3 and isinstance(argument[0], str)):
            raise TemplateError(f"Fn::If takes [condition, value_if_true, value_if_false], not {argument!r}")
        return self._resolve(argument[1] if self.condition(argument[0]) else argument[2])

    def _find_in_map(self, argument: Any) -> Any:
        if not (isinstance(argument, list) and len(argument) == 3):
            raise TemplateError(f"Fn::FindInMap takes [map, top key, second key], not {argument!r}")
        map_name, top, second = (self._string(item, "Fn::FindInMap") for item in argument)
        try:
            return self._mappings[map_name][top][second]
        except KeyError:
            raise TemplateError(f"Fn::FindInMap: no [{map_name}][{top}][{second}] in Mappings") from None

    def _get_azs(self, argument: Any) -> list[str]:
        region = self._string(argument, "Fn::GetAZs") or self._pseudo.region
        return [f"{region}{zone}" for zone in "abc"]

    def _condition_expression(self, expression: Any) -> bool:
        if isinstance(expression, dict) and len(expression) == 1:
            ((key, argument),) = expression.items()
            if key == "Condition":
                return self.condition(argument)
            operands = argument if isinstance(argument, list) else [argument]
            if key == "Fn::Equals" and len(operands) == 2:
                left, right = (self._resolve(item) for item in operands)
                return _condition_operand(left) == _condition_operand(right)
            if key == "Fn::Not" and len(operands) == 1:
                return not self._condition_expression(operands[0])
            if key == "Fn::And":
                return all(self._condition_expression(item) for item in operands)
            if key == "Fn::Or":
                return any(self._condition_expression(item) for item in operands)
        raise TemplateError(f"Unsupported condition expression {expression!r}")

    def _string(self, value: Any, context: str) -> str:
        return _scalar_string(self._resolve(value), context)


def _scalar_string(value: Any, context: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise TemplateError(f"{context} needs a string, got {value!r}")


def _condition_operand(value: Any) -> Any:
    # CloudFormation compares the rendered values, so "3" equals 3 and "true" equals true.
    return _scalar_string(value, "Fn::Equals") if isinstance(value, bool | int | float) else value


def as_delivered(value: Any) -> Any:
    """``value`` as CloudFormation delivers resource properties to a custom resource: scalars as strings.

    The synthesized template shows JSON types (``true``, ``3``); the handler receives ``"true"`` and
    ``"3"``, also inside nested lists and objects.
    """
    if isinstance(value, dict):
        return {key: as_delivered(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_delivered(item) for item in value]
    if value is None or isinstance(value, str):
        return value
    return _scalar_string(value, "property")


def references(value: Any) -> set[str]:
    """Names that ``value`` refers to through ``Ref``, ``Fn::GetAtt`` or ``Fn::Sub`` (pseudo parameters excluded).

    Callers keep the names that are resources: those are the implicit dependencies that order creation.
    """
    found: set[str] = set()
    for key, argument in _intrinsics(value):
        if key == "Ref" and isinstance(argument, str):
            found.add(argument)
        elif key == "Fn::GetAtt":
            target = argument.split(".", 1)[0] if isinstance(argument, str) else argument[0]
            found.add(target)
        elif key == "Fn::Sub":
            text = argument[0] if isinstance(argument, list) else argument
            local = set(argument[1]) if isinstance(argument, list) and isinstance(argument[1], dict) else set()
            if isinstance(text, str):
                for name in _SUB_VARIABLE.findall(text):
                    if not name.startswith("!") and name not in local:
                        found.add(name.split(".", 1)[0] if not name.startswith("AWS::") else name)
    return {name for name in found if not name.startswith("AWS::")}


def check_supported(template: Mapping[str, Any]) -> None:
    """Raise :class:`TemplateError` naming the first intrinsic function the resolver does not evaluate.

    CloudFormation validates the whole template before it creates anything; checking up front keeps
    an unsupported function from surfacing halfway through a deploy.
    """
    for section in ("Resources", "Outputs", "Conditions"):
        for name, body in template.get(section, {}).items():
            for key, _argument in _intrinsics(body):
                if key.startswith("Fn::") and key not in RESOLVABLE:
                    raise TemplateError(f"{section}.{name}: Unsupported intrinsic function {key}")


def _intrinsics(value: Any) -> Iterator[tuple[str, Any]]:
    """Every single-key ``{"Ref" | "Fn::*": argument}`` object inside ``value``, outermost first."""
    if isinstance(value, list):
        for item in value:
            yield from _intrinsics(item)
    elif isinstance(value, dict):
        if len(value) == 1:
            ((key, argument),) = value.items()
            if key == "Ref" or key.startswith("Fn::"):
                yield key, argument
        for item in value.values():
            yield from _intrinsics(item)
