"""Replacing the delegated administrator under CENTRAL configuration: the documented procedure, told at synth (by
``SecurityHubOrganization``) and at deploy (when AWS refuses the removal), kept apart from the replacement logic."""

from __future__ import annotations

from ...engine.result import Issue, RegionResult

# Security Hub user guide, "Understanding central configuration" and "Stopping central configuration": under
# central configuration the administrator cannot be changed or removed through the Security Hub API; removing it
# through Organizations deletes every policy and association, so the procedure goes through LOCAL instead.
CENTRAL_REPLACEMENT_PROCEDURE = (
    "under CENTRAL configuration Security Hub cannot change the delegated administrator. Replace it in three"
    " deploys: (1) declare configuration_type=LOCAL (the associations and the owned configuration policies are"
    " removed, then central configuration stops); (2) declare the new administrator with allow_replace=True;"
    " (3) declare configuration_type=CENTRAL and the policies again, from the new administrator's stack"
)


def explain_central_refusals(results: list[RegionResult]) -> None:
    """Where AWS refused to remove the administrator because central configuration is in effect, say how to
    replace it instead of only repeating the refusal."""
    for result in results:
        result.failed = [
            Issue(issue.subject, f"{issue.reason}; {CENTRAL_REPLACEMENT_PROCEDURE}", issue.retryable)
            if "central configuration" in issue.reason.lower()
            else issue
            for issue in result.failed
        ]
