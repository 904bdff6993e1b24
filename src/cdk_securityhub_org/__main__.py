"""``python -m cdk_securityhub_org``: the ``cdk-securityhub-org`` command line (see ``cli``)."""

import sys

from .cli import main

sys.exit(main())
