"""The entry point: deploy and destroy a synthesized cloud assembly against an AWS endpoint (the emulator)."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Sequence
from pathlib import Path

from cdk_securityhub_org.cloud_assembly.assembly import CloudAssembly, StackArtifact
from cdk_securityhub_org.cloud_assembly.errors import TemplateError
from cdk_securityhub_org.cloud_assembly.partitions import partition_of
from cdk_securityhub_org.testing.simulator.assets import AssetUploader, Boto3Uploader, publish
from cdk_securityhub_org.testing.simulator.clock import ClockKind, make_clock
from cdk_securityhub_org.testing.simulator.lambda_runtime import LambdaRuntime
from cdk_securityhub_org.testing.simulator.provider_framework import ProviderFramework, WaiterPolicy
from cdk_securityhub_org.testing.simulator.results import DeployResult, Failure, StackResult
from cdk_securityhub_org.testing.simulator.stack_engine import StackEngine
from cdk_securityhub_org.testing.simulator.state import SimulatorState, StackState

CDK_DEFAULT_QUERY_INTERVAL_SECONDS = 5.0
CDK_DEFAULT_TOTAL_TIMEOUT_SECONDS = 1800.0

_UPDATABLE = frozenset({"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE"})
_DEPLOYED = frozenset({"CREATE_COMPLETE", "UPDATE_COMPLETE"})


class CloudFormationSimulator:
    """Deploys cloud assemblies like CloudFormation plus the CDK Provider framework, running the real handlers.

    ``endpoint_url`` is where handlers (and asset uploads) send their AWS calls; without it, asset
    uploads are skipped and handlers get an endpoint that refuses connections, so that nothing can
    reach real AWS. ``query_interval_seconds`` and ``total_timeout_seconds`` are used only when a
    Provider's waiter settings cannot be read from its template. With ``clock="simulated"`` the
    waiter does not sleep: a simulated clock advances by each interval and each handler's run time.
    """

    def __init__(
        self,
        endpoint_url: str | None = None,
        *,
        query_interval_seconds: float = CDK_DEFAULT_QUERY_INTERVAL_SECONDS,
        total_timeout_seconds: float = CDK_DEFAULT_TOTAL_TIMEOUT_SECONDS,
        clock: ClockKind = "simulated",
        state: SimulatorState | None = None,
        asset_uploader: AssetUploader | None = None,
        python: str = sys.executable,
    ) -> None:
        self.endpoint_url = endpoint_url
        self.state = state if state is not None else SimulatorState()
        """Every deployed stack; :meth:`SimulatorState.save` / ``load`` carry it across processes."""
        self._clock = make_clock(clock)
        self._runtime = LambdaRuntime(endpoint_url, python)
        self._default_waiter = WaiterPolicy.from_totals(query_interval_seconds, total_timeout_seconds)
        self._uploader = asset_uploader or (Boto3Uploader(endpoint_url) if endpoint_url else None)

    def deploy(
        self,
        assembly: str | Path,
        stacks: Sequence[str] | None = None,
        *,
        exclusively: bool = False,
        force_custom_resource_updates: bool = False,
    ) -> DeployResult:
        """Create or update the stacks of ``assembly`` (all, or those matching the globs in ``stacks``).

        Stacks go in dependency order, each after its ``file`` assets are published; like the CDK CLI,
        the selection includes the stacks it depends on unless ``exclusively``, and the deploy stops
        at the first stack that fails.

        ``force_custom_resource_updates`` sends every deployed custom resource an Update even when its
        properties did not change (CloudFormation would send nothing): the way to run a reconcile pass
        over an unchanged declaration, as a re-deploy with a changed nonce property would.
        """
        result = DeployResult()
        for artifact in CloudAssembly.read(assembly).select(stacks, widen="dependencies", exclusively=exclusively):
            if not self._deploy_stack(artifact, result, force_custom_resource_updates):
                break
        return result

    def destroy(
        self, assembly: str | Path, stacks: Sequence[str] | None = None, *, exclusively: bool = False
    ) -> DeployResult:
        """Delete the stacks of ``assembly`` in reverse dependency order (with their dependents unless ``exclusively``)."""
        result = DeployResult()
        selected = CloudAssembly.read(assembly).select(stacks, widen="dependents", exclusively=exclusively)
        for artifact in reversed(selected):
            stack = self.state.stacks.get(artifact.key)
            if stack is None:
                continue  # never deployed, or already gone
            deleted = self._engine(stack, artifact, result).delete()
            if deleted:
                del self.state.stacks[artifact.key]
            self._report(artifact, stack, result)
            if not deleted:
                break
        return result

    def _deploy_stack(self, artifact: StackArtifact, result: DeployResult, force_updates: bool = False) -> bool:
        try:
            result.asset_uploads.extend(publish(artifact, self._uploader))
        except Exception as error:  # any upload failure stops the deploy, as in `cdk deploy`
            result.failures.append(Failure(artifact.stack_name, "assets", f"Failed to publish asset: {error}"))
            return False
        template = artifact.load_template()
        stack = self.state.stacks.get(artifact.key)
        if stack is not None and stack.status == "ROLLBACK_COMPLETE":
            # A stack whose creation rolled back cannot be updated; the CDK CLI deletes it and starts over.
            self._engine(stack, artifact, result).delete()
            del self.state.stacks[artifact.key]
            stack = None
        if stack is not None and stack.status not in _UPDATABLE:
            reason = f"Stack:{stack.stack_id} is in {stack.status} state and can not be updated."
            result.failures.append(Failure(artifact.stack_name, artifact.stack_name, reason))
            self._report(artifact, stack, result)
            return False
        if stack is not None and stack.template == template and not force_updates:
            self._report(artifact, stack, result)  # no changes: CloudFormation does nothing at all
            return True
        creating = stack is None
        if stack is None:
            stack = StackState(
                stack_name=artifact.stack_name,
                display_name=artifact.display_name,
                account=artifact.account,
                region=artifact.region,
                stack_id=(
                    f"arn:{partition_of(artifact.region)}:cloudformation:{artifact.region}:{artifact.account}:"
                    f"stack/{artifact.stack_name}/{uuid.uuid4()}"
                ),
                status="REVIEW_IN_PROGRESS",
            )
            self.state.stacks[artifact.key] = stack
        engine = self._engine(stack, artifact, result, force_updates)
        try:
            engine.create(template) if creating else engine.update(template)
        except TemplateError as error:
            result.failures.append(Failure(artifact.stack_name, artifact.stack_name, f"ValidationError: {error}"))
            if creating:
                del self.state.stacks[artifact.key]
                stack.status = "VALIDATION_FAILED"
            self._report(artifact, stack, result)
            return False
        self._report(artifact, stack, result)
        return stack.status in _DEPLOYED

    def _engine(
        self, stack: StackState, artifact: StackArtifact, result: DeployResult, force_updates: bool = False
    ) -> StackEngine:
        return StackEngine(
            world=self.state,
            stack=stack,
            framework=ProviderFramework(self._runtime, self._clock, self.state, self._default_waiter),
            clock=self._clock,
            result=result,
            code_directory=artifact.code_directory,
            force_custom_resource_updates=force_updates,
        )

    @staticmethod
    def _report(artifact: StackArtifact, stack: StackState, result: DeployResult) -> None:
        result.stacks[artifact.display_name] = StackResult(
            stack_name=stack.stack_name,
            display_name=artifact.display_name,
            account=stack.account,
            region=stack.region,
            status=stack.status,
            outputs={name: output.value for name, output in stack.outputs.items()},
        )
