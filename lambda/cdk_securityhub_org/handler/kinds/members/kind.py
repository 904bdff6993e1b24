"""Custom::SecurityHubMembers, in the administrator account: the declared member list in every declared Region.

The organization's account list is read once per pass by one reader and handed to every Region page by page, so
enrollment starts with the first page instead of after the last (at 10,000 accounts the list is about 500 pages).
It is read only when needed: for organization selectors (from the start), and for an explicit list as soon as a
Region's ListMembers pages show a declared member that is not active (alongside the remaining pages) or, after the
last page, a declared account with no member record. A converged explicit list costs ListMembers pages only.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import botocore.exceptions

from ...engine import observe
from ...engine.apply import Execute, applying
from ...engine.aws import Budget, Clients, error_code
from ...engine.custom_resource import Kind
from ...engine.declaration import DeclarationError
from ...engine.live import LiveMember, OrganizationAccount
from ...engine.regions import run_in_regions
from ...engine.result import Outcome, RegionResult
from ...registry import MEMBERS
from .plan import (
    CentralView,
    MemberPolicy,
    MemberSelection,
    StreamedMembers,
    explicit_members,
    needs_organization,
    plan_member_release,
    plan_members,
    plan_self_management,
    prune_candidates,
    release_candidates,
)
from .spec import (
    MemberAccount,
    MemberListDocument,
    MemberListLocation,
    MembersSpec,
    member_count_problem,
    parse_member_list_document,
    parse_members,
    prune_limit,
)


@dataclass(frozen=True)
class Arrival:
    """Organization accounts as they were read, and the declared members among them."""

    accounts: Mapping[str, OrganizationAccount]
    declared: Mapping[str, MemberAccount]


class _OrganizationStream:
    """The organization's accounts, read at most once per pass by one reader thread and handed to every Region as
    the pages arrive. Each page's declared members are picked out once, by the reader, for all Regions."""

    def __init__(self, clients: Clients, document: MemberListDocument) -> None:
        self._clients = clients
        self._document = document
        self._changed = threading.Condition()
        self._arrivals: list[Arrival] = []
        self._done = False
        self._stopping = False
        self._error: Exception | None = None
        self._reader: threading.Thread | None = None
        self._whole: tuple[dict[str, OrganizationAccount], dict[str, MemberAccount]] | None = None
        self._selection: MemberSelection | None = None

    def start(self) -> None:
        with self._changed:
            if self._reader is None:
                self._reader = threading.Thread(target=self._read, name="organization", daemon=True)
                self._reader.start()

    def arrivals(self) -> Iterator[Arrival]:
        """What has arrived since the last step (waiting for something new), until the whole organization has been
        handed over. Raises the reader's error, if reading failed."""
        self.start()
        seen = 0
        while True:
            with self._changed:
                while len(self._arrivals) <= seen and not self._done:
                    self._changed.wait()
                if self._error is not None:
                    raise self._error
                fresh, finished = self._arrivals[seen:], self._done
                seen = len(self._arrivals)
            if fresh:
                yield _merged(fresh)
            if finished:
                return

    def whole(self) -> tuple[dict[str, OrganizationAccount], dict[str, MemberAccount]]:
        """All of the organization's accounts, and the whole declared member list (invited accounts included)."""
        self.start()
        with self._changed:
            self._changed.wait_for(lambda: self._done)
            if self._error is not None:
                raise self._error
            if self._whole is None:
                assert self._selection is not None
                accounts = dict(_merged(self._arrivals).accounts)
                self._whole = accounts, self._selection.resolve(accounts)
            return self._whole

    def close(self) -> None:
        """Stop reading (a pass that ends early must not leave a reader running into the next invocation)."""
        with self._changed:
            self._stopping = True

    def _read(self) -> None:
        try:
            organizations = self._clients.organizations()
            parents = {
                p
                for s in self._document.selectors
                for p in (*(s.organizational_units or ()), *s.exclude_organizational_units)
            }
            selection = MemberSelection(
                self._document,
                {p: frozenset(observe.accounts_under(organizations, [p])) for p in parents},
                self._clients.account,
            )
            with self._changed:
                self._selection = selection
            for page in observe.organization_account_pages(organizations):
                with self._changed:
                    if self._stopping:
                        return
                    self._arrivals.append(Arrival(page, selection.among(page)))
                    self._changed.notify_all()
        except Exception as error:
            with self._changed:
                self._error = error
        finally:
            with self._changed:
                self._done = True
                self._changed.notify_all()


def _merged(arrivals: list[Arrival]) -> Arrival:
    if len(arrivals) == 1:
        return arrivals[0]
    accounts: dict[str, OrganizationAccount] = {}
    declared: dict[str, MemberAccount] = {}
    for arrival in arrivals:
        accounts.update(arrival.accounts)
        declared.update(arrival.declared)
    return Arrival(accounts, declared)


def load_member_list(spec: MembersSpec, clients: Clients) -> MemberListDocument:
    if isinstance(spec.member_list, MemberListDocument):
        return spec.member_list  # parse_members checked its size
    document = _fetch(spec.member_list, clients)
    if problem := member_count_problem(document, spec.invite_non_organization_accounts):
        raise DeclarationError([problem])
    return document


def _fetch(location: MemberListLocation, clients: Clients) -> MemberListDocument:
    body = clients.s3().get_object(Bucket=location.bucket, Key=location.key)["Body"].read()
    digest = hashlib.sha256(body).hexdigest()
    if digest != location.sha256:
        raise DeclarationError(
            [
                f"the member list at s3://{location.bucket}/{location.key} has SHA-256 {digest}, not the"
                f" {location.sha256} that was synthesized; redeploy the stack so that the asset is uploaded again"
            ]
        )
    return parse_member_list_document(body, f"s3://{location.bucket}/{location.key}")


