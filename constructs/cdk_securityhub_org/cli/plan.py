"""``cdk-securityhub-org plan``: how the live state differs from the declaration.

It reads the declaration (the YAML configuration, or a synthesized cloud assembly) and runs the handlers'
own engine read-only: the same reads and planners as a deploy, and never a write. Exit status, as
``terraform plan -detailed-exitcode``: 0 no drift, 2 drift, 1 error.

Each resource is read with the credentials of the account it acts in: the management account for the delegated
administrator, the administrator account for the organization configuration and the members. Credentials come
from ``--profile`` (or the environment), overridden per account by ``--management-profile`` and
``--administrator-profile``, or assumed with ``--assume-role NAME`` in each account. With ``--emulator`` (and
``--endpoint-url``) the access key ID is the account ID, the emulator's convention.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import boto3
import botocore.exceptions
import botocore.session

from cdk_securityhub_org.cli.common import PROGRAM, use_bundled_node
from cdk_securityhub_org.cli.declared_from_assembly import DeclarationSourceError, DeclaredResource, from_assembly
from cdk_securityhub_org.cli.policy_impact import AccountCredentialsError, review
from cdk_securityhub_org.cli.report import EXIT_ERROR, DriftReport, ResourceDrift
from cdk_securityhub_org.handler.engine.aws import Clients, error_code
from cdk_securityhub_org.handler.engine.declaration import DeclarationError
from cdk_securityhub_org.handler.engine.plan import RegionPlan
from cdk_securityhub_org.handler.kinds.organizations_policy.spec import parse_organizations_policy
from cdk_securityhub_org.handler.registry import KINDS, ORGANIZATIONS_POLICY, RunsIn

EMULATOR_SECRET_KEY = "emulator"  # the emulator does not check it
DEFAULT_REGION = "us-east-1"


class PlanError(Exception):
    """A resource that cannot be planned: the message says why and what to pass."""


def add_command(commands: Any) -> None:
    """Add ``plan`` to the command line's subcommands."""
    plan = commands.add_parser(
        "plan",
        help="show how the live state differs from the declaration (read-only; exit 0 no drift, 2 drift, 1 error)",
        description=(
            "Run the reconciler read-only against the live state and print what a deploy or a drift repair would"
            " change, per Region. Exit status: 0 no drift, 2 drift, 1 error."
        ),
    )
    source = plan.add_mutually_exclusive_group(required=True)
    source.add_argument("--config", type=Path, help="the YAML declaration (as app.py reads it)")
    source.add_argument("--assembly", type=Path, help="a synthesized cloud assembly directory (cdk.out)")
    plan.add_argument("--stack", action="append", help="in an assembly, only stacks matching this glob (repeatable)")
    add_credential_options(plan)
    output = plan.add_argument_group("output")
    output.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    output.add_argument(
        "--progress",
        choices=("auto", "always", "never"),
        default="auto",
        help="progress on stderr: auto shows it when stderr is a terminal and the run takes a while",
    )
    plan.set_defaults(run=run_plan)


def add_credential_options(command: argparse.ArgumentParser) -> None:
    """The credential options of the commands that read the live state (``plan``, ``export``): one account each."""
    credentials = command.add_argument_group("credentials")
    credentials.add_argument("--profile", help="AWS profile for every account (default: the environment)")
    credentials.add_argument("--management-profile", help="profile for the management account (DelegatedAdmin)")
    credentials.add_argument(
        "--administrator-profile", help="profile for the administrator account (OrganizationConfiguration, Members)"
    )
    credentials.add_argument(
        "--assume-role", metavar="ROLE_NAME", help="assume this role in each resource's account from the profile"
    )
    credentials.add_argument("--region", help="Region for Organizations and S3 calls (default: the stack's)")
    credentials.add_argument("--endpoint-url", help="send every AWS call here (the emulator)")
    credentials.add_argument(
        "--emulator",
        action="store_true",
        help="the endpoint is the emulator: sign as each resource's account (access key ID = account ID)",
    )


