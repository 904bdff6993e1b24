"""A cross-account CDK Pipelines app: a pipeline in a tooling account deploys the Security Hub organization of
``examples/securityhub.yaml`` (its management and administrator accounts) as one stage.

    cdk synth --app "python examples/pipeline_app.py" \\
        -c tooling_account=333333333333 -c repository=my-org/security-hub \\
        -c connection_arn=arn:aws:codeconnections:us-east-1:333333333333:connection/... \\
        [-c tooling_region=us-east-1] [-c branch=main] [-c config=path/to/other.yaml]

Bootstrap the tooling account once, and the management and administrator accounts in the stage's Region with
``--trust`` for the tooling account (docs/deploy.md). Every IAM role of the stage gets the path
``/securityhub-org/``, so that a Region deny SCP can exempt the handlers by ARN (``role/securityhub-org/*``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import aws_cdk as cdk
import jsii
from aws_cdk import aws_iam as iam
from aws_cdk import pipelines
from cdk_securityhub_org import SecurityHubConfigurationError, SecurityHubOrganization, load_config

from constructs import IConstruct

DEFAULT_CONFIG = Path(__file__).with_name("securityhub.yaml")
REQUIRED_CONTEXT = {
    "tooling_account": "333333333333",
    "repository": "my-org/security-hub",
    "connection_arn": "arn:aws:codeconnections:us-east-1:333333333333:connection/EXAMPLE",
}
OPTIONAL_CONTEXT = ("tooling_region", "branch", "config")
HANDLER_ROLE_PATH = "/securityhub-org/"


class MissingContext(ValueError):
    """The app was synthesized without a context value it needs; the message says which and how to pass it."""


@jsii.implements(cdk.IAspect)
class RolePath:
    """Puts every IAM role under ``path``: the roles' names are generated, their path is what an SCP can match."""

    def __init__(self, path: str) -> None:
        self.path = path

    def visit(self, node: IConstruct) -> None:
        if isinstance(node, iam.CfnRole):
            node.path = self.path


def build(app: cdk.App) -> tuple[cdk.Stack, SecurityHubOrganization]:
    """The pipeline stack (tooling account) and the stage it deploys, from the app's context."""
    context = {key: app.node.try_get_context(key) for key in (*REQUIRED_CONTEXT, *OPTIONAL_CONTEXT)}
    missing = [key for key in REQUIRED_CONTEXT if not context[key]]
    if missing:
        hint = " ".join(f"-c {key}={REQUIRED_CONTEXT[key]}" for key in missing)
        raise MissingContext(f"pipeline_app.py: missing context {', '.join(missing)}; pass {hint}")
    config = load_config(context["config"] or DEFAULT_CONFIG)
    # A stage of its own in the app (not inside the pipeline stack): its stacks keep the names <stage>-Management
    # and <stage>-Administrator, and the pipeline deploys them with the bootstrap roles of their own accounts.
    organization = SecurityHubOrganization(app, config.stage_name, **config.organization_props())
    cdk.Aspects.of(organization).add(RolePath(HANDLER_ROLE_PATH))
    tooling = cdk.Stack(
        app,
        "SecurityHubPipeline",
        env=cdk.Environment(
            account=context["tooling_account"],
            region=context["tooling_region"] or organization.management_stack.region,
        ),
        description="CDK Pipelines pipeline that deploys the Security Hub organization",
    )
    pipeline = pipelines.CodePipeline(
        tooling,
        "Pipeline",
        # The artifact bucket is read by the deploy roles of the management and administrator accounts: a
        # customer-managed KMS key is what lets another account decrypt it.
        cross_account_keys=True,
        synth=pipelines.ShellStep(
            "Synth",
            input=pipelines.CodePipelineSource.connection(
                context["repository"], context["branch"] or "main", connection_arn=context["connection_arn"]
            ),
            commands=[
                "npm ci",
                "python -m pip install -r requirements.txt",
                "python -m pip install --no-deps -e .",
                # The pipeline synthesizes itself with the context it was deployed with.
                "npx cdk synth --app 'python examples/pipeline_app.py' "
                + " ".join(f"-c {key}={value}" for key, value in context.items() if value),
            ],
        ),
    )
    pipeline.add_stage(organization)
    return tooling, organization


def main() -> None:
    app = cdk.App()
    try:
        build(app)
    except (MissingContext, SecurityHubConfigurationError) as error:
        sys.exit(str(error))
    app.synth()


if __name__ == "__main__":
    main()
