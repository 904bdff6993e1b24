"""``OrganizationsSecurityHubPolicy``: an AWS Organizations Security Hub CSPM policy (``SECURITYHUB_CSPM_POLICY``)
from typed props, its document rendered and checked at synth, created and attached by the management account.

Two checks need the rest of the app and run once at synth over the whole app (``_AppWideChecks``): Organizations
policies and central configuration cannot govern the same organization, and a policy must not disable Security
Hub CSPM in the Regions of the delegated administrator declared in the same app.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import aws_cdk as cdk
import jsii

from cdk_securityhub_org._provider import custom_resource, grants_for
from cdk_securityhub_org._validation import Problems, declared_account, partition_of, region_value_problem, scope_spec
from cdk_securityhub_org.delegated_admin import DelegatedAdmin
from cdk_securityhub_org.handler.kinds.organization_configuration.spec import ConfigurationType
from cdk_securityhub_org.handler.kinds.organizations_policy import permissions
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
    REGIONAL_OVERRIDES,
    VALUE_OPERATORS,
    control_id_problem,
    effective_policy,
    parameter_name_problem,
    region_settings,
    standard_problem,
)
from cdk_securityhub_org.handler.kinds.organizations_policy.spec import (
    OrganizationsPolicySpec,
    parse_organizations_policy,
    target_problem,
)
from cdk_securityhub_org.handler.registry import ORGANIZATIONS_POLICY
from cdk_securityhub_org.organization_configuration import OrganizationConfiguration
from constructs import Construct, IConstruct, IValidation


@dataclass(frozen=True)
class PolicyConfiguration:
    """What a policy sets where it enables Security Hub CSPM: exactly these standards (every other one is
    disabled), these control statuses (``{"IAM.1": "DISABLED"}``) and these control parameters
    (``{"IAM.7": {"MaxPasswordAge": 60}}``; every other parameter goes back to its default).

    ``standards`` are the parts of the standards' ARNs after ``standards/``, such as
    ``aws-foundational-security-best-practices/v/1.0.0``.
    """

    standards: Sequence[str] = ()
    control_statuses: Mapping[str, str] = field(default_factory=dict)
    control_parameters: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class OrganizationsPolicyProps:
    """The props of an ``OrganizationsSecurityHubPolicy`` that ``SecurityHubOrganization`` builds in its management
    stack (see the construct for each)."""

    name: str
    enable_in_regions: Sequence[str] = ()
    disable_in_regions: Sequence[str] = ()
    default_configuration: PolicyConfiguration | None = None
    regional_overrides: Mapping[str, PolicyConfiguration] | None = None
    child_policy_operators: Sequence[str] = ()
    target_ids: Sequence[str] = ()
    description: str = ""


class OrganizationsSecurityHubPolicy(Construct):
    """An AWS Organizations policy of type ``SECURITYHUB_CSPM_POLICY``, attached to ``target_ids``.

    Deploy it in a stack of the organization's management account. The handler enables Security Hub's trusted
    access and the policy type on the root when they are off. Review its effect first with
    ``cdk-securityhub-org plan``: where it enables Security Hub CSPM, standards it does not list are disabled and
    parameters it does not set are reset; where it disables it, member associations are removed for good.

    :param name: the policy's name, unique among the organization's policies of the type.
    :param enable_in_regions: Regions where Security Hub CSPM is enabled, or ``ALL_SUPPORTED`` (every current and
        future Region).
    :param disable_in_regions: Regions where it is disabled, or ``ALL_SUPPORTED``. A Region in neither list is left
        alone; one in both is disabled, which synth refuses as rarely meant.
    :param default_configuration: the standards, control statuses and parameters in every enabled Region.
        Default: none, which disables every standard there.
    :param regional_overrides: Region -> configuration replacing the default one entirely in that Region.
    :param child_policy_operators: the inheritance operators policies attached below may use on these settings:
        some of ``@@assign``, ``@@append``, ``@@remove``, or ``["@@all"]``. Default: none (``@@none``), so that an OU
        or account policy cannot loosen this one.
    :param target_ids: root (``r-...``), OU (``ou-...``) and account IDs to attach the policy to.
    :param description: the policy's description.
    :param region: the Region the custom resource runs in (Organizations is global). Default: the stack's Region.
    :param management_account_id: the management account. Default: the stack's account, when it is concrete.
    :param removal_policy: ``RETAIN`` (default) leaves the policy attached; ``DESTROY`` detaches and deletes it.

    Attributes: ``document`` (the rendered policy), ``content`` (its JSON), ``spec`` and ``resource``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        enable_in_regions: Sequence[str] = (),
        disable_in_regions: Sequence[str] = (),
        default_configuration: PolicyConfiguration | None = None,
        regional_overrides: Mapping[str, PolicyConfiguration] | None = None,
        child_policy_operators: Sequence[str] = (),
        target_ids: Sequence[str] = (),
        description: str = "",
        region: str | None = None,
        management_account_id: str | None = None,
        removal_policy: cdk.RemovalPolicy = cdk.RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, id)
        problems = Problems(self.node.path)
        management = declared_account(problems, self, "management_account_id", management_account_id)
        stack_region = cdk.Stack.of(self).region
        if region is None and cdk.Token.is_unresolved(stack_region):
            problems.add("region", "the stack has no concrete Region; give region='us-east-1' or the stack an env")
        deploy_region = region or stack_region
        partition = partition_of(deploy_region) if not cdk.Token.is_unresolved(deploy_region) else None
        enabled = _policy_regions(problems, "enable_in_regions", enable_in_regions, partition)
        disabled = _policy_regions(problems, "disable_in_regions", disable_in_regions, partition)
        both = sorted(set(enabled) & set(disabled)) or (
            [ALL_SUPPORTED] if ALL_SUPPORTED in disabled and enabled else []
        )
        if both:
            problems.add(
                "disable_in_regions",
                f"{both} also in enable_in_regions: disable_in_regions wins there, which is rarely meant; list each"
                " Region in one of the two",
            )
        overrides = dict(regional_overrides or {})
        for override_region in overrides:
            if problem := _region_problem(override_region, partition, all_supported=False):
                problems.add(f"regional_overrides[{override_region!r}]", problem)
        configurations = {"default_configuration": default_configuration or PolicyConfiguration()}
        configurations.update({f"regional_overrides[{r!r}]": c for r, c in overrides.items()})
        for prop, configuration in configurations.items():
            _check_configuration(problems, prop, configuration)
        child_control = _child_control(problems, child_policy_operators)
        self.document = _render(enabled, disabled, default_configuration, overrides, child_control)
        self.content = json.dumps(self.document, separators=(",", ":"), sort_keys=True)
        if len(self.content) > POLICY_CONTENT_LIMIT:
            problems.add(
                "content",
                f"the rendered policy has {len(self.content):,} characters, over Organizations' limit of"
                f" {POLICY_CONTENT_LIMIT:,}; move repeated settings from regional_overrides into"
                " default_configuration, or split the policy by OU",
            )
        for index, target in enumerate(target_ids):
            if problem := target_problem(target):
                problems.add(f"target_ids[{index}]", problem)
        self.spec = OrganizationsPolicySpec(
            scope=scope_spec(
                problems,
                regions=[deploy_region] if isinstance(deploy_region, str) else deploy_region,
                expected_account=management,
                on_region_unavailable="FAIL",
                removal_policy=removal_policy,
            ),
            name=name,
            description=description,
            content=self.content,
            target_ids=tuple(target_ids),
        )
        problems.round_trip(self.spec.to_properties(), parse_organizations_policy)
        problems.raise_if_any()
        _AppWideChecks.register(self)

        self.resource = custom_resource(
            self,
            kind=ORGANIZATIONS_POLICY,
            properties=self.spec.to_properties(),
            grants=grants_for(self, permissions.actions(self.spec), regions=self.spec.scope.regions),
            removal_policy=self.spec.scope.removal_policy,
        )

    def disabled_regions(self, account_id: str, regions: Sequence[str]) -> list[str]:
        """Those of ``regions`` where this policy, attached to the root or to ``account_id`` itself, disables
        Security Hub CSPM in that account. Whether an OU holds the account is not known at synth: ``plan`` shows
        that case."""
        if not any(t.startswith("r-") or t == account_id for t in self.spec.target_ids):
            return []
        effective = effective_policy([[self.document]])
        return [r for r in regions if (s := region_settings(effective, r)) is not None and not s.enabled]


