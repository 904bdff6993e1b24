"""The central-configuration sample (``examples/securityhub-central.yaml``): its administrator stack's snapshot,
and the demo's path (``make demo CONFIG=examples/securityhub-central.yaml``) from the synthesized app to a second
deploy that makes no write."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest
from cdk_securityhub_org.testing.snapshots import mask_asset_hashes
from syrupy.extensions.json import JSONSnapshotExtension

# Synthesizes the sample app and deploys it twice against the emulator.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "examples" / "securityhub-central.yaml"


def load_demo():
    spec = importlib.util.spec_from_file_location("demo", REPO / "examples" / "demo.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_administrator_stack_template(central_sample_app, snapshot):
    assert mask_asset_hashes(central_sample_app.administrator.template) == snapshot.use_extension(JSONSnapshotExtension)


def test_the_policies_reach_the_template_as_declared(central_sample_app):
    (resource,) = [
        r
        for r in central_sample_app.administrator.template["Resources"].values()
        if r["Type"] == "Custom::SecurityHubConfigurationPolicies"
    ]
    policies = {p["Name"]: p for p in json.loads(resource["Properties"]["Policies"])}
    assert sorted(policies) == ["baseline", "production", "sandbox"]
    assert policies["production"]["Parameters"] == [
        {"Control": "IAM.7", "Name": "MaxPasswordAge", "Type": "Integer", "Value": 60}
    ]
    assert {a["Target"]: a["Configuration"] for a in resource["Properties"]["Associations"]}["000000000007"] == (
        "SELF_MANAGED_SECURITY_HUB"
    )


def row(output: str, account: str) -> list[str]:
    (line,) = [line for line in output.splitlines() if line.strip().startswith(account)]
    return re.split(r"\s{2,}", line.strip())


def test_the_demo_deploys_the_central_sample_and_redeploys_with_no_write(central_sample_app, capsys):
    status = load_demo().deploy_twice(CONFIG, central_sample_app.outdir, accounts=30)
    output = capsys.readouterr().out
    assert status == 0, output
    assert "Deploy 2 made 0 write call(s)." in output
    # The account associated as self-managed inside a production OU overrides the OU's policy in every Region.
    assert row(output, "000000000007")[3:] == [
        "SELF_MANAGED_SECURITY_HUB (APPLIED SUCCESS)",
        *["self-managed / not a member"] * 3,
    ]
    production = [line for line in output.splitlines() if "ou-c3n7-prod000" in line]
    assert len(production) == 7  # three accounts in each production OU, and the self-managed one
    assert sum("production (INHERITED SUCCESS)" in line for line in production) == 6
    assert all(line.count("production / Enabled") == 3 for line in production if "INHERITED" in line)
    sandbox = [line for line in output.splitlines() if "ou-c3n7-sbox0001" in line]
    assert len(sandbox) == 3 and all(line.count("sandbox / not a member") == 3 for line in sandbox)
    assert re.search(r"production\s+enabled\s+.*all but EC2\.8, IAM\.6\s+IAM\.7\.MaxPasswordAge=60", output)
