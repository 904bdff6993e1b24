"""Finding aggregator: one per account, linking modes, home-Region-only changes."""

from __future__ import annotations

import pytest


@pytest.fixture
def hub(org, aws):
    client = aws("securityhub", org.standalone, "eu-west-1")
    client.enable_security_hub()
    return client


def test_lifecycle(org, aws, hub):
    created = hub.create_finding_aggregator(RegionLinkingMode="ALL_REGIONS_EXCEPT_SPECIFIED", Regions=["sa-east-1"])
    arn = created["FindingAggregatorArn"]
    assert arn.startswith(f"arn:aws:securityhub:eu-west-1:{org.standalone}:finding-aggregator/")
    assert created["FindingAggregationRegion"] == "eu-west-1"
    assert hub.list_finding_aggregators()["FindingAggregators"] == [{"FindingAggregatorArn": arn}]
    # ARNs travel in the URI path (``{FindingAggregatorArn+}``), colons and slashes included.
    assert hub.get_finding_aggregator(FindingAggregatorArn=arn)["Regions"] == ["sa-east-1"]
    updated = hub.update_finding_aggregator(FindingAggregatorArn=arn, RegionLinkingMode="ALL_REGIONS")
    assert updated["RegionLinkingMode"] == "ALL_REGIONS" and "Regions" not in updated
    hub.delete_finding_aggregator(FindingAggregatorArn=arn)
    assert hub.list_finding_aggregators()["FindingAggregators"] == []


def test_one_aggregator_per_account(org, aws, aws_error, hub):
    hub.create_finding_aggregator(RegionLinkingMode="NO_REGIONS")
    other_region = aws("securityhub", org.standalone, "us-east-1")
    other_region.enable_security_hub()
    response = aws_error(
        "InvalidInputException", other_region.create_finding_aggregator, RegionLinkingMode="NO_REGIONS"
    )
    assert "eu-west-1" in response["Error"]["Message"]


@pytest.mark.parametrize(
    ("mode", "regions"),
    [
        ("SOME_REGIONS", None),
        ("SPECIFIED_REGIONS", None),
        ("ALL_REGIONS_EXCEPT_SPECIFIED", None),
        ("ALL_REGIONS", ["us-east-1"]),
        ("NO_REGIONS", ["us-east-1"]),
        ("SPECIFIED_REGIONS", ["eu-west-1"]),
        ("SPECIFIED_REGIONS", ["xx-nowhere-1"]),
    ],
)
def test_linking_mode_validation(aws_error, hub, mode, regions):
    kwargs = {"RegionLinkingMode": mode} | ({"Regions": regions} if regions else {})
    aws_error("InvalidInputException", hub.create_finding_aggregator, **kwargs)


def test_changes_only_from_the_home_region(org, aws, aws_error, hub):
    arn = hub.create_finding_aggregator(RegionLinkingMode="NO_REGIONS")["FindingAggregatorArn"]
    elsewhere = aws("securityhub", org.standalone, "us-west-2")
    elsewhere.enable_security_hub()
    assert elsewhere.get_finding_aggregator(FindingAggregatorArn=arn)["FindingAggregationRegion"] == "eu-west-1"
    aws_error(
        "InvalidInputException",
        elsewhere.update_finding_aggregator,
        FindingAggregatorArn=arn,
        RegionLinkingMode="ALL_REGIONS",
    )
    aws_error("InvalidInputException", elsewhere.delete_finding_aggregator, FindingAggregatorArn=arn)
    aws_error("ResourceNotFoundException", hub.get_finding_aggregator, FindingAggregatorArn=arn + "x")


def test_members_cannot_create_one_and_hub_must_be_enabled(org, aws, aws_error, designate):
    designate("us-east-1")
    aws("securityhub", org.admin).create_members(AccountDetails=[{"AccountId": org.members[0]}])
    aws_error(
        "InvalidInputException",
        aws("securityhub", org.members[0]).create_finding_aggregator,
        RegionLinkingMode="NO_REGIONS",
    )
    aws_error(
        "InvalidAccessException",
        aws("securityhub", org.members[1]).create_finding_aggregator,
        RegionLinkingMode="NO_REGIONS",
    )
