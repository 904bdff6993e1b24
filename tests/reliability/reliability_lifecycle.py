"""The lifecycle of one Security Hub organization, run once per session and recorded step by step.

Create; delete with RETAIN and create again over what was retained; add and remove members; add a Region; remove it
under DESTROY; LOCAL to CENTRAL with configuration policies on two OUs (and a governed account pruned); one policy
changed and the other dropped; an update rolled back by a later resource's failure; CENTRAL to LOCAL; a new
administrator; delete with DESTROY. The runner does not assert: each step's operations and the state right after it
are kept, and the tests judge them (so one broken step does not hide the others).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from cdk_securityhub_org.configuration_policies import ConfigurationPolicy, PublishedStandard
from cdk_securityhub_org.testing.emulator import FaultConfig, World, WorldSettings
from reliability_apps import ADMINISTRATOR_STACK, INVITED_STACK, Declaration, Members
from reliability_harness import Harness, Operation, harness
from reliability_org import (
    EXTRA_REGION,
    INVITED,
    LAYOUT,
    REGIONS,
    MemberTable,
    administrator_of,
    administrators,
    aggregator,
    build_world,
    delegated_for_security_hub,
    member_table,
    organization_settings,
)

A, B = LAYOUT.admin, LAYOUT.successor
OTHERS = LAYOUT.others()
ALL_REGIONS = (*REGIONS, EXTRA_REGION)

# Realistic timings: the new administrator's view syncs for a second, a removal stays DISABLE_IN_PROGRESS for a
# second, central configuration stays PENDING for half a second.
SETTINGS = WorldSettings(admin_sync_seconds=1.0, admin_disable_delay_seconds=1.0, central_config_seconds=0.5)

FIRST_LIST = Members(accounts=OTHERS[:80], invited=(INVITED[0], INVITED[1]))
# Ten accounts and one invited account leave, twenty and another invited account join; with emails the list
# outgrows the 4 KB inline limit and travels as an S3 asset.
SECOND_LIST = Members(accounts=OTHERS[10:100], invited=(INVITED[0], INVITED[2]), with_emails=True)
# Plus the Security OU through an organization selector (the successor administrator is in it).
THIRD_LIST = Members(
    accounts=OTHERS[10:100],
    invited=(INVITED[0], INVITED[2]),
    with_emails=True,
    organizational_units=(LAYOUT.security_ou,),
)
REFUSED = INVITED[1]  # added back in the update that is rolled back; the emulator refuses it

CREATE = Declaration(members=FIRST_LIST, prune="DELETE_INVITED", allow_replace=True, accepter=True)
MEMBERS_CHANGED = CREATE.with_(members=SECOND_LIST)
REGION_ADDED = MEMBERS_CHANGED.with_(regions=ALL_REGIONS, members=THIRD_LIST)
REGION_REMOVED = REGION_ADDED.with_(regions=REGIONS, destroy=True)
# A declared member under the Workloads OU that the CENTRAL list leaves out: a policy governs it, so the prune
# designates it self-managed before disassociating it.
RELEASED_GOVERNED = next(a for a in THIRD_LIST.accounts if a in LAYOUT.workloads_accounts)
WORKLOADS_POLICY = ConfigurationPolicy("workloads", standards=(PublishedStandard.FSBP,))
SANDBOX_POLICY = ConfigurationPolicy("sandbox", standards=(PublishedStandard.FSBP,), disabled_controls=("EC2.8",))
# Under CENTRAL the administrator cannot be replaced, and prune and DESTROY must allow designating governed
# accounts self-managed (both refused at synth otherwise).
CENTRAL = REGION_REMOVED.with_(
    configuration_type="CENTRAL",
    auto_enable=False,
    auto_enable_standards="NONE",
    allow_replace=False,
    self_manage_to_release=True,
    members=replace(THIRD_LIST, accounts=tuple(a for a in THIRD_LIST.accounts if a != RELEASED_GOVERNED)),
    configuration_policies=(WORKLOADS_POLICY, SANDBOX_POLICY),
    policy_associations=((LAYOUT.workloads_ou, "workloads"), (LAYOUT.sandbox_ou, "sandbox")),
)
# Under CENTRAL a policy makes the accounts it governs members: the prune designates every governed account the
# list leaves out self-managed, then disassociates it (RELEASED_GOVERNED among them, a declared member until then).
CENTRAL_DECLARED = frozenset(CENTRAL.members.declared_organization_accounts())
GOVERNED_UNDECLARED = frozenset(LAYOUT.workloads_accounts + LAYOUT.sandbox_accounts) - CENTRAL_DECLARED
# The workloads policy updated, the sandbox one dropped (disassociated, then deleted).
POLICIES_CHANGED = CENTRAL.with_(
    configuration_policies=(replace(WORKLOADS_POLICY, disabled_controls=("EC2.8",)),),
    policy_associations=((LAYOUT.workloads_ou, "workloads"),),
)
ROLLED_BACK = REGION_REMOVED.with_(members=replace(THIRD_LIST, invited=(*THIRD_LIST.invited, REFUSED)))
NEW_ADMINISTRATOR = REGION_REMOVED.with_(admin=B)

STEPS = (
    "create",
    "delete with RETAIN",
    "create over the retained state",
    "members added and removed",
    "Region added",
    "Region removed under DESTROY",
    "LOCAL to CENTRAL",
    "configuration policies changed",
    "update rolled back",
    "CENTRAL to LOCAL",
    "administrator replaced",
    "delete with DESTROY",
)


@dataclass(frozen=True)
class State:
    """What the checks compare, taken right after a step."""

    administrators: dict[str, str | None]
    settings: dict[tuple[str, str], tuple[bool, str, str, str]]  # (administrator, Region) -> settings
    aggregators: dict[str, tuple[str, str, tuple[str, ...]] | None]
    accepter: dict[str, tuple[str, str] | None]  # Region -> INVITED[0]'s administrator link
    delegated: frozenset[str]
    members: dict[str, MemberTable]  # administrator -> member table
    configurations: dict[str, str]  # organization account -> the configuration policy in effect, or SELF_MANAGED

    @classmethod
    def of(cls, world: World) -> State:
        return cls(
            administrators=administrators(world, ALL_REGIONS),
            settings={
                (admin, region): organization_settings(world, admin, region)
                for admin in (A, B)
                for region in ALL_REGIONS
                if administrators(world, (region,))[region] == admin
            },
            aggregators={admin: aggregator(world, admin) for admin in (A, B)},
            accepter={region: administrator_of(world, INVITED[0], region) for region in ALL_REGIONS},
            delegated=frozenset(delegated_for_security_hub(world)),
            members={admin: member_table(world, admin, ALL_REGIONS) for admin in (A, B)},
            configurations=world.effective_configurations(),
        )


@dataclass
class Step:
    name: str
    declaration: Declaration
    operations: list[Operation] = field(default_factory=list)
    state: State | None = None

    @property
    def ok(self) -> bool:
        return all(o.result.ok for o in self.operations)

    @property
    def writes(self) -> list:
        return [c for o in self.operations for c in o.writes]


@dataclass
class Lifecycle:
    harness: Harness
    steps: dict[str, Step]
    declarations: dict[str, Declaration]

    def __getitem__(self, name: str) -> Step:
        return self.steps[name]

    def operations(self) -> list[Operation]:
        return [o for step in self.steps.values() for o in step.operations]


def run_lifecycle(synth: Callable[[Declaration], Path]) -> Lifecycle:
    world = build_world(SETTINGS)
    steps: dict[str, Step] = {}
    with harness(world, FaultConfig(rate_limit=True)) as h:

        def step(name: str, declaration: Declaration, *actions: Callable[[Path], Operation]) -> None:
            assembly = synth(declaration)
            record = steps[name] = Step(name, declaration)
            for action in actions:
                record.operations.append(action(assembly))
            record.state = State.of(world)

        def deploy(admin: str = A) -> Callable[[Path], Operation]:
            return lambda assembly: h.deploy(assembly, "deploy", admin)

        def destroy(stacks: list[str] | None = None, admin: str = A) -> Callable[[Path], Operation]:
            return lambda assembly: h.destroy(assembly, "destroy", admin, stacks)

        step("create", CREATE, deploy())
        step("delete with RETAIN", CREATE, destroy())
        step("create over the retained state", CREATE, deploy())
        step("members added and removed", MEMBERS_CHANGED, deploy())
        step("Region added", REGION_ADDED, deploy())
        step("Region removed under DESTROY", REGION_REMOVED, deploy())
        step("LOCAL to CENTRAL", CENTRAL, deploy())
        step("configuration policies changed", POLICIES_CHANGED, deploy())
        h.set_faults(FaultConfig(rate_limit=True, unprocessed={REFUSED: "The email address is not valid"}))
        step("update rolled back", ROLLED_BACK, deploy())
        h.set_faults(FaultConfig(rate_limit=True))
        step("CENTRAL to LOCAL", REGION_REMOVED, deploy())
        # A new administrator: the old administrator's stacks are deleted first (DESTROY releases what they
        # declared, while the account is still the administrator), then the management stack replaces it.
        old = synth(REGION_REMOVED)
        step(
            "administrator replaced",
            NEW_ADMINISTRATOR,
            lambda _: h.destroy(old, "destroy the accepter", A, [INVITED_STACK]),
            lambda _: h.destroy(old, "destroy the old administrator's stack", A, [ADMINISTRATOR_STACK]),
            deploy(B),
        )
        step("delete with DESTROY", NEW_ADMINISTRATOR, destroy(admin=B))
    return Lifecycle(h, steps, {name: s.declaration for name, s in steps.items()})
