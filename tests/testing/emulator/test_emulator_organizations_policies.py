"""Organizations SECURITYHUB_CSPM_POLICY: the policy API, inheritance into effective policies, their effect on
Security Hub when the world settles, the conflict with central configuration, and the attach fault."""

from __future__ import annotations

import json
import time

import pytest
from cdk_securityhub_org.testing.emulator import Emulator, FaultConfig

CSPM = "SECURITYHUB_CSPM_POLICY"
FSBP = "aws-foundational-security-best-practices/v/1.0.0"
CIS = "cis-aws-foundations-benchmark/v/3.0.0"
NIST = "nist-800-53/v/5.0.0"


def _policy(enable=(), disable=(), **securityhub) -> str:
    document = {
        "securityhub": {
            "cspm_enablement": {
                "enable_in_regions": {"@@assign": list(enable)},
                "disable_in_regions": {"@@assign": list(disable)},
            },
            **securityhub,
        }
    }
    return json.dumps(document)


@pytest.fixture
def orgs(org, aws):
    """The management account's Organizations client, with trusted access for Security Hub and the type enabled."""
    client = aws("organizations", org.management)
    client.enable_aws_service_access(ServicePrincipal="securityhub.amazonaws.com")
    client.enable_policy_type(RootId=client.list_roots()["Roots"][0]["Id"], PolicyType=CSPM)
    return client


def _create(orgs, name: str, content: str) -> str:
    return orgs.create_policy(Name=name, Description=name, Type=CSPM, Content=content)["Policy"]["PolicySummary"]["Id"]


def _ou(emu: Emulator, name: str) -> str:
    return next(ou.id for ou in emu.world.organizational_units.values() if ou.name == name)


def _in_ou(emu: Emulator, ou_id: str) -> str:
    return next(a.id for a in emu.world.accounts.values() if a.parent_id == ou_id)


def test_policy_type_needs_management_trusted_access_and_an_enabled_root(org, aws, aws_error):
    client = aws("organizations", org.management)
    root = client.list_roots()["Roots"][0]
    assert root["PolicyTypes"] == []
    aws_error(
        "AccessDeniedException", aws("organizations", org.admin).enable_policy_type, RootId=root["Id"], PolicyType=CSPM
    )
    refused = aws_error("ConstraintViolationException", client.enable_policy_type, RootId=root["Id"], PolicyType=CSPM)
    assert refused["Reason"] == "SERVICE_ACCESS_NOT_ENABLED"
    policy_id = _create(client, "early", _policy(enable=["us-east-1"]))  # writing a policy needs no enabled type
    aws_error("PolicyTypeNotEnabledException", client.attach_policy, PolicyId=policy_id, TargetId=root["Id"])

    client.enable_aws_service_access(ServicePrincipal="securityhub.amazonaws.com")
    answer = client.enable_policy_type(RootId=root["Id"], PolicyType=CSPM)
    assert answer["Root"]["PolicyTypes"] == [{"Type": CSPM, "Status": "ENABLED"}]
    assert client.list_roots()["Roots"][0]["PolicyTypes"] == [{"Type": CSPM, "Status": "ENABLED"}]
    assert {"Type": CSPM, "Status": "ENABLED"} in client.describe_organization()["Organization"]["AvailablePolicyTypes"]
    aws_error("PolicyTypeAlreadyEnabledException", client.enable_policy_type, RootId=root["Id"], PolicyType=CSPM)
    aws_error("RootNotFoundException", client.enable_policy_type, RootId="r-zzzz", PolicyType=CSPM)
    unmodeled = aws_error(
        "InvalidInputException", client.enable_policy_type, RootId=root["Id"], PolicyType="TAG_POLICY"
    )
    assert "TAG_POLICY" in unmodeled["Error"]["Message"]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps({"securityhub": {"cspm_enablement": {"enable_in_regions": []}}}), "disable_in_regions"),
        (_policy(enable=["us-east-9"]), "'us-east-9' is not a Region"),
        (
            _policy(enable=["ALL_SUPPORTED"], default_configuration={"enabled_standards": ["made-up/v/1"]}),
            "not a known standard",
        ),
        (
            _policy(default_configuration={"control_statuses": {"IAM.1": {"@@append": "DISABLED"}}}),
            "only lists take @@append",
        ),
        (
            _policy(
                default_configuration={"control_parameters": {"IAM.7": {"MaxPasswordAge": {"@@assign": "ninety"}}}}
            ),
            "takes a Integer value",
        ),
        (_policy(regional_overrides={"ALL_SUPPORTED": {}}), "not a Region"),
        (json.dumps({"securityhub": {"@@assign": {}}}), "is a container"),
        (json.dumps({"guardduty": {}}), "'guardduty' is not a key"),
    ],
)
def test_malformed_content_is_refused_by_name(orgs, aws_error, content, fragment):
    response = aws_error(
        "MalformedPolicyDocumentException", orgs.create_policy, Name="bad", Description="", Type=CSPM, Content=content
    )
    assert fragment in response["Error"]["Message"]


