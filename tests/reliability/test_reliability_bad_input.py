"""The bad-input catalogue: declarations a user can get wrong in the member CSV, the construct props and the YAML
configuration, each refused at synth time with a message that names the value and the fix, and nothing applied.

"Nothing applied" is checked, not assumed: a case that synthesizes is deployed through the simulator into the
emulator, so an input the library wrongly accepts shows up as calls in the emulator's log.

These cases are new; the catalogue's other half lives in the construct tests and is not repeated here:
``tests/constructs/test_synth_validation.py`` (mangled account IDs, bad Regions, choices, cross-field rules),
``tests/constructs/test_member_list_csv.py`` (CSV rows, headers, encodings), ``tests/constructs/test_member_list.py``
and ``tests/constructs/test_sample_config.py`` (YAML schema).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import aws_cdk as cdk
import pytest
from cdk_securityhub_org import (
    DelegatedAdmin,
    InvitationAccepter,
    MemberList,
    Members,
    OrganizationConfiguration,
    SecurityHubConfigurationError,
    SecurityHubOrganization,
    load_config,
)
from cdk_securityhub_org.configuration_policies import (
    ConfigurationPolicies,
    ConfigurationPolicy,
    ControlParameter,
    PublishedStandard,
)
from cdk_securityhub_org.testing.emulator import Emulator, World
from cdk_securityhub_org.testing.simulator import CloudFormationSimulator

MANAGEMENT, ADMINISTRATOR, MEMBER = "111111111111", "222222222222", "333333333333"
CSV_HEADER = "Account ID,Email\n"

Build = Callable[[Path], cdk.App]


@dataclass(frozen=True)
class Bad:
    id: str
    surface: str  # csv | props | yaml
    build: Build
    value: str  # the offending value, as the message must name it
    fix: str  # what the message must tell the user to do

    def __str__(self) -> str:
        return self.id


def app_with_stack(account: str | None) -> tuple[cdk.App, cdk.Stack]:
    app = cdk.App()
    return app, cdk.Stack(app, "Stack", env=cdk.Environment(account=account, region="us-east-1"))


# ------------------------------------------------------------------------------------------------------ the CSV


def members_csv(content: str | bytes, *, name: str = "members.csv", **props: object) -> Build:
    """A Members construct of the administrator reading a CSV file with ``content``, with ``props``."""

    def build(tmp: Path) -> cdk.App:
        path = tmp / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, newline="")
        app, stack = app_with_stack(ADMINISTRATOR)
        Members(stack, "Members", member_list=MemberList.from_csv(path), regions=["us-east-1"], **props)
        return app

    return build


def csv_directory(tmp: Path) -> cdk.App:
    (tmp / "members.csv").mkdir()
    app, stack = app_with_stack(ADMINISTRATOR)
    Members(stack, "Members", member_list=MemberList.from_csv(tmp / "members.csv"), regions=["us-east-1"])
    return app


NOT_12 = "is not 12 digits; write the 12-digit AWS account ID"
NOT_EMAIL = "is not a valid email address; write it as name@example.com"
FIELDS = "write 'account ID,email'"

CSV_CASES = [
    Bad("csv-header-one-column", "csv", members_csv("Account ID\n"), "'Account ID'", "write 'Account ID,Email'"),
    Bad(
        "csv-header-e-mail",
        "csv",
        members_csv("Account ID,E-mail\n"),
        "'Account ID,E-mail'",
        "write 'Account ID,Email'",
    ),
    Bad(
        "csv-semicolon-separated",
        "csv",
        members_csv(CSV_HEADER + "111111111111;a@example.com\n"),
        "'111111111111;a@example.com' is separated by semicolons",
        "save it with commas",
    ),
    Bad(
        "csv-semicolon-locale-export",
        "csv",
        members_csv("Account ID;Email\n111111111111;a@example.com\n"),
        "members.csv: the file is separated by semicolons",
        "save it with commas",
    ),
    Bad(
        "csv-header-only-with-prune",
        "csv",
        members_csv(CSV_HEADER, prune="DISASSOCIATE"),
        "prune='DISASSOCIATE' would remove every member",
        "is the CSV only a header?), set prune='NONE', or set allow_empty_member_list=True",
    ),
    Bad(
        "csv-tab-separated",
        "csv",
        members_csv(CSV_HEADER + "111111111111\ta@example.com\n"),
        "'111111111111\\ta@example.com' has 1 fields",
        FIELDS,
    ),
    Bad("csv-only-commas", "csv", members_csv(CSV_HEADER + ",,\n"), "',,' has 3 fields", FIELDS),
    Bad("csv-account-with-a-letter", "csv", members_csv(CSV_HEADER + "11111111111a,\n"), "'11111111111a'", NOT_12),
    Bad("csv-account-13-digits", "csv", members_csv(CSV_HEADER + "1111111111111,\n"), "'1111111111111'", NOT_12),
    Bad("csv-account-text-marker", "csv", members_csv(CSV_HEADER + "'111111111111,\n"), '"\'111111111111"', NOT_12),
    Bad("csv-account-grouped", "csv", members_csv(CSV_HEADER + "1111 1111 1111,\n"), "'1111 1111 1111'", NOT_12),
    Bad("csv-account-missing", "csv", members_csv(CSV_HEADER + ",a@example.com\n"), "account ID ''", NOT_12),
    Bad(
        "csv-email-with-space",
        "csv",
        members_csv(CSV_HEADER + "111111111111,a b@example.com\n"),
        "'a b@example.com'",
        NOT_EMAIL,
    ),
    Bad(
        "csv-email-two-ats",
        "csv",
        members_csv(CSV_HEADER + "111111111111,a@@example.com\n"),
        "'a@@example.com'",
        NOT_EMAIL,
    ),
    Bad(
        "csv-email-no-domain-dot", "csv", members_csv(CSV_HEADER + "111111111111,a@example\n"), "'a@example'", NOT_EMAIL
    ),
    Bad(
        "csv-email-quoted-comma",
        "csv",
        members_csv(CSV_HEADER + '111111111111,"a,b@example.com"\n'),
        "'a,b@example.com'",
        NOT_EMAIL,
    ),
    Bad(
        "csv-decimal-comma-locale",
        "csv",
        members_csv(CSV_HEADER + "444455556666,0\n"),
        "email '0'",
        NOT_EMAIL,
    ),
    Bad(
        "csv-utf16-export",
        "csv",
        members_csv((CSV_HEADER + "111111111111,a@example.com\n").encode("utf-16")),
        "members.csv: byte 0 is not UTF-8",
        "save the file as 'CSV UTF-8' text",
    ),
    Bad(
        "csv-path-is-a-directory",
        "csv",
        csv_directory,
        "members.csv: cannot be read (Is a directory)",
        "check the path",
    ),
    Bad(
        "csv-lists-the-administrator",
        "csv",
        members_csv(CSV_HEADER + f"{ADMINISTRATOR},admin@example.com\n"),
        f"the administrator account {ADMINISTRATOR} is in its own member list",
        "members.csv line 2); remove it there",
    ),
]


# ------------------------------------------------------------------------------------------------ construct props


def construct(kind: type, account: str | None = ADMINISTRATOR, **props: object) -> Build:
    def build(_: Path) -> cdk.App:
        app, stack = app_with_stack(account)
        kind(stack, "Construct", **props)
        return app

    return build


def delegated_admin(**props: object) -> Build:
    return construct(
        DelegatedAdmin, MANAGEMENT, **{"admin_account_id": ADMINISTRATOR, "regions": ["us-east-1"], **props}
    )


def configuration(**props: object) -> Build:
    return construct(OrganizationConfiguration, **{"regions": ["us-east-1"], **props})


def members(**props: object) -> Build:
    return construct(Members, **{"member_list": MemberList.from_organization(), "regions": ["us-east-1"], **props})


def organization(**props: object) -> Build:
    def build(_: Path) -> cdk.App:
        app = cdk.App()
        defaults = {"management_account_id": MANAGEMENT, "administrator_account_id": ADMINISTRATOR}
        SecurityHubOrganization(app, "SecurityHub", **{**defaults, "regions": ["us-east-1"], **props})
        return app

    return build


def two_constructs(kind: type, account: str, first: dict[str, object], second: dict[str, object]) -> cdk.App:
    """Two constructs of ``kind`` side by side in one stack: each valid alone, in conflict together."""
    app, stack = app_with_stack(account)
    for name, props in (("First", first), ("Second", second)):
        kind(stack, name, regions=["us-east-1"], **props)
    return app


ONE_OF = "use one of them"
BOOLEAN = "is not true or false; write True or False"

PROPS_CASES = [
    Bad(
        "props-admin-account-none",
        "props",
        delegated_admin(admin_account_id=None),
        "account ID None",
        "write it as a 12-digit string",
    ),
    Bad(
        "props-regions-none",
        "props",
        delegated_admin(regions=None),
        "None is not a list of Regions",
        "write a list such as ['us-east-1']",
    ),
    Bad(
        "props-regions-a-set",
        "props",
        delegated_admin(regions={"us-east-1"}),
        "{'us-east-1'} is not a list",
        "write a list such as",
    ),
    Bad(
        "props-region-uppercase",
        "props",
        delegated_admin(regions=["US-EAST-1"]),
        "Region 'US-EAST-1'",
        "did you mean 'us-east-1'?",
    ),
    Bad(
        "props-region-a-number",
        "props",
        delegated_admin(regions=["us-east-1", 1]),
        "Region 1 is a int",
        "write a Region name such as 'us-east-1'",
    ),
    Bad("props-allow-replace-text", "props", delegated_admin(allow_replace="true"), "allow_replace: 'true'", BOOLEAN),
    Bad(
        "props-on-region-unavailable-lowercase",
        "props",
        delegated_admin(on_region_unavailable="skip"),
        "'skip' is not one of ['FAIL', 'SKIP']",
        ONE_OF,
    ),
    Bad(
        "props-removal-retain-on-update",
        "props",
        delegated_admin(removal_policy=cdk.RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE),
        "RETAIN_ON_UPDATE_OR_DELETE",
        "use RemovalPolicy.RETAIN or RemovalPolicy.DESTROY",
    ),
    Bad(
        "props-linked-regions-without-home",
        "props",
        configuration(linked_regions=["eu-west-1"]),
        "LinkedRegions",
        "needs a HomeRegion to link them to",
    ),
    Bad(
        "props-no-regions-mode-with-linked",
        "props",
        configuration(
            regions=["us-east-1", "eu-west-1"],
            home_region="us-east-1",
            region_linking_mode="NO_REGIONS",
            linked_regions=["eu-west-1"],
        ),
        "RegionLinkingMode NO_REGIONS takes no LinkedRegions",
        "remove them",
    ),
    Bad(
        "props-specified-mode-without-linked",
        "props",
        configuration(home_region="us-east-1", region_linking_mode="SPECIFIED_REGIONS"),
        "RegionLinkingMode SPECIFIED_REGIONS",
        "needs LinkedRegions",
    ),
    Bad(
        "props-linking-mode-unknown",
        "props",
        configuration(home_region="us-east-1", region_linking_mode="ALL"),
        "'ALL' is not one of",
        ONE_OF,
    ),
    Bad(
        "props-configuration-type-lowercase",
        "props",
        configuration(configuration_type="central"),
        "'central' is not one of ['LOCAL', 'CENTRAL']",
        ONE_OF,
    ),
    Bad(
        "props-standards-unknown",
        "props",
        configuration(auto_enable_standards="ALL"),
        "'ALL' is not one of ['DEFAULT', 'NONE']",
        ONE_OF,
    ),
    Bad(
        "props-home-region-typo",
        "props",
        configuration(home_region="us-east-1x"),
        "Region 'us-east-1x'",
        "did you mean 'us-east-1'?",
    ),
    Bad(
        "props-linked-region-in-another-partition",
        "props",
        configuration(home_region="us-east-1", linked_regions=["cn-north-1"]),
        "'cn-north-1'",
        "declare the Regions of one partition",
    ),
    Bad(
        "props-member-list-a-plain-list",
        "props",
        members(member_list=["444455556666"]),
        "['444455556666'] is not a MemberList",
        "build one with MemberList.from_*",
    ),
    Bad("props-prune-lowercase", "props", members(prune="delete_invited"), "'delete_invited' is not one of", ONE_OF),
    Bad(
        "props-restore-disassociated-none",
        "props",
        members(restore_disassociated=None),
        "restore_disassociated: None",
        BOOLEAN,
    ),
    Bad(
        "props-members-administrator-not-the-stacks",
        "props",
        members(administrator_account_id=MEMBER),
        f"'{MEMBER}' is not the account of stack Stack ({ADMINISTRATOR})",
        f"deploy this construct in a stack of account '{MEMBER}', or correct administrator_account_id",
    ),
    Bad(
        "props-organizational-units-a-string",
        "props",
        members(member_list=MemberList.from_organization(organizational_units="ou-ab12-cdefgh34")),
        "'ou-ab12-cdefgh34' is not a list",
        "write ['ou-ab12-cdefgh34']",
    ),
    Bad(
        "props-ou-uppercase",
        "props",
        members(member_list=MemberList.from_organization(exclude_organizational_units=["ou-AB12-cdefgh34"])),
        "organizational unit 'ou-AB12-cdefgh34'",
        "is not an OU ID ('ou-xxxx-xxxxxxxx') or a root ID ('r-xxxx')",
    ),
    Bad(
        "props-root-id-truncated",
        "props",
        members(member_list=MemberList.from_organization(organizational_units=["r-"])),
        "organizational unit 'r-'",
        "or a root ID ('r-xxxx')",
    ),
    Bad(
        "props-email-a-number",
        "props",
        members(member_list=MemberList.from_accounts([("444455556666", 42)])),
        "email 42 is not text",
        "write it as name@example.com",
    ),
    Bad(
        "props-account-a-boolean",
        "props",
        members(member_list=MemberList.from_accounts([True])),
        "True is not an account",
        "give a MemberAccount, an account ID, (account_id, email)",
    ),
    Bad(
        "props-accepter-member-not-the-stacks",
        "props",
        construct(
            InvitationAccepter,
            MEMBER,
            administrator_account_id=ADMINISTRATOR,
            regions=["us-east-1"],
            member_account_id="444455556666",
        ),
        f"'444455556666' is not the account of stack Stack ({MEMBER})",
        "or correct member_account_id",
    ),
    Bad(
        "props-accepter-own-invitation-account-agnostic",
        "props",
        construct(
            InvitationAccepter, None, administrator_account_id=MEMBER, regions=["us-east-1"], member_account_id=MEMBER
        ),
        f"'{MEMBER}' is the member account itself",
        "name the administrator that invited it",
    ),
    Bad(
        "props-email-padded",
        "props",
        members(member_list=MemberList.from_accounts([("444455556666", " a@example.com ")])),
        "email ' a@example.com ' has surrounding spaces",
        "write 'a@example.com'",
    ),
    Bad(
        "props-prune-empty-list",
        "props",
        members(member_list=MemberList.from_accounts([]), prune="DELETE_INVITED"),
        "prune='DELETE_INVITED' would remove every member",
        "set allow_empty_member_list=True to remove them all",
    ),
    Bad(
        "props-members-over-the-quota",
        "props",
        members(member_list=MemberList.from_accounts(f"{n:012d}" for n in range(10**6, 10**6 + 11_001))),
        "the member list declares 11,001 accounts",
        "declare at most 11,000",
    ),
    Bad(
        "props-two-pruning-members-one-administrator",
        "props",
        lambda _: two_constructs(
            Members,
            ADMINISTRATOR,
            {"member_list": MemberList.from_accounts(["444455556666"]), "prune": "DISASSOCIATE"},
            {"member_list": MemberList.from_accounts(["555566667777"]), "prune": "DELETE_INVITED"},
        ),
        f"Stack/First and Stack/Second both prune the members of {ADMINISTRATOR} in ['us-east-1']",
        "declare them in one Members (MemberList.union), or set prune='NONE' on all but one",
    ),
    Bad(
        "props-two-administrators",
        "props",
        lambda _: two_constructs(
            DelegatedAdmin, MANAGEMENT, {"admin_account_id": ADMINISTRATOR}, {"admin_account_id": MEMBER}
        ),
        f"Stack/First names {ADMINISTRATOR}, Stack/Second names {MEMBER}",
        "name the same account in each, or keep one DelegatedAdmin",
    ),
    Bad(
        "props-auto-enable-excluded-pruned",
        "props",
        organization(member_list=MemberList.from_organization(exclude_accounts=[MEMBER]), prune="DISASSOCIATE"),
        f"with a member list that excludes the accounts ['{MEMBER}']",
        "set auto_enable=False, or prune='NONE'",
    ),
    Bad(
        "props-deployment-region-typo",
        "props",
        organization(deployment_region="us-east-9"),
        "Region 'us-east-9'",
        "is not a Region where Security Hub is available",
    ),
]


# ------------------------------------------------------------------------------ central configuration (props)

FSBP = [PublishedStandard.FSBP]
CENTRAL_STAGE = {
    "home_region": "us-east-1",
    "configuration_type": "CENTRAL",
    "auto_enable": False,
    "auto_enable_standards": "NONE",
}
SELF_MANAGE_FIX = "set self_manage_to_release=True"
UNREACHED_FIX = "link them (LinkedRegions, or a RegionLinkingMode that covers them)"


def policies(**props: object) -> Build:
    defaults = {
        "home_region": "us-east-1",
        "policies": [ConfigurationPolicy("prod", standards=FSBP)],
        "associations": {"r-ab12": "prod"},
    }
    return construct(ConfigurationPolicies, **{**defaults, **props})


def central_members(**props: object) -> Build:
    return members(**{"configuration_type": "CENTRAL", "home_region": "us-east-1", **props})


def central_configuration(**props: object) -> Build:
    return configuration(**{**CENTRAL_STAGE, "regions": ["us-east-1", "eu-west-1", "us-west-2"], **props})


def central_organization(**props: object) -> Build:
    return organization(**{**CENTRAL_STAGE, **props})


CENTRAL_CASES = [
    Bad("central-policies-without-home", "props", policies(home_region=None), "home_region", "declare home_region"),
    Bad(
        "central-policies-under-local",
        "props",
        policies(configuration_type="LOCAL"),
        "not 'LOCAL'",
        "declare configuration_type='CENTRAL'",
    ),
    Bad(
        "central-both-control-modes",
        "props",
        policies(
            policies=[ConfigurationPolicy("prod", standards=FSBP, enabled_controls=["S3.1"], disabled_controls=[])]
        ),
        "policy 'prod' gives enabled_controls and disabled_controls",
        "give one of them",
    ),
    Bad(
        "central-standard-of-another-partition",
        "props",
        policies(
            policies=[
                ConfigurationPolicy(
                    "prod",
                    standards=[
                        "arn:aws-cn:securityhub:cn-north-1::standards/aws-foundational-security-best-practices/v/1.0.0"
                    ],
                )
            ]
        ),
        "arn:aws-cn:securityhub:cn-north-1",
        "use a PublishedStandard member",
    ),
    Bad(
        "central-standard-of-another-region",
        "props",
        policies(
            policies=[
                ConfigurationPolicy(
                    "prod",
                    standards=[
                        "arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0"
                    ],
                )
            ]
        ),
        "is not an ARN of the home Region us-east-1",
        "use us-east-1",
    ),
    Bad(
        "central-invited-account-as-target",
        "props",
        policies(associations={"444455556666": "prod"}, invited_account_ids=["444455556666"]),
        "account 444455556666 was invited",
        "remove its association",
    ),
    Bad(
        "central-policy-named-twice",
        "props",
        policies(policies=[ConfigurationPolicy("prod", standards=FSBP)] * 2),
        "policy 'prod' is declared twice",
        "policy names must be unique",
    ),
    Bad(
        "central-control-id-malformed",
        "props",
        policies(policies=[ConfigurationPolicy("prod", standards=FSBP, disabled_controls=["ec2 8"])]),
        "control ID 'ec2 8'",
        "write it like 'S3.1'",
    ),
    Bad(
        "central-parameter-type-unknown",
        "props",
        policies(
            policies=[
                ConfigurationPolicy(
                    "prod",
                    standards=FSBP,
                    parameters=[ControlParameter("IAM.1", "maxDays", "Int", 90)],
                )
            ]
        ),
        "parameter 'maxDays' of control IAM.1 has the type 'Int'",
        "use a ParameterType member or one of these strings",
    ),
    Bad(
        "central-enabled-without-standards",
        "props",
        policies(policies=[ConfigurationPolicy("prod")]),
        "policy 'prod' enables Security Hub",
        "needs at least one enabled standard",
    ),
    Bad(
        "central-disabled-with-standards",
        "props",
        policies(policies=[ConfigurationPolicy("prod", security_hub_enabled=False, standards=FSBP)]),
        "policy 'prod' disables Security Hub",
        "remove them",
    ),
    Bad("central-target-malformed", "props", policies(associations={"ou-x": "prod"}), "target 'ou-x'", "an OU ID"),
    Bad(
        "central-association-to-unknown-policy",
        "props",
        policies(associations={"r-ab12": "prodd"}),
        "'prodd', which is not a declared policy",
        "use one of ['prod'] or SELF_MANAGED_SECURITY_HUB",
    ),
    Bad(
        "central-policy-quota",
        "props",
        policies(policies=[ConfigurationPolicy(f"p{i}", standards=FSBP) for i in range(101)], associations={}),
        "101 configuration policies",
        "merge policies, or ask AWS Support to raise the quota",
    ),
    Bad(
        "central-policy-name-with-space",
        "props",
        policies(policies=[ConfigurationPolicy("prod policy", standards=FSBP)], associations={}),
        "policy name 'prod policy'",
        "(remove ' ')",
    ),
    Bad(
        "central-members-prune-without-self-manage",
        "props",
        central_members(prune="DISASSOCIATE"),
        "prune=DISASSOCIATE under CENTRAL",
        SELF_MANAGE_FIX,
    ),
    Bad(
        "central-members-destroy-without-self-manage",
        "props",
        central_members(removal_policy=cdk.RemovalPolicy.DESTROY),
        "removal_policy=DESTROY under CENTRAL",
        SELF_MANAGE_FIX,
    ),
    Bad(
        "central-self-manage-under-local",
        "props",
        members(self_manage_to_release=True),
        "SelfManageToRelease (self_manage_to_release)",
        "applies only under CENTRAL configuration; remove it",
    ),
    Bad(
        "central-members-without-home",
        "props",
        members(configuration_type="CENTRAL"),
        "the home Region (HomeRegion)",
        "where associations are made",
    ),
    Bad(
        "central-members-home-outside-regions",
        "props",
        central_members(home_region="eu-west-1"),
        "HomeRegion 'eu-west-1'",
        "must also be one of Regions",
    ),
    Bad(
        "central-self-manage-text",
        "props",
        central_members(self_manage_to_release="yes"),
        "self_manage_to_release: 'yes'",
        BOOLEAN,
    ),
    Bad(
        "central-region-not-linked",
        "props",
        central_configuration(region_linking_mode="SPECIFIED_REGIONS", linked_regions=["eu-west-1"]),
        "Regions ['us-west-2'] are neither the home Region",
        UNREACHED_FIX,
    ),
    Bad(
        "central-no-regions-linked",
        "props",
        central_configuration(region_linking_mode="NO_REGIONS"),
        "Regions ['eu-west-1', 'us-west-2'] are neither the home Region",
        UNREACHED_FIX,
    ),
    Bad(
        "central-region-excepted",
        "props",
        central_configuration(region_linking_mode="ALL_REGIONS_EXCEPT_SPECIFIED", linked_regions=["eu-west-1"]),
        "Regions ['eu-west-1'] are neither the home Region",
        UNREACHED_FIX,
    ),
    Bad(
        "central-stage-allow-replace",
        "props",
        central_organization(allow_replace=True),
        "allow_replace=True: under CENTRAL configuration Security Hub cannot change the delegated administrator",
        "(1) declare configuration_type=LOCAL",
    ),
    Bad(
        "central-stage-prune-without-self-manage",
        "props",
        central_organization(member_list=MemberList.from_organization(), prune="DISASSOCIATE"),
        "prune=DISASSOCIATE under CENTRAL",
        SELF_MANAGE_FIX,
    ),
]


# ------------------------------------------------------------------------------------------------ the YAML config


def yaml_document(text: str, *, base: bool = True) -> Build:
    """The sample app's pipeline: load_config, then the stage from its props."""

    def build(tmp: Path) -> cdk.App:
        head = f'management_account_id: "{MANAGEMENT}"\nadministrator_account_id: "{ADMINISTRATOR}"\n' if base else ""
        path = tmp / "securityhub.yaml"
        path.write_text(head + textwrap.dedent(text))
        config = load_config(path)
        app = cdk.App()
        SecurityHubOrganization(app, config.stage_name, **config.organization_props())
        return app

    return build


