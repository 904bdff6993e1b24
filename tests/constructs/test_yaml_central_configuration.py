"""The YAML keys of central configuration: ``configuration_policies`` and ``policy_associations``, their schema
errors (key path, value and fix), and the declaration reaching ``SecurityHubOrganization``'s checks."""

from __future__ import annotations

import textwrap
from pathlib import Path

import aws_cdk as cdk
import pytest
from cdk_securityhub_org import SecurityHubConfigurationError, SecurityHubOrganization, load_config
from cdk_securityhub_org.configuration_policies import (
    SELF_MANAGED,
    ControlParameter,
    ParameterType,
    PublishedStandard,
)

REPO = Path(__file__).resolve().parents[2]
CENTRAL = """\
management_account_id: "111111111111"
administrator_account_id: "222222222222"
regions: [us-east-1, eu-west-1]
home_region: us-east-1
configuration_type: CENTRAL
auto_enable: false
auto_enable_standards: NONE
"""


def problems_in(tmp_path: Path, extra: str) -> list[str]:
    path = tmp_path / "securityhub.yaml"
    path.write_text(CENTRAL + textwrap.dedent(extra))
    with pytest.raises(SecurityHubConfigurationError) as caught:
        load_config(path)
    return caught.value.problems[str(path)]


def test_the_central_sample_declaration():
    config = load_config(REPO / "examples" / "securityhub-central.yaml")
    assert config.configuration_policies is not None
    production = {p.name: p for p in config.configuration_policies}["production"]
    assert production.standards == (PublishedStandard.FSBP, PublishedStandard.CIS_3_0)
    assert production.disabled_controls == ("EC2.8", "IAM.6")
    # YAML numbers arrive as the text written: the declared type turns "60" into the integer the API takes.
    assert production.parameters == (ControlParameter("IAM.7", "MaxPasswordAge", ParameterType.INTEGER, 60),)
    assert {p.name: p.security_hub_enabled for p in config.configuration_policies}["sandbox"] is False
    assert config.policy_associations is not None
    assert config.policy_associations["000000000007"] == SELF_MANAGED
    assert config.policy_associations["ou-c3n7-sbox0001"] == "sandbox"


def test_standard_arns_and_typed_parameter_values(tmp_path):
    path = tmp_path / "securityhub.yaml"
    arn = "arn:aws:securityhub:us-east-1::standards/nist-800-53/v/5.0.0"
    path.write_text(
        CENTRAL
        + textwrap.dedent(f"""\
        configuration_policies:
          - name: strict
            standards: [{arn}]
            enabled_controls: [S3.1, ACM.1]
            parameters:
              - {{control: ACM.1, name: daysToExpiration, type: Integer, value: 14}}
              - {{control: ACM.1, name: ratio, type: Double, value: 0.5}}
              - {{control: ACM.1, name: ports, type: IntegerList, value: [22, 3389]}}
              - {{control: IAM.7, name: RequireSymbols, type: Boolean, value: true}}
        policy_associations:
          r-abcd: strict
        """)
    )
    (policy,) = load_config(path).configuration_policies or ()
    assert policy.standards == (arn,)
    assert policy.enabled_controls == ("S3.1", "ACM.1")
    assert [p.value for p in policy.parameters] == [14, 0.5, [22, 3389], True]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "configuration_policies: [{name: p, standards: [FSPB]}]",
            "configuration_policies[0].standards[0]: is 'FSPB' (str); did you mean 'FSBP'?",
        ),
        (
            "configuration_policies: [{name: p, standard: [FSBP]}]",
            "configuration_policies[0].standard: is not a known key; did you mean 'standards'?",
        ),
        (
            "configuration_policies: [{standards: [FSBP]}]",
            "configuration_policies[0].name: is missing; add name: production",
        ),
        ("configuration_policies: {name: p}", "configuration_policies: is {'name': 'p'} (dict); write a list of"),
        (
            "configuration_policies: [{name: p, standards: FSBP}]",
            "configuration_policies[0].standards: is 'FSBP' (str); write a list such as [FSBP, CIS_3_0]",
        ),
        (
            "configuration_policies: [{name: p, standards: [FSBP], disabled_controls: EC2.8}]",
            "configuration_policies[0].disabled_controls: is 'EC2.8' (str); write a list of control IDs",
        ),
        (
            "configuration_policies: [{name: p, security_hub_enabled: 'no'}]",
            "configuration_policies[0].security_hub_enabled: is 'no' (str); write true or false",
        ),
        (
            "configuration_policies: [{name: p, standards: [FSBP], parameters: [{control: IAM.7, name: MaxPasswordAge,"
            " type: Integer, value: sixty}]}]",
            "configuration_policies[0].parameters[0].value: is 'sixty' (str), which is not a Integer; write a number",
        ),
        (
            "configuration_policies: [{name: p, standards: [FSBP], parameters: [{control: IAM.7, name: X,"
            " type: Int, value: 1}]}]",
            "configuration_policies[0].parameters[0].type: is 'Int' (str); did you mean",
        ),
        (
            "configuration_policies: [{name: p, standards: [FSBP], parameters: [{control: IAM.7, name: X,"
            " type: Integer}]}]",
            "configuration_policies[0].parameters[0].value: is missing; add value: 60",
        ),
        (
            "configuration_policies: [{name: p, standards: [FSBP], parameters: [{control: IAM.7, name: X,"
            " type: IntegerList, value: [1, two]}]}]",
            "which is not an IntegerList; write a list of whole numbers",
        ),
        (
            "policy_associations: [r-abcd]",
            "policy_associations: is ['r-abcd'] (list); write a mapping of target",
        ),
        (
            "policy_associations: {r-abcd: }",
            "policy_associations.r-abcd: is empty; write a policy name or SELF_MANAGED",
        ),
    ],
)
def test_schema_errors_name_the_key_path_the_value_and_the_fix(tmp_path, extra, expected):
    problems = problems_in(tmp_path, extra)
    assert any(problem.startswith(expected) or expected in problem for problem in problems), problems


def test_the_rules_between_policies_are_the_constructs_checks(tmp_path):
    path = tmp_path / "securityhub.yaml"
    path.write_text(
        CENTRAL
        + textwrap.dedent("""\
        configuration_policies:
          - {name: prod, standards: [FSBP], enabled_controls: [S3.1], disabled_controls: [EC2.8]}
          - {name: prod, standards: [FSBP]}
        policy_associations:
          r-abcd: nonexistent
          "123": prod
        """)
    )
    config = load_config(path)
    with pytest.raises(SecurityHubConfigurationError) as caught:
        SecurityHubOrganization(cdk.App(), config.stage_name, **config.organization_props())
    text = str(caught.value)
    assert "policy 'prod' gives enabled_controls and disabled_controls; give one of them" in text
    assert "policy 'prod' is declared twice" in text
    assert "associated with 'nonexistent', which is not a declared policy" in text
    assert "'123'" in text
