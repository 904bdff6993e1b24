"""``ConfigurationPolicies``: Security Hub configuration policies and their associations (central configuration),
from the delegated administrator account, written in the home Region; and the typed constants of the standards
AWS publishes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum

import aws_cdk as cdk
from aws_cdk import aws_events as events

from cdk_securityhub_org._provider import custom_resource, grants_for
from cdk_securityhub_org._validation import Problems, declared_account, partition_of, scope_spec
from cdk_securityhub_org.drift_repair import BetweenDeploys
from cdk_securityhub_org.handler.engine.declaration import OnRegionUnavailable
from cdk_securityhub_org.handler.kinds.configuration_policies import permissions
from cdk_securityhub_org.handler.kinds.configuration_policies.spec import (
    SELF_MANAGED,
    AssociationSpec,
    ConfigurationPoliciesSpec,
    ControlParameter,
    ControlsMode,
    ParameterType,
    PolicySpec,
    configuration_policies_problems,
    parse_configuration_policies,
)
from cdk_securityhub_org.handler.registry import CONFIGURATION_POLICIES
from constructs import Construct

__all__ = [
    "SELF_MANAGED",
    "ConfigurationPolicies",
    "ConfigurationPolicy",
    "ControlParameter",
    "ParameterType",
    "PublishedStandard",
]


class PublishedStandard(Enum):
    """The security standards AWS publishes, by the Region-independent part of their ARN (Security Hub user
    guide, "Standards reference"; the ARNs are the ones DescribeStandards returns). :meth:`arn` gives the ARN
    in a Region, the form configuration policies take."""

    FSBP = "standards/aws-foundational-security-best-practices/v/1.0.0"
    CIS_1_2 = "ruleset/cis-aws-foundations-benchmark/v/1.2.0"
    CIS_1_4 = "standards/cis-aws-foundations-benchmark/v/1.4.0"
    CIS_3_0 = "standards/cis-aws-foundations-benchmark/v/3.0.0"
    NIST_800_53_R5 = "standards/nist-800-53/v/5.0.0"
    PCI_DSS_3_2_1 = "standards/pci-dss/v/3.2.1"
    PCI_DSS_4_0 = "standards/pci-dss/v/4.0.1"

    def arn(self, region: str) -> str:
        partition = partition_of(region) or "aws"
        # CIS v1.2.0 is the one standard whose ARN is a Region-less "ruleset".
        where = "" if self.value.startswith("ruleset/") else region
        return f"arn:{partition}:securityhub:{where}::{self.value}"


@dataclass(frozen=True)
class ConfigurationPolicy:
    """One configuration policy.

    :param name: unique among the policies; letters, digits and ``- . ! * /``.
    :param description: shown in the console; the library appends its ownership marker. Default: none.
    :param security_hub_enabled: ``True`` (default) enables Security Hub in the accounts the policy governs;
        ``False`` disables it (then no standards, controls or parameters).
    :param standards: the enabled standards: :class:`PublishedStandard` members or standard ARNs of the home
        Region. Required when Security Hub is enabled.
    :param enabled_controls: only these controls are enabled, every other one (new ones too) is disabled.
    :param disabled_controls: these controls are disabled, every other one (new ones too) is enabled. Give
        ``enabled_controls`` or ``disabled_controls``, not both; default: ``disabled_controls=()``, every control on.
    :param parameters: custom control parameters. Default: none.
    """

    name: str
    description: str = ""
    security_hub_enabled: bool = True
    standards: Sequence[PublishedStandard | str] = ()
    enabled_controls: Sequence[str] | None = None
    disabled_controls: Sequence[str] | None = None
    parameters: Sequence[ControlParameter] = field(default_factory=tuple)


class ConfigurationPolicies(Construct):
    """Configuration policies and their associations, reconciled in the home Region.

    Deploy it in the delegated administrator's stack, after an ``OrganizationConfiguration`` with
    ``configuration_type="CENTRAL"`` and the same ``home_region``.

    :param home_region: the home (aggregation) Region, where policies live.
    :param policies: the :class:`ConfigurationPolicy` list (at most 100, the service quota).
    :param associations: target (root ID ``r-...``, OU ID ``ou-...`` or 12-digit organization account) -> a
        policy name, or :data:`SELF_MANAGED`. Default: none.
    :param invited_account_ids: accounts invited outside the organization: never a target. Default: none.
    :param configuration_type: the organization's configuration type; policies need ``"CENTRAL"``. Default:
        ``"CENTRAL"``.
    :param removal_policy: ``RETAIN`` (default) leaves everything on delete; ``DESTROY`` removes the
        associations, then the policies this construct made.
    :param on_region_unavailable: ``"FAIL"`` (default) or ``"SKIP"``.
    :param administrator_account_id: the account the handler must run in. Default: the stack's account.
    :param drift_repair: repair drift between deploys on this schedule (``events.Schedule``), with the last
        deployed declaration (a policy edited or deleted by hand, an association changed in the console): see
        ``DriftRepair``. Default: no repair between deploys.
    :param failure_alarm: an alarm when a drift repair fails (for example an association FAILED); needs
        ``drift_repair``. Default: ``False``.

    Attributes: ``spec`` (the ``ConfigurationPoliciesSpec``), ``resource`` (the ``cdk.CustomResource``) and
    ``drift_repair`` (the ``DriftRepair``, or ``None``).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        home_region: str | None,
        policies: Sequence[ConfigurationPolicy],
        associations: Mapping[str, str] | None = None,
        invited_account_ids: Sequence[str] = (),
        configuration_type: str = "CENTRAL",
        removal_policy: cdk.RemovalPolicy = cdk.RemovalPolicy.RETAIN,
        on_region_unavailable: OnRegionUnavailable | str = OnRegionUnavailable.FAIL,
        administrator_account_id: str | None = None,
        drift_repair: events.Schedule | None = None,
        failure_alarm: bool = False,
    ) -> None:
        super().__init__(scope, id)
        problems = Problems(self.node.path)
        between_deploys = BetweenDeploys(problems, drift_repair=drift_repair, failure_alarm=failure_alarm)
        administrator = declared_account(problems, self, "administrator_account_id", administrator_account_id)
        if home_region is None:
            problems.add("home_region", "configuration policies live in the home Region; declare home_region")
        home = problems.region("home_region", home_region) if home_region is not None else ""
        if str(configuration_type) != "CENTRAL":
            problems.add(
                "configuration_type",
                f"configuration policies need CENTRAL configuration, not {configuration_type!r}; declare"
                " configuration_type='CENTRAL' on the organization configuration",
            )
        self.spec = ConfigurationPoliciesSpec(
            scope=scope_spec(
                problems,
                regions=[home] if home else [],
                expected_account=administrator,
                on_region_unavailable=on_region_unavailable,
                removal_policy=removal_policy,
            ),
            home_region=home,
            policies=tuple(_policy_spec(problems, p, home) for p in policies),
            associations=tuple(AssociationSpec(t, c) for t, c in (associations or {}).items()),
        )
        for problem in configuration_policies_problems(self.spec):
            problems.add("policies", problem)
        targets = {a.target for a in self.spec.associations}
        for account in invited_account_ids:
            if account in targets:
                problems.add(
                    "associations",
                    f"account {account} was invited outside the organization, and configuration policies govern"
                    " organization accounts only; remove its association (it stays self-managed)",
                )
        if home:  # without a home Region the handler's own check would only repeat the problem above
            problems.round_trip(self.spec.to_properties(), parse_configuration_policies)
        problems.raise_if_any()
        self.resource = custom_resource(
            self,
            kind=CONFIGURATION_POLICIES,
            properties=self.spec.to_properties(),
            grants=grants_for(self, permissions.actions(self.spec), regions=[home]),
            removal_policy=self.spec.scope.removal_policy,
        )
        self.drift_repair = between_deploys.build(self, CONFIGURATION_POLICIES, self.spec.to_properties())