REGIONS = "regions: [us-east-1]\n"

YAML_CASES = [
    Bad(
        "yaml-stage-name-empty",
        "yaml",
        yaml_document(REGIONS + 'stage_name: ""\n'),
        "stage_name: is ''",
        "write a non-empty text value",
    ),
    Bad(
        "yaml-stage-name-a-list",
        "yaml",
        yaml_document(REGIONS + "stage_name: [a, b]\n"),
        "stage_name: is ['a', 'b'] (list)",
        "write a non-empty text value",
    ),
    Bad(
        "yaml-regions-empty",
        "yaml",
        yaml_document("regions: []\n"),
        "regions: lists no Region",
        "name at least one Region, such as 'us-east-1'",
    ),
    Bad(
        "yaml-region-uppercase",
        "yaml",
        yaml_document("regions: [us-east-1, US-WEST-2]\n"),
        "Region 'US-WEST-2'",
        "did you mean 'us-west-2'?",
    ),
    Bad(
        "yaml-region-a-list-of-lists",
        "yaml",
        yaml_document(REGIONS + "home_region: [us-east-1]\n"),
        "Region ['us-east-1'] is a list",
        "write a Region name such as 'us-east-1'",
    ),
    Bad(
        "yaml-auto-enable-a-number",
        "yaml",
        yaml_document(REGIONS + "auto_enable: 1\n"),
        "auto_enable: is '1' (str)",
        "write true or false",
    ),
    Bad(
        "yaml-invite-maybe",
        "yaml",
        yaml_document(REGIONS + "members:\n  invite_non_organization_accounts: maybe\n"),
        "is 'maybe' (str)",
        "write true or false",
    ),
    Bad(
        "yaml-prune-lowercase",
        "yaml",
        yaml_document(REGIONS + "members:\n  prune: disassociate\n"),
        "members.prune: is 'disassociate' (str)",
        "'DISASSOCIATE'",
    ),
    Bad(
        "yaml-removal-lowercase",
        "yaml",
        yaml_document(REGIONS + "removal_policy: retain\n"),
        "removal_policy: is 'retain' (str)",
        "use RETAIN or DESTROY",
    ),
    Bad(
        "yaml-on-region-unavailable-unknown",
        "yaml",
        yaml_document(REGIONS + "on_region_unavailable: IGNORE\n"),
        "is 'IGNORE' (str)",
        "use one of ['FAIL', 'SKIP']",
    ),
    Bad(
        "yaml-linking-mode-lowercase",
        "yaml",
        yaml_document(REGIONS + "region_linking_mode: specified_regions\n"),
        "is 'specified_regions' (str)",
        "'SPECIFIED_REGIONS'",
    ),
    Bad(
        "yaml-deployment-region-typo",
        "yaml",
        yaml_document(REGIONS + "deployment_region: us-east-9\n"),
        "Region 'us-east-9'",
        "is not a Region where Security Hub is available",
    ),
    Bad(
        "yaml-home-region-also-linked",
        "yaml",
        yaml_document(
            "regions: [us-east-1, eu-west-1]\nhome_region: us-east-1\nlinked_regions: [us-east-1, eu-west-1]\n"
        ),
        "HomeRegion 'us-east-1' is also listed in LinkedRegions",
        "remove it from LinkedRegions",
    ),
    Bad(
        "yaml-management-13-digits",
        "yaml",
        yaml_document(
            f'administrator_account_id: "{ADMINISTRATOR}"\nmanagement_account_id: "0111111111111"\n' + REGIONS,
            base=False,
        ),
        "'0111111111111'",
        NOT_12,
    ),
    Bad(
        "yaml-exclude-accounts-not-a-list",
        "yaml",
        yaml_document(REGIONS + 'members:\n  organization:\n    exclude_accounts: "000000000009"\n'),
        "members.organization.exclude_accounts: is '000000000009' (str)",
        "write a list",
    ),
    Bad(
        "yaml-ou-by-name",
        "yaml",
        yaml_document(REGIONS + "members:\n  organization:\n    organizational_units: [marketing]\n"),
        "organizational unit 'marketing'",
        "is not an OU ID ('ou-xxxx-xxxxxxxx')",
    ),
    Bad(
        "yaml-member-email-invalid",
        "yaml",
        yaml_document(REGIONS + 'members:\n  accounts:\n    - {account_id: "444455556666", email: bad}\n'),
        "members.accounts[0]: email 'bad'",
        "write it as name@example.com",
    ),
    Bad(
        "yaml-member-email-padded",
        "yaml",
        yaml_document(REGIONS + 'members:\n  accounts:\n    - {account_id: "444455556666", email: " a@example.com"}\n'),
        "email ' a@example.com' has surrounding spaces",
        "write 'a@example.com'",
    ),
    Bad(
        "yaml-prune-no-accounts",
        "yaml",
        yaml_document(REGIONS + "members:\n  accounts: []\n  prune: DISASSOCIATE\n"),
        "prune='DISASSOCIATE' would remove every member",
        "or set allow_empty_member_list=True",
    ),
    Bad(
        "yaml-auto-enable-excluded-pruned",
        "yaml",
        yaml_document(
            REGIONS + 'members:\n  organization:\n    exclude_accounts: ["000000000009"]\n  prune: DISASSOCIATE\n'
        ),
        "excludes the accounts ['000000000009']",
        "set auto_enable=False, or prune='NONE'",
    ),
    Bad(
        "yaml-member-key-typo",
        "yaml",
        yaml_document(REGIONS + 'members:\n  accounts:\n    - {account_id: "444455556666", mail: a@example.com}\n'),
        "unknown keys ['mail']",
        "an account has 'account_id' and optionally 'email'",
    ),
    Bad(
        "yaml-document-a-list",
        "yaml",
        yaml_document("- regions\n", base=False),
        "the document: is ['regions'] (list)",
        "write a mapping of keys",
    ),
    Bad(
        "yaml-document-empty",
        "yaml",
        yaml_document("", base=False),
        "the document: is empty",
        "write a mapping of keys",
    ),
    Bad(
        "yaml-key-given-twice",
        "yaml",
        yaml_document("regions: [us-east-1]\nregions: [eu-west-1]\n"),
        "line 4, column 1: not valid YAML (the key 'regions' is given twice (first on line 3)",
        "keep one",
    ),
]

