"""Sample landing zone: the Security Hub organization declared in examples/securityhub.yaml.

`cdk synth` reads that file; `cdk synth -c config=path/to/file.yaml` reads another one.
"""

import sys

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks
from cdk_securityhub_org import SecurityHubConfigurationError, SecurityHubOrganization, load_config

DEFAULT_CONFIG = "examples/securityhub.yaml"


def main() -> None:
    app = cdk.App()
    try:
        config = load_config(app.node.try_get_context("config") or DEFAULT_CONFIG)
        organization = SecurityHubOrganization(app, config.stage_name, **config.organization_props())
    except SecurityHubConfigurationError as error:
        sys.exit(str(error))
    # Registered on the stage, whose stacks it checks: the aspect that writes each acknowledged finding and its
    # reason into the templates (Metadata.cdk_nag, an audit trail) does not cross into a stage from the app.
    # The packs compliance teams run; each finding the sample raises is acknowledged, per resource, with its reason.
    cdk.Validations.of(organization).add_plugins(
        *(
            pack(organization, write_suppressions_to_cloud_formation=True)
            for pack in (AwsSolutionsChecks, NIST80053R5Checks, HIPAASecurityChecks, PCIDSS321Checks, ServerlessChecks)
        )
    )
    app.synth()


if __name__ == "__main__":
    main()
