"""AWS partition facts derived from a Region name (``AWS::Partition``, ``AWS::URLSuffix``).

Hard-coding ``aws`` and ``amazonaws.com`` would hide partition bugs in the code under test.
"""

from __future__ import annotations


def partition_of(region: str) -> str:
    """The partition that ``region`` belongs to."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("us-iso-"):
        return "aws-iso"
    if region.startswith("us-isob-"):
        return "aws-iso-b"
    return "aws"


def url_suffix_of(region: str) -> str:
    """The DNS suffix of service endpoints in ``region``."""
    return "amazonaws.com.cn" if partition_of(region) == "aws-cn" else "amazonaws.com"
