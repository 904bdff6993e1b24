"""Central configuration: configuration policies, their associations and inheritance, their effect on the
governed accounts in the home and linked Regions, the rules around them, and the association faults."""

from __future__ import annotations

import time
from typing import Any

import pytest
from cdk_securityhub_org.testing.emulator import Emulator, FaultConfig

HOME, LINKED, UNLINKED = "us-east-1", "eu-west-1", "us-west-2"
FSBP = f"arn:aws:securityhub:{HOME}::standards/aws-foundational-security-best-practices/v/1.0.0"
CIS_12 = "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"
CENTRAL = {
    "AutoEnable": False,
    "AutoEnableStandards": "NONE",
    "OrganizationConfiguration": {"ConfigurationType": "CENTRAL"},
}


def enabling(standards: list[str] | None = None, **controls: Any) -> dict[str, Any]:
    return {
        "SecurityHub": {
            "ServiceEnabled": True,
            "EnabledStandardIdentifiers": [FSBP] if standards is None else standards,
            "SecurityControlsConfiguration": controls or {"DisabledSecurityControlIdentifiers": []},
        }
    }


DISABLING = {"SecurityHub": {"ServiceEnabled": False}}


def ou(emu: Emulator, name: str) -> str:
    return next(o.id for o in emu.world.organizational_units.values() if o.name == name)


def in_ou(emu: Emulator, ou_id: str) -> list[str]:
    return [a.id for a in emu.world.accounts.values() if a.parent_id == ou_id]


def prepare_central(emu: Emulator, org, aws, designate) -> Any:
    emu.world.settings.central_config_seconds = 0
    emu.world.settings.policy_association_seconds = 0
    designate(HOME, LINKED)
    admin = aws("securityhub", org.admin, HOME, retries=False)
    admin.create_finding_aggregator(RegionLinkingMode="SPECIFIED_REGIONS", Regions=[LINKED])
    return admin


@pytest.fixture
def admin(emu: Emulator, org, aws, designate):
    """The delegated administrator's client in the home Region, central configuration ENABLED, associations
    settling at the next call."""
    client = prepare_central(emu, org, aws, designate)
    client.update_organization_configuration(**CENTRAL)
    assert client.describe_organization_configuration()["OrganizationConfiguration"]["Status"] == "ENABLED"
    return client


def associate(admin, policy: str, **target: str) -> dict[str, Any]:
    response: dict[str, Any] = admin.start_configuration_policy_association(
        ConfigurationPolicyIdentifier=policy, Target=target
    )
    return response


def association(admin, **target: str) -> dict[str, Any]:
    response: dict[str, Any] = admin.get_configuration_policy_association(Target=target)
    return response


def subscribed(aws, account: str, region: str) -> bool:
    try:
        aws("securityhub", account, region, retries=False).describe_hub()
    except Exception as error:
        assert error.response["Error"]["Code"] == "InvalidAccessException"  # type: ignore[attr-defined]
        return False
    return True


def enabled_standards(aws, account: str, region: str) -> list[str]:
    subscriptions = aws("securityhub", account, region).get_enabled_standards()["StandardsSubscriptions"]
    return sorted(s["StandardsArn"] for s in subscriptions)


# ------------------------------------------------------------------ who, where, when


def test_policies_only_by_the_delegated_admin_in_the_home_region_with_central_enabled(
    emu: Emulator, org, aws, aws_error, designate
):
    client = prepare_central(emu, org, aws, designate)
    create = {"Name": "baseline", "ConfigurationPolicy": enabling()}
    response = aws_error("AccessDeniedException", client.create_configuration_policy, **create)
    assert "Central Configuration enabled" in response["Error"]["Message"]  # still LOCAL
    emu.world.settings.central_config_seconds = 60
    client.update_organization_configuration(**CENTRAL)
    response = aws_error("AccessDeniedException", client.create_configuration_policy, **create)
    assert "PENDING" in response["Error"]["Message"]
    emu.world.settings.central_config_seconds = 0
    emu.world.hub(org.admin, HOME).org_config.ready_at = 0  # type: ignore[union-attr]
    for account, region in ((org.management, HOME), (org.members[1], HOME), (org.admin, LINKED)):
        client_elsewhere = aws("securityhub", account, region, retries=False)
        response = aws_error("AccessDeniedException", client_elsewhere.create_configuration_policy, **create)
        assert "Must be a Security Hub delegated administrator" in response["Error"]["Message"]
    response = aws_error("AccessDeniedException", aws("securityhub", org.admin, LINKED).list_configuration_policies)
    assert f"home Region {HOME}" in response["Error"]["Message"]
    assert client.create_configuration_policy(**create)["Name"] == "baseline"


