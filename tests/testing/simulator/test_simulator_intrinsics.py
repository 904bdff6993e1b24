"""Intrinsic functions, conditions, and the string-ification CloudFormation applies to custom-resource properties."""

from typing import Any

import pytest
from cdk_securityhub_org.cloud_assembly.intrinsics import (
    PseudoParameters,
    Resolver,
    as_delivered,
    check_supported,
    references,
)
from cdk_securityhub_org.testing.simulator import TemplateError


class FakeLookup:
    def ref(self, logical_id: str) -> Any:
        return f"{logical_id}-physical"

    def get_att(self, logical_id: str, attribute: str) -> Any:
        return f"{logical_id}.{attribute}"

    def import_value(self, export_name: str) -> Any:
        if export_name != "Shared":
            raise TemplateError(f"No export named {export_name} found")
        return "shared-value"


TEMPLATE = {
    "Parameters": {
        "Env": {"Type": "String", "Default": "prod"},
        "Zones": {"Type": "CommaDelimitedList", "Default": "a, b"},
    },
    "Mappings": {"Sizes": {"prod": {"Memory": 512}}},
    "Conditions": {
        "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
        "NotProd": {"Fn::Not": [{"Condition": "IsProd"}]},
        "Both": {"Fn::And": [{"Condition": "IsProd"}, {"Fn::Equals": ["1", 1]}]},
        "Either": {"Fn::Or": [{"Condition": "NotProd"}, {"Condition": "Both"}]},
    },
    "Resources": {"Res": {"Type": "AWS::SNS::Topic"}, "Fn": {"Type": "AWS::Lambda::Function"}},
}


@pytest.fixture
def resolver() -> Resolver:
    pseudo = PseudoParameters(
        "111111111111", "cn-north-1", "Stack", "arn:aws-cn:cloudformation:cn-north-1:1:stack/Stack/x"
    )
    return Resolver(TEMPLATE, pseudo, FakeLookup())


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ({"Ref": "AWS::Partition"}, "aws-cn"),
        ({"Ref": "AWS::URLSuffix"}, "amazonaws.com.cn"),
        ({"Ref": "Res"}, "Res-physical"),
        ({"Ref": "Env"}, "prod"),
        ({"Ref": "Zones"}, ["a", "b"]),
        ({"Fn::GetAtt": ["Fn", "Arn"]}, "Fn.Arn"),
        ({"Fn::GetAtt": "Fn.Arn"}, "Fn.Arn"),
        ({"Fn::Join": [":", ["a", {"Ref": "AWS::AccountId"}, 3, True]]}, "a:111111111111:3:true"),
        ({"Fn::Sub": "${AWS::Region}/${Res}/${Fn.Arn}/${!Literal}"}, "cn-north-1/Res-physical/Fn.Arn/${Literal}"),
        ({"Fn::Sub": ["${X}-${AWS::StackName}", {"X": {"Ref": "Res"}}]}, "Res-physical-Stack"),
        ({"Fn::Select": ["1", {"Fn::Split": [",", "a,b,c"]}]}, "b"),
        ({"Fn::If": ["IsProd", "yes", "no"]}, "yes"),
        ({"Fn::If": ["Either", "yes", "no"]}, "yes"),
        ({"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Memory"]}, 512),
        ({"Fn::ImportValue": {"Fn::Join": ["", ["Sha", "red"]]}}, "shared-value"),
        ({"Fn::Base64": "hi"}, "aGk="),
        ({"Fn::GetAZs": ""}, ["cn-north-1a", "cn-north-1b", "cn-north-1c"]),
        ({"List": ["a", {"Ref": "AWS::NoValue"}], "Gone": {"Ref": "AWS::NoValue"}}, {"List": ["a"]}),
    ],
)
def test_resolves(resolver: Resolver, expression: Any, expected: Any) -> None:
    assert resolver.resolve(expression, "test") == expected


def test_conditions(resolver: Resolver) -> None:
    assert resolver.condition("IsProd") is True
    assert resolver.condition("NotProd") is False
    assert resolver.condition("Both") is True


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ({"Fn::Bogus": ["x"]}, "Unsupported intrinsic function Fn::Bogus"),
        ({"Ref": "Missing"}, "Unresolved resource dependencies [Missing]"),
        ({"Fn::GetAtt": ["Missing", "Arn"]}, "undefined resource Missing"),
        ({"Fn::ImportValue": "Nope"}, "No export named Nope found"),
        ({"Fn::Select": [5, ["a"]]}, "out of bounds"),
        ({"Ref": "AWS::Bogus"}, "Unsupported pseudo parameter AWS::Bogus"),
    ],
)
def test_errors_name_the_problem_and_the_place(resolver: Resolver, expression: Any, message: str) -> None:
    with pytest.raises(TemplateError, match=r"^Resources\.X\.Properties: ") as caught:
        resolver.resolve({"P": expression}, "Resources.X.Properties")
    assert message in str(caught.value)


def test_check_supported_rejects_unknown_functions_before_anything_runs() -> None:
    template = {"Resources": {"R": {"Type": "Custom::X", "Properties": {"A": {"Fn::Transmogrify": "x"}}}}}
    with pytest.raises(TemplateError, match=r"Resources\.R: Unsupported intrinsic function Fn::Transmogrify"):
        check_supported(template)
    check_supported(TEMPLATE)


def test_properties_are_delivered_as_strings() -> None:
    delivered = as_delivered({"Bool": False, "Int": 3, "Float": 2.5, "List": [1, True, None], "Nested": {"N": 0}})
    assert delivered == {"Bool": "false", "Int": "3", "Float": "2.5", "List": ["1", "true", None], "Nested": {"N": "0"}}


def test_references_find_implicit_dependencies() -> None:
    properties = {
        "A": {"Ref": "One"},
        "B": {"Fn::GetAtt": ["Two", "Arn"]},
        "C": {"Fn::Sub": "${Three.Arn}-${Four}-${AWS::Region}-${!Five}"},
        "D": {"Fn::Sub": ["${Local}-${Six}", {"Local": {"Ref": "Seven"}}]},
        "E": {"Fn::GetAtt": "Eight.Arn"},
        "F": {"Ref": "AWS::AccountId"},
    }
    assert references(properties) == {"One", "Two", "Three", "Four", "Six", "Seven", "Eight"}