def _policy_spec(problems: Problems, policy: ConfigurationPolicy, home: str) -> PolicySpec:
    label = f"policy {policy.name!r}"
    partition = partition_of(home) or "aws"
    standards: list[str] = []
    for standard in policy.standards:
        arn = standard.arn(home) if isinstance(standard, PublishedStandard) else str(standard)
        known = {s.arn(home) for s in PublishedStandard}
        if not arn.startswith(f"arn:{partition}:securityhub:"):
            problems.add(
                "policies",
                f"{label}: standard {arn!r} is not a Security Hub standard ARN of the {partition} partition (the"
                f" home Region {home}'s); use a PublishedStandard member or an ARN from DescribeStandards there",
            )
        elif arn.startswith(f"arn:{partition}:securityhub:{home}::") or arn in known:
            standards.append(arn)
        else:
            problems.add("policies", f"{label}: standard {arn!r} is not an ARN of the home Region {home}; use {home}")
    if policy.enabled_controls is not None and policy.disabled_controls is not None:
        problems.add("policies", f"{label} gives enabled_controls and disabled_controls; give one of them")
    mode = ControlsMode.ENABLED_ONLY if policy.enabled_controls is not None else ControlsMode.DISABLED
    controls = policy.enabled_controls if policy.enabled_controls is not None else policy.disabled_controls or ()
    return PolicySpec(
        name=policy.name,
        description=policy.description,
        service_enabled=policy.security_hub_enabled,
        standards=tuple(standards),
        controls_mode=mode,
        controls=tuple(controls),
        parameters=tuple(_typed_parameters(problems, label, policy.parameters)),
    )


def _typed_parameters(problems: Problems, label: str, parameters: Sequence[ControlParameter]) -> list[ControlParameter]:
    """The parameters with their type as a ``ParameterType`` (given as the member or its string, as the other
    enum props are); one with an unknown type is reported and left out, since its value cannot be checked."""
    typed = []
    allowed = [member.value for member in ParameterType]
    for parameter in parameters:
        given = parameter.value_type
        try:
            value_type = ParameterType(given.value if isinstance(given, Enum) else given)
        except ValueError:
            problems.add(
                "policies",
                f"{label}: parameter {parameter.name!r} of control {parameter.control_id} has the type {given!r},"
                f" which is not one of {allowed}; use a ParameterType member or one of these strings",
            )
            continue
        typed.append(replace(parameter, value_type=value_type))
    return typed
