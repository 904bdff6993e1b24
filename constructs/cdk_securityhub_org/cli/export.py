"""``cdk-securityhub-org export``: the live state written as a YAML declaration, for adopting an existing setup.

It reads with the handlers' own observe code: the management account's credentials for the delegated
administrator designations and the organization, the administrator's for the organization configuration, the
finding aggregator, the members and the central configuration policies. It writes the declaration (in
``examples/securityhub.yaml``'s format, with ``prune: NONE`` and ``removal_policy: RETAIN`` so that a first deploy
removes nothing) and a CSV of the invited accounts with their emails. What the declaration cannot express (one
value per setting for all Regions, one member list for all Regions, central configuration policies) is listed in a
comment block at the top of the file and on stderr, never dropped silently.

Splitting it in two keeps the decisions testable: :func:`read_live_state` makes every call, :func:`declare` is a
pure function of what was read.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO, TypeVar

import boto3
import botocore.exceptions
import yaml

from cdk_securityhub_org.cli.common import PROGRAM
from cdk_securityhub_org.cli.plan import DEFAULT_REGION, PlanError, Sessions, add_credential_options
from cdk_securityhub_org.cli.report import EXIT_ERROR
from cdk_securityhub_org.cli.schema import schema_text
from cdk_securityhub_org.handler.engine import observe
from cdk_securityhub_org.handler.engine.aws import Clients
from cdk_securityhub_org.handler.engine.declaration import account_id_problem, region_problem
from cdk_securityhub_org.handler.engine.live import (
    LiveAggregator,
    LiveMember,
    LiveOrganizationConfiguration,
    MemberStatus,
    OrganizationAccount,
)
from cdk_securityhub_org.handler.registry import RunsIn

EXIT_EXPORTED = 0
SCHEMA_COMMENT = "# yaml-language-server: $schema={}"
# Written next to the declaration: the schema of the installed version, which is the one that will read the file.
SCHEMA_FILE = "securityhub.schema.json"
# Linking modes whose aggregator names its Regions (the others take none).
_MODES_WITH_REGIONS = ("SPECIFIED_REGIONS", "ALL_REGIONS_EXCEPT_SPECIFIED")

T = TypeVar("T")


class ExportError(Exception):
    """The live state cannot be exported: the message says why and what to pass."""


def add_command(commands: Any) -> None:
    """Add ``export`` to the command line's subcommands."""
    export = commands.add_parser(
        "export",
        help="write the live state as a YAML declaration (and a CSV of invited accounts) to adopt it",
        description=(
            "Read the delegated administrator, the organization configuration, the finding aggregator and the"
            " members in the given Regions, and write a declaration that a first deploy applies without a write"
            " (prune: NONE, removal_policy: RETAIN). What it cannot express is listed at the top of the file and"
            " on stderr."
        ),
    )
    export.add_argument(
        "--regions",
        type=_region_list,
        help="comma-separated Regions to read and declare (default: every Region where an administrator is designated)",
    )
    export.add_argument(
        "--management-account",
        type=_account,
        help="the management account's ID (needed with --emulator; otherwise checked against the credentials)",
    )
    export.add_argument(
        "--out", type=Path, default=Path("securityhub.yaml"), help="the declaration to write (default: %(default)s)"
    )
    export.add_argument(
        "--csv",
        type=Path,
        help="the CSV of invited accounts to write (default: next to --out, named <out>-invited.csv)",
    )
    add_credential_options(export)
    export.set_defaults(run=run_export)


def _region_list(text: str) -> tuple[str, ...]:
    regions = tuple(dict.fromkeys(r.strip() for r in text.split(",") if r.strip()))
    problems = [p for p in map(region_problem, regions) if p]
    if problems or not regions:
        raise argparse.ArgumentTypeError("; ".join(problems) or "give at least one Region, e.g. us-east-1,eu-west-1")
    return regions


def _account(text: str) -> str:
    if problem := account_id_problem(text):
        raise argparse.ArgumentTypeError(problem)
    return text


# ------------------------------------------------------------------------------------------------ reading


