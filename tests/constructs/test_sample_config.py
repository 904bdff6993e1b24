"""The sample app's YAML declaration: load_config, its schema errors, and the -c config=... override."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import aws_cdk as cdk
import pytest
from cdk_securityhub_org import SecurityHubConfigurationError, load_config
from cdk_securityhub_org.handler.kinds.members.spec import MemberAccount, OrganizationSelector
from cdk_securityhub_org.handler.kinds.organization_configuration.spec import ConfigurationType, RegionLinkingMode

# Synthesizes CDK apps (shared per session) or runs the app.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
VALID = """\
management_account_id: "111111111111"
administrator_account_id: "222222222222"
regions: [us-east-1, eu-west-1]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "securityhub.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def problems_in(tmp_path: Path, text: str) -> list[str]:
    path = write(tmp_path, text)
    with pytest.raises(SecurityHubConfigurationError) as caught:
        load_config(path)
    assert list(caught.value.problems) == [str(path)]
    return caught.value.problems[str(path)]


def test_the_example_declaration():
    config = load_config(REPO / "examples" / "securityhub.yaml")
    assert (config.stage_name, config.management_account_id, config.administrator_account_id) == (
        "SecurityHub",
        "000000000001",
        "000000000002",
    )
    assert config.regions == ("us-east-1", "us-west-2", "eu-west-1")
    assert (config.home_region, config.linked_regions) == ("us-east-1", ("us-west-2", "eu-west-1"))
    assert config.region_linking_mode is RegionLinkingMode.SPECIFIED_REGIONS
    assert config.configuration_type is ConfigurationType.LOCAL
    assert config.removal_policy == cdk.RemovalPolicy.RETAIN
    document = config.member_list.document()
    assert document.selectors == (OrganizationSelector(exclude_accounts=("000000000009",)),)
    assert MemberAccount("012345678901", "acquired-subsidiary@example.org") in document.accounts
    assert set(config.organization_props()) >= {"management_account_id", "member_list", "regions"}


def test_numbers_are_read_as_written(tmp_path):
    config = load_config(write(tmp_path, VALID.replace('"111111111111"', "011111111111")))
    assert config.management_account_id == "011111111111"


def test_the_members_reconciler_memory_size_reaches_the_stage(tmp_path):
    config = load_config(write(tmp_path, VALID + "members:\n  organization: {}\n  reconciler_memory_size: 1769\n"))
    assert config.organization_props()["members_reconciler_memory_size"] == 1769


def test_unknown_keys_get_a_did_you_mean(tmp_path):
    problems = problems_in(tmp_path, VALID + "home_regoin: us-east-1\nmembers:\n  prunne: NONE\n")
    assert problems == [
        "home_regoin: is not a known key; did you mean 'home_region'?",
        "members.prunne: is not a known key; did you mean 'prune'?",
    ]


def test_missing_required_keys(tmp_path):
    problems = problems_in(tmp_path, "regions: [us-east-1]\n")
    assert problems == [
        'management_account_id: is missing; add management_account_id: "111111111111" (the organization\'s'
        " management account)",
        'administrator_account_id: is missing; add administrator_account_id: "222222222222" (the delegated'
        " administrator)",
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("auto_enable: yes-please", "auto_enable: is 'yes-please' (str); write true or false"),
        ("configuration_type: LOCL", "configuration_type: is 'LOCL' (str); did you mean 'LOCAL'?"),
        ("removal_policy: SNAPSHOT", "removal_policy: is 'SNAPSHOT' (str); use RETAIN or DESTROY"),
        ("linked_regions: eu-west-1", "linked_regions: is 'eu-west-1' (str); write a list such as [us-east-1,"),
        ("home_region: us-east-9", "home_region: Region 'us-east-9' is not a Region where Security Hub is available"),
        ("members: [111111111111]", "members: is ['111111111111'] (list); write a mapping of keys"),
        ("members: {accounts: {account_id: x}}", "members.accounts: is {'account_id': 'x'} (dict); write a list"),
        ("members: {csv: [a.csv, [b.csv]]}", "members.csv: is ['a.csv', ['b.csv']] (list); write a CSV path"),
        (
            "members: {organization: {}, reconciler_memory_size: lots}",
            "members.reconciler_memory_size: 'lots' is not a Lambda memory size; write a whole number of MB",
        ),
    ],
)
def test_schema_errors_name_the_key_path_and_the_fix(tmp_path, line, expected):
    problems = problems_in(tmp_path, VALID + line + "\n")
    assert len(problems) == 1
    assert problems[0].startswith(expected)


def test_spreadsheet_damage_in_account_ids(tmp_path):
    text = VALID.replace('"222222222222"', "4.44456E+11") + (
        "members:\n  accounts:\n    - {account_id: 444455556666.0, email: a@example.com}\n"
    )
    assert problems_in(tmp_path, text) == [
        "administrator_account_id: account ID '4.44456E+11' is in scientific notation, so its digits are lost;"
        " format the column as text and write the full 12 digits",
        "members.accounts[0]: account ID '444455556666.0' was formatted as a decimal number; write '444455556666'",
    ]


def test_member_csv_is_read_relative_to_the_declaration(tmp_path):
    (tmp_path / "invited.csv").write_text("Account ID,Email\n333333333333,c@example.com\n")
    config = load_config(write(tmp_path, VALID + "members:\n  csv: [invited.csv]\n  organization:\n"))
    assert config.member_list.document().accounts == (MemberAccount("333333333333", "c@example.com"),)
    (problem,) = problems_in(tmp_path, VALID + "members:\n  csv: absent.csv\n")
    assert problem.startswith(f"{tmp_path / 'absent.csv'}: cannot be read")


def test_invalid_yaml_names_the_line(tmp_path):
    (problem,) = problems_in(tmp_path, VALID + "regions: [us-east-1\n")
    assert problem.startswith("line 5, column 1: not valid YAML")


def test_every_problem_comes_in_one_error(tmp_path):
    problems = problems_in(tmp_path, "management_account_id: 12345\nregions: us-east-1\nbogus: 1\n")
    assert len(problems) == 4  # short account ID, regions not a list, unknown key, administrator missing


def test_the_app_reads_the_config_given_on_the_command_line(tmp_path):
    declaration = write(tmp_path, VALID + "configuration_type: LOCL\n")
    result = subprocess.run(
        [sys.executable, "app.py"],
        cwd=REPO,
        env={**os.environ, "CDK_CONTEXT_JSON": json.dumps({"config": str(declaration)}), "CDK_OUTDIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 1
    assert f"{declaration}:\n  - configuration_type: is 'LOCL' (str); did you mean 'LOCAL'?" in result.stderr
    assert "Traceback" not in result.stderr
