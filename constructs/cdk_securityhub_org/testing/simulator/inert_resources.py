"""Non-custom resources: inert records with plausible physical IDs and attributes.

Nothing is provisioned. A resource gets the name CloudFormation would generate (or the one its
properties give), ``Ref`` returns that physical ID, and ``Fn::GetAtt`` returns values of the right
shape (an ARN for ``Arn``). Lambda functions additionally remember the asset directory their code
comes from, and can be turned into a runnable :class:`LambdaFunction`.
"""

from __future__ import annotations

import secrets
import string
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdk_securityhub_org.cloud_assembly.partitions import partition_of, url_suffix_of
from cdk_securityhub_org.testing.simulator.lambda_runtime import LambdaFunction
from cdk_securityhub_org.testing.simulator.state import ResourceState, StackState

LAMBDA_FUNCTION = "AWS::Lambda::Function"
STATE_MACHINE = "AWS::StepFunctions::StateMachine"

_SUFFIX_ALPHABET = string.ascii_uppercase + string.digits


@dataclass(frozen=True)
class InertContext:
    """The stack a resource is created in."""

    account: str
    region: str
    stack_name: str
    code_directory: Callable[[str], Path | None]
    """Maps a Lambda ``Code.S3Key`` to the asset directory it was synthesized from."""

    @property
    def partition(self) -> str:
        """The stack's partition."""
        return partition_of(self.region)


@dataclass(frozen=True)
class Materialized:
    """The simulated outcome of creating or updating a non-custom resource."""

    physical_id: str
    attributes: dict[str, Any]
    code_directory: str | None = None


def materialize(
    resource_type: str,
    logical_id: str,
    properties: Mapping[str, Any],
    context: InertContext,
    physical_id: str | None = None,
) -> Materialized:
    """Create (or, given its ``physical_id``, update) a non-custom resource record."""
    p, region, account = context.partition, context.region, context.account

    def name(name_property: str, max_length: int = 64, lowercase: bool = False) -> str:
        if physical_id is not None:
            return physical_id
        given = properties.get(name_property)
        return str(given) if given else _generated_name(context.stack_name, logical_id, max_length, lowercase)

    if resource_type == LAMBDA_FUNCTION:
        function_name = name("FunctionName")
        code = properties.get("Code", {})
        directory = context.code_directory(str(code["S3Key"])) if "S3Key" in code else None
        arn = f"arn:{p}:lambda:{region}:{account}:function:{function_name}"
        return Materialized(function_name, {"Arn": arn}, str(directory) if directory else None)
    if resource_type == "AWS::IAM::Role":
        role_name = name("RoleName")
        path = properties.get("Path", "/")
        return Materialized(
            role_name,
            {"Arn": f"arn:{p}:iam::{account}:role{path}{role_name}", "RoleId": "AROA" + _suffix(17)},
        )
    if resource_type == "AWS::IAM::ManagedPolicy":
        arn = physical_id or f"arn:{p}:iam::{account}:policy/{name('ManagedPolicyName')}"
        return Materialized(arn, {"PolicyArn": arn})
    if resource_type == STATE_MACHINE:
        arn = physical_id or f"arn:{p}:states:{region}:{account}:stateMachine:{name('StateMachineName', 80)}"
        return Materialized(arn, {"Arn": arn, "Name": arn.rsplit(":", 1)[1]})
    if resource_type == "AWS::S3::Bucket":
        bucket = name("BucketName", 63, lowercase=True)
        suffix = url_suffix_of(region)
        return Materialized(
            bucket,
            {
                "Arn": f"arn:{p}:s3:::{bucket}",
                "DomainName": f"{bucket}.s3.{suffix}",
                "RegionalDomainName": f"{bucket}.s3.{region}.{suffix}",
            },
        )
    if resource_type == "AWS::Logs::LogGroup":
        group = name("LogGroupName", 512)
        return Materialized(group, {"Arn": f"arn:{p}:logs:{region}:{account}:log-group:{group}:*"})
    if resource_type == "AWS::SNS::Topic":
        arn = physical_id or f"arn:{p}:sns:{region}:{account}:{name('TopicName', 256)}"
        return Materialized(arn, {"TopicArn": arn, "TopicName": arn.rsplit(":", 1)[1]})
    if resource_type == "AWS::SQS::Queue":
        url = physical_id or f"https://sqs.{region}.{url_suffix_of(region)}/{account}/{name('QueueName', 80)}"
        queue = url.rsplit("/", 1)[1]
        return Materialized(
            url, {"Arn": f"arn:{p}:sqs:{region}:{account}:{queue}", "QueueName": queue, "QueueUrl": url}
        )
    if resource_type == "AWS::KMS::Key":
        key_id = physical_id or str(uuid.uuid4())
        return Materialized(key_id, {"Arn": f"arn:{p}:kms:{region}:{account}:key/{key_id}", "KeyId": key_id})
    return Materialized(physical_id or _generated_name(context.stack_name, logical_id, 64, False), {})


def attribute(stack: StackState, resource: ResourceState, name: str) -> Any:
    """``Fn::GetAtt`` of a non-custom resource: the recorded value, else a plausible synthetic one."""
    if name in resource.attributes:
        return resource.attributes[name]
    if name == "Arn":
        _, service, kind = (part.lower() for part in resource.resource_type.split("::", 2))
        return (
            f"arn:{partition_of(stack.region)}:{service}:{stack.region}:{stack.account}:{kind}/{resource.physical_id}"
        )
    return f"{resource.physical_id}.{name}"


def lambda_function(stack: StackState, resource: ResourceState) -> LambdaFunction:
    """The runnable form of a deployed ``AWS::Lambda::Function``."""
    properties = resource.properties
    if resource.code_directory is None:
        raise ValueError(
            f"{stack.stack_name}/{resource.logical_id}: its code is not a zip asset of this assembly "
            f"(Code={properties.get('Code')}), so there is nothing to run"
        )
    variables = properties.get("Environment", {}).get("Variables", {})
    return LambdaFunction(
        name=resource.physical_id,
        arn=resource.attributes["Arn"],
        handler=str(properties.get("Handler", "")),
        runtime=str(properties.get("Runtime", "")),
        code_directory=Path(resource.code_directory),
        environment={str(key): str(value) for key, value in variables.items()},
        # Lambda's defaults when the template does not set them.
        timeout_seconds=int(properties.get("Timeout", 3)),
        memory_mb=int(properties.get("MemorySize", 128)),
        account=stack.account,
        region=stack.region,
    )


def _generated_name(stack_name: str, logical_id: str, max_length: int, lowercase: bool) -> str:
    # CloudFormation's pattern: <stack>-<logical id>-<random suffix>, shortened to fit the type's limit.
    suffix = _suffix(12)
    room = max_length - len(suffix) - 2
    stack_part = stack_name[: max(room // 2, room - len(logical_id))]
    logical_part = logical_id[: room - len(stack_part)]
    generated = f"{stack_part}-{logical_part}-{suffix}"
    return generated.lower() if lowercase else generated


def _suffix(length: int) -> str:
    return "".join(secrets.choice(_SUFFIX_ALPHABET) for _ in range(length))
