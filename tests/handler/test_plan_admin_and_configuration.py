"""Pure planning of the delegated administrator, the organization configuration and invitation acceptance."""

from __future__ import annotations

from cdk_securityhub_org.handler.engine.declaration import Scope
from cdk_securityhub_org.handler.engine.live import (
    AdminDesignation,
    Invitation,
    LiveAggregator,
    LiveOrganizationConfiguration,
    MemberAccountView,
)
from cdk_securityhub_org.handler.kinds.delegated_admin.plan import designation_phases, plan_designation, plan_removal
from cdk_securityhub_org.handler.kinds.invitation_accepter.plan import plan_acceptance
from cdk_securityhub_org.handler.kinds.organization_configuration.plan import (
    effective_linking,
    plan_aggregator,
    plan_settings,
)
from cdk_securityhub_org.handler.kinds.organization_configuration.spec import (
    ConfigurationType,
    OrganizationConfigurationSpec,
    RegionLinkingMode,
)

ADMIN, OTHER = "000000000002", "000000000009"


def steps(plan):
    return [str(a) for a in plan.actions]


def test_designates_where_nobody_is_and_does_nothing_where_it_already_is():
    assert steps(plan_designation("us-east-1", ADMIN, [], False)) == [
        "EnableOrganizationAdminAccount(AdminAccountId=000000000002)"
    ]
    assert plan_designation("us-east-1", ADMIN, [AdminDesignation(ADMIN, "ENABLED")], False).is_empty


def test_a_different_administrator_blocks_unless_replacing_is_declared():
    live = [AdminDesignation(OTHER, "ENABLED")]
    blocked = plan_designation("us-east-1", ADMIN, live, allow_replace=False)
    assert blocked.is_empty and OTHER in blocked.blocked[0].reason and "allow_replace" in blocked.blocked[0].reason
    replaced = plan_designation("us-east-1", ADMIN, live, allow_replace=True)
    assert [a.operation for a in replaced.actions] == [
        "DisableOrganizationAdminAccount",
        "EnableOrganizationAdminAccount",
    ]


def test_replacement_removes_everywhere_before_designating_anywhere():
    plans = [plan_designation(r, ADMIN, [AdminDesignation(OTHER, "ENABLED")], True) for r in ("us-east-1", "eu-west-1")]
    removals, designations = designation_phases(plans)
    assert all([a.operation for a in p.actions] == ["DisableOrganizationAdminAccount"] for p in removals)
    assert all([a.operation for a in p.actions] == ["EnableOrganizationAdminAccount"] for p in designations)


def test_removal_in_progress_is_waited_for():
    plan = plan_designation("us-east-1", ADMIN, [AdminDesignation(ADMIN, "DISABLE_IN_PROGRESS")], False)
    assert plan.is_empty and plan.pending[0].retryable


def test_removal_touches_only_the_declared_administrator():
    assert plan_removal("us-east-1", ADMIN, [AdminDesignation(OTHER, "ENABLED")]).is_empty
    assert steps(plan_removal("us-east-1", ADMIN, [AdminDesignation(ADMIN, "ENABLED")])) == [
        "DisableOrganizationAdminAccount(AdminAccountId=000000000002)"
    ]


def spec(**kwargs):
    return OrganizationConfigurationSpec(scope=Scope(("us-east-1", "us-west-2", "eu-west-1")), **kwargs)


def test_linked_regions_default_to_the_other_declared_regions():
    assert effective_linking(spec(home_region="us-east-1")) == ("SPECIFIED_REGIONS", ("eu-west-1", "us-west-2"))
    assert effective_linking(spec(home_region="us-east-1", region_linking_mode=RegionLinkingMode.ALL_REGIONS)) == (
        "ALL_REGIONS",
        (),
    )


def test_aggregator_is_created_updated_or_blocked():
    desired = spec(home_region="us-east-1")
    assert steps(plan_aggregator(desired, None)) == [
        "CreateFindingAggregator(RegionLinkingMode=SPECIFIED_REGIONS, Regions=['eu-west-1', 'us-west-2'])"
    ]
    same = LiveAggregator("arn:agg", "us-east-1", "SPECIFIED_REGIONS", ("us-west-2", "eu-west-1"))
    assert plan_aggregator(desired, same).is_empty
    fewer = LiveAggregator("arn:agg", "us-east-1", "SPECIFIED_REGIONS", ("us-west-2",))
    assert [a.operation for a in plan_aggregator(desired, fewer).actions] == ["UpdateFindingAggregator"]
    elsewhere = LiveAggregator("arn:agg", "eu-west-1", "ALL_REGIONS", ())
    blocked = plan_aggregator(desired, elsewhere)
    assert blocked.is_empty and "eu-west-1" in blocked.blocked[0].reason


def live_configuration(auto=True, standards="DEFAULT", kind="LOCAL", status="ENABLED", message=""):
    return LiveOrganizationConfiguration(auto, standards, kind, status, message)


def test_settings_change_only_when_they_differ():
    assert plan_settings("us-east-1", True, "DEFAULT", "LOCAL", live_configuration()).is_empty
    plan = plan_settings("us-east-1", False, "NONE", "CENTRAL", live_configuration())
    assert plan.actions[0].parameters == {
        "AutoEnable": False,
        "AutoEnableStandards": "NONE",
        "OrganizationConfiguration": {"ConfigurationType": "CENTRAL"},
    }


def test_central_pending_is_waited_for_and_failed_is_reported():
    pending = plan_settings(
        "us-east-1", False, "NONE", "CENTRAL", live_configuration(False, "NONE", "CENTRAL", "PENDING")
    )
    assert pending.is_empty and pending.pending[0].retryable
    failed = plan_settings(
        "us-east-1", False, "NONE", "CENTRAL", live_configuration(False, "NONE", "CENTRAL", "FAILED", "no aggregator")
    )
    assert failed.is_empty and "no aggregator" in failed.blocked[0].reason


def test_central_spec_settings_apply_in_the_home_region_only():
    central = spec(home_region="us-east-1", configuration_type=ConfigurationType.CENTRAL, auto_enable=False)
    assert central.settings_regions == ("us-east-1",)
    assert spec().settings_regions == ("us-east-1", "us-west-2", "eu-west-1")


def view(hub=True, admin=None, *senders):
    return MemberAccountView(hub, admin, tuple(Invitation(s, f"inv-{s}") for s in senders))


def test_accepts_only_the_declared_administrators_invitation():
    plan = plan_acceptance("us-east-1", ADMIN, view(True, None, OTHER, ADMIN))
    assert steps(plan) == [f"AcceptAdministratorInvitation(AdministratorId={ADMIN}, InvitationId=inv-{ADMIN})"]
    assert plan_acceptance("us-east-1", ADMIN, view(True, None, OTHER)).actions == ()


def test_enables_security_hub_before_accepting():
    plan = plan_acceptance("us-east-1", ADMIN, view(False, None, ADMIN))
    assert [a.operation for a in plan.actions] == ["EnableSecurityHub", "AcceptAdministratorInvitation"]


def test_a_member_of_another_administrator_is_blocked():
    plan = plan_acceptance("us-east-1", ADMIN, view(True, AdminDesignation(OTHER, "Enabled"), ADMIN))
    assert plan.is_empty and OTHER in plan.blocked[0].reason