def _region_problem(value: object, partition: str | None, *, all_supported: bool) -> str | None:
    if all_supported and value == ALL_SUPPORTED:
        return None
    if problem := region_value_problem(value):
        return problem + (f", or {ALL_SUPPORTED}" if all_supported else "")
    if partition and partition_of(str(value)) != partition:
        return (
            f"Region {value!r} is in partition {partition_of(str(value))}, not {partition} where the policy is"
            " managed; an organization's policies govern the Regions of its own partition"
        )
    return None


def _policy_regions(problems: Problems, prop: str, values: object, partition: str | None) -> list[str]:
    if isinstance(values, str) or not isinstance(values, Sequence):
        problems.add(
            prop, f"{values!r} is not a list of Regions; write a list such as ['us-east-1'] or ['{ALL_SUPPORTED}']"
        )
        return []
    accepted: list[str] = []
    for index, value in enumerate(values):
        if problem := _region_problem(value, partition, all_supported=True):
            problems.add(f"{prop}[{index}]", problem)
        elif value in accepted:
            problems.add(f"{prop}[{index}]", f"{value!r} is listed twice; list each Region once")
        else:
            accepted.append(value)
    return accepted


def _check_configuration(problems: Problems, prop: str, configuration: object) -> None:
    if not isinstance(configuration, PolicyConfiguration):
        problems.add(
            prop, f"{configuration!r} is not a PolicyConfiguration; write PolicyConfiguration(standards=[...])"
        )
        return
    for index, standard in enumerate(configuration.standards):
        if problem := standard_problem(standard):
            problems.add(f"{prop}.standards[{index}]", problem)
    for control, status in configuration.control_statuses.items():
        if problem := control_id_problem(control):
            problems.add(f"{prop}.control_statuses", problem)
        if status not in CONTROL_STATUS_VALUES:
            problems.add(f"{prop}.control_statuses[{control!r}]", f"{status!r} is not ENABLED or DISABLED")
    for control, parameters in configuration.control_parameters.items():
        if problem := control_id_problem(control):
            problems.add(f"{prop}.control_parameters", problem)
        if not isinstance(parameters, Mapping) or not parameters:
            problems.add(
                f"{prop}.control_parameters[{control!r}]",
                f"{parameters!r} is not a mapping of parameter names to values; write {{'MaxPasswordAge': 60}}",
            )
            continue
        for name, value in parameters.items():
            if problem := parameter_name_problem(name):
                problems.add(f"{prop}.control_parameters[{control!r}]", problem)
            if not isinstance(value, bool | int | float | str) and not (
                isinstance(value, list) and all(isinstance(v, bool | int | float | str) for v in value)
            ):
                problems.add(
                    f"{prop}.control_parameters[{control!r}][{name!r}]",
                    f"{value!r} is not a parameter value; write a number, true/false, text or a list of them",
                )