# ------------------------------------------------------------------ policies


def test_an_enabling_policy_needs_standards_and_exactly_one_control_list(admin, aws_error):
    missing = {"SecurityHub": {"ServiceEnabled": True}}
    response = aws_error(
        "InvalidInputException", admin.create_configuration_policy, Name="p", ConfigurationPolicy=missing
    )
    assert response["Error"]["Message"] == (
        "Enabled standards and security control configurations must be configured when Security Hub is enabled"
    )
    both = enabling(EnabledSecurityControlIdentifiers=["IAM.1"], DisabledSecurityControlIdentifiers=["S3.1"])
    response = aws_error("InvalidInputException", admin.create_configuration_policy, Name="p", ConfigurationPolicy=both)
    assert "exactly one of" in response["Error"]["Message"]
    other_region = FSBP.replace(HOME, LINKED)
    response = aws_error(
        "InvalidInputException",
        admin.create_configuration_policy,
        Name="p",
        ConfigurationPolicy=enabling([other_region]),
    )
    assert other_region in response["Error"]["Message"] and FSBP in response["Error"]["Message"]
    unknown = enabling(DisabledSecurityControlIdentifiers=["Nope.1"])
    response = aws_error(
        "InvalidInputException", admin.create_configuration_policy, Name="p", ConfigurationPolicy=unknown
    )
    assert "Nope.1" in response["Error"]["Message"]
    disabling_with_standards = {"SecurityHub": {"ServiceEnabled": False, "EnabledStandardIdentifiers": [FSBP]}}
    aws_error(
        "InvalidInputException",
        admin.create_configuration_policy,
        Name="p",
        ConfigurationPolicy=disabling_with_standards,
    )
    assert admin.list_configuration_policies()["ConfigurationPolicySummaries"] == []


def test_policy_names_are_unique_and_limited_to_the_documented_characters(admin, aws_error):
    first = admin.create_configuration_policy(Name="prod-baseline", ConfigurationPolicy=enabling())
    admin.create_configuration_policy(Name="sandbox", ConfigurationPolicy=DISABLING)
    response = aws_error(
        "ResourceConflictException",
        admin.create_configuration_policy,
        Name="prod-baseline",
        ConfigurationPolicy=DISABLING,
    )
    assert "prod-baseline" in response["Error"]["Message"]
    aws_error("ResourceConflictException", admin.update_configuration_policy, Identifier=first["Id"], Name="sandbox")
    response = aws_error(
        "InvalidInputException", admin.create_configuration_policy, Name="prod baseline", ConfigurationPolicy=DISABLING
    )
    assert "' '" in response["Error"]["Message"]


def test_the_number_of_policies_is_limited_by_the_quota(emu: Emulator, admin, aws_error):
    emu.world.settings.configuration_policy_quota = 2
    admin.create_configuration_policy(Name="one", ConfigurationPolicy=DISABLING)
    admin.create_configuration_policy(Name="two", ConfigurationPolicy=DISABLING)
    response = aws_error(
        "LimitExceededException", admin.create_configuration_policy, Name="three", ConfigurationPolicy=DISABLING
    )
    assert "2 configuration policies" in response["Error"]["Message"]