def run_plan(args: argparse.Namespace, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    if args.emulator and not args.endpoint_url:
        stderr.write(f"{PROGRAM} plan: --emulator needs --endpoint-url (where the emulator listens)\n")
        return EXIT_ERROR
    try:
        declared = _declared(args)
    except (DeclarationSourceError, DeclarationError, ValueError) as error:
        # ValueError: SecurityHubConfigurationError, the YAML's problems with their key paths.
        stderr.write(f"{PROGRAM} plan: cannot read the declaration:\n{error}\n")
        return EXIT_ERROR
    if not declared:
        stderr.write(f"{PROGRAM} plan: the declaration has no Custom::SecurityHub* resource\n")
        return EXIT_ERROR
    sessions = Sessions(args)
    progress = Progress(stderr, sum(len(r.properties.get("Regions") or ()) for r in declared), args.progress)
    with progress:
        found = [_plan(resource, sessions, progress) for resource in declared]
        found.extend(_impact(resource, declared, sessions) for resource in declared if _is_policy(resource))
        report = DriftReport.of(found)
    stdout.write(report.render_json() if args.json else report.render_table())
    return report.exit_code


def _declared(args: argparse.Namespace) -> list[DeclaredResource]:
    if args.assembly:
        return from_assembly(args.assembly, args.stack)
    use_bundled_node()
    # Imported here: building constructs starts aws-cdk-lib's Node.js runtime, which an assembly does not need.
    constructs = importlib.import_module("cdk_securityhub_org.cli.declared_from_constructs")
    resources: list[DeclaredResource] = constructs.from_config(args.config)
    return resources


def _plan(resource: DeclaredResource, sessions: Sessions, progress: Progress) -> ResourceDrift:
    kind = KINDS[resource.resource_type].load()
    expected = resource.properties.get("ExpectedAccount") or resource.account
    try:
        spec = kind.parse(resource.properties)
        session, account = sessions.for_resource(resource, expected)
        regions = kind.scope(spec).regions
        progress.start(resource.name)
        preview = kind.preview(spec, regions, Clients(account, session), on_plan=progress.planned)
    except (PlanError, DeclarationError) as error:
        return ResourceDrift(resource.name, resource.resource_type, expected, error=str(error))
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
        return ResourceDrift(resource.name, resource.resource_type, expected, error=f"{type(error).__name__}: {error}")
    return ResourceDrift.of_preview(resource.name, resource.resource_type, account, preview)


def _is_policy(resource: DeclaredResource) -> bool:
    return resource.resource_type == ORGANIZATIONS_POLICY.resource_type


def _impact(resource: DeclaredResource, declared: list[DeclaredResource], sessions: Sessions) -> ResourceDrift:
    """What the declared Organizations policy would change in each governed account's Security Hub state.
    ALL_SUPPORTED is reviewed in the Regions the declaration's other resources act in."""
    name = f"{resource.name} (impact)"
    expected = resource.properties.get("ExpectedAccount") or resource.account
    other_regions = {r for d in declared if not _is_policy(d) for r in d.properties.get("Regions") or ()}
    try:
        spec = parse_organizations_policy(resource.properties)
        management, _ = sessions.for_resource(resource, expected)
        return review(resource.name, spec, management, sessions.member_session, sorted(other_regions))
    except (PlanError, DeclarationError) as error:
        return ResourceDrift(name, resource.resource_type, expected, error=str(error))
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
        return ResourceDrift(name, resource.resource_type, expected, error=f"{type(error).__name__}: {error}")


class Sessions:
    """A boto3 session per account, made from the command's credential options."""

    def __init__(self, args: argparse.Namespace) -> None:
        self._args = args
        self._cache: dict[tuple[str | None, str | None, str], tuple[boto3.session.Session, str]] = {}
        self._lock = threading.Lock()

    def for_resource(self, resource: DeclaredResource, expected: str | None) -> tuple[boto3.session.Session, str]:
        """The session to read ``resource`` with, and its account. Refuses credentials of another account."""
        region = self._args.region or resource.region or DEFAULT_REGION
        return self.for_account(KINDS[resource.resource_type].runs_in, expected, region, resource.name)

    def for_account(
        self, role: RunsIn, expected: str | None, region: str, acting: str
    ) -> tuple[boto3.session.Session, str]:
        """The session of the ``role`` account (``expected`` when known) for ``acting``, what reads with it."""
        key = (expected, self._profile(role), region)
        with self._lock:
            if key not in self._cache:
                self._cache[key] = self._session(role, expected, region)
            session, account = self._cache[key]
        if expected and account != expected:
            option = {RunsIn.MANAGEMENT: "--management-profile", RunsIn.ADMINISTRATOR: "--administrator-profile"}.get(
                role, "--profile"
            )
            raise PlanError(
                f"{acting} acts in account {expected} ({role}), but the credentials are for account {account};"
                f" pass {option} or --assume-role for account {expected}"
            )
        return session, account

    def member_session(self, account: str, region: str) -> boto3.session.Session:
        """A session in ``account`` (the impact review reads every governed account's Security Hub state):
        the emulator's convention, ``--assume-role``, or the profile when it is that account's."""
        key = (account, self._profile(RunsIn.MEMBER), region)
        with self._lock:
            if key not in self._cache:
                self._cache[key] = self._session(RunsIn.MEMBER, account, region)
            session, actual = self._cache[key]
        if actual != account:
            raise AccountCredentialsError(
                f"reading account {account}'s Security Hub state needs its credentials (these are for {actual});"
                " pass --assume-role with a role that exists in every account"
            )
        return session

    def _profile(self, role: RunsIn) -> str | None:
        by_role = {
            RunsIn.MANAGEMENT: self._args.management_profile,
            RunsIn.ADMINISTRATOR: self._args.administrator_profile,
        }
        return by_role.get(role) or self._args.profile

    def _session(self, role: RunsIn, expected: str | None, region: str) -> tuple[boto3.session.Session, str]:
        if self._args.emulator:
            if not expected:
                raise PlanError("with --emulator, every resource must declare its account (ExpectedAccount)")
            session = self._make(region, access_key=expected, secret_key=EMULATOR_SECRET_KEY)
            self._require_emulated_account(session, expected, region)
            return session, expected
        try:
            session = self._make(region, profile=self._profile(role))
            if self._args.assume_role:
                if not expected:
                    raise PlanError("--assume-role needs each resource's account (ExpectedAccount) to be declared")
                session = self._assume(session, expected, region)
            identity = session.client("sts", region_name=region).get_caller_identity()
        except botocore.exceptions.ProfileNotFound as error:
            raise PlanError(f"{error}; check --profile / --{role}-profile") from error
        except botocore.exceptions.NoCredentialsError as error:
            raise PlanError(f"no AWS credentials for the {role} account; pass --{role}-profile or --profile") from error
        return session, str(identity["Account"])

    @staticmethod
    def _require_emulated_account(session: boto3.session.Session, account: str, region: str) -> None:
        """The emulator answers every call of an account its organization does not have as AWS answers bad
        credentials, which the reads would report as an opt-in Region not enabled: say what it is instead."""
        try:
            session.client("sts", region_name=region).get_caller_identity()
        except botocore.exceptions.ClientError as error:
            if error_code(error) not in ("InvalidClientTokenId", "UnrecognizedClientException"):
                raise
            raise PlanError(
                f"account {account} is not a member of the organization (the emulator has no such account);"
                " declare an account of the organization, or add it to the emulated organization"
            ) from error

    def _assume(self, base: boto3.session.Session, account: str, region: str) -> boto3.session.Session:
        sts = base.client("sts", region_name=region)
        partition = str(sts.get_caller_identity()["Arn"]).split(":")[1]
        answer = sts.assume_role(
            RoleArn=f"arn:{partition}:iam::{account}:role/{self._args.assume_role}",
            RoleSessionName=f"{PROGRAM}-plan",
        )["Credentials"]
        return self._make(
            region,
            access_key=answer["AccessKeyId"],
            secret_key=answer["SecretAccessKey"],
            session_token=answer["SessionToken"],
        )

    def _make(
        self,
        region: str,
        *,
        profile: str | None = None,
        access_key: str | None = None,
        secret_key: str | None = None,
        session_token: str | None = None,
    ) -> boto3.session.Session:
        core = botocore.session.Session(profile=profile)
        if self._args.endpoint_url:
            # Every client made from this session (Clients makes them per service and Region) goes there.
            core.get_component("config_store").set_config_variable("endpoint_url", self._args.endpoint_url)
        return boto3.session.Session(
            botocore_session=core,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            aws_session_token=session_token,
            region_name=region,
        )


@dataclass
class Progress:
    """A one-line progress display on ``stream``: shown only on a terminal (``auto``) and only once the run has
    taken ``delay`` seconds, so short runs and pipelines see nothing."""

    stream: TextIO
    total_regions: int
    mode: str = "auto"
    delay: float = 1.0
    interval: float = 0.2
    _resource: str = ""
    _regions_done: int = 0
    _planned: set[str] = field(default_factory=set)
    _started: float = field(default_factory=time.monotonic)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _shown: bool = False

    @property
    def enabled(self) -> bool:
        return self.mode == "always" or (self.mode == "auto" and self.stream.isatty())

    def __enter__(self) -> Progress:
        if self.enabled:
            self._thread = threading.Thread(target=self._refresh, name="progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()
        if self._shown:
            self.stream.write("\r\033[K")  # leave the terminal as it was
            self.stream.flush()

    def start(self, resource: str) -> None:
        with self._lock:
            self._regions_done += len(self._planned)
            self._resource, self._planned = resource, set()

    def planned(self, plan: RegionPlan) -> None:
        with self._lock:
            self._planned.add(plan.region)

    def line(self) -> str:
        with self._lock:
            done = self._regions_done + len(self._planned)
            resource = self._resource
        elapsed = time.monotonic() - self._started
        return f"planning {resource}: {done}/{self.total_regions} resource-Regions read, {elapsed:.0f} s"

    def _refresh(self) -> None:
        if self._stop.wait(self.delay):
            return
        while True:
            self.stream.write("\r\033[K" + self.line())
            self.stream.flush()
            self._shown = True
            if self._stop.wait(self.interval):
                return
