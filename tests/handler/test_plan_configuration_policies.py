"""Pure planning of configuration policies and their associations: the properties (plan, apply, plan again gives
nothing; hand-made policies and associations are never touched) and the declaration's checks."""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

import pytest
from cdk_securityhub_org.handler.engine.declaration import DeclarationError, Scope
from cdk_securityhub_org.handler.engine.live import LiveConfigurationPolicy, LivePolicyAssociation
from cdk_securityhub_org.handler.engine.plan import RegionPlan
from cdk_securityhub_org.handler.kinds.configuration_policies.plan import (
    plan_associations,
    plan_policies,
    plan_policy_deletions,
    plan_release,
)
from cdk_securityhub_org.handler.kinds.configuration_policies.spec import (
    OWNERSHIP_MARKER,
    SELF_MANAGED,
    AssociationSpec,
    ConfigurationPoliciesSpec,
    ControlParameter,
    ControlsMode,
    ParameterType,
    PolicySpec,
    parse_configuration_policies,
)
from hypothesis import given, settings
from hypothesis import strategies as st

HOME = "us-east-1"
FSBP = f"arn:aws:securityhub:{HOME}::standards/aws-foundational-security-best-practices/v/1.0.0"
CIS_30 = f"arn:aws:securityhub:{HOME}::standards/cis-aws-foundations-benchmark/v/3.0.0"
TARGETS = ["r-abcd", "ou-abcd-11111111", "ou-abcd-22222222", "111111111111", "222222222222"]
_TYPES = {"r": "ROOT", "o": "ORGANIZATIONAL_UNIT"}


class Model:
    """Security Hub's central configuration as the planners see it, changed by the actions they plan.
    Associations settle at once (SUCCESS): waiting on PENDING is the engine tests' business."""

    def __init__(self, policies: list[LiveConfigurationPolicy], applied: dict[str, LivePolicyAssociation]):
        self.policies = {p.policy_id: p for p in policies}
        self.applied = dict(applied)
        self.ids = (f"id-{n}" for n in itertools.count(100))

    def apply(self, plan: RegionPlan) -> None:
        for action in plan.actions:
            p = action.parameters
            if action.operation == "CreateConfigurationPolicy":
                assert p["Name"] not in {x.name for x in self.policies.values()}, "name taken"
                new = next(self.ids)
                self.policies[new] = LiveConfigurationPolicy(new, p["Name"], p["Description"], p["ConfigurationPolicy"])
            elif action.operation == "UpdateConfigurationPolicy":
                old = self.policies[p["Identifier"]]
                self.policies[old.policy_id] = replace(
                    old, description=p["Description"], configuration=p["ConfigurationPolicy"]
                )
            elif action.operation == "DeleteConfigurationPolicy":
                assert p["Identifier"] not in {a.configuration for a in self.applied.values()}, "still associated"
                del self.policies[p["Identifier"]]
            elif action.operation == "StartConfigurationPolicyAssociation":
                ((_, target),) = p["Target"].items()
                assert p["ConfigurationPolicyIdentifier"] in {*self.policies, SELF_MANAGED}, "unknown policy"
                self.applied[target] = association(target, p["ConfigurationPolicyIdentifier"])
            elif action.operation == "StartConfigurationPolicyDisassociation":
                ((_, target),) = p["Target"].items()
                assert self.applied[target].configuration == p["ConfigurationPolicyIdentifier"]
                del self.applied[target]
            else:
                raise AssertionError(action.operation)

    def converge(self, spec: ConfigurationPoliciesSpec) -> list[RegionPlan]:
        """The kind's three steps, each on the state the step before left."""
        plans = [plan_policies(spec, HOME, list(self.policies.values()))]
        self.apply(plans[-1])
        for step in (plan_associations, plan_policy_deletions):
            plans.append(step(spec, HOME, list(self.policies.values()), self.applied))
            self.apply(plans[-1])
        return plans


def association(target: str, configuration: str, status: str = "SUCCESS") -> LivePolicyAssociation:
    return LivePolicyAssociation(target, _TYPES.get(target[0], "ACCOUNT"), configuration, status)


def enabled(name: str, *, disabled: tuple[str, ...] = (), standards: tuple[str, ...] = (FSBP,)) -> PolicySpec:
    return PolicySpec(name, "d", True, standards, ControlsMode.DISABLED, disabled)


