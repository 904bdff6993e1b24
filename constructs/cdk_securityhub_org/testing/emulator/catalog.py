"""The emulator's catalog of Security Hub security standards and security controls.

A standard is keyed by its Region-independent part (``aws-foundational-security-best-practices/v/1.0.0``);
its ARN carries the Region (``arn:aws:securityhub:eu-west-1::standards/...``), except CIS v1.2.0, whose
``ruleset`` ARN has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Standard:
    key: str
    name: str
    enabled_by_default: bool = False

    def arn(self, region: str) -> str:
        if self.key.startswith("cis-aws-foundations-benchmark/v/1.2.0"):
            return f"arn:aws:securityhub:::ruleset/{self.key}"
        return f"arn:aws:securityhub:{region}::standards/{self.key}"

    def subscription_arn(self, account: str, region: str) -> str:
        return f"arn:aws:securityhub:{region}:{account}:subscription/{self.key}"


STANDARDS = {
    s.key: s
    for s in (
        Standard("aws-foundational-security-best-practices/v/1.0.0", "AWS Foundational Security Best Practices", True),
        Standard("cis-aws-foundations-benchmark/v/1.2.0", "CIS AWS Foundations Benchmark v1.2.0", True),
        Standard("cis-aws-foundations-benchmark/v/1.4.0", "CIS AWS Foundations Benchmark v1.4.0"),
        Standard("cis-aws-foundations-benchmark/v/3.0.0", "CIS AWS Foundations Benchmark v3.0.0"),
        Standard("nist-800-53/v/5.0.0", "NIST Special Publication 800-53 Revision 5"),
        Standard("pci-dss/v/3.2.1", "PCI DSS v3.2.1"),
        Standard("aws-resource-tagging-standard/v/1.0.0", "AWS Resource Tagging Standard"),
    )
}
"""The standards the emulator knows, by key."""

DEFAULT_STANDARDS = tuple(key for key, s in STANDARDS.items() if s.enabled_by_default)

SECURITY_CONTROLS = {
    "Account.1": ("Security contact information should be provided for an AWS account", "MEDIUM"),
    "ACM.1": ("Imported and ACM-issued certificates should be renewed after a specified time period", "MEDIUM"),
    "CloudTrail.1": ("CloudTrail should be enabled and configured with at least one multi-Region trail", "HIGH"),
    "CloudTrail.2": ("CloudTrail should have encryption at-rest enabled", "MEDIUM"),
    "Config.1": ("AWS Config should be enabled and use the service-linked role for resource recording", "MEDIUM"),
    "EC2.2": ("VPC default security groups should not allow inbound or outbound traffic", "HIGH"),
    "EC2.8": ("EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)", "HIGH"),
    "GuardDuty.1": ("GuardDuty should be enabled", "HIGH"),
    "IAM.1": ("IAM policies should not allow full administrative privileges", "HIGH"),
    "IAM.6": ("Hardware MFA should be enabled for the root user", "CRITICAL"),
    "IAM.7": ("Password policies for IAM users should have strong configurations", "LOW"),
    "KMS.4": ("AWS KMS key rotation should be enabled", "MEDIUM"),
    "Lambda.1": ("Lambda function policies should prohibit public access", "CRITICAL"),
    "RDS.3": ("RDS DB instances should have encryption at-rest enabled", "MEDIUM"),
    "S3.1": ("S3 general purpose buckets should have block public access settings enabled", "MEDIUM"),
    "S3.8": ("S3 general purpose buckets should block public access", "HIGH"),
}
"""The security controls the emulator knows: ID -> (title, severity)."""

CONTROL_PARAMETERS: dict[str, dict[str, tuple[str, Any]]] = {
    "ACM.1": {"daysToExpiration": ("Integer", 30)},
    "IAM.7": {
        "MinimumPasswordLength": ("Integer", 8),
        "MaxPasswordAge": ("Integer", 90),
        "RequireSymbols": ("Boolean", True),
    },
}
"""The parameters of the controls that take any: control ID -> parameter name -> (value type, default value),
the value type being the member of ``ParameterValue`` that carries it (Security Hub API reference,
"ParameterConfiguration")."""


def standard_for_arn(arn: str, region: str) -> Standard | None:
    """The standard whose ARN in ``region`` is ``arn`` (None: unknown, or an ARN of another Region)."""
    return next((s for s in STANDARDS.values() if s.arn(region) == arn), None)


def check_policy(policy: object, home_region: str) -> None:
    """Raise ``ValueError`` naming what is wrong with a ``Policy`` union (``{"SecurityHub": {...}}``) and how to
    fix it; identifiers of standards must be their ARNs in the home Region.
    """
    # Security Hub user guide, "How configuration policies work": a policy is a complete specification of
    # the service, its standards and its controls. The error text for a missing part is the real API's
    # (terraform-provider-aws issue 36739).
    if not isinstance(policy, dict) or set(policy) != {"SecurityHub"} or not isinstance(policy["SecurityHub"], dict):
        raise ValueError('ConfigurationPolicy must be {"SecurityHub": {...}}')
    settings = policy["SecurityHub"]
    enabled = settings.get("ServiceEnabled")
    if not isinstance(enabled, bool):
        raise ValueError("ConfigurationPolicy.SecurityHub.ServiceEnabled is required (true or false)")
    standards = settings.get("EnabledStandardIdentifiers")
    controls = settings.get("SecurityControlsConfiguration")
    if not enabled:
        # The documentation is silent on a disabling policy that lists standards; the emulator refuses it.
        if standards or controls:
            raise ValueError(
                "Enabled standards and security control configurations must not be configured when Security Hub "
                "is disabled: leave EnabledStandardIdentifiers and SecurityControlsConfiguration out"
            )
        return
    if standards is None or controls is None:
        raise ValueError(
            "Enabled standards and security control configurations must be configured when Security Hub is enabled"
        )
    for arn in standards:
        if standard_for_arn(arn, home_region) is None:
            known = ", ".join(s.arn(home_region) for s in STANDARDS.values())
            raise ValueError(f"{arn} is not a standard ARN in the home Region {home_region}; use one of {known}")
    lists = [
        key for key in ("EnabledSecurityControlIdentifiers", "DisabledSecurityControlIdentifiers") if key in controls
    ]
    if len(lists) != 1:
        raise ValueError(
            "SecurityControlsConfiguration needs exactly one of EnabledSecurityControlIdentifiers (every other "
            f"control disabled) or DisabledSecurityControlIdentifiers (every other control enabled); got {lists or 'none'}"
        )
    named = list(controls[lists[0]]) + [
        p.get("SecurityControlId") for p in controls.get("SecurityControlCustomParameters", [])
    ]
    unknown = sorted({str(c) for c in named if c not in SECURITY_CONTROLS})
    if unknown:
        raise ValueError(f"Unknown security control IDs {', '.join(unknown)}; see ListSecurityControlDefinitions")