@dataclass
class LiveState:
    """What export read. Per-Region mappings hold only the Regions where the read succeeded."""

    management_account: str
    regions: tuple[str, ...]
    regions_asked: bool
    designations: dict[str, list[str]]  # Region -> ENABLED administrator accounts
    organization: dict[str, OrganizationAccount]
    administrator: str = ""
    configurations: dict[str, LiveOrganizationConfiguration] = field(default_factory=dict)
    members: dict[str, dict[str, LiveMember]] = field(default_factory=dict)
    aggregator: LiveAggregator | None = None
    configuration_policies: list[str] = field(default_factory=list)
    management_hubs: dict[str, bool] = field(default_factory=dict)  # Region -> Security Hub enabled there
    unreadable: dict[str, str] = field(default_factory=dict)  # Region -> why


def read_live_state(args: argparse.Namespace, sessions: Sessions) -> LiveState:
    """Every read export makes, management account first (it tells the administrator)."""
    region = args.region or (args.regions[0] if args.regions else DEFAULT_REGION)
    if args.emulator and not args.management_account:
        raise ExportError("with --emulator, pass --management-account (the emulator signs as the account given)")
    session, management = sessions.for_account(RunsIn.MANAGEMENT, args.management_account, region, "export")
    clients = Clients(management, session)
    candidates = args.regions or _securityhub_regions(session)
    designations, unreadable = _per_region(candidates, lambda r: _enabled_admins(clients.securityhub(r)))
    organization = {
        account_id: account
        for page in observe.organization_account_pages(clients.organizations())
        for account_id, account in page.items()
    }
    regions = args.regions or tuple(r for r in candidates if designations.get(r))
    live = LiveState(management, regions, bool(args.regions), designations, organization, unreadable=unreadable)
    counts = Counter(admin for r in regions for admin in designations.get(r, ()))
    if not counts:
        where = ", ".join(regions or candidates)
        raise ExportError(
            f"no delegated administrator is designated in {where}; designate one (or pass --regions where one is)"
            " before exporting, or write the declaration by hand (examples/securityhub.yaml)"
        )
    live.administrator = counts.most_common(1)[0][0]
    live.management_hubs, failed = _per_region(regions, lambda r: observe.hub_enabled(clients.securityhub(r)))
    live.unreadable.update(failed)
    administered = tuple(r for r in regions if live.administrator in designations.get(r, ()))
    admin_session, _ = sessions.for_account(RunsIn.ADMINISTRATOR, live.administrator, region, "export")
    admin = Clients(live.administrator, admin_session)
    live.configurations, failed = _per_region(
        administered, lambda r: observe.organization_configuration(admin.securityhub(r))
    )
    live.unreadable.update(failed)
    live.members, failed = _per_region(administered, lambda r: observe.members(admin.securityhub(r)))
    live.unreadable.update(failed)
    if administered:
        live.aggregator = observe.finding_aggregator(admin.securityhub(administered[0]))
    home = live.aggregator.home_region if live.aggregator else None
    if home in live.configurations and live.configurations[home].configuration_type == "CENTRAL":
        live.configuration_policies = observe.configuration_policy_names(admin.securityhub(home))
    return live


def _securityhub_regions(session: boto3.session.Session) -> tuple[str, ...]:
    partition = session.get_partition_for_region(session.region_name or DEFAULT_REGION)
    return tuple(session.get_available_regions("securityhub", partition_name=partition))


def _enabled_admins(securityhub: Any) -> list[str]:
    return [d.account_id for d in observe.admin_designations(securityhub) if d.status == "ENABLED"]


def _per_region(regions: Sequence[str], read: Callable[[str], T]) -> tuple[dict[str, T], dict[str, str]]:
    """``read`` in every Region concurrently; a Region that cannot be read is reported, not fatal: an opt-in Region
    that is not enabled refuses every call, and the others are still worth exporting."""

    def guarded(region: str) -> tuple[str, T | None, str]:
        try:
            return region, read(region), ""
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
            return region, None, f"{type(error).__name__}: {error}"

    found: dict[str, T] = {}
    failed: dict[str, str] = {}
    with ThreadPoolExecutor(max_workers=min(16, max(1, len(regions))), thread_name_prefix="export") as pool:
        for region, value, problem in pool.map(guarded, regions):
            if problem:
                failed[region] = problem
            else:
                found[region] = value  # type: ignore[assignment]
    return found, failed


# ------------------------------------------------------------------------------------------------ declaring


@dataclass
class Declaration:
    """The declaration to write, the invited accounts for its CSV, and what it could not express."""

    document: dict[str, Any]
    invited: list[tuple[str, str]]
    not_expressible: list[str]
    notes: list[str]


