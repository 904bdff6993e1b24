"""onEvent / isComplete handlers that record every event and fail, wait, or grow on request.

Behaviour comes from the resource properties (all strings, as CloudFormation delivers them):

- ``FailOnEvent`` / ``FailIsComplete``: comma-separated request types on which to raise.
- ``Passes``: how many isComplete passes until complete (counted per request in the record file).
- ``PhysicalId``: the physical resource ID to return from onEvent (Create and Update).
- ``SleepSeconds``: how long onEvent sleeps first (to overrun the function timeout).
- ``DataBytes``: size of an extra ``Data`` value (to overrun the response limit).

Each invocation appends one JSON line to the file named by the ``SIM_FIXTURE_RECORD`` variable.
"""

import json
import logging
import os
import time

LOGGER = logging.getLogger()
LOGGER.setLevel(logging.INFO)


def _record(kind, event, context):
    entry = {
        "kind": kind,
        "event": event,
        "module_file": __file__,
        "environment": dict(os.environ),
        "context": {
            "function_name": context.function_name,
            "invoked_function_arn": context.invoked_function_arn,
            "memory_limit_in_mb": context.memory_limit_in_mb,
            "aws_request_id": context.aws_request_id,
            "remaining_ms": context.get_remaining_time_in_millis(),
        },
    }
    with open(os.environ["SIM_FIXTURE_RECORD"], "a", encoding="utf-8") as record:
        record.write(json.dumps(entry) + "\n")


def _asked(properties, key, request_type):
    return request_type in properties.get(key, "").split(",")


def on_event(event, context):
    """Record the event; fail, sleep or answer as the properties ask."""
    _record("on_event", event, context)
    properties = event["ResourceProperties"]
    request_type = event["RequestType"]
    print(f"on_event {request_type} {event['LogicalResourceId']}")
    LOGGER.info("logged through the logging module")
    if "SleepSeconds" in properties and request_type == "Create":
        time.sleep(float(properties["SleepSeconds"]))
    if _asked(properties, "FailOnEvent", request_type):
        raise RuntimeError(f"on_event refused {request_type} of {event['LogicalResourceId']}")
    result = {"Data": {"Echo": properties.get("Value", ""), "Stable": "stable-value"}}
    if "DataBytes" in properties:
        result["Data"]["Big"] = "x" * int(properties["DataBytes"])
    if properties.get("PhysicalId") and request_type != "Delete":
        result["PhysicalResourceId"] = properties["PhysicalId"]
    return result


def is_complete(event, context):
    """Record the event; complete after ``Passes`` passes, or fail as asked."""
    _record("is_complete", event, context)
    properties = event["ResourceProperties"]
    request_type = event["RequestType"]
    if _asked(properties, "FailIsComplete", request_type):
        raise RuntimeError(f"is_complete refused {request_type} of {event['LogicalResourceId']}")
    with open(os.environ["SIM_FIXTURE_RECORD"], encoding="utf-8") as record:
        passes = sum(
            1
            for line in record
            if (entry := json.loads(line))["kind"] == "is_complete"
            and entry["event"]["RequestId"] == event["RequestId"]
        )
    if passes < int(properties.get("Passes", "1")):
        return {"IsComplete": False}
    return {"IsComplete": True, "Data": {"Passes": str(passes)}}
