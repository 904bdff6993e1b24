"""Members: inline and S3-asset member lists, the custom resource, its handlers and their permissions."""

from __future__ import annotations

import hashlib
import json

import pytest
from aws_cdk.assertions import Match, Template
from cdk_securityhub_org.handler import registry
from cdk_securityhub_org.handler.kinds.members import permissions
from cdk_securityhub_org.handler.kinds.members.spec import MemberListLocation, parse_member_list_document, parse_members
from cdk_securityhub_org.members import INLINE_MEMBER_LIST_MAX_BYTES
from securityhub_templates import delivered_properties, expect_reconciler, rendered, write_member_csv

# Synthesizes CDK apps (shared per session) or runs the app.
pytestmark = pytest.mark.slow

TYPE = "Custom::SecurityHubMembers"
IS_COMPLETE = registry.shared_handler(registry.IS_COMPLETE)
ON_EVENT = registry.shared_handler(registry.ON_EVENT)


def test_sample_list_travels_inline_sorted_and_after_the_organization_configuration(sample_app):
    resource = sample_app.administrator.custom_resource(TYPE)
    properties = delivered_properties(resource)
    assert properties["MemberList"] == {
        "Accounts": [
            {"AccountId": "012345678901", "Email": "acquired-subsidiary@example.org"},
            {"AccountId": "111122223333", "Email": "security-partner@example.com"},
            {"AccountId": "444455556666", "Email": "audit-vendor@example.net"},
        ],
        "OrganizationSelectors": [{"ExcludeAccounts": ["000000000009"]}],
    }
    assert "MemberListLocation" not in properties
    assert (properties["Prune"], properties["InviteNonOrganizationAccounts"], properties["ExpectedAccount"]) == (
        "NONE",
        "true",
        "000000000002",
    )
    (configuration,) = sample_app.administrator.of_type("Custom::SecurityHubOrganizationConfiguration")
    assert resource["DependsOn"] == [configuration]
    assert resource["DeletionPolicy"] == "Retain"


def test_a_large_list_travels_as_an_s3_asset_with_its_content_hash(variants):
    properties = delivered_properties(variants.stacks["LargeMembers"].custom_resource(TYPE))
    assert "MemberList" not in properties
    location = properties["MemberListLocation"]
    staged = variants.outdir / f"asset.{location['Key']}"
    content = staged.read_bytes()
    assert content.decode() == variants.large_members.document.dumps()
    assert location["Sha256"] == hashlib.sha256(content).hexdigest()
    document = parse_member_list_document(content)
    assert len(document.accounts) == 10_000
    assert len(content) > INLINE_MEMBER_LIST_MAX_BYTES


def test_template_size_does_not_grow_with_the_list(variants):
    medium, large = variants.stacks["MediumMembers"], variants.stacks["LargeMembers"]
    assert len(variants.medium_members.document.accounts) == 300
    # The stacks differ in name only; the framework functions' descriptions quote it.
    assert len(json.dumps(medium.template).replace("MediumMembers", "LargeMembers")) == len(json.dumps(large.template))
    assert len(json.dumps(large.template)) < 51_200  # CloudFormation's limit for a template passed inline


def test_is_complete_reads_exactly_the_list_object(variants):
    stack = variants.stacks["LargeMembers"]
    location = stack.custom_resource(TYPE)["Properties"]["MemberListLocation"]
    (read,) = [s for s in stack.handler_statements(IS_COMPLETE) if s.get("Sid") == "ReadMemberList"]
    assert read["Action"] == "s3:GetObject"
    bucket, key = rendered(location["Bucket"]), rendered(location["Key"])
    assert rendered(read["Resource"]) == f"arn:${{AWS::Partition}}:s3:::{bucket}/{key}"


def test_is_complete_gets_exactly_the_actions_derived_from_the_declaration(sample_app, variants):
    cases = [
        (sample_app.administrator, None),
        (variants.stacks["AnyAccount"], None),
        (variants.stacks["LargeMembers"], variants.large_members.document),
    ]
    for stack, stored_document in cases:
        spec = parse_members(delivered_properties(stack.custom_resource(TYPE)))
        document = stored_document if isinstance(spec.member_list, MemberListLocation) else spec.member_list
        # The resource's own policy; the stack's shared isComplete role carries it beside its other resources'.
        assert stack.reconciler_actions("Members") == permissions.actions(spec, document)
        assert stack.reconciler_actions("Members") <= stack.handler_actions(IS_COMPLETE)
        assert stack.handler_actions(ON_EVENT) == set()
    large = variants.stacks["LargeMembers"].handler_actions(IS_COMPLETE)
    assert {"securityhub:DeleteMembers", "organizations:ListAccountsForParent", "s3:GetObject"} <= large
    assert "securityhub:InviteMembers" not in variants.stacks["AnyAccount"].handler_actions(IS_COMPLETE)


def test_a_stack_without_an_account_does_not_pin_the_handler(variants):
    properties = delivered_properties(variants.stacks["AnyAccount"].custom_resource(TYPE))
    assert "ExpectedAccount" not in properties
    (on_hub,) = [s for s in variants.stacks["AnyAccount"].handler_statements(IS_COMPLETE) if s.get("Sid") == "OnOwnHub"]
    assert rendered(on_hub["Resource"]) == "arn:${AWS::Partition}:securityhub:us-east-1:${AWS::AccountId}:hub/default"


def test_synthesized_resources(sample_app, variants):
    expect_reconciler(
        Template.from_json(sample_app.administrator.template),
        TYPE,
        "members",
        deletion_policy="Retain",
        MemberList=Match.object_like({"OrganizationSelectors": [{"ExcludeAccounts": ["000000000009"]}]}),
        MemberListLocation=Match.absent(),
    )
    expect_reconciler(
        Template.from_json(variants.stacks["LargeMembers"].template),
        TYPE,
        "members",
        deletion_policy="Retain",
        Prune="DELETE_INVITED",
        MemberList=Match.absent(),
        MemberListLocation=Match.object_like({"Sha256": Match.string_like_regexp("^[0-9a-f]{64}$")}),
    )


def test_asset_bucket_key_lets_the_handler_decrypt_a_list_read_from_s3_and_nothing_else(tmp_path):
    import aws_cdk as cdk
    from aws_cdk import aws_kms as kms
    from cdk_securityhub_org import MemberList, Members
    from securityhub_templates import SynthesizedStack

    def decrypt_statements(rows: int) -> list:
        stack = cdk.Stack(cdk.App(), "Administrator", env=cdk.Environment(account="222222222222", region="us-east-1"))
        key = kms.Key.from_key_arn(stack, "AssetKey", "arn:aws:kms:us-east-1:222222222222:key/1234abcd")
        Members(
            stack,
            "Members",
            member_list=MemberList.from_csv(write_member_csv(tmp_path / f"{rows}.csv", rows)),
            regions=["us-east-1"],
            asset_bucket_key=key,
        )
        statements = SynthesizedStack(Template.from_stack(stack).to_json()).handler_statements(IS_COMPLETE)
        return [s for s in statements if "kms:Decrypt" in s["Action"]]

    (decrypt,) = decrypt_statements(300)  # too large to travel inline: read from the asset bucket
    assert decrypt["Resource"] == "arn:aws:kms:us-east-1:222222222222:key/1234abcd"
    assert rendered(decrypt["Condition"]["StringEquals"]["kms:ViaService"]) == "s3.us-east-1.${AWS::URLSuffix}"
    assert decrypt_statements(2) == []  # inline: no bucket is read
