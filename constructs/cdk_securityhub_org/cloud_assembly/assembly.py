"""Reading a synthesized cloud assembly: stacks, their environments and dependencies, and file assets.

Only the parts of the cloud-assembly schema that a deploy needs are read: stack artifacts
(``aws:cloudformation:stack``), nested assemblies (``cdk:cloud-assembly``, one per ``Stage``), and
each stack's asset manifest (``<stack>.assets.json``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Literal

from cdk_securityhub_org.cloud_assembly.errors import AssemblyError
from cdk_securityhub_org.cloud_assembly.graph import CycleError, closure, dependency_order
from cdk_securityhub_org.cloud_assembly.partitions import partition_of

STACK_ARTIFACT = "aws:cloudformation:stack"
NESTED_ASSEMBLY_ARTIFACT = "cdk:cloud-assembly"


@dataclass(frozen=True)
class AssetDestination:
    """Where the CDK CLI would publish a file asset (placeholders already substituted)."""

    bucket_name: str
    object_key: str
    region: str


@dataclass(frozen=True)
class FileAsset:
    """One file asset of a stack: a directory (``zip``, e.g. Lambda code) or a single ``file``."""

    asset_id: str
    display_name: str
    source_path: Path
    packaging: Literal["zip", "file"]
    destinations: tuple[AssetDestination, ...]


@dataclass(frozen=True)
class StackArtifact:
    """A stack to deploy, as the manifest describes it."""

    artifact_id: str
    stack_name: str
    display_name: str
    account: str
    region: str
    template_path: Path
    dependencies: tuple[str, ...]
    assets: tuple[FileAsset, ...]

    @property
    def key(self) -> str:
        """CloudFormation identifies a stack by name within an account and Region."""
        return stack_key(self.account, self.region, self.stack_name)

    def load_template(self) -> dict[str, Any]:
        """The synthesized template."""
        try:
            template: dict[str, Any] = json.loads(self.template_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise AssemblyError(f"cannot read template of {self.display_name}: {error}") from error
        return template

    def code_directory(self, object_key: str) -> Path | None:
        """The local directory of the ``zip`` asset published under ``object_key`` (a Lambda ``Code.S3Key``).

        The directory is what the CLI would zip and upload; Lambda unpacks it into ``/var/task``, so
        running the code from this directory runs exactly the synthesized asset.
        """
        for asset in self.assets:
            if asset.packaging == "zip" and any(d.object_key == object_key for d in asset.destinations):
                return asset.source_path
        return None


def stack_key(account: str, region: str, stack_name: str) -> str:
    """The identity of a stack in the simulator's state."""
    return f"{account}/{region}/{stack_name}"


@dataclass(frozen=True)
class CloudAssembly:
    """All stacks of an app (nested Stage assemblies flattened), in dependency order."""

    directory: Path
    stacks: tuple[StackArtifact, ...]

    @classmethod
    def read(cls, directory: str | Path) -> CloudAssembly:
        """Read ``directory`` (a ``cdk.out``) and every nested assembly below it."""
        root = Path(directory).resolve()
        found: list[StackArtifact] = []
        _read_manifest(root, found)
        by_id = {stack.artifact_id: stack for stack in found}
        if len(by_id) != len(found):
            raise AssemblyError(f"duplicate stack artifact ids in {root}")
        try:
            order = dependency_order(
                [stack.artifact_id for stack in found],
                {stack.artifact_id: stack.dependencies for stack in found},
            )
        except CycleError as error:
            raise AssemblyError(f"stack dependencies: {error}") from error
        return cls(directory=root, stacks=tuple(by_id[artifact_id] for artifact_id in order))

    def select(
        self,
        patterns: Sequence[str] | None,
        *,
        widen: Literal["dependencies", "dependents"],
        exclusively: bool = False,
    ) -> list[StackArtifact]:
        """The stacks matching any glob in ``patterns`` (all stacks when ``None``), in dependency order.

        Patterns match the hierarchical display name (``Stage/Stack``), the stack name, or the artifact
        id. Like the CDK CLI, a deploy also takes the stacks the selection depends on and a destroy the
        stacks that depend on it, unless ``exclusively`` is set.
        """
        if not patterns:
            return list(self.stacks)
        chosen = {
            stack.artifact_id
            for stack in self.stacks
            if any(
                fnmatchcase(name, pattern)
                for pattern in patterns
                for name in (stack.display_name, stack.stack_name, stack.artifact_id)
            )
        }
        if not chosen:
            names = ", ".join(stack.display_name for stack in self.stacks)
            raise AssemblyError(f"no stack matches {list(patterns)}; the assembly has: {names}")
        if not exclusively:
            upstream = {stack.artifact_id: stack.dependencies for stack in self.stacks}
            downstream: dict[str, list[str]] = {stack.artifact_id: [] for stack in self.stacks}
            for stack in self.stacks:
                for dependency in stack.dependencies:
                    downstream.setdefault(dependency, []).append(stack.artifact_id)
            chosen = closure(chosen, upstream if widen == "dependencies" else downstream)
        return [stack for stack in self.stacks if stack.artifact_id in chosen]


