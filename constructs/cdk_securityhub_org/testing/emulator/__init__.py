"""A stateful AWS emulator for Security Hub (CSPM), Organizations, STS and S3, over real HTTP.

Real boto3 clients talk to it (``endpoint_url=`` or ``AWS_ENDPOINT_URL``), so serialization, pagination and
retries are exercised for real. The caller's account is the access key ID of its credentials; the Region and
service come from the SigV4 credential scope.

>>> from cdk_securityhub_org.testing.emulator import Emulator, World, FaultConfig
>>> world = World.organization(management_account="000000000001", member_count=50, seed=7)
>>> with Emulator(world, faults=FaultConfig(rate_limit=False)) as emu:  # doctest: +SKIP
...     emu.client("securityhub", account="000000000001", region="us-east-1")

Command line: ``python -m cdk_securityhub_org.testing.emulator --port 4566 --accounts 50 [--state file.json]``.
"""

from cdk_securityhub_org.testing.emulator.calllog import CallRecord
from cdk_securityhub_org.testing.emulator.faults import FaultConfig
from cdk_securityhub_org.testing.emulator.harness import Emulator
from cdk_securityhub_org.testing.emulator.world import OPT_IN_REGIONS, STANDARD_REGIONS, World, WorldSettings

__all__ = [
    "OPT_IN_REGIONS",
    "STANDARD_REGIONS",
    "CallRecord",
    "Emulator",
    "FaultConfig",
    "World",
    "WorldSettings",
]
