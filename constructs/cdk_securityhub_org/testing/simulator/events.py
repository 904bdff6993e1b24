"""EventBridge's part for a synthesized assembly: find the rules whose target is a drift-repair function, and invoke
each function with its rule's input, as EventBridge would, in a fresh Lambda-like process."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdk_securityhub_org.cloud_assembly.assembly import CloudAssembly, StackArtifact
from cdk_securityhub_org.handler.registry import DRIFT_REPAIR_HANDLER
from cdk_securityhub_org.testing.simulator.lambda_runtime import Invocation, LambdaFunction, LambdaRuntime


@dataclass(frozen=True)
class RuleTarget:
    """An EventBridge rule of a synthesized stack whose target is a drift-repair function of that stack."""

    stack: StackArtifact
    rule_id: str
    rule: dict[str, Any]
    function: LambdaFunction

    @property
    def scheduled(self) -> bool:
        return "ScheduleExpression" in self.rule["Properties"]

    def inputs(self) -> Iterator[dict[str, Any]]:
        for target in self.rule["Properties"]["Targets"]:
            yield json.loads(target["Input"])


def repair_rules(assembly: str | Path, stacks: Sequence[str] | None = None) -> list[RuleTarget]:
    """The drift-repair rules of the assembly's stacks (all, or those matching the globs in ``stacks``)."""
    found = []
    for stack in CloudAssembly.read(assembly).select(stacks, widen="dependencies", exclusively=True):
        resources = stack.load_template()["Resources"]
        for rule_id, rule in resources.items():
            if rule["Type"] != "AWS::Events::Rule":
                continue
            for target in rule["Properties"].get("Targets", []):
                arn = target.get("Arn")
                logical_id = arn["Fn::GetAtt"][0] if isinstance(arn, dict) and "Fn::GetAtt" in arn else None
                function = resources.get(logical_id or "", {})
                if function.get("Properties", {}).get("Handler") == DRIFT_REPAIR_HANDLER:
                    found.append(RuleTarget(stack, rule_id, rule, _lambda_function(stack, str(logical_id), function)))
    return found


def fire(rules: Sequence[RuleTarget], endpoint_url: str) -> list[Invocation]:
    """EventBridge's part: invoke each rule's function with the rule's input, in a fresh Lambda-like process."""
    runtime = LambdaRuntime(endpoint_url)
    return [runtime.invoke(rule.function, event) for rule in rules for event in rule.inputs()]


def _lambda_function(stack: StackArtifact, logical_id: str, function: dict[str, Any]) -> LambdaFunction:
    properties = function["Properties"]
    code = stack.code_directory(properties["Code"]["S3Key"])
    if code is None:
        raise ValueError(f"{stack.display_name}/{logical_id}: its code asset is not in the assembly")
    return LambdaFunction(
        name=logical_id,
        arn=f"arn:aws:lambda:{stack.region}:{stack.account}:function:{logical_id}",
        handler=properties["Handler"],
        runtime=properties["Runtime"],
        code_directory=code,
        environment=dict(properties.get("Environment", {}).get("Variables", {})),
        timeout_seconds=int(properties.get("Timeout", 3)),
        memory_mb=int(properties.get("MemorySize", 128)),
        account=stack.account,
        region=stack.region,
    )