def declaration(policies: list[PolicySpec], associations: dict[str, str]) -> ConfigurationPoliciesSpec:
    return ConfigurationPoliciesSpec(
        Scope((HOME,)),
        HOME,
        tuple(policies),
        tuple(AssociationSpec(t, c) for t, c in associations.items()),
    )


NAMES = ["prod", "sandbox", "dev"]
policy_specs = st.builds(
    lambda name, on, standards, mode, controls, limit: PolicySpec(
        name,
        "declared",
        on,
        tuple(standards) if on else (),
        mode,
        tuple(controls) if on else (),
        (ControlParameter("IAM.1", "maxDays", ParameterType.INTEGER, limit),) if on and limit else (),
    ),
    st.sampled_from(NAMES),
    st.booleans(),
    st.lists(st.sampled_from([FSBP, CIS_30]), min_size=1, max_size=2, unique=True),
    st.sampled_from(list(ControlsMode)),
    st.lists(st.sampled_from(["IAM.1", "S3.1", "EC2.8"]), min_size=1, max_size=3, unique=True),
    st.none() | st.integers(1, 365),
)


@st.composite
def declarations(draw: Any) -> ConfigurationPoliciesSpec:
    policies = list({p.name: p for p in draw(st.lists(policy_specs, max_size=3))}.values())
    choices = [p.name for p in policies] + [SELF_MANAGED]
    associations = draw(st.dictionaries(st.sampled_from(TARGETS), st.sampled_from(choices), max_size=4))
    return declaration(policies, associations)


@st.composite
def live_states(draw: Any) -> Model:
    """What a declaration may find: earlier owned policies (maybe stale), hand-made ones, and associations."""
    policies = []
    for n, name in enumerate(draw(st.lists(st.sampled_from([*NAMES, "old", "manual"]), unique=True, max_size=4))):
        mine = name != "manual" and draw(st.booleans())
        description = f"earlier {OWNERSHIP_MARKER}" if mine else "by hand"
        config = enabled(name).configuration() if draw(st.booleans()) else {"SecurityHub": {"ServiceEnabled": False}}
        policies.append(LiveConfigurationPolicy(f"live-{n}", name, description, config))
    ids = [p.policy_id for p in policies] + [SELF_MANAGED]
    applied = draw(st.dictionaries(st.sampled_from(TARGETS), st.sampled_from(ids), max_size=4))
    return Model(policies, {t: association(t, c) for t, c in applied.items()})


def _usable(spec: ConfigurationPoliciesSpec, model: Model) -> bool:
    """A declared name held by a hand-made policy blocks (tested on its own below)."""
    hand_made = {p.name for p in model.policies.values() if not p.description.endswith(OWNERSHIP_MARKER)}
    return not hand_made & {p.name for p in spec.policies}


@settings(max_examples=200, deadline=None)
@given(spec=declarations(), model=live_states())
def test_plan_apply_then_plan_again_gives_nothing_and_leaves_what_is_not_ours(spec, model):
    if not _usable(spec, model):
        return
    hand_made = {i: p for i, p in model.policies.items() if not p.description.endswith(OWNERSHIP_MARKER)}
    foreign = {
        t: a for t, a in model.applied.items() if a.configuration in hand_made or a.configuration == SELF_MANAGED
    }
    model.converge(spec)
    assert all(not plan.actions for plan in model.converge(spec))
    names = {p.name: p for p in model.policies.values()}
    for declared in spec.policies:
        assert names[declared.name].configuration == declared.configuration()
    for declared in spec.associations:
        live = model.applied[declared.target].configuration
        assert live == (
            SELF_MANAGED if declared.configuration == SELF_MANAGED else names[declared.configuration].policy_id
        )
    assert all(model.policies[i] == p for i, p in hand_made.items())
    undeclared = {t for t in foreign if t not in {a.target for a in spec.associations}}
    assert all(model.applied[t] == foreign[t] for t in undeclared)
    owned_left = {p.name for p in model.policies.values() if p.description.endswith(OWNERSHIP_MARKER)}
    assert owned_left == {p.name for p in spec.policies}


@settings(max_examples=100, deadline=None)
@given(spec=declarations(), model=live_states())
def test_release_removes_the_associations_then_every_owned_policy_and_nothing_else(spec, model):
    if not _usable(spec, model):
        return
    model.converge(spec)
    hand_made = {i: p for i, p in model.policies.items() if not p.description.endswith(OWNERSHIP_MARKER)}
    model.apply(plan_release(spec, HOME, list(model.policies.values()), model.applied))
    nothing = declaration([], {})
    model.apply(plan_policy_deletions(nothing, HOME, list(model.policies.values()), model.applied))
    assert model.policies == hand_made
    assert not {a.target for a in spec.associations} & set(model.applied)