def test_policy_crud_and_limits(orgs, aws_error):
    content = _policy(enable=["us-east-1"])
    policy_id = _create(orgs, "baseline", content)
    aws_error(
        "DuplicatePolicyException", orgs.create_policy, Name="baseline", Description="", Type=CSPM, Content=content
    )
    too_large = _policy(enable=["us-east-1"])[:-2] + ', "padding": "' + "x" * 10_000 + '"}}'
    refused = aws_error(
        "ConstraintViolationException", orgs.create_policy, Name="big", Description="", Type=CSPM, Content=too_large
    )
    assert refused["Reason"] == "POLICY_CONTENT_LIMIT_EXCEEDED"

    described = orgs.describe_policy(PolicyId=policy_id)["Policy"]
    assert described["Content"] == content and described["PolicySummary"]["Type"] == CSPM
    assert described["PolicySummary"]["Arn"].endswith(f"/securityhub_cspm_policy/{policy_id}")
    updated = orgs.update_policy(PolicyId=policy_id, Name="renamed", Content=_policy(enable=["eu-west-1"]))["Policy"]
    assert updated["PolicySummary"]["Name"] == "renamed" and "eu-west-1" in updated["Content"]
    aws_error("MalformedPolicyDocumentException", orgs.update_policy, PolicyId=policy_id, Content="[]")
    for index in range(3):
        _create(orgs, f"extra-{index}", content)
    pages = orgs.get_paginator("list_policies").paginate(Filter=CSPM, PaginationConfig={"PageSize": 2})
    assert sorted(p["Name"] for page in pages for p in page["Policies"]) == ["extra-0", "extra-1", "extra-2", "renamed"]

    orgs.delete_policy(PolicyId=policy_id)
    aws_error("PolicyNotFoundException", orgs.describe_policy, PolicyId=policy_id)
    aws_error("InvalidInputException", orgs.describe_policy, PolicyId="policy-1")


def test_attach_detach_and_the_listings(emu: Emulator, org, orgs, aws_error):
    root = emu.world.root_id
    security = _ou(emu, "Security")
    policy_id = _create(orgs, "p", _policy(enable=["us-east-1"]))
    orgs.attach_policy(PolicyId=policy_id, TargetId=security)
    orgs.attach_policy(PolicyId=policy_id, TargetId=org.admin)
    aws_error("DuplicatePolicyAttachmentException", orgs.attach_policy, PolicyId=policy_id, TargetId=security)
    aws_error("TargetNotFoundException", orgs.attach_policy, PolicyId=policy_id, TargetId="123456789012")
    aws_error("TargetNotFoundException", orgs.attach_policy, PolicyId=policy_id, TargetId=org.standalone)
    aws_error("InvalidInputException", orgs.attach_policy, PolicyId=policy_id, TargetId="not-a-target")

    targets = orgs.list_targets_for_policy(PolicyId=policy_id)["Targets"]
    assert [(t["TargetId"], t["Type"], t["Name"]) for t in targets] == [
        (security, "ORGANIZATIONAL_UNIT", "Security"),
        (org.admin, "ACCOUNT", "security-tooling"),
    ]
    assert [p["Id"] for p in orgs.list_policies_for_target(TargetId=security, Filter=CSPM)["Policies"]] == [policy_id]
    assert orgs.list_policies_for_target(TargetId=root, Filter=CSPM)["Policies"] == []
    aws_error("PolicyInUseException", orgs.delete_policy, PolicyId=policy_id)
    aws_error("PolicyNotAttachedException", orgs.detach_policy, PolicyId=policy_id, TargetId=root)
    orgs.detach_policy(PolicyId=policy_id, TargetId=security)
    assert [t["TargetId"] for t in orgs.list_targets_for_policy(PolicyId=policy_id)["Targets"]] == [org.admin]

    # Disabling the type detaches its policies everywhere.
    orgs.disable_policy_type(RootId=root, PolicyType=CSPM)
    assert orgs.list_targets_for_policy(PolicyId=policy_id)["Targets"] == []
    aws_error("PolicyTypeNotEnabledException", orgs.disable_policy_type, RootId=root, PolicyType=CSPM)


