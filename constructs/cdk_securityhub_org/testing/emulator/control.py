"""The control API under ``/_emulator/``, for users driving an emulator in another process (no SigV4).

====== ==================== ==========================================================================
method path                 effect
====== ==================== ==========================================================================
GET    /_emulator/state     the world's full state (JSON, as ``Emulator.dump``)
POST   /_emulator/state     replace the state with the JSON body (as ``Emulator.seed``)
GET    /_emulator/faults    the current ``FaultConfig`` as JSON
POST   /_emulator/faults    replace the fault settings with the JSON body (``FaultConfig`` fields)
GET    /_emulator/calls     ``{"calls": [...]}``; query filters account, region, service, operation,
                            writes_only=true
POST   /_emulator/reset-calls  empty the call log
====== ==================== ==========================================================================
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from cdk_securityhub_org.testing.emulator.faults import FaultConfig
from cdk_securityhub_org.testing.emulator.protocol import HttpRequest, Response

if TYPE_CHECKING:
    from cdk_securityhub_org.testing.emulator.server import Dispatcher

CONTROL_PREFIX = "/_emulator/"


def _json(status: int, payload: Any) -> Response:
    return Response(status, {"Content-Type": "application/json"}, json.dumps(payload).encode())


class ControlApi:
    """Serves the control endpoints for one dispatcher."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self._dispatcher = dispatcher

    def handle(self, request: HttpRequest) -> Response:
        endpoint = request.path.removeprefix(CONTROL_PREFIX).strip("/")
        dispatcher = self._dispatcher
        try:
            match request.method, endpoint:
                case "GET", "state":
                    return _json(200, dispatcher.world.to_dict())
                case "POST", "state":
                    dispatcher.world.load(json.loads(request.body))
                    return _json(200, {"ok": True})
                case "GET", "faults":
                    return _json(200, dispatcher.injector.config.to_dict())
                case "POST", "faults":
                    dispatcher.set_faults(FaultConfig.from_dict(json.loads(request.body or b"{}")))
                    return _json(200, {"ok": True})
                case "GET", "calls":
                    query = {k: v[-1] for k, v in request.query_params.items()}
                    records = dispatcher.calls.select(
                        account=query.get("account"),
                        region=query.get("region"),
                        service=query.get("service"),
                        operation=query.get("operation"),
                        writes_only=query.get("writes_only", "").lower() == "true",
                    )
                    return _json(200, {"calls": [r.to_dict() for r in records]})
                case "POST", "reset-calls":
                    dispatcher.calls.reset()
                    return _json(200, {"ok": True})
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            # Malformed JSON, unknown fault settings, or a state document that is not a dump.
            return _json(400, {"error": f"{type(error).__name__}: {error}"})
        return _json(404, {"error": f"no control endpoint {request.method} {request.path}"})
