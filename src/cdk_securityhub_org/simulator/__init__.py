"""A CloudFormation + CDK Provider-framework simulator.

It deploys a synthesized cloud assembly (``cdk.out``) locally: stacks in dependency order,
non-custom resources as inert records, and every custom resource backed by
``aws_cdk.custom_resources.Provider`` by running the user's ``onEvent`` / ``isComplete`` handlers
from the synthesized assets, in subprocesses, exactly as CloudFormation and the framework would call
them. The handlers' AWS calls go to the endpoint given (the emulator).
"""

from .errors import AssemblyError, SimulatorError, TemplateError
from .lambda_runtime import Invocation, LambdaError
from .results import AssetUpload, CustomResourceReport, DeployResult, Failure, StackEvent, StackResult
from .simulator import CloudFormationSimulator
from .state import ResourceState, SimulatorState, StackState

__all__ = [
    "AssemblyError",
    "AssetUpload",
    "CloudFormationSimulator",
    "CustomResourceReport",
    "DeployResult",
    "Failure",
    "Invocation",
    "LambdaError",
    "ResourceState",
    "SimulatorError",
    "SimulatorState",
    "StackEvent",
    "StackResult",
    "StackState",
    "TemplateError",
]