def test_effective_policy_follows_the_inheritance_operators(emu: Emulator, org, orgs, aws, aws_error):
    root, workloads = emu.world.root_id, _ou(emu, "Workloads")
    prod = _ou(emu, "Prod")
    account = _in_ou(emu, prod)
    root_policy = {
        "securityhub": {
            "cspm_enablement": {
                # Children may only add Regions, not replace the list.
                "enable_in_regions": {
                    "@@assign": ["us-east-1", "eu-west-1"],
                    "@@operators_allowed_for_child_policies": ["@@append"],
                },
                "disable_in_regions": {"@@assign": []},
            },
            "default_configuration": {"enabled_standards": {"@@assign": [FSBP, CIS]}},
        }
    }
    ou_policy = {
        "securityhub": {
            "cspm_enablement": {
                "enable_in_regions": {"@@append": ["us-west-2"]},
                "disable_in_regions": {"@@append": ["eu-west-1"]},
            },
            "default_configuration": {"enabled_standards": {"@@remove": [CIS]}},
        }
    }
    account_policy = {
        "securityhub": {
            "cspm_enablement": {
                "enable_in_regions": {"@@assign": ["ap-south-1"]},  # not allowed by the root: ignored
                "disable_in_regions": {"@@append": []},
            },
            "default_configuration": {"control_statuses": {"IAM.1": {"@@assign": "DISABLED"}}},
        }
    }
    for name, document, target in (
        ("root", root_policy, root),
        ("workloads", ou_policy, workloads),
        ("account", account_policy, account),
    ):
        orgs.attach_policy(PolicyId=_create(orgs, name, json.dumps(document)), TargetId=target)

    answer = orgs.describe_effective_policy(PolicyType=CSPM, TargetId=account)["EffectivePolicy"]
    expected = {
        "securityhub": {
            "cspm_enablement": {
                "enable_in_regions": ["us-east-1", "eu-west-1", "us-west-2"],
                "disable_in_regions": ["eu-west-1"],
            },
            "default_configuration": {"enabled_standards": [FSBP], "control_statuses": {"IAM.1": "DISABLED"}},
        }
    }
    assert json.loads(answer["PolicyContent"]) == expected
    assert answer["TargetId"] == account and answer["PolicyType"] == CSPM
    assert emu.world.effective_policy(account) == expected
    # An account elsewhere inherits the root policy only.
    elsewhere = _in_ou(emu, _ou(emu, "Sandbox"))
    assert emu.world.effective_policy(elsewhere) == {
        "securityhub": {
            "cspm_enablement": {"enable_in_regions": ["us-east-1", "eu-west-1"], "disable_in_regions": []},
            "default_configuration": {"enabled_standards": [FSBP, CIS]},
        }
    }
    # Any account may read its own effective policy, not another's; roots and OUs are not targets.
    own = aws("organizations", account).describe_effective_policy(PolicyType=CSPM)["EffectivePolicy"]
    assert json.loads(own["PolicyContent"]) == expected
    aws_error(
        "AccessDeniedException",
        aws("organizations", account).describe_effective_policy,
        PolicyType=CSPM,
        TargetId=elsewhere,
    )
    refused = aws_error("InvalidInputException", orgs.describe_effective_policy, PolicyType=CSPM, TargetId=prod)
    assert refused["Reason"] == "TARGET_NOT_SUPPORTED"