def _read_manifest(directory: Path, found: list[StackArtifact]) -> None:
    manifest = _load_json(directory / "manifest.json")
    artifacts: Mapping[str, Any] = manifest.get("artifacts", {})
    stack_ids = {aid for aid, artifact in artifacts.items() if artifact.get("type") == STACK_ARTIFACT}
    for artifact_id, artifact in artifacts.items():
        kind = artifact.get("type")
        properties = artifact.get("properties", {})
        if kind == NESTED_ASSEMBLY_ARTIFACT:
            _read_manifest(directory / properties["directoryName"], found)
        elif kind == STACK_ARTIFACT:
            found.append(_stack_artifact(directory, artifact_id, artifact, artifacts, stack_ids))


def _stack_artifact(
    directory: Path,
    artifact_id: str,
    artifact: Mapping[str, Any],
    artifacts: Mapping[str, Any],
    stack_ids: set[str],
) -> StackArtifact:
    properties = artifact.get("properties", {})
    account, region = _parse_environment(artifact_id, artifact.get("environment", ""))
    assets: tuple[FileAsset, ...] = ()
    for dependency in artifact.get("dependencies", []):
        dependency_artifact = artifacts.get(dependency, {})
        if dependency_artifact.get("type") == "cdk:asset-manifest":
            asset_file = directory / dependency_artifact["properties"]["file"]
            assets += _read_assets(asset_file, account, region)
    return StackArtifact(
        artifact_id=artifact_id,
        stack_name=properties.get("stackName", artifact_id),
        display_name=artifact.get("displayName", artifact_id),
        account=account,
        region=region,
        template_path=directory / properties["templateFile"],
        # Only stack-to-stack edges order deploys; asset manifests are published with their stack.
        dependencies=tuple(dep for dep in artifact.get("dependencies", []) if dep in stack_ids),
        assets=assets,
    )


def _parse_environment(artifact_id: str, environment: str) -> tuple[str, str]:
    prefix = "aws://"
    parts = environment[len(prefix) :].split("/") if environment.startswith(prefix) else []
    if len(parts) != 2 or parts[0].startswith("unknown-") or parts[1].startswith("unknown-"):
        raise AssemblyError(
            f"stack {artifact_id} has environment {environment!r}: the simulator needs a concrete "
            "account and Region (give the stack env=Environment(account=..., region=...))"
        )
    return parts[0], parts[1]


def _read_assets(asset_file: Path, account: str, region: str) -> tuple[FileAsset, ...]:
    manifest = _load_json(asset_file)
    placeholders = {
        "${AWS::AccountId}": account,
        "${AWS::Region}": region,
        "${AWS::Partition}": partition_of(region),
    }

    def substitute(text: str) -> str:
        for placeholder, value in placeholders.items():
            text = text.replace(placeholder, value)
        return text

    assets = []
    for asset_id, entry in manifest.get("files", {}).items():
        source = entry.get("source", {})
        packaging = source.get("packaging", "file")
        if packaging not in ("zip", "file") or "path" not in source:
            raise AssemblyError(f"asset {asset_id} in {asset_file.name}: unsupported source {source}")
        destinations = tuple(
            AssetDestination(
                bucket_name=substitute(dest["bucketName"]),
                object_key=substitute(dest["objectKey"]),
                region=substitute(dest.get("region", region)),
            )
            for dest in entry.get("destinations", {}).values()
        )
        assets.append(
            FileAsset(
                asset_id=asset_id,
                display_name=entry.get("displayName", asset_id),
                source_path=(asset_file.parent / source["path"]).resolve(),
                packaging=packaging,
                destinations=destinations,
            )
        )
    return tuple(assets)


def _load_json(path: Path) -> dict[str, Any]:
    try:
        loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise AssemblyError(f"cannot read {path}: {error}") from error
    return loaded
