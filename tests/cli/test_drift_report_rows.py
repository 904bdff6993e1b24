"""The drift report's rows for a members pass planned page by page as the organization is read."""

from __future__ import annotations

import boto3
from cdk_securityhub_org.cli.report import ResourceDrift
from cdk_securityhub_org.handler.engine.aws import Clients
from cdk_securityhub_org.handler.engine.declaration import Scope
from cdk_securityhub_org.handler.kinds.members import kind as members
from cdk_securityhub_org.handler.kinds.members.spec import MemberListDocument, MembersSpec, OrganizationSelector
from cdk_securityhub_org.testing.emulator import Emulator, FaultConfig, World

MANAGEMENT = "000000000001"
REGIONS = ("us-east-1", "eu-west-1")


def test_enrollment_planned_page_by_page_is_one_row_per_region(monkeypatch):
    world = World.organization(MANAGEMENT, member_count=130, seed=5)
    administrator = world.member_account_ids()[1]
    for region in REGIONS:
        world.designate_admin(region, administrator, now=0.0)
    with Emulator(world, faults=FaultConfig(rate_limit=False)) as emulator:
        monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.endpoint_url)
        session = boto3.session.Session(
            aws_access_key_id=administrator, aws_secret_access_key="emulator", region_name="us-east-1"
        )
        spec = MembersSpec(
            scope=Scope(regions=REGIONS, expected_account=administrator),
            member_list=MemberListDocument(selectors=(OrganizationSelector(),)),
        )
        preview = members.KIND.preview(spec, REGIONS, Clients(administrator, session))
    assert sum(len(plans) for plans in preview.plans.values()) > len(REGIONS)  # planned page by page
    report = ResourceDrift.of_preview("Members", members.KIND.resource_type, administrator, preview)
    expected = tuple(sorted(set(world.accounts) - {administrator}))  # the management account too
    for region in report.regions:
        assert [(a.operation, a.accounts) for a in region.actions] == [("CreateMembers", expected)]