def test_no_effective_policy_without_an_attachment(org, orgs, aws_error):
    aws_error("EffectivePolicyNotFoundException", orgs.describe_effective_policy, PolicyType=CSPM, TargetId=org.admin)


def test_settling_enforces_the_policy_in_each_region(emu: Emulator, org, orgs, aws, aws_error):
    member = org.members[3]
    content = _policy(
        enable=["ALL_SUPPORTED"],
        disable=["ap-south-1"],
        default_configuration={
            "enabled_standards": {"@@assign": [FSBP, CIS]},
            "control_statuses": {"IAM.1": {"@@assign": "DISABLED"}},
            "control_parameters": {"IAM.7": {"MaxPasswordAge": {"@@assign": 60}}},
        },
        regional_overrides={"eu-west-1": {"enabled_standards": {"@@assign": [NIST]}}},
    )
    # Standards the policy does not list go: this one was enabled by hand before.
    emu.world.hub(member, "us-east-1").standards = {NIST: 0.0}
    orgs.attach_policy(PolicyId=_create(orgs, "all", content), TargetId=member)

    east = aws("securityhub", member, "us-east-1")
    assert east.describe_hub()["HubArn"].endswith(f"{member}:hub/default")
    standards = east.get_enabled_standards()["StandardsSubscriptions"]
    assert [s["StandardsArn"] for s in standards] == [
        f"arn:aws:securityhub:us-east-1::standards/{FSBP}",
        f"arn:aws:securityhub:us-east-1::standards/{CIS}",
    ]
    controls = east.batch_get_security_controls(SecurityControlIds=["IAM.1", "IAM.7", "S3.1", "Nope.1"])
    by_id = {c["SecurityControlId"]: c for c in controls["SecurityControls"]}
    assert by_id["IAM.1"]["SecurityControlStatus"] == "DISABLED" and by_id["S3.1"]["SecurityControlStatus"] == "ENABLED"
    assert by_id["IAM.7"]["Parameters"]["MaxPasswordAge"] == {"ValueType": "CUSTOM", "Value": {"Integer": 60}}
    assert by_id["IAM.7"]["Parameters"]["MinimumPasswordLength"] == {"ValueType": "DEFAULT", "Value": {"Integer": 8}}
    assert [(u["SecurityControlId"], u["ErrorCode"]) for u in controls["UnprocessedIds"]] == [("Nope.1", "NOT_FOUND")]

    # The Regional override replaces the default configuration entirely.
    west = aws("securityhub", member, "eu-west-1")
    assert [
        s["StandardsArn"].split("standards/")[1] for s in west.get_enabled_standards()["StandardsSubscriptions"]
    ] == [NIST]
    iam1 = west.batch_get_security_controls(SecurityControlIds=["IAM.1"])["SecurityControls"][0]
    assert iam1["SecurityControlStatus"] == "ENABLED"
    # The opted-in Region is covered by ALL_SUPPORTED; the disabled one stays off; other accounts are untouched.
    aws("securityhub", member, "eu-south-1").describe_hub()
    aws_error("InvalidAccessException", aws("securityhub", member, "ap-south-1").describe_hub)
    aws_error("InvalidAccessException", aws("securityhub", org.members[4], "us-east-1").describe_hub)


