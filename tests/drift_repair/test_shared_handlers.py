"""The stack's shared onEvent and isComplete functions (``handler/dispatch.py``): each event reaches the kind its
ResourceType names, and each resource's passes carry that resource's construct path in their metrics."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from cdk_securityhub_org.handler import dispatch, registry
from cdk_securityhub_org.handler.engine.declaration import DeclarationError
from cdk_securityhub_org.handler.kinds.delegated_admin import kind as delegated_admin
from cdk_securityhub_org.handler.kinds.members import kind as members
from drift_harness import emf_documents
from reconciler_harness import REGIONS, LambdaContext
from test_drift_repair_handler import member_properties


def shared(kind_module):
    """The shared handlers, deployed by the harness as a resource of ``kind_module``'s type."""
    return SimpleNamespace(on_event=dispatch.on_event, is_complete=dispatch.is_complete, KIND=kind_module.KIND)


def test_one_pair_of_functions_deploys_resources_of_different_kinds(make_org, deploy, capsys, monkeypatch):
    org = make_org(member_count=4)
    deploy(shared(delegated_admin), org.management).run(
        "Create", {"Regions": REGIONS, "AdminAccountId": org.admin, "ExpectedAccount": org.management}
    )
    admins = org.securityhub(org.management).list_organization_admin_accounts()["AdminAccounts"]
    assert [a["AccountId"] for a in admins] == [org.admin]

    # The harness's LogicalResourceId is "Resource": the construct sets one variable per resource it serves.
    monkeypatch.setenv(registry.metrics_resource_variable("Resource"), "SecurityHub/Administrator/Members")
    capsys.readouterr()
    deploy(shared(members), org.admin).run("Create", member_properties(org))
    assert all(set(org.members(region).values()) == {"Enabled"} for region in REGIONS)
    documents = emf_documents(capsys.readouterr().out)
    assert {(d["Resource"], d["Trigger"]) for d in documents} == {("SecurityHub/Administrator/Members", "deploy")}


@pytest.mark.parametrize("entry_point", [dispatch.on_event, dispatch.is_complete])
def test_an_event_of_an_unknown_resource_type_names_it_and_the_known_ones(entry_point):
    event = {"RequestType": "Create", "ResourceType": "Custom::SecurityHubNothing", "ResourceProperties": {}}
    with pytest.raises(DeclarationError, match="'Custom::SecurityHubNothing' is not one of Custom::SecurityHub"):
        entry_point(event, LambdaContext("000000000002"))
