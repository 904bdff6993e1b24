"""``python -m cdk_securityhub_org``: the ``cdk-securityhub-org`` command line (see ``cdk_securityhub_org.cli``)."""

import sys

from cdk_securityhub_org.cli import main

sys.exit(main())