def test_disabling_removes_administrator_and_member_associations(org, orgs, aws, aws_error, designate):
    region = "eu-west-2"
    designate(region)
    admin = aws("securityhub", org.admin, region)
    enrolled, inviter = org.members[5], org.members[6]
    admin.create_members(AccountDetails=[{"AccountId": enrolled}])
    # An organization account that runs its own invitation-based administration of a standalone account.
    invited_admin = aws("securityhub", inviter, region)
    invited_admin.enable_security_hub()
    invited_admin.create_members(AccountDetails=[{"AccountId": org.standalone, "Email": "s@example.com"}])
    invited_admin.invite_members(AccountIds=[org.standalone])
    standalone = aws("securityhub", org.standalone, region)
    standalone.enable_security_hub()
    (invitation,) = standalone.list_invitations()["Invitations"]
    standalone.accept_administrator_invitation(AdministratorId=inviter, InvitationId=invitation["InvitationId"])
    assert standalone.get_administrator_account()["Administrator"]["AccountId"] == inviter

    policy_id = _create(orgs, "off", _policy(disable=[region]))
    for target in (enrolled, inviter):
        orgs.attach_policy(PolicyId=policy_id, TargetId=target)

    assert enrolled not in [m["AccountId"] for m in admin.list_members(OnlyAssociated=False)["Members"]]
    aws_error("InvalidAccessException", aws("securityhub", enrolled, region).describe_hub)
    aws_error("InvalidAccessException", invited_admin.describe_hub)
    # The standalone account is not governed, but its invitation-based association with the inviter is gone.
    assert "Administrator" not in standalone.get_administrator_account()
    standalone.describe_hub()
    # Another Region of the same accounts keeps its state.
    aws("securityhub", inviter, "us-east-1").enable_security_hub()

    # Removing the administrator itself: the designation goes in that Region.
    orgs.attach_policy(PolicyId=policy_id, TargetId=org.admin)
    management = aws("securityhub", org.management, region)
    assert management.list_organization_admin_accounts()["AdminAccounts"] == []


def test_governed_accounts_cannot_change_it_back(org, orgs, aws, aws_error):
    member = org.members[7]
    orgs.attach_policy(
        PolicyId=_create(orgs, "p", _policy(enable=["us-east-1"], disable=["eu-west-1"])), TargetId=member
    )
    east = aws("securityhub", member, "us-east-1")
    east.describe_hub()  # settles: enabled by the policy
    denied = aws_error("AccessDeniedException", east.disable_security_hub)
    assert CSPM in denied["Error"]["Message"]
    aws_error("AccessDeniedException", aws("securityhub", member, "eu-west-1").enable_security_hub)
    aws("securityhub", member, "us-west-2").enable_security_hub()  # ungoverned Region


def test_new_accounts_inherit_after_the_enforcement_delay(emu: Emulator, org, orgs, aws, aws_error):
    emu.world.settings.policy_enforcement_seconds = 1.0
    sandbox = _ou(emu, "Sandbox")
    orgs.attach_policy(PolicyId=_create(orgs, "sandbox", _policy(enable=["us-east-1"])), TargetId=sandbox)
    newcomer = emu.world.add_account(name="newcomer", parent_id=sandbox)
    hub = aws("securityhub", newcomer)
    aws_error("InvalidAccessException", hub.describe_hub)  # not yet enforced
    time.sleep(1.05)
    hub.describe_hub()


def test_central_configuration_and_policies_exclude_each_other(emu: Emulator, org, aws, aws_error, designate):
    central = {
        "AutoEnable": False,
        "AutoEnableStandards": "NONE",
        "OrganizationConfiguration": {"ConfigurationType": "CENTRAL"},
    }
    designate("us-east-1")
    admin = aws("securityhub", org.admin)
    admin.create_finding_aggregator(RegionLinkingMode="NO_REGIONS")
    client = aws("organizations", org.management)
    client.enable_aws_service_access(ServicePrincipal="securityhub.amazonaws.com")
    root = emu.world.root_id

    client.enable_policy_type(RootId=root, PolicyType=CSPM)
    refused = aws_error("InvalidInputException", admin.update_organization_configuration, **central)
    assert CSPM in refused["Error"]["Message"]

    client.disable_policy_type(RootId=root, PolicyType=CSPM)
    admin.update_organization_configuration(**central)
    refused = aws_error("ConstraintViolationException", client.enable_policy_type, RootId=root, PolicyType=CSPM)
    assert "central configuration" in refused["Error"]["Message"]