def test_policy_create_get_update_list_delete(admin, aws_error):
    created = admin.create_configuration_policy(
        Name="baseline", Description="all accounts", ConfigurationPolicy=enabling([FSBP, CIS_12]), Tags={"team": "sec"}
    )
    assert created["Arn"].startswith(f"arn:aws:securityhub:{HOME}:") and created["Arn"].endswith(created["Id"])
    assert created["ConfigurationPolicy"] == enabling([FSBP, CIS_12])
    for identifier in (created["Id"], created["Arn"]):
        assert admin.get_configuration_policy(Identifier=identifier)["Name"] == "baseline"
    updated = admin.update_configuration_policy(
        Identifier=created["Id"], Name="baseline-v2", UpdatedReason="rename", ConfigurationPolicy=DISABLING
    )
    assert (updated["Name"], updated["Description"], updated["ConfigurationPolicy"]) == (
        "baseline-v2",
        "all accounts",
        DISABLING,
    )
    for index in range(4):
        admin.create_configuration_policy(Name=f"extra-{index}", ConfigurationPolicy=DISABLING)
    pages = list(admin.get_paginator("list_configuration_policies").paginate(PaginationConfig={"PageSize": 2}))
    assert [len(p["ConfigurationPolicySummaries"]) for p in pages] == [2, 2, 1]
    summaries = [s for p in pages for s in p["ConfigurationPolicySummaries"]]
    assert [s["Name"] for s in summaries] == ["baseline-v2", "extra-0", "extra-1", "extra-2", "extra-3"]
    assert summaries[0]["ServiceEnabled"] is False
    admin.delete_configuration_policy(Identifier=created["Arn"])
    aws_error("ResourceNotFoundException", admin.get_configuration_policy, Identifier=created["Id"])


# ------------------------------------------------------------------ associations


def test_accounts_and_ous_are_self_managed_until_something_is_associated(emu: Emulator, org, admin):
    for target in (
        {"RootId": emu.world.root_id},
        {"OrganizationalUnitId": ou(emu, "Sandbox")},
        {"AccountId": org.members[3]},
    ):
        found = association(admin, **target)
        assert (found["ConfigurationPolicyId"], found["AssociationType"], found["AssociationStatus"]) == (
            "SELF_MANAGED_SECURITY_HUB",
            "INHERITED",
            "SUCCESS",
        )


def test_an_association_is_pending_then_succeeds(emu: Emulator, org, admin):
    emu.world.settings.policy_association_seconds = 0.3
    policy = admin.create_configuration_policy(Name="baseline", ConfigurationPolicy=enabling())["Id"]
    started = associate(admin, policy, AccountId=org.members[3])
    assert (started["AssociationStatus"], started["AssociationType"], started["TargetType"]) == (
        "PENDING",
        "APPLIED",
        "ACCOUNT",
    )
    assert association(admin, AccountId=org.members[3])["AssociationStatus"] == "PENDING"
    time.sleep(0.35)
    done = association(admin, AccountId=org.members[3])
    assert (done["AssociationStatus"], done["ConfigurationPolicyId"]) == ("SUCCESS", policy)


def test_inheritance_root_to_ou_to_account_applied_versus_inherited(emu: Emulator, org, admin):
    world = emu.world
    root_policy = admin.create_configuration_policy(Name="root", ConfigurationPolicy=enabling())["Id"]
    workloads_policy = admin.create_configuration_policy(Name="workloads", ConfigurationPolicy=enabling([CIS_12]))["Id"]
    workloads, prod = ou(emu, "Workloads"), ou(emu, "Prod")
    under_prod = in_ou(emu, prod)[0]
    under_root, self_managed = [a for a in org.members if world.accounts[a].parent_id == world.root_id][:2]
    associate(admin, root_policy, RootId=world.root_id)
    associate(admin, workloads_policy, OrganizationalUnitId=workloads)
    associate(admin, "SELF_MANAGED_SECURITY_HUB", AccountId=self_managed)
    expected = {
        ("RootId", world.root_id): (root_policy, "APPLIED"),
        ("OrganizationalUnitId", workloads): (workloads_policy, "APPLIED"),
        ("OrganizationalUnitId", prod): (workloads_policy, "INHERITED"),
        ("AccountId", under_prod): (workloads_policy, "INHERITED"),
        ("AccountId", under_root): (root_policy, "INHERITED"),
        ("AccountId", self_managed): ("SELF_MANAGED_SECURITY_HUB", "APPLIED"),
    }
    for (key, target_id), (policy, kind) in expected.items():
        found = association(admin, **{key: target_id})
        assert (found["ConfigurationPolicyId"], found["AssociationType"], found["AssociationStatus"]) == (
            policy,
            kind,
            "SUCCESS",
        ), target_id
    names = world.effective_configurations()
    assert (names[under_prod], names[under_root], names[self_managed]) == (
        "workloads",
        "root",
        "SELF_MANAGED_SECURITY_HUB",
    )


