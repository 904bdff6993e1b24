"""Sample landing zone: the Security Hub organization declared in examples/securityhub.yaml.

`cdk synth` reads that file; `cdk synth -c config=path/to/file.yaml` reads another one.
"""

import sys

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from cdk_securityhub_org import SecurityHubConfigurationError, SecurityHubOrganization, load_config

DEFAULT_CONFIG = "examples/securityhub.yaml"


def main() -> None:
    app = cdk.App()
    try:
        config = load_config(app.node.try_get_context("config") or DEFAULT_CONFIG)
        SecurityHubOrganization(app, config.stage_name, **config.organization_props())
    except SecurityHubConfigurationError as error:
        sys.exit(str(error))
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    app.synth()


if __name__ == "__main__":
    main()
