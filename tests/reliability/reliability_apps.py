"""The CDK apps the reliability suite deploys: one ``Declaration`` becomes one synthesized cloud assembly.

Each app is the library's own ``SecurityHubOrganization`` stage (management and administrator stacks), plus, when
declared, an ``InvitationAccepter`` stack in the first invited account, deployed after the administrator's stack.
Apps are synthesized in-process (a second synth costs about a second once the jsii runtime is up).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from cdk_securityhub_org import InvitationAccepter, MemberList, SecurityHubOrganization
from cdk_securityhub_org._provider import Reconciler
from cdk_securityhub_org.configuration_policies import ConfigurationPolicy
from reliability_org import INVITED, LAYOUT, MANAGEMENT, REGIONS, email_of

from constructs import Construct

STAGE = "Reliability"
MANAGEMENT_STACK = f"{STAGE}/Management"
ADMINISTRATOR_STACK = f"{STAGE}/Administrator"
INVITED_STACK = f"{STAGE}/Invited"


@dataclass(frozen=True)
class Members:
    """A member list: explicit organization accounts, invited accounts (always with their email), and optionally
    the whole organization or some OUs through an organization selector."""

    accounts: tuple[str, ...] = ()
    invited: tuple[str, ...] = ()
    with_emails: bool = False  # emails on the organization accounts too: a list this size then travels through S3
    whole_organization: bool = False
    organizational_units: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def member_list(self) -> MemberList:
        explicit = [(a, email_of(a)) if self.with_emails else a for a in self.accounts]
        lists = [
            MemberList.from_accounts(explicit),
            MemberList.from_accounts([(a, email_of(a)) for a in self.invited]),
        ]
        if self.whole_organization:
            lists.append(MemberList.from_organization(exclude_accounts=list(self.exclude)))
        if self.organizational_units:
            lists.append(MemberList.from_organization(organizational_units=list(self.organizational_units)))
        return MemberList.union(*lists)

    def declared_organization_accounts(self) -> tuple[str, ...]:
        """The organization accounts the list resolves to; the administrator among them is left out by the handler
        (it is never its own member), so callers leave it out too."""
        chosen = set(self.accounts)
        if self.whole_organization:
            chosen |= set(LAYOUT.organization_accounts) - set(self.exclude)
        if self.organizational_units:
            assert set(self.organizational_units) == {LAYOUT.security_ou}, "the suite selects the Security OU only"
            chosen |= set(LAYOUT.security_ou_accounts)
        return tuple(sorted(chosen))


@dataclass(frozen=True)
class Tight:
    """Deployment knobs a test turns down to make the time budget bite in seconds rather than minutes: the
    isComplete Lambda timeout, and the waiter's total timeout as the handler sees it. The simulator advances the
    waiter on a simulated clock while the handler reads the real one, so the handler's deadline is set in real
    seconds here."""

    lambda_timeout_seconds: int = 13
    total_timeout_seconds: int | None = None


@dataclass(frozen=True)
class Declaration:
    admin: str = LAYOUT.admin
    regions: tuple[str, ...] = REGIONS
    home_region: str | None = "us-east-1"
    configuration_type: str = "LOCAL"
    auto_enable: bool = True
    auto_enable_standards: str = "DEFAULT"
    members: Members = field(default_factory=Members)
    prune: str = "NONE"
    allow_replace: bool = False
    self_manage_to_release: bool = False  # CENTRAL only: prune and DESTROY designate governed accounts first
    configuration_policies: tuple[ConfigurationPolicy, ...] = ()  # CENTRAL only
    policy_associations: tuple[tuple[str, str], ...] = ()  # (target, policy name); a tuple to stay hashable
    destroy: bool = False  # removal policy DESTROY (else RETAIN)
    on_region_unavailable: str = "FAIL"
    accepter: bool = False
    tight: Tight | None = None

    @property
    def central(self) -> bool:
        return self.configuration_type == "CENTRAL"

    def with_(self, **changes: Any) -> Declaration:
        return replace(self, **changes)


def synthesize(declaration: Declaration, outdir: Path) -> Path:
    """Synthesize ``declaration`` into ``outdir``; returns ``outdir``."""
    app = cdk.App(outdir=str(outdir))
    removal = cdk.RemovalPolicy.DESTROY if declaration.destroy else cdk.RemovalPolicy.RETAIN
    organization = SecurityHubOrganization(
        app,
        STAGE,
        management_account_id=MANAGEMENT,
        administrator_account_id=declaration.admin,
        regions=list(declaration.regions),
        home_region=declaration.home_region,
        configuration_type=declaration.configuration_type,
        auto_enable=declaration.auto_enable,
        auto_enable_standards=declaration.auto_enable_standards,
        member_list=declaration.members.member_list(),
        prune=declaration.prune,
        allow_replace=declaration.allow_replace,
        self_manage_to_release=declaration.self_manage_to_release,
        configuration_policies=list(declaration.configuration_policies) or None,
        policy_associations=dict(declaration.policy_associations) or None,
        removal_policy=removal,
        on_region_unavailable=declaration.on_region_unavailable,
        deployment_region="us-east-1",
    )
    constructs: list[Construct | None] = [
        organization.delegated_admin,
        organization.organization_configuration,
        organization.configuration_policies,
        organization.members,
    ]
    if declaration.accepter:
        invited = cdk.Stack(organization, "Invited", env=cdk.Environment(account=INVITED[0], region="us-east-1"))
        accepter = InvitationAccepter(
            invited,
            "InvitationAccepter",
            administrator_account_id=declaration.admin,
            regions=list(declaration.regions),
            removal_policy=removal,
            on_region_unavailable=declaration.on_region_unavailable,
        )
        # The invitation must exist before the invited account can accept it.
        invited.add_dependency(organization.administrator_stack)
        constructs.append(accepter)
    if declaration.tight:
        for construct in filter(None, constructs):
            _tighten(construct, declaration.tight)
    app.synth()
    return outdir


def _tighten(construct: Construct, tight: Tight) -> None:
    reconciler = construct.node.find_child("Reconciler")
    assert isinstance(reconciler, Reconciler)
    function = reconciler.is_complete_handler
    cast(lambda_.CfnFunction, function.node.default_child).add_property_override(
        "Timeout", tight.lambda_timeout_seconds
    )
    if tight.total_timeout_seconds is not None:
        function.add_environment("TOTAL_TIMEOUT_SECONDS", str(tight.total_timeout_seconds))


def retarget(assembly: Path, display_name: str, account: str, destination: Path) -> Path:
    """A copy of ``assembly`` whose stack ``display_name`` deploys into ``account``: what happens when a template
    synthesized for one account is deployed with another account's credentials."""
    shutil.copytree(assembly, destination)
    for manifest in destination.rglob("manifest.json"):
        document = json.loads(manifest.read_text())
        for artifact in document.get("artifacts", {}).values():
            if artifact.get("displayName") == display_name:
                region = artifact["environment"].rsplit("/", 1)[1]
                artifact["environment"] = f"aws://{account}/{region}"
        manifest.write_text(json.dumps(document))
    return destination