def test_only_a_directly_applied_configuration_can_be_disassociated(emu: Emulator, org, admin, aws_error):
    policy = admin.create_configuration_policy(Name="workloads", ConfigurationPolicy=enabling())["Id"]
    other = admin.create_configuration_policy(Name="other", ConfigurationPolicy=DISABLING)["Id"]
    workloads = ou(emu, "Workloads")
    account = in_ou(emu, ou(emu, "Prod"))[0]
    associate(admin, policy, OrganizationalUnitId=workloads)
    response = aws_error(
        "ResourceNotFoundException",
        admin.start_configuration_policy_disassociation,
        ConfigurationPolicyIdentifier=policy,
        Target={"AccountId": account},
    )
    assert f"inherits {policy} from {workloads}" in response["Error"]["Message"]
    aws_error(
        "InvalidInputException",
        admin.start_configuration_policy_disassociation,
        ConfigurationPolicyIdentifier=other,
        Target={"OrganizationalUnitId": workloads},
    )
    admin.start_configuration_policy_disassociation(
        ConfigurationPolicyIdentifier=policy, Target={"OrganizationalUnitId": workloads}
    )
    found = association(admin, AccountId=account)
    assert (found["ConfigurationPolicyId"], found["AssociationType"]) == ("SELF_MANAGED_SECURITY_HUB", "INHERITED")


def test_a_policy_can_be_deleted_only_once_nothing_is_associated_with_it(emu: Emulator, org, admin, aws_error):
    policy = admin.create_configuration_policy(Name="baseline", ConfigurationPolicy=enabling())["Id"]
    associate(admin, policy, AccountId=org.members[3])
    response = aws_error("ResourceConflictException", admin.delete_configuration_policy, Identifier=policy)
    assert org.members[3] in response["Error"]["Message"]
    admin.start_configuration_policy_disassociation(
        ConfigurationPolicyIdentifier=policy, Target={"AccountId": org.members[3]}
    )
    admin.delete_configuration_policy(Identifier=policy)
    assert admin.list_configuration_policies()["ConfigurationPolicySummaries"] == []


def test_invited_and_unknown_targets_are_refused(emu: Emulator, org, admin, aws_error):
    policy = admin.create_configuration_policy(Name="baseline", ConfigurationPolicy=enabling())["Id"]
    response = aws_error(
        "InvalidInputException",
        admin.start_configuration_policy_association,
        ConfigurationPolicyIdentifier=policy,
        Target={"AccountId": org.standalone},
    )
    assert f"Account {org.standalone} is not an account of the organization" in response["Error"]["Message"]
    aws_error(
        "ResourceNotFoundException",
        admin.start_configuration_policy_association,
        ConfigurationPolicyIdentifier=policy,
        Target={"OrganizationalUnitId": "ou-none-00000000"},
    )
    aws_error(
        "ResourceNotFoundException",
        admin.start_configuration_policy_association,
        ConfigurationPolicyIdentifier="00000000-0000-4000-8000-000000000000",
        Target={"AccountId": org.members[3]},
    )
    batch = admin.batch_get_configuration_policy_associations(
        ConfigurationPolicyAssociationIdentifiers=[
            {"Target": {"AccountId": org.members[3]}},
            {"Target": {"AccountId": org.standalone}},
            {"Target": {"RootId": "r-none"}},
        ]
    )
    assert [a["TargetId"] for a in batch["ConfigurationPolicyAssociations"]] == [org.members[3]]
    assert [u["ErrorCode"] for u in batch["UnprocessedConfigurationPolicyAssociations"]] == ["400", "404"]
    # The management account is an organization account: it can be governed.
    assert associate(admin, policy, AccountId=org.management)["TargetId"] == org.management