def _child_control(problems: Problems, operators: object) -> list[str]:
    if isinstance(operators, str) or not isinstance(operators, Sequence):
        problems.add("child_policy_operators", f"{operators!r} is not a list; write for example ['@@append']")
        return [NO_OPERATORS]
    if not operators:
        return [NO_OPERATORS]
    allowed = [*sorted(VALUE_OPERATORS), ALL_OPERATORS]
    unknown = [o for o in operators if o not in allowed]
    if unknown:
        problems.add("child_policy_operators", f"{unknown} are not inheritance operators; use some of {allowed}")
    if ALL_OPERATORS in operators and len(operators) > 1:
        problems.add("child_policy_operators", f"{ALL_OPERATORS} stands alone; write ['{ALL_OPERATORS}']")
    return list(operators)


def _assign(value: Any) -> dict[str, Any]:
    return {ASSIGN: value}


def _render_configuration(configuration: PolicyConfiguration) -> dict[str, Any]:
    return {
        ENABLED_STANDARDS: _assign(list(configuration.standards)),
        CONTROL_STATUSES: {control: _assign(status) for control, status in configuration.control_statuses.items()},
        CONTROL_PARAMETERS: {
            control: {name: _assign(value) for name, value in parameters.items()}
            for control, parameters in configuration.control_parameters.items()
            if isinstance(parameters, Mapping)
        },
    }