def test_a_hand_made_policy_with_a_declared_name_blocks_with_the_fix():
    live = [LiveConfigurationPolicy("p-1", "prod", "made in the console", {})]
    plan = plan_policies(declaration([enabled("prod")], {}), HOME, live)
    assert not plan.actions
    assert "was not made by this declaration" in plan.blocked[0].reason and OWNERSHIP_MARKER in plan.blocked[0].reason


def test_pending_waits_failed_names_the_target_and_the_message():
    live = [LiveConfigurationPolicy("p-1", "prod", f"d {OWNERSHIP_MARKER}")]
    spec = declaration([enabled("prod")], {"ou-abcd-11111111": "prod", "111111111111": "prod"})
    applied = {
        "ou-abcd-11111111": association("ou-abcd-11111111", "p-1", "PENDING"),
        "111111111111": replace(association("111111111111", "p-1", "FAILED"), status_message="Config is off"),
    }
    plan = plan_associations(spec, HOME, live, applied)
    assert not plan.actions
    assert [(i.subject, i.retryable) for i in plan.pending] == [("ou-abcd-11111111", True)]
    assert str(plan.blocked[0]) == "111111111111: association with prod FAILED: Config is off"


def test_an_owned_policy_still_applied_waits_for_its_disassociation():
    live = [LiveConfigurationPolicy("p-1", "old", f"d {OWNERSHIP_MARKER}")]
    plan = plan_policy_deletions(declaration([], {}), HOME, live, {"r-abcd": association("r-abcd", "p-1")})
    assert not plan.actions and plan.pending[0].retryable


def properties(**overrides: Any) -> dict[str, Any]:
    spec = declaration(
        [
            PolicySpec(
                "prod",
                "production",
                True,
                (FSBP,),
                ControlsMode.DISABLED,
                ("S3.1",),
                (ControlParameter("IAM.1", "maxDays", ParameterType.INTEGER, 90),),
            ),
            PolicySpec("sandbox", service_enabled=False),
        ],
        {"ou-abcd-11111111": "prod", "111111111111": SELF_MANAGED},
    )
    return {**spec.to_properties(), **overrides}


def test_properties_round_trip_through_cloudformation_strings():
    spec = parse_configuration_policies(properties())
    assert spec.to_properties() == properties()
    assert spec.policies[0].parameters[0].value == 90


@pytest.mark.parametrize(
    ("policies", "associations", "expected"),
    [
        ([enabled("prod"), enabled("prod")], {}, "declared twice"),
        ([enabled("bad name")], {}, "remove ' '"),
        ([enabled("prod", standards=())], {}, "needs at least one enabled standard"),
        ([enabled("prod", disabled=("s3-1",))], {}, "control ID 's3-1' is not a security control ID"),
        ([PolicySpec("p", standards=(FSBP,), controls_mode=ControlsMode.ENABLED_ONLY)], {}, "lists none"),
        ([PolicySpec("p", service_enabled=False, standards=(FSBP,))], {}, "takes no standards"),
        (
            [
                PolicySpec(
                    "p", standards=(FSBP,), parameters=(ControlParameter("IAM.1", "x", ParameterType.INTEGER, "9"),)
                )
            ],
            {},
            "'9', which is not a Integer",
        ),
        ([], {"ou-abcd-11111111": "missing"}, "'missing', which is not a declared policy"),
        ([], {"ou-bad": SELF_MANAGED}, "is not a root ID"),
        ([], {"12345": SELF_MANAGED}, "has 5 digits"),
        ([PolicySpec("p", "x" * 500, service_enabled=False)], {}, "description is longer than"),
    ],
)
def test_bad_declarations_are_refused_naming_the_value_and_the_fix(policies, associations, expected):
    with pytest.raises(DeclarationError, match=None) as caught:
        parse_configuration_policies(declaration(policies, associations).to_properties())
    assert expected in str(caught.value)


def test_every_problem_is_reported_at_once():
    bad = declaration([enabled("a b"), enabled("p", standards=())], {"ou-bad": "nope"})
    with pytest.raises(DeclarationError) as caught:
        parse_configuration_policies({**bad.to_properties(), "HomeRegion": "eu-west-1"})
    assert len(caught.value.problems) >= 5