def test_list_associations_covers_every_target_with_filters_and_pages(emu: Emulator, org, admin):
    world = emu.world
    policy = admin.create_configuration_policy(Name="baseline", ConfigurationPolicy=enabling())["Id"]
    associate(admin, policy, OrganizationalUnitId=ou(emu, "Security"))
    associate(admin, "SELF_MANAGED_SECURITY_HUB", AccountId=org.members[5])
    paginator = admin.get_paginator("list_configuration_policy_associations")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 7}))
    listed = [s["TargetId"] for p in pages for s in p["ConfigurationPolicyAssociationSummaries"]]
    organization_accounts = [a.id for a in world.accounts.values() if a.in_organization]
    assert sorted(listed) == sorted([world.root_id, *world.organizational_units, *organization_accounts])
    assert all(len(p["ConfigurationPolicyAssociationSummaries"]) == 7 for p in pages[:-1])
    applied = admin.list_configuration_policy_associations(Filters={"AssociationType": "APPLIED"})
    assert sorted(s["TargetId"] for s in applied["ConfigurationPolicyAssociationSummaries"]) == sorted(
        [ou(emu, "Security"), org.members[5]]
    )
    arn = admin.get_configuration_policy(Identifier=policy)["Arn"]
    governed = admin.list_configuration_policy_associations(Filters={"ConfigurationPolicyId": arn})
    assert sorted(s["TargetId"] for s in governed["ConfigurationPolicyAssociationSummaries"]) == sorted(
        [ou(emu, "Security"), *in_ou(emu, ou(emu, "Security"))]
    )
    failed = admin.list_configuration_policy_associations(Filters={"AssociationStatus": "FAILED"})
    assert failed["ConfigurationPolicyAssociationSummaries"] == [] and "NextToken" not in failed


# ------------------------------------------------------------------ effect on the governed accounts


def test_a_policy_enables_security_hub_standards_and_controls_in_home_and_linked_regions(org, aws, admin):
    account = org.members[3]
    assert not any(subscribed(aws, account, r) for r in (HOME, LINKED, UNLINKED))
    policy = admin.create_configuration_policy(
        Name="baseline", ConfigurationPolicy=enabling([FSBP, CIS_12], EnabledSecurityControlIdentifiers=["IAM.1"])
    )["Id"]
    associate(admin, policy, AccountId=account)
    assert association(admin, AccountId=account)["AssociationStatus"] == "SUCCESS"
    for region in (HOME, LINKED):
        assert subscribed(aws, account, region)
        assert enabled_standards(aws, account, region) == sorted([FSBP.replace(HOME, region), CIS_12])
        controls = aws("securityhub", account, region).batch_get_security_controls(SecurityControlIds=["IAM.1", "S3.1"])
        assert {c["SecurityControlId"]: c["SecurityControlStatus"] for c in controls["SecurityControls"]} == {
            "IAM.1": "ENABLED",
            "S3.1": "DISABLED",
        }
        members = aws("securityhub", org.admin, region).get_members(AccountIds=[account])["Members"]
        assert [m["MemberStatus"] for m in members] == ["Enabled"]
    assert not subscribed(aws, account, UNLINKED)
    admin.update_configuration_policy(Identifier=policy, ConfigurationPolicy=enabling([CIS_12]))
    association(admin, AccountId=account)  # lets the reapplied policy settle
    assert enabled_standards(aws, account, LINKED) == [CIS_12]
    admin.update_configuration_policy(Identifier=policy, ConfigurationPolicy=DISABLING)
    association(admin, AccountId=account)
    assert not subscribed(aws, account, HOME) and not subscribed(aws, account, LINKED)


