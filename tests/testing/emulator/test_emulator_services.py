"""Identity, opt-in Regions, unimplemented operations, and the Organizations, STS and S3 operations."""

from __future__ import annotations

import urllib.request

import pytest
from botocore.exceptions import ClientError
from cdk_securityhub_org.testing.emulator import Emulator


def test_unknown_access_key_is_rejected(aws, aws_error):
    response = aws_error("UnrecognizedClientException", aws("securityhub", "123123123123").describe_hub)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert response["Error"]["Message"] == "The security token included in the request is invalid"
    aws_error("InvalidClientTokenId", aws("sts", "123123123123").get_caller_identity)


def test_opt_in_region_needs_enabling(emu: Emulator, org, aws, aws_error):
    client = aws("securityhub", org.standalone, "me-south-1")
    response = aws_error("UnrecognizedClientException", client.enable_security_hub)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 403
    emu.world.enable_region(org.standalone, "me-south-1")
    client.enable_security_hub()
    # The baseline world enabled eu-south-1 for every account.
    aws("securityhub", org.management, "eu-south-1").enable_security_hub()


def test_unimplemented_operation_is_named(org, aws, aws_error):
    response = aws_error("InvalidAction", aws("securityhub", org.management).get_findings)
    assert "GetFindings" in response["Error"]["Message"]
    response = aws_error("InvalidAction", aws("organizations", org.management).list_handshakes_for_account)
    assert "ListHandshakesForAccount" in response["Error"]["Message"]


def test_request_without_credentials(emu: Emulator):
    request = urllib.request.Request(f"{emu.endpoint_url}/accounts")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=5)
    assert info.value.code == 403


def test_sts_caller_identity(org, aws):
    identity = aws("sts", org.admin, "eu-central-1").get_caller_identity()
    assert identity["Account"] == org.admin and identity["Arn"] == f"arn:aws:iam::{org.admin}:root"


def test_organizations_list_accounts_pagination(emu: Emulator, org, aws, aws_error):
    organizations = aws("organizations", org.management, "eu-west-1")
    first = organizations.list_accounts(MaxResults=20)
    assert len(first["Accounts"]) == 20 and first["NextToken"]
    pages = organizations.get_paginator("list_accounts").paginate(PaginationConfig={"PageSize": 7})
    accounts = [a for page in pages for a in page["Accounts"]]
    assert len(accounts) == 31  # management + 30 members; standalone accounts are not in the organization
    admin = next(a for a in accounts if a["Id"] == org.admin)
    assert admin["Status"] == "ACTIVE" and admin["JoinedMethod"] == "CREATED"
    assert admin["Arn"] == f"arn:aws:organizations::{org.management}:account/{emu.world.org_id}/{org.admin}"
    assert {"Email", "Name", "JoinedTimestamp"} <= set(admin)
    aws_error("InvalidInputException", organizations.list_accounts, MaxResults=21)


def test_organizations_tree(emu: Emulator, org, aws, aws_error):
    organizations = aws("organizations", org.management)
    (root,) = organizations.list_roots()["Roots"]
    top = organizations.list_organizational_units_for_parent(ParentId=root["Id"])["OrganizationalUnits"]
    assert {ou["Name"] for ou in top} == {"Security", "Workloads", "Infrastructure", "Sandbox"}
    workloads = next(ou["Id"] for ou in top if ou["Name"] == "Workloads")
    nested = organizations.list_children(ParentId=workloads, ChildType="ORGANIZATIONAL_UNIT")["Children"]
    assert len(nested) == 2
    security = next(ou["Id"] for ou in top if ou["Name"] == "Security")
    in_security = organizations.list_accounts_for_parent(ParentId=security)["Accounts"]
    assert [a["Name"] for a in in_security] == ["security-tooling", "log-archive"]
    every = [root["Id"]]
    for parent in every:
        every += [
            c["Id"] for c in organizations.list_children(ParentId=parent, ChildType="ORGANIZATIONAL_UNIT")["Children"]
        ]
    total = sum(len(organizations.list_children(ParentId=p, ChildType="ACCOUNT")["Children"]) for p in every)
    assert total == 31
    assert organizations.describe_account(AccountId=org.admin)["Account"]["Name"] == "security-tooling"
    aws_error("AccountNotFoundException", organizations.describe_account, AccountId=org.standalone)
    aws_error("ParentNotFoundException", organizations.list_children, ParentId="ou-none-00000000", ChildType="ACCOUNT")
    description = organizations.describe_organization()["Organization"]
    assert description["MasterAccountId"] == org.management and description["FeatureSet"] == "ALL"


def test_organizations_access(org, aws, aws_error, designate):
    aws_error("AccessDeniedException", aws("organizations", org.admin).list_accounts)
    aws_error("AWSOrganizationsNotInUseException", aws("organizations", org.standalone).list_accounts)
    # Any organization account may describe the organization.
    assert aws("organizations", org.members[0]).describe_organization()["Organization"]["Id"]
    designate("us-east-1")
    delegated = aws("organizations", org.admin)
    assert len(delegated.list_accounts()["Accounts"]) == 20
    aws_error("AccessDeniedException", delegated.enable_aws_service_access, ServicePrincipal="config.amazonaws.com")
    aws("organizations", org.management).enable_aws_service_access(ServicePrincipal="config.amazonaws.com")
    principals = delegated.list_aws_service_access_for_organization()["EnabledServicePrincipals"]
    assert {p["ServicePrincipal"] for p in principals} == {"config.amazonaws.com", "securityhub.amazonaws.com"}


def test_s3_objects(org, aws, aws_error):
    s3 = aws("s3", org.management, "eu-west-1")
    s3.create_bucket(Bucket="member-lists", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    body = b"Account ID,Email\n012345678901,a@example.com\n"
    put = s3.put_object(Bucket="member-lists", Key="lists/prod members.csv", Body=body, ContentType="text/csv")
    got = aws("s3", org.admin).get_object(Bucket="member-lists", Key="lists/prod members.csv")
    assert got["Body"].read() == body and got["ETag"] == put["ETag"] and got["ContentType"] == "text/csv"
    assert s3.head_object(Bucket="member-lists", Key="lists/prod members.csv")["ContentLength"] == len(body)
    aws_error("NoSuchKey", s3.get_object, Bucket="member-lists", Key="missing")
    aws_error("404", s3.head_object, Bucket="member-lists", Key="missing")
    aws_error("NoSuchBucket", s3.put_object, Bucket="no-such-bucket", Key="k", Body=b"")
    aws_error(
        "BucketAlreadyOwnedByYou",
        s3.create_bucket,
        Bucket="member-lists",
        CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
    )
    aws_error("BucketAlreadyExists", aws("s3", org.admin).create_bucket, Bucket="member-lists")
    with pytest.raises(ClientError) as info:
        s3.list_objects_v2(Bucket="member-lists")
    assert "ListObjectsV2" in info.value.response["Error"]["Message"]
