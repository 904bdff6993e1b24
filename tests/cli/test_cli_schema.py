"""The JSON Schema of the YAML declaration: the checked-in file is what ``cdk-securityhub-org schema`` writes from
the declaration's key tables (CI fails when a key changes without regenerating it), and every example carries it."""

from __future__ import annotations

import json
from pathlib import Path

from cdk_securityhub_org import cli
from cdk_securityhub_org.cli.report import EXIT_ERROR

ROOT = Path(__file__).resolve().parents[2]
CHECKED_IN = ROOT / "schema" / "securityhub.schema.json"


def test_the_checked_in_schema_is_current(tmp_path, capsys):
    regenerated = tmp_path / "securityhub.schema.json"
    assert cli.main(["schema", "--out", str(regenerated)]) == 0
    assert regenerated.read_text() == CHECKED_IN.read_text(), "run `cdk-securityhub-org schema` and commit the file"
    assert cli.main(["schema", "--check", "--out", str(CHECKED_IN)]) == 0


def test_check_fails_naming_the_command_when_a_key_is_missing(tmp_path, capsys):
    stale = json.loads(CHECKED_IN.read_text())
    del stale["properties"]["members"]["properties"]["prune"]
    path = tmp_path / "stale.json"
    path.write_text(json.dumps(stale, indent=2) + "\n")
    capsys.readouterr()
    assert cli.main(["schema", "--check", "--out", str(path)]) == EXIT_ERROR
    assert f"{path} is not current; run `cdk-securityhub-org schema --out {path}`" in capsys.readouterr().err


def test_the_schema_lists_the_keys_and_choices_the_declaration_accepts():
    schema = json.loads(CHECKED_IN.read_text())
    assert schema["required"] == ["management_account_id", "administrator_account_id", "regions"]
    assert schema["additionalProperties"] is False
    members = schema["properties"]["members"]["properties"]
    assert members["prune"] == {"enum": ["NONE", "DISASSOCIATE", "DELETE_INVITED"]}
    assert set(members["organization"]["properties"]) == {
        "organizational_units",
        "exclude_accounts",
        "exclude_organizational_units",
    }


def test_every_example_declaration_names_the_schema():
    for example in sorted((ROOT / "examples").glob("*.yaml")):
        first = example.read_text().splitlines()[0]
        assert first == "# yaml-language-server: $schema=../schema/securityhub.schema.json", example
