"""Custom::SecurityHubMembers, in the administrator account: the declared member list in every declared Region.

The organization's account list is read once per pass and shared by all Regions, and only when needed: for
organization selectors, to tell organization accounts from invited ones when something must be created, or to
prune. A converged explicit list costs ListMembers pages only.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor

from . import observe
from .apply import Execute, applying
from .aws import Budget, Clients
from .custom_resource import Kind
from .desired import (
    DeclarationError,
    MemberAccount,
    MemberListDocument,
    MemberListLocation,
    MembersSpec,
    PrunePolicy,
    parse_member_list_document,
    parse_members,
)
from .live import LiveMember
from .plan import MemberPolicy, OrganizationView, plan_member_release, plan_members, resolve_members
from .regions import run_in_regions
from .result import Outcome, RegionResult


class _Organization:
    """The organization's accounts, fetched at most once per pass, by whichever Region needs them first."""

    def __init__(self, clients: Clients, document: MemberListDocument) -> None:
        self._clients = clients
        self._document = document
        self._lock = threading.Lock()
        self._future: Future[OrganizationView] | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="organization")

    def prefetch(self) -> None:
        """Start reading now, alongside the Regions' ListMembers pages."""
        with self._lock:
            if self._future is None:
                self._future = self._pool.submit(self._read)

    def view(self) -> OrganizationView:
        self.prefetch()
        assert self._future is not None
        return self._future.result()

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _read(self) -> OrganizationView:
        organizations = self._clients.organizations()
        parents = {
            p
            for s in self._document.selectors
            for p in (*(s.organizational_units or ()), *s.exclude_organizational_units)
        }
        return OrganizationView(
            accounts=observe.organization_accounts(organizations),
            accounts_by_parent={p: frozenset(observe.accounts_under(organizations, [p])) for p in parents},
        )


def load_member_list(spec: MembersSpec, clients: Clients) -> MemberListDocument:
    if isinstance(spec.member_list, MemberListDocument):
        return spec.member_list
    return _fetch(spec.member_list, clients)


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
    organization = _Organization(clients, document)
    policy = MemberPolicy(spec.prune, spec.invite_non_organization_accounts, spec.restore_disassociated)
    resolved: dict[str, dict[str, MemberAccount]] = {}
    resolve_lock = threading.Lock()
    if document.selectors:
        organization.prefetch()

    def desired() -> dict[str, MemberAccount]:
        with resolve_lock:
            if "members" not in resolved:
                view = organization.view() if document.selectors else None
                resolved["members"] = resolve_members(document, view, clients.account)
            return resolved["members"]

    def work(result: RegionResult) -> None:
        securityhub = clients.securityhub(result.region)
        live = observe.members(securityhub)
        result.member_statuses = Counter(member.status.value for member in live.values())
        wanted = desired()
        accounts = organization.view().accounts if _needs_organization(wanted, live, spec.prune) else {}
        execute(plan_members(result.region, wanted, live, accounts, policy), securityhub, result)

    results = [RegionResult(r) for r in regions]
    try:
        run_in_regions(results, work, spec.scope.on_region_unavailable)
    finally:
        organization.close()
    return Outcome(results)


def release(spec: MembersSpec, regions: tuple[str, ...], clients: Clients, budget: Budget) -> Outcome:
    """On DESTROY: disassociate the members this declaration lists, in these Regions. Nothing is deleted, and
    members that other declarations or people added are left alone."""
    document = load_member_list(spec, clients)
    organization = _Organization(clients, document)
    try:
        view = organization.view() if document.selectors else None
        declared = resolve_members(document, view, clients.account)
    finally:
        organization.close()
    execute = applying(budget)

    def work(result: RegionResult) -> None:
        securityhub = clients.securityhub(result.region)
        plan = plan_member_release(result.region, declared, observe.members(securityhub))
        execute(plan, securityhub, result)

    results = [RegionResult(r) for r in regions]
    run_in_regions(results, work, spec.scope.on_region_unavailable)
    return Outcome(results)


def _needs_organization(desired: dict[str, MemberAccount], live: dict[str, LiveMember], prune: PrunePolicy) -> bool:
    if any(a not in live or not live[a].status.is_active for a in desired):
        return True
    return prune is not PrunePolicy.NONE and any(a not in desired for a in live)


KIND: Kind[MembersSpec] = Kind(
    resource_type="Custom::SecurityHubMembers",
    parse=parse_members,
    converge=converge,
    release=release,
)


# The Lambda handler strings name these: securityhub_reconciler.<module>.on_event / .is_complete
on_event = KIND.on_event
is_complete = KIND.is_complete