def declare(live: LiveState, csv_name: str) -> Declaration:
    """The declaration that matches ``live`` (a pure function of what was read)."""
    lost: list[str] = []
    notes: list[str] = []
    for region, why in sorted(live.unreadable.items()):
        if live.regions_asked or region in live.regions:
            lost.append(f"{region}: could not be read ({why}); nothing of it is in the declaration")
    for region in live.regions:
        others = [a for a in live.designations.get(region, ()) if a != live.administrator]
        if others:
            lost.append(
                f"{region}: the administrator is {', '.join(others)}, not {live.administrator}; a deploy is blocked"
                " there until allow_replace: true (which replaces it) or that designation is removed"
            )
        elif live.administrator not in live.designations.get(region, ()) and region not in live.unreadable:
            notes.append(
                f"{region}: no administrator is designated; a deploy designates {live.administrator} (until then"
                " plan cannot read the administrator's side there)"
            )
    for region, enabled in sorted(live.management_hubs.items()):
        if not enabled:
            # The DelegatedAdmin kind enables Security Hub in the management account of every declared Region.
            notes.append(f"{region}: Security Hub is off in the management account; a deploy enables it")
    document: dict[str, Any] = {
        "management_account_id": live.management_account,
        "administrator_account_id": live.administrator,
        "regions": list(live.regions),
    }
    document.update(_aggregator_keys(live, lost))
    document.update(_configuration_keys(live, lost))
    document["removal_policy"] = "RETAIN"
    members, invited = _member_keys(live, csv_name, lost, notes)
    document["members"] = members
    if live.configuration_policies:
        lost.append(
            "central configuration policies are not expressible yet; they stay as they are: "
            + ", ".join(sorted(live.configuration_policies))
        )
    return Declaration(document, invited, lost, notes)


def _aggregator_keys(live: LiveState, lost: list[str]) -> dict[str, Any]:
    aggregator = live.aggregator
    if aggregator is None:
        return {}
    if aggregator.home_region not in live.regions:
        lost.append(
            f"the finding aggregator lives in {aggregator.home_region}, outside the exported Regions; add it to"
            " --regions to declare it (without home_region the declaration leaves the aggregator alone)"
        )
        return {}
    keys: dict[str, Any] = {"home_region": aggregator.home_region, "region_linking_mode": aggregator.linking_mode}
    if aggregator.linking_mode in _MODES_WITH_REGIONS:
        keys["linked_regions"] = sorted(aggregator.regions)
    return keys


def _configuration_keys(live: LiveState, lost: list[str]) -> dict[str, Any]:
    """One configuration for all Regions: the home Region's (where CENTRAL is set), else the first Region's."""
    if not live.configurations:
        return {}
    home = live.aggregator.home_region if live.aggregator else None
    taken = home if home in live.configurations else next(r for r in live.regions if r in live.configurations)
    chosen = live.configurations[taken]
    if chosen.configuration_type == "CENTRAL":
        # Under CENTRAL the home Region's configuration governs every Region; the others are not the declaration's.
        return {"configuration_type": "CENTRAL", "auto_enable": False, "auto_enable_standards": "NONE"}
    keys = {
        "configuration_type": chosen.configuration_type,
        "auto_enable": chosen.auto_enable,
        "auto_enable_standards": chosen.auto_enable_standards,
    }
    for key, value in keys.items():
        differing = {
            region: getattr(configuration, key)
            for region, configuration in sorted(live.configurations.items())
            if getattr(configuration, key) != value
        }
        if differing:
            elsewhere = ", ".join(f"{_yaml_scalar(v)} in {r}" for r, v in differing.items())
            lost.append(
                f"{key} differs between Regions: {_yaml_scalar(value)} in {taken}, {elsewhere}; one value is"
                f" declared for all Regions, {taken}'s, so a deploy changes the others"
            )
    return keys