def converge(spec: MembersSpec, regions: tuple[str, ...], clients: Clients, execute: Execute) -> Outcome:
    document = load_member_list(spec, clients)
    explicit = explicit_members(document, clients.account)
    central = _central_view(spec, clients)
    organization = _OrganizationStream(clients, document)
    if document.selectors:
        organization.start()
    releasing = _Releasing()

    def work(result: RegionResult) -> None:
        securityhub = clients.securityhub(result.region)
        central_here = central.in_region(result.region) if central else None
        policy = MemberPolicy(
            spec.prune, spec.invite_non_organization_accounts, spec.restore_disassociated, spec.max_prune, central_here
        )
        live: dict[str, LiveMember] = {}
        needed = bool(document.selectors)
        for page in observe.member_pages(securityhub):
            live.update(page)
            if not needed and any(needs_organization(m, explicit, spec.prune) for m in page.values()):
                needed = True
                organization.start()  # alongside the remaining pages, not after them
        result.member_statuses = Counter(member.status.value for member in live.values())
        if not needed and explicit.keys() <= live.keys():
            execute(plan_members(result.region, explicit, live, {}, policy), securityhub, result)
            releasing.add(central_here, _within_limit(prune_candidates(explicit, live, spec.prune), explicit, spec))
            return
        streamed = StreamedMembers(result.region, live, policy)
        for arrival in organization.arrivals():
            execute(streamed.arrived(arrival.declared, arrival.accounts), securityhub, result)
        accounts, declared = organization.whole()
        execute(streamed.finish(declared, accounts), securityhub, result)
        releasing.add(central_here, _within_limit(prune_candidates(declared, live, spec.prune), declared, spec))

    results = [RegionResult(r) for r in regions]
    try:
        run_in_regions(results, work, spec.scope.on_region_unavailable)
    finally:
        organization.close()
    _self_manage(central, releasing, clients, execute, results)
    return Outcome(results)


def release(spec: MembersSpec, regions: tuple[str, ...], clients: Clients, budget: Budget) -> Outcome:
    """On DESTROY: disassociate the members this declaration lists, in these Regions. Nothing is deleted, and
    members that other declarations or people added are left alone."""
    document = load_member_list(spec, clients)
    if document.selectors:
        organization = _OrganizationStream(clients, document)
        try:
            declared = organization.whole()[1]
        finally:
            organization.close()
    else:
        declared = explicit_members(document, clients.account)
    execute = applying(budget)
    central = _central_view(spec, clients)
    releasing = _Releasing()

    def work(result: RegionResult) -> None:
        securityhub = clients.securityhub(result.region)
        live = observe.members(securityhub)
        central_here = central.in_region(result.region) if central else None
        execute(plan_member_release(result.region, declared, live, central_here), securityhub, result)
        releasing.add(central_here, release_candidates(declared, live))

    results = [RegionResult(r) for r in regions]
    run_in_regions(results, work, spec.scope.on_region_unavailable)
    _self_manage(central, releasing, clients, execute, results)
    return Outcome(results)


class _Releasing:
    """The members being disassociated in any Region that policies reach, gathered from the Regions' threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.accounts: set[str] = set()

    def add(self, central: CentralView | None, accounts: list[str]) -> None:
        if central is None or not central.covers:
            return
        with self._lock:
            self.accounts.update(accounts)


def _within_limit(candidates: list[str], declared: Mapping[str, MemberAccount], spec: MembersSpec) -> list[str]:
    # A prune over the blast-radius limit is refused in its Region (plan_prune): designating its accounts
    # self-managed first would change them for a removal that will not happen.
    return candidates if len(candidates) <= prune_limit(spec.max_prune, len(declared)) else []


def _central_view(spec: MembersSpec, clients: Clients) -> CentralView | None:
    """Under CENTRAL, the accounts' configurations, read once per pass in the home Region."""
    if not spec.central or spec.home_region is None:
        return None
    securityhub = clients.securityhub(spec.home_region)
    try:
        configurations = observe.account_configurations(securityhub)
        aggregator = observe.finding_aggregator(securityhub)
    except botocore.exceptions.ClientError as error:
        # Central configuration not (or no longer) in effect: a rollback from CENTRAL to LOCAL runs this resource's
        # CENTRAL declaration before the organization configuration is back to CENTRAL. Nothing is governed then,
        # so the members are handled as under LOCAL.
        if error_code(error) != "AccessDeniedException":
            raise
        return None
    return CentralView(
        spec.home_region,
        configurations,
        linking_mode=aggregator.linking_mode if aggregator else "NO_REGIONS",
        linked=frozenset(aggregator.regions if aggregator else ()),
    )


def _self_manage(
    central: CentralView | None, releasing: _Releasing, clients: Clients, execute: Execute, results: list[RegionResult]
) -> None:
    """After every Region has planned: designate self-managed, in the home Region, the accounts that a policy
    governs and some Region disassociates (they are disassociated in a later pass, once it is SUCCESS)."""
    if central is None or not releasing.accounts:
        return
    home = next((r for r in results if r.region == central.home), None)
    if home is None or home.failed:
        return
    execute(plan_self_management(central, releasing.accounts), clients.securityhub(central.home), home)


KIND: Kind[MembersSpec] = Kind(
    resource_type=MEMBERS.resource_type,
    parse=parse_members,
    converge=converge,
    release=release,
)


# The Lambda handler strings name these (registry.KindEntry.handler).
on_event = KIND.on_event
is_complete = KIND.is_complete