def test_attach_fails_for_chosen_targets(emu: Emulator, org, orgs, aws, aws_error):
    security = _ou(emu, "Security")
    emu.set_faults(FaultConfig(rate_limit=False, fail_attach_targets=[security]))
    policy_id = _create(orgs, "p", _policy(enable=["us-east-1"]))
    no_retry = aws("organizations", org.management, retries=False)
    response = aws_error("ServiceException", no_retry.attach_policy, PolicyId=policy_id, TargetId=security)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 500
    orgs.attach_policy(PolicyId=policy_id, TargetId=emu.world.root_id)
    assert [t["Type"] for t in orgs.list_targets_for_policy(PolicyId=policy_id)["Targets"]] == ["ROOT"]


def test_policies_survive_a_dump_and_seed(emu: Emulator, org, orgs, aws):
    member = org.members[8]
    policy_id = _create(orgs, "p", _policy(enable=["us-east-1"], default_configuration={"enabled_standards": [FSBP]}))
    orgs.attach_policy(PolicyId=policy_id, TargetId=member)
    aws("securityhub", member).describe_hub()
    state = emu.dump()
    emu.seed(json.loads(json.dumps(state)))
    assert orgs.list_targets_for_policy(PolicyId=policy_id)["Targets"][0]["TargetId"] == member
    assert len(aws("securityhub", member).get_enabled_standards()["StandardsSubscriptions"]) == 1


def test_a_parent_can_forbid_every_change_below_and_same_level_policies_combine(emu: Emulator, org, orgs):
    security = _ou(emu, "Security")
    locked = {
        "securityhub": {
            "@@operators_allowed_for_child_policies": ["@@none"],
            "cspm_enablement": {"enable_in_regions": ["us-east-1"], "disable_in_regions": []},
            "default_configuration": {"enabled_standards": [FSBP]},
        }
    }
    orgs.attach_policy(PolicyId=_create(orgs, "locked", json.dumps(locked)), TargetId=security)
    change = _policy(enable=["eu-west-1"], default_configuration={"enabled_standards": {"@@append": [CIS]}})
    orgs.attach_policy(PolicyId=_create(orgs, "ignored", change), TargetId=org.admin)
    assert emu.world.effective_policy(org.admin) == {
        "securityhub": {
            "cspm_enablement": {"enable_in_regions": ["us-east-1"], "disable_in_regions": []},
            "default_configuration": {"enabled_standards": [FSBP]},
        }
    }
    # Two policies on one account: the second changes the first's values (same level, no limit between them).
    member = org.members[9]
    first = _policy(enable=["us-east-1", "eu-west-1"], default_configuration={"enabled_standards": [FSBP, CIS]})
    second = json.dumps(
        {
            "securityhub": {
                "cspm_enablement": {
                    "enable_in_regions": {"@@remove": ["eu-west-1"]},
                    "disable_in_regions": {"@@append": ["ap-south-1"]},
                },
                "default_configuration": {"enabled_standards": {"@@remove": [FSBP]}},
            }
        }
    )
    for name, content in (("first", first), ("second", second)):
        orgs.attach_policy(PolicyId=_create(orgs, name, content), TargetId=member)
    assert emu.world.effective_policy(member) == {
        "securityhub": {
            "cspm_enablement": {"enable_in_regions": ["us-east-1"], "disable_in_regions": ["ap-south-1"]},
            "default_configuration": {"enabled_standards": [CIS]},
        }
    }


def test_world_builder_helpers_seed_policies(emu: Emulator, org, aws):
    world = emu.world
    with pytest.raises(ValueError, match="enable the policy type"):
        world.attach_policy(world.create_policy("seeded", _policy(enable=["us-east-1"])), world.root_id)
    world.enable_policy_type()
    policy_id = world.create_policy("seeded-2", _policy(enable=["us-east-1"]), description="from a test")
    with pytest.raises(ValueError, match="is not the root, an OU or an account"):
        world.attach_policy(policy_id, org.standalone)
    with pytest.raises(ValueError, match="cspm_enablement"):
        world.create_policy("broken", json.dumps({"securityhub": {}}))
    world.attach_policy(policy_id, world.root_id)
    organizations = aws("organizations", org.management)
    assert organizations.describe_policy(PolicyId=policy_id)["Policy"]["PolicySummary"]["Description"] == "from a test"
    aws("securityhub", org.members[10]).describe_hub()  # the root policy enabled it at the next settle