CATALOGUE = CSV_CASES + PROPS_CASES + CENTRAL_CASES + YAML_CASES


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator(World.organization(MANAGEMENT, member_count=3)) as running:
        yield running


def attempt(case: Bad, tmp: Path, emulator: Emulator) -> Exception | None:
    """Synthesize the case; if that works, deploy it: a wrongly accepted input then reaches the emulator.

    A construct's own problems raise ``SecurityHubConfigurationError``; conflicts between constructs are found by
    the app-wide CDK validation, which aws-cdk-lib raises (through jsii) as "Validation failed"."""
    try:
        assembly = case.build(tmp).synth()
    except SecurityHubConfigurationError as error:
        return error
    except RuntimeError as error:
        if "Validation failed" not in str(error):
            raise
        return error
    CloudFormationSimulator(emulator.endpoint_url).deploy(assembly.directory)
    return None


def test_the_catalogue_is_large_and_new(figures):
    assert len(CATALOGUE) >= 40
    assert len({case.id for case in CATALOGUE}) == len(CATALOGUE)
    counts = {surface: sum(c.surface == surface for c in CATALOGUE) for surface in ("csv", "props", "yaml")}
    assert min(counts.values()) >= 10
    assert len(CENTRAL_CASES) >= 20
    figures.inputs_rejected.update({f"catalogue ({surface})": n for surface, n in counts.items()})


@pytest.mark.parametrize("case", CATALOGUE, ids=str)
def test_refused_at_synth_naming_the_value_and_the_fix_with_nothing_applied(case: Bad, tmp_path, emulator):
    emulator.reset_calls()
    error = attempt(case, tmp_path, emulator)
    assert emulator.calls() == [], f"{case.id} was accepted and deployed"
    assert error is not None, f"{case.id} was accepted"
    text = str(error)
    assert case.value in text, text
    assert case.fix in text, text
