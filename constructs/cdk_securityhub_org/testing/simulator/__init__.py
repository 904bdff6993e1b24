"""A CloudFormation + CDK Provider-framework simulator.

It deploys a synthesized cloud assembly (``cdk.out``) locally: stacks in dependency order,
non-custom resources as inert records, and every custom resource backed by
``aws_cdk.custom_resources.Provider`` by running the user's ``onEvent`` / ``isComplete`` handlers
from the synthesized assets, in subprocesses, exactly as CloudFormation and the framework would call
them. The handlers' AWS calls go to the endpoint given (the emulator).
"""

from cdk_securityhub_org.cloud_assembly.errors import AssemblyError, CloudAssemblyError, TemplateError
from cdk_securityhub_org.testing.simulator.lambda_runtime import Invocation, LambdaError
from cdk_securityhub_org.testing.simulator.results import (
    AssetUpload,
    CustomResourceReport,
    DeployResult,
    Failure,
    StackEvent,
    StackResult,
)
from cdk_securityhub_org.testing.simulator.simulator import CloudFormationSimulator
from cdk_securityhub_org.testing.simulator.state import ResourceState, SimulatorState, StackState

__all__ = [
    "AssemblyError",
    "AssetUpload",
    "CloudAssemblyError",
    "CloudFormationSimulator",
    "CustomResourceReport",
    "DeployResult",
    "Failure",
    "Invocation",
    "LambdaError",
    "ResourceState",
    "SimulatorState",
    "StackEvent",
    "StackResult",
    "StackState",
    "TemplateError",
]
