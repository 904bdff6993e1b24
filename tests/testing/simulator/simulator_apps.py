"""Small CDK apps for the simulator tests: Provider-framework custom resources over the fixture handlers.

``build(outdir, record_file, version)`` synthesizes one version of the app:

- version 1: the core stacks (``SimCore``, ``SimConsumer`` importing its export, and the Stage
  ``Members`` in another account and Region) plus one stack per failure scenario;
- version 2: an update of ``SimCore`` (changed, replaced, removed, retained and added resources,
  new Lambda code);
- version 3: a failing update of ``SimCore`` (``Second`` refuses the Update).
"""

from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3_assets as s3_assets
from aws_cdk import custom_resources as cr

from constructs import Construct

HERE = Path(__file__).parent
HANDLERS = HERE / "fixture_handlers"
MEMBERS_CSV = HERE / "fixture_files" / "members.csv"

MANAGEMENT = cdk.Environment(account="111111111111", region="us-east-1")
MEMBER = cdk.Environment(account="222222222222", region="eu-west-2")
STATE_LIMIT_BLOB = 300 * 1024


def provider(
    scope: Construct,
    record_file: Path,
    *,
    with_is_complete: bool = True,
    query_interval: int = 10,
    total_timeout: int = 60,
    function_timeout: int = 30,
    code_version: str = "v1",
) -> cr.Provider:
    """A Provider over the fixture handlers; ``code_version`` changes the Lambda asset hash alone."""
    code = lambda_.Code.from_asset(
        str(HANDLERS),
        exclude=["__pycache__", "*.pyc"],
        asset_hash=f"sim-fixture-{code_version}",
        asset_hash_type=cdk.AssetHashType.CUSTOM,
    )
    environment = {
        "SIM_FIXTURE_RECORD": str(record_file),
        "SIM_FIXTURE_MARK": cdk.Fn.sub("${AWS::Region}-${AWS::AccountId}"),
    }

    def function(name: str, handler: str) -> lambda_.Function:
        return lambda_.Function(
            scope,
            name,
            runtime=lambda_.Runtime.PYTHON_3_12,
            handler=f"sim_fixture.handler.{handler}",
            code=code,
            timeout=cdk.Duration.seconds(function_timeout),
            memory_size=256,
            environment=environment,
        )

    if not with_is_complete:
        return cr.Provider(scope, "Provider", on_event_handler=function("OnEvent", "on_event"))
    return cr.Provider(
        scope,
        "Provider",
        on_event_handler=function("OnEvent", "on_event"),
        is_complete_handler=function("IsComplete", "is_complete"),
        query_interval=cdk.Duration.seconds(query_interval),
        total_timeout=cdk.Duration.seconds(total_timeout),
    )


def resource(
    scope: Construct, name: str, service: cr.Provider, removal: cdk.RemovalPolicy | None = None, **properties: object
) -> cdk.CustomResource:
    """A ``Custom::SimFixture`` resource with ``properties``."""
    return cdk.CustomResource(
        scope,
        name,
        service_token=service.service_token,
        resource_type="Custom::SimFixture",
        properties=properties,
        removal_policy=removal,
    )


def _core(app: cdk.App, record_file: Path, version: int) -> cdk.Stack:
    stack = cdk.Stack(app, "SimCore", env=MANAGEMENT)
    service = provider(stack, record_file, code_version="v1" if version == 1 else "v2")
    value = {1: "one", 2: "two", 3: "three"}[version]
    first = resource(
        stack,
        "First",
        service,
        Value=value,
        Number=3,
        Flag=True,
        Nested={"List": [1, True, "x"], "Deep": {"Ratio": 2.5}},
        Passes=3,
    )
    if version == 3:
        resource(stack, "AddedInV3", service, Value="new")
    members = s3_assets.Asset(stack, "MemberList", path=str(MEMBERS_CSV))
    second: dict[str, Any] = {
        "Value": cdk.Fn.join("-", [first.get_att_string("Echo"), "joined"]),
        "SubWithVariables": cdk.Fn.sub("${AWS::Region}/${Echo}/${!Literal}", {"Echo": first.get_att_string("Echo")}),
        # Only the Fn::Sub names First: the simulator must find the dependency there.
        "SubWithAttribute": cdk.Fn.sub("${AWS::AccountId}:${First.Echo}"),
        "Selected": cdk.Fn.select(1, cdk.Fn.split("/", cdk.Fn.sub("${AWS::Region}/${AWS::AccountId}"))),
        "MembersUrl": members.s3_object_url,
    }
    if version == 3:
        second["FailOnEvent"] = "Update"
    resource(stack, "Second", service, **second)
    resource(stack, "Static", service, Value="static")
    resource(stack, "Replace", service, Value="replace", PhysicalId="phys-a" if version == 1 else "phys-b")
    if version == 1:
        resource(stack, "Gone", service, Value="gone")
        resource(stack, "Kept", service, cdk.RemovalPolicy.RETAIN, Value="kept")
    else:
        resource(stack, "Added", service, Value="added")
    cdk.CfnOutput(stack, "StableOut", value=first.get_att_string("Stable"), export_name="SimCoreStable")
    return stack


def _scenarios(app: cdk.App, record_file: Path) -> None:
    def scenario(name: str, **provider_options: Any) -> tuple[cdk.Stack, cr.Provider]:
        stack = cdk.Stack(app, name, env=MANAGEMENT)
        return stack, provider(stack, record_file, **provider_options)

    stack, service = scenario("SimCreateFail")
    a = resource(stack, "A", service, Value="a")
    b = resource(stack, "B", service, Value=a.get_att_string("Echo"), FailOnEvent="Create")
    resource(stack, "C", service, Value=b.get_att_string("Echo"))

    stack, service = scenario("SimLateFail")
    resource(stack, "Late", service, Value="late", FailIsComplete="Create")

    stack, service = scenario("SimWaiterTimeout", query_interval=10, total_timeout=30)
    resource(stack, "Slow", service, Passes=100)

    stack, service = scenario("SimLambdaTimeout", with_is_complete=False, function_timeout=1)
    resource(stack, "Sleepy", service, SleepSeconds=5)

    stack, service = scenario("SimDataLimit", with_is_complete=False)
    resource(stack, "Big", service, DataBytes=5000)

    stack, service = scenario("SimStateLimit")
    resource(stack, "Huge", service, Blob="y" * STATE_LIMIT_BLOB)

    stack, service = scenario("SimServiceTimeout", query_interval=10, total_timeout=60)
    slow = resource(stack, "Overdue", service, Passes=3)  # answers after 20 s; CloudFormation waits 15 s
    slow.node.default_child.add_property_override("ServiceTimeout", 15)  # type: ignore[union-attr]

    stack, service = scenario("SimRealClock", query_interval=1, total_timeout=5)
    resource(stack, "Waits", service, Passes=2)


def build(outdir: Path, record_file: Path, version: int) -> Path:
    """Synthesize version ``version`` of the test app into ``outdir``."""
    app = cdk.App(outdir=str(outdir))
    core = _core(app, record_file, version)
    consumer = cdk.Stack(app, "SimConsumer", env=MANAGEMENT)
    consumer.add_stack_dependency(core)
    resource(
        consumer,
        "Consumer",
        provider(consumer, record_file, with_is_complete=False),
        Imported=cdk.Fn.import_value("SimCoreStable"),
    )
    stage = cdk.Stage(app, "Members", env=MEMBER)
    member = cdk.Stack(stage, "Member")
    resource(member, "MemberResource", provider(member, record_file, with_is_complete=False), Value="member")
    if version == 1:
        _scenarios(app, record_file)
    app.synth()
    return outdir