def _render(
    enabled: list[str],
    disabled: list[str],
    default: PolicyConfiguration | None,
    overrides: Mapping[str, PolicyConfiguration],
    child_control: list[str],
) -> dict[str, Any]:
    """The policy document; every value with ``@@assign`` (what the console writes), and the limit on child
    policies once, at the top, where it covers every setting below (AWS Organizations user guide, "Inheritance
    operators": a child cannot lift a limit it inherits)."""
    securityhub: dict[str, Any] = {
        CHILD_CONTROL: child_control,
        ENABLEMENT: {"enable_in_regions": _assign(enabled), "disable_in_regions": _assign(disabled)},
    }
    if default is not None:
        securityhub[DEFAULT_CONFIGURATION] = _render_configuration(default)
    valid = {r: c for r, c in overrides.items() if isinstance(c, PolicyConfiguration)}
    if valid:
        securityhub[REGIONAL_OVERRIDES] = {r: _render_configuration(c) for r, c in sorted(valid.items())}
    return {"securityhub": securityhub}


# ---------------------------------------------------------------------------------------------- app-wide checks


@jsii.implements(IValidation)
class _AppWideChecks:
    """One validation on the app, run at synth once every construct exists, whatever the order they were added
    in: it reports on each ``OrganizationsSecurityHubPolicy`` what conflicts with the rest of the app."""

    def __init__(self, app: IConstruct) -> None:
        self.app = app

    _MARK = "_securityhub_policy_checks"

    @classmethod
    def register(cls, policy: OrganizationsSecurityHubPolicy) -> None:
        """Add the checks once, to the stage the policy is synthesized in (the app, or a ``cdk.Stage`` synthesized
        on its own), looking at the whole app from there."""
        stage = cdk.Stage.of(policy) or policy.node.root
        if not getattr(stage, cls._MARK, False):
            stage.node.add_validation(cls(policy.node.root))
            setattr(stage, cls._MARK, True)

    def validate(self) -> list[str]:
        found = self.app.node.find_all()
        policies = [c for c in found if isinstance(c, OrganizationsSecurityHubPolicy)]
        central = [
            c.node.path
            for c in found
            if isinstance(c, OrganizationConfiguration) and c.spec.configuration_type is ConfigurationType.CENTRAL
        ]
        administrators = [c for c in found if isinstance(c, DelegatedAdmin)]
        messages: list[str] = []
        for policy in policies:
            path = policy.node.path
            if central:
                # Security Hub user guide, "How declarative policies work in Security Hub CSPM": declarative
                # policies and central configuration cannot be used at the same time.
                messages.append(
                    f"{path}: an Organizations Security Hub CSPM policy cannot govern an organization that uses"
                    f" central configuration ({', '.join(central)} declares CENTRAL); set configuration_type LOCAL"
                    " there, or drop this policy"
                )
            for admin in administrators:
                own = policy.disabled_regions(admin.spec.admin_account_id, admin.spec.scope.regions)
                if own:
                    messages.append(
                        f"{path}: disable_in_regions disables Security Hub CSPM in {own}, Regions of the delegated"
                        f" administrator {admin.spec.admin_account_id} ({admin.node.path}); that would remove every"
                        " member association there. Take those Regions out of disable_in_regions"
                    )
        return messages