def test_a_centrally_managed_account_cannot_change_its_own_settings(org, aws, aws_error, admin):
    account = org.members[3]
    policy = admin.create_configuration_policy(Name="baseline", ConfigurationPolicy=enabling())["Id"]
    associate(admin, policy, AccountId=account)
    own = aws("securityhub", account, LINKED, retries=False)
    response = aws_error(
        "InvalidInputException",
        own.batch_enable_standards,
        StandardsSubscriptionRequests=[{"StandardsArn": CIS_12}],
    )
    assert "centrally managed by configuration policy baseline" in response["Error"]["Message"]
    aws_error("InvalidInputException", own.disable_security_hub)
    associate(admin, "SELF_MANAGED_SECURITY_HUB", AccountId=account)
    own.batch_enable_standards(StandardsSubscriptionRequests=[{"StandardsArn": CIS_12}])
    assert enabled_standards(aws, account, LINKED) == sorted([FSBP.replace(HOME, LINKED), CIS_12])


def test_a_centrally_managed_member_cannot_be_disassociated_until_self_managed(org, aws, aws_error, admin):
    account = org.members[3]
    policy = admin.create_configuration_policy(Name="baseline", ConfigurationPolicy=enabling())["Id"]
    associate(admin, policy, AccountId=account)
    association(admin, AccountId=account)
    response = aws_error("InvalidInputException", admin.disassociate_members, AccountIds=[account])
    assert account in response["Error"]["Message"]
    associate(admin, "SELF_MANAGED_SECURITY_HUB", AccountId=account)
    admin.disassociate_members(AccountIds=[account])
    assert admin.get_members(AccountIds=[account])["Members"][0]["MemberStatus"] == "Removed"


def test_an_account_joining_a_governed_ou_gets_its_policy(emu: Emulator, org, aws, admin):
    policy = admin.create_configuration_policy(Name="sandbox", ConfigurationPolicy=enabling())["Id"]
    sandbox = ou(emu, "Sandbox")
    associate(admin, policy, OrganizationalUnitId=sandbox)
    newcomer = emu.world.add_account(name="newcomer", parent_id=sandbox)
    found = association(admin, AccountId=newcomer)
    assert (found["ConfigurationPolicyId"], found["AssociationType"]) == (policy, "INHERITED")
    assert subscribed(aws, newcomer, LINKED)


# ------------------------------------------------------------------ the administrator and stopping CENTRAL


def test_the_administrator_cannot_be_changed_or_removed_through_security_hub_while_central(org, aws, aws_error, admin):
    for region in (HOME, LINKED, UNLINKED):
        management = aws("securityhub", org.management, region)
        response = aws_error(
            "InvalidInputException", management.enable_organization_admin_account, AdminAccountId=org.members[1]
        )
        assert "central configuration" in response["Error"]["Message"]
    response = aws_error(
        "InvalidInputException",
        aws("securityhub", org.management, HOME).disable_organization_admin_account,
        AdminAccountId=org.admin,
    )
    assert "central configuration" in response["Error"]["Message"]


def test_central_to_local_is_refused_while_associations_or_policies_exist(org, admin, aws_error):
    local = {"AutoEnable": False, "OrganizationConfiguration": {"ConfigurationType": "LOCAL"}}
    policy = admin.create_configuration_policy(Name="baseline", ConfigurationPolicy=enabling())["Id"]
    response = aws_error("InvalidInputException", admin.update_organization_configuration, **local)
    assert "baseline" in response["Error"]["Message"]
    admin.delete_configuration_policy(Identifier=policy)
    associate(admin, "SELF_MANAGED_SECURITY_HUB", AccountId=org.members[3])
    response = aws_error("InvalidInputException", admin.update_organization_configuration, **local)
    assert org.members[3] in response["Error"]["Message"]
    admin.start_configuration_policy_disassociation(
        ConfigurationPolicyIdentifier="SELF_MANAGED_SECURITY_HUB", Target={"AccountId": org.members[3]}
    )
    admin.update_organization_configuration(**local)
    assert admin.describe_organization_configuration()["OrganizationConfiguration"]["ConfigurationType"] == "LOCAL"


