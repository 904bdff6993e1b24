"""The subprocess Lambda runtime: isolation, errors as Lambda reports them, and the asset check."""

from pathlib import Path
from textwrap import dedent

import pytest
from cdk_securityhub_org.testing.simulator.lambda_runtime import LambdaFunction, LambdaRuntime

HANDLER_MODULE = dedent(
    """
    import os, sys, time

    def environment(event, context):
        return {"environment": dict(os.environ), "path": sys.path, "memory": context.memory_limit_in_mb,
                "remaining": context.get_remaining_time_in_millis(), "event": event}

    def fail(event, context):
        print("about to fail")
        raise ValueError("nope: " + event["why"])

    def unserializable(event, context):
        return {"when": object()}

    def exit_hard(event, context):
        os._exit(3)

    def import_yaml(event, context):
        import yaml
        return "unreachable"

    def import_boto3(event, context):
        import boto3
        return boto3.__name__
    """
)


@pytest.fixture
def asset(tmp_path: Path) -> Path:
    directory = tmp_path / "asset.abc"
    (directory / "pkg").mkdir(parents=True)
    (directory / "pkg" / "__init__.py").write_text("")
    (directory / "pkg" / "handlers.py").write_text(HANDLER_MODULE)
    # A module that the runner has already imported from the standard library: it must not silently run that one.
    (directory / "json.py").write_text("def handler(event, context):\n    return 'shadowed'\n")
    return directory


def function(asset: Path, handler: str, timeout: int = 10) -> LambdaFunction:
    return LambdaFunction(
        name="Stack-Fn-ABC",
        arn="arn:aws:lambda:eu-west-1:123456789012:function:Stack-Fn-ABC",
        handler=handler,
        runtime="python3.12",
        code_directory=asset,
        environment={"OWN": "value"},
        timeout_seconds=timeout,
        memory_mb=512,
        account="123456789012",
        region="eu-west-1",
    )


def test_environment_is_lambdas_not_the_callers(asset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "developer")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "leaked")
    run = LambdaRuntime("http://emulator:4566").invoke(function(asset, "pkg.handlers.environment"), {"a": [1]})
    assert run.ok, run.error
    environment = run.payload["environment"]
    assert "AWS_PROFILE" not in environment and "AWS_SESSION_TOKEN" not in environment
    assert environment["OWN"] == "value"
    assert environment["AWS_ACCESS_KEY_ID"] == "123456789012"
    assert environment["AWS_ENDPOINT_URL"] == "http://emulator:4566"
    assert run.payload["path"][0] == str(asset)
    assert run.payload["memory"] == "512"
    assert 9000 < run.payload["remaining"] <= 10_000
    assert run.payload["event"] == {"a": [1]}


def test_without_an_endpoint_nothing_can_reach_aws(asset: Path) -> None:
    run = LambdaRuntime(None).invoke(function(asset, "pkg.handlers.environment"), {})
    assert run.payload["environment"]["AWS_ENDPOINT_URL"] == "http://127.0.0.1:9"


def test_a_raised_error_is_reported_and_logged(asset: Path) -> None:
    run = LambdaRuntime(None).invoke(function(asset, "pkg.handlers.fail"), {"why": "testing"})
    assert run.error is not None
    assert (run.error.error_type, run.error.message) == ("ValueError", "nope: testing")
    assert "about to fail" in run.log_lines
    assert any(line.startswith("[ERROR] ValueError: nope: testing") for line in run.log_lines)
    assert run.log_lines[-1].startswith("REPORT RequestId: ")


@pytest.mark.parametrize(
    ("handler", "error_type", "message"),
    [
        ("pkg.handlers.unserializable", "Runtime.MarshalError", "Unable to marshal response"),
        ("pkg.handlers.exit_hard", "Runtime.ExitError", "Runtime exited with error: exit status 3"),
        ("pkg.handlers.missing", "Runtime.HandlerNotFound", "Handler 'missing' missing on module 'pkg.handlers'"),
        ("nothere.handler", "Runtime.ImportModuleError", "Unable to import module 'nothere'"),
        # Only boto3 and its dependencies come with the Lambda runtime, not the simulator's packages.
        ("pkg.handlers.import_yaml", "ModuleNotFoundError", "No module named 'yaml'"),
        ("json.handler", "Simulator.AssetMismatch", "not from the asset directory"),
    ],
)
def test_failures_look_like_lambdas(asset: Path, handler: str, error_type: str, message: str) -> None:
    run = LambdaRuntime(None).invoke(function(asset, handler), {})
    assert run.error is not None
    assert run.error.error_type == error_type
    assert message in run.error.message


def test_boto3_is_available_as_in_the_lambda_runtime(asset: Path) -> None:
    run = LambdaRuntime(None).invoke(function(asset, "pkg.handlers.import_boto3"), {})
    assert run.payload == "boto3", run.error


def test_running_leaves_no_bytecode_in_the_asset(asset: Path) -> None:
    LambdaRuntime(None).invoke(function(asset, "pkg.handlers.environment"), {})
    assert not list(asset.rglob("__pycache__"))
