"""The prune blast-radius limit at synth: ``max_prune`` on ``Members``, the stage and the YAML declaration travels as
the ``MaxPrune`` property, and a value that is not a number of accounts is refused with the fix."""

from __future__ import annotations

import textwrap

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template
from cdk_securityhub_org import MemberList, Members, SecurityHubConfigurationError, SecurityHubOrganization, load_config

# Synthesizes CDK stacks.
pytestmark = pytest.mark.slow

MANAGEMENT, ADMINISTRATOR = "111111111111", "222222222222"
MEMBERS = MemberList.from_accounts([{"account_id": "333333333333"}])


def administrator_stack() -> cdk.Stack:
    return cdk.Stack(cdk.App(), "Administrator", env=cdk.Environment(account=ADMINISTRATOR, region="us-east-1"))


def members_properties(stack: cdk.Stack) -> dict:
    (resource,) = Template.from_stack(stack).find_resources("Custom::SecurityHubMembers").values()
    return resource["Properties"]


def test_max_prune_travels_as_a_property_and_is_absent_by_default():
    declared, default = administrator_stack(), administrator_stack()
    Members(declared, "Members", member_list=MEMBERS, regions=["us-east-1"], prune="DISASSOCIATE", max_prune=40)
    Members(default, "Members", member_list=MEMBERS, regions=["us-east-1"], prune="DISASSOCIATE")
    assert members_properties(declared)["MaxPrune"] == 40
    assert "MaxPrune" not in members_properties(default)


@pytest.mark.parametrize("value", [-1, 2.5, True, "40"])
def test_a_max_prune_that_is_not_a_number_of_accounts_is_refused(value):
    with pytest.raises(SecurityHubConfigurationError, match=r"max_prune: max_prune .* is not a number of accounts"):
        Members(administrator_stack(), "Members", member_list=MEMBERS, regions=["us-east-1"], max_prune=value)


def test_the_stage_and_the_yaml_declaration_pass_max_prune_to_members(tmp_path):
    path = tmp_path / "securityhub.yaml"
    path.write_text(
        textwrap.dedent(
            f"""\
            management_account_id: "{MANAGEMENT}"
            administrator_account_id: "{ADMINISTRATOR}"
            regions: [us-east-1]
            members:
              accounts: [{{account_id: "333333333333"}}]
              prune: DISASSOCIATE
              max_prune: 60
            """
        )
    )
    config = load_config(path)
    assert config.max_prune == 60
    stage = SecurityHubOrganization(cdk.App(), "SecurityHub", **config.organization_props())
    assert members_properties(stage.administrator_stack)["MaxPrune"] == 60
    path.write_text(path.read_text().replace("max_prune: 60", "max_prune: lots"))
    with pytest.raises(SecurityHubConfigurationError, match=r"members.max_prune.*'lots' is not a number of accounts"):
        load_config(path)