def test_removing_the_administrator_through_organizations_ends_central_configuration(emu: Emulator, org, aws, admin):
    policy = admin.create_configuration_policy(Name="baseline", ConfigurationPolicy=enabling())["Id"]
    associate(admin, policy, AccountId=org.members[3])
    association(admin, AccountId=org.members[3])
    aws("organizations", org.management).deregister_delegated_administrator(
        AccountId=org.admin, ServicePrincipal="securityhub.amazonaws.com"
    )
    world = emu.world
    assert world.configuration_policies == {} and world.policy_associations == {}
    assert subscribed(aws, org.members[3], LINKED)  # accounts keep their settings


# ------------------------------------------------------------------ faults and persistence


def test_fault_an_association_stays_pending_for_n_reads(emu: Emulator, org, aws, admin):
    account = org.members[3]
    emu.set_faults(FaultConfig(rate_limit=False, association_pending_reads={account: 3}))
    policy = admin.create_configuration_policy(Name="baseline", ConfigurationPolicy=enabling())["Id"]
    associate(admin, policy, RootId=emu.world.root_id)
    statuses = [association(admin, AccountId=account)["AssociationStatus"] for _ in range(4)]
    assert statuses == ["PENDING", "PENDING", "PENDING", "SUCCESS"]
    assert association(admin, AccountId=org.members[4])["AssociationStatus"] == "SUCCESS"
    assert subscribed(aws, account, HOME)


def test_fault_an_association_fails_for_chosen_targets(emu: Emulator, org, aws, admin):
    failing, fine = org.members[3], org.members[4]
    emu.set_faults(FaultConfig(rate_limit=False, association_failures={failing: "Account is suspended"}))
    policy = admin.create_configuration_policy(Name="baseline", ConfigurationPolicy=enabling())["Id"]
    associate(admin, policy, RootId=emu.world.root_id)
    found = admin.batch_get_configuration_policy_associations(
        ConfigurationPolicyAssociationIdentifiers=[{"Target": {"AccountId": a}} for a in (failing, fine)]
    )["ConfigurationPolicyAssociations"]
    assert [(a["AssociationStatus"], a.get("AssociationStatusMessage")) for a in found] == [
        ("FAILED", "Account is suspended"),
        ("SUCCESS", None),
    ]
    assert not subscribed(aws, failing, HOME) and subscribed(aws, fine, HOME)
    failed = admin.list_configuration_policy_associations(Filters={"AssociationStatus": "FAILED"})
    assert [s["TargetId"] for s in failed["ConfigurationPolicyAssociationSummaries"]] == [failing]


def test_fault_settings_are_checked():
    with pytest.raises(ValueError, match="association_pending_reads"):
        FaultConfig(association_pending_reads={"111111111111": -1})


def test_central_configuration_survives_dump_and_seed(emu: Emulator, org, aws, admin):
    policy = admin.create_configuration_policy(Name="baseline", ConfigurationPolicy=enabling())["Id"]
    associate(admin, policy, OrganizationalUnitId=ou(emu, "Sandbox"))
    association(admin, OrganizationalUnitId=ou(emu, "Sandbox"))
    state = emu.dump()
    emu.seed(state)
    assert emu.dump() == state
    assert admin.get_configuration_policy(Identifier=policy)["Name"] == "baseline"
    assert association(admin, OrganizationalUnitId=ou(emu, "Sandbox"))["AssociationType"] == "APPLIED"
    account = in_ou(emu, ou(emu, "Sandbox"))[0]
    assert enabled_standards(aws, account, LINKED) == [FSBP.replace(HOME, LINKED)]


def test_policies_can_be_seeded_out_of_band(emu: Emulator, org, admin):
    seeded = emu.world.add_configuration_policy("seeded", enabling())
    assert admin.get_configuration_policy(Identifier=seeded.id)["Name"] == "seeded"
    with pytest.raises(ValueError, match="must be configured when Security Hub is enabled"):
        emu.world.add_configuration_policy("incomplete", {"SecurityHub": {"ServiceEnabled": True}})