def _member_keys(
    live: LiveState, csv_name: str, lost: list[str], notes: list[str]
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The member list: an organization selector (with exclusions) when it is shorter than naming the accounts,
    explicit accounts otherwise, and the invited accounts in the CSV."""
    present: dict[str, set[str]] = {}  # account -> Regions where it has a member record
    emails: dict[str, str] = {}
    for region, region_members in live.members.items():
        for account_id, member in region_members.items():
            if member.status is MemberStatus.DELETED or account_id == live.administrator:
                continue
            present.setdefault(account_id, set()).add(region)
            if member.email:
                emails.setdefault(account_id, member.email)
            if member.status.is_disassociated:
                notes.append(
                    f"{region}: {account_id} is {member.status.value}; the declaration re-associates it"
                    " (restore_disassociated); add it to members.organization.exclude_accounts to leave it out"
                )
            elif member.status is MemberStatus.CREATED and account_id not in live.organization:
                notes.append(f"{region}: {account_id} was added but never invited; a deploy invites it")
    for account_id, regions in sorted(present.items()):
        if len(regions) < len(live.members):
            missing = ", ".join(sorted(set(live.members) - regions))
            lost.append(
                f"{account_id} is a member in {', '.join(sorted(regions))} only, not in {missing}; one member list"
                " is declared for all Regions, so a deploy enrolls it there too"
            )
    in_organization = sorted(a for a in present if a in live.organization)
    suspended = [a for a in in_organization if not live.organization[a].active]
    if suspended:
        lost.append(f"suspended organization accounts are members and are not declared: {', '.join(suspended)}")
    enrolled = [a for a in in_organization if live.organization[a].active]
    selectable = sorted(a for a, account in live.organization.items() if account.active and a != live.administrator)
    left_out = [a for a in selectable if a not in enrolled]
    members: dict[str, Any] = {}
    if enrolled and len(left_out) < len(enrolled):
        members["organization"] = {"exclude_accounts": left_out} if left_out else {}
    elif enrolled:
        members["accounts"] = [{"account_id": a} for a in enrolled]
    invited = [(a, emails.get(a, "")) for a in sorted(present) if a not in live.organization]
    if invited:
        members["csv"] = csv_name
    members["prune"] = "NONE"
    return members, invited


def _yaml_scalar(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


# ------------------------------------------------------------------------------------------------ writing


def render(declaration: Declaration, sources: str) -> str:
    """The YAML text: the schema line, what was read, what could not be expressed, then the declaration."""
    lines = [SCHEMA_COMMENT.format(SCHEMA_FILE), f"# Exported by `{PROGRAM} export` from {sources}."]
    lines.append(
        "# prune: NONE and removal_policy: RETAIN: a first deploy removes nothing. Check with `plan --config`."
    )
    if declaration.not_expressible:
        lines.append("#")
        lines.append("# NOT EXPRESSIBLE in this declaration (review each before the first deploy):")
        lines.extend(f"#   - {item}" for item in declaration.not_expressible)
    if declaration.notes:
        lines.append("#")
        lines.append("# What a deploy of this declaration would change:")
        lines.extend(f"#   - {item}" for item in declaration.notes)
    body = yaml.safe_dump(declaration.document, sort_keys=False, default_flow_style=None, width=120)
    return "\n".join(lines) + "\n" + body


def render_csv(invited: Sequence[tuple[str, str]]) -> str:
    """The console's member CSV format, which ``members.csv`` reads."""
    return "Account ID,Email\n" + "".join(f"{account_id},{email}\n" for account_id, email in invited)


def run_export(args: argparse.Namespace, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    if args.emulator and not args.endpoint_url:
        stderr.write(f"{PROGRAM} export: --emulator needs --endpoint-url (where the emulator listens)\n")
        return EXIT_ERROR
    csv_path: Path = args.csv or args.out.with_name(f"{args.out.stem}-invited.csv")
    try:
        live = read_live_state(args, Sessions(args))
    except (ExportError, PlanError) as error:
        stderr.write(f"{PROGRAM} export: {error}\n")
        return EXIT_ERROR
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
        stderr.write(f"{PROGRAM} export: cannot read the live state: {type(error).__name__}: {error}\n")
        return EXIT_ERROR
    declaration = declare(live, _relative(csv_path, args.out.parent))
    sources = f"management account {live.management_account}, Regions {', '.join(live.regions)}"
    args.out.write_text(render(declaration, sources), encoding="utf-8")
    schema_path = args.out.with_name(SCHEMA_FILE)
    schema_path.write_text(schema_text(), encoding="utf-8")
    written = [str(args.out), str(schema_path)]
    if declaration.invited:
        csv_path.write_text(render_csv(declaration.invited), encoding="utf-8")
        written.append(str(csv_path))
    for item in declaration.not_expressible:
        stderr.write(f"not expressible: {item}\n")
    for item in declaration.notes:
        stderr.write(f"note: {item}\n")
    stdout.write(f"wrote {', '.join(written)}; next: {PROGRAM} plan --config {args.out}\n")
    return EXIT_EXPORTED


def _relative(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path.resolve())
