"""Wire protocols, driven by botocore's service models: request routing and parsing, response and error
serialization for rest-json (Security Hub), json 1.1 (Organizations), query (STS) and rest-xml (S3).

Models are loaded once per process (``service_model``); loading them per request would cost more than the
request itself.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, unquote
from xml.sax.saxutils import escape

import botocore.session
from botocore.model import OperationModel, ServiceModel, Shape

from cdk_securityhub_org.testing.emulator.base import ServiceError

_model_lock = threading.Lock()


@functools.cache
def _botocore_session() -> botocore.session.Session:
    return botocore.session.get_session()


def service_model(name: str) -> ServiceModel:
    """The botocore model of a service, loaded once (thread-safe)."""
    with _model_lock:
        return _cached_model(name)


@functools.cache
def _cached_model(name: str) -> ServiceModel:
    return _botocore_session().get_service_model(name)


@dataclass
class HttpRequest:
    """An HTTP request as received; header names are lower-cased."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes

    @functools.cached_property
    def query_params(self) -> dict[str, list[str]]:
        return parse_qs(self.query, keep_blank_values=True)


@dataclass
class Response:
    """An HTTP response ready to be written."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@functools.lru_cache(maxsize=1 << 16)
def iso8601(epoch: float) -> str:
    """``2024-05-01T12:00:00.000Z``: the timestamp format of Security Hub's JSON.

    Cached: the same record timestamps are serialized again on every page of every pass.
    """
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


Writer = Callable[[Any], Any]


def to_wire(shape: Shape, value: Any, default_timestamp_format: str) -> Any:
    """Convert a handler's result to the JSON the model describes (timestamps are epoch floats inside the
    emulator). Keys the model does not know are a programming error: a real client would drop them."""
    writer = _writer(shape, default_timestamp_format)
    return value if writer is None else writer(value)


@functools.cache
def _writer(shape: Shape, default_timestamp_format: str) -> Writer | None:
    """A converter compiled once per output shape (None: the value is already its JSON form)."""
    kind = shape.type_name
    if kind == "structure":
        return _structure_writer(shape, default_timestamp_format)
    if kind in ("list", "map"):
        item = _writer(shape.member if kind == "list" else shape.value, default_timestamp_format)
        return None if item is None else _container_writer(kind, item)
    if kind == "timestamp" and shape.serialization.get("timestampFormat", default_timestamp_format) == "iso8601":
        return iso8601
    return None


def _container_writer(kind: str, item: Writer) -> Writer:
    if kind == "list":
        return lambda values: [item(v) for v in values]
    return lambda values: {k: item(v) for k, v in values.items()}


def _structure_writer(shape: Shape, default_timestamp_format: str) -> Writer:
    members: dict[str, tuple[str, Writer | None]] | None = None

    def write(value: dict[str, Any]) -> dict[str, Any]:
        nonlocal members
        if members is None:
            # Built on first use, not while compiling, so that recursive shapes do not recurse forever;
            # assigned whole, so a concurrent first call never sees half a table.
            members = {
                key: (member.serialization.get("name", key), _writer(member, default_timestamp_format))
                for key, member in shape.members.items()
            }
        table = members
        out = {}
        for key, item in value.items():
            if item is None:
                continue
            entry = table.get(key)
            if entry is None:
                raise ValueError(f"{shape.name} has no member {key}")
            wire, writer = entry
            out[wire] = item if writer is None else writer(item)
        return out

    return write


def _scalar(shape: Shape, raw: str) -> Any:
    """A value from a URI, query string or header, typed by its shape."""
    kind = shape.type_name
    try:
        if kind in ("integer", "long"):
            return int(raw)
        if kind in ("float", "double"):
            return float(raw)
    except ValueError as error:
        raise ServiceError("SerializationException", f"{shape.name}: {raw!r} is not a number", 400) from error
    if kind == "boolean":
        return raw.lower() == "true"
    return raw


@dataclass(frozen=True)
class _Route:
    operation: OperationModel
    pattern: re.Pattern[str]
    labels: tuple[str, ...]
    fixed_query: tuple[tuple[str, str | None], ...]
    required_query: tuple[str, ...]
    required_headers: tuple[str, ...]

    def specificity(self) -> tuple[int, int]:
        # More constraints first (S3: GET /{Bucket}/{Key+}?acl before GetObject), then longer literals.
        constraints = len(self.fixed_query) + len(self.required_query) + len(self.required_headers)
        return (-constraints, -len(self.pattern.pattern))


class RestRouter:
    """Finds the operation of a REST request from the model's ``requestUri`` templates.

    Templates carry ``{Label}`` (one segment) and ``{Label+}`` (greedy) path parameters, and possibly a fixed
    query part (``?list-type=2``, ``?acl``). Operations sharing a method and path are told apart by the fixed
    query part and by required query-string and header members.
    """

    def __init__(self, model: ServiceModel) -> None:
        self._routes: dict[str, list[_Route]] = {}
        for name in model.operation_names:
            operation = model.operation_model(name)
            route = self._compile(operation)
            self._routes.setdefault(operation.http["method"], []).append(route)
        for routes in self._routes.values():
            routes.sort(key=_Route.specificity)

    @staticmethod
    def _compile(operation: OperationModel) -> _Route:
        path, _, fixed = operation.http["requestUri"].partition("?")
        labels: list[str] = []
        regex = ""
        for literal, label in re.findall(r"([^{]*)(?:\{([^}]+)\})?", path):
            regex += re.escape(literal)
            if label:
                greedy = label.endswith("+")
                labels.append(label.rstrip("+"))
                regex += f"(?P<g{len(labels)}>{'.+' if greedy else '[^/]+'})"
        fixed_query = tuple(
            (key, value if sep else None) for key, sep, value in (p.partition("=") for p in fixed.split("&") if p)
        )
        required_query: list[str] = []
        required_headers: list[str] = []
        shape = operation.input_shape
        if shape is not None:
            for name in shape.required_members:
                member = shape.members[name]
                location = member.serialization.get("location")
                wire = member.serialization.get("name", name)
                if location == "querystring":
                    required_query.append(wire)
                elif location == "header":
                    required_headers.append(wire.lower())
        return _Route(
            operation,
            re.compile(regex + "/?"),
            tuple(labels),
            fixed_query,
            tuple(required_query),
            tuple(required_headers),
        )

    def match(self, request: HttpRequest) -> tuple[OperationModel, dict[str, str]] | None:
        """The operation and its (decoded) path parameters, or None when nothing matches."""
        query = request.query_params
        for route in self._routes.get(request.method, []):
            found = route.pattern.fullmatch(request.path)
            if found is None:
                continue
            if any(k not in query or (v is not None and v not in query[k]) for k, v in route.fixed_query):
                continue
            if any(k not in query for k in route.required_query):
                continue
            if any(h not in request.headers for h in route.required_headers):
                continue
            params = {label: unquote(found.group(f"g{i}")) for i, label in enumerate(route.labels, 1)}
            return route.operation, params
        return None


def parse_rest_input(
    operation: OperationModel, path_params: dict[str, str], request: HttpRequest, *, json_body: bool
) -> dict[str, Any]:
    """The operation's input from URI, query string, headers and body, keyed by member name.

    With ``json_body`` the body is a JSON object holding the members that have no location; otherwise a blob
    payload member (S3 ``PutObject.Body``) receives the raw body.
    """
    shape = operation.input_shape
    if shape is None:
        return {}
    body: dict[str, Any] = {}
    if json_body and request.body:
        try:
            body = json.loads(request.body)
        except ValueError as error:
            raise ServiceError("SerializationException", "The request body is not valid JSON", 400) from error
        if not isinstance(body, dict):
            raise ServiceError("SerializationException", "The request body must be a JSON object", 400)
    payload = shape.serialization.get("payload")
    params: dict[str, Any] = {}
    query = request.query_params
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire = member.serialization.get("name", name)
        if location == "uri":
            if wire in path_params:
                params[name] = _scalar(member, path_params[wire])
        elif location == "querystring":
            if wire in query:
                values = query[wire]
                is_list = member.type_name == "list"
                params[name] = [_scalar(member.member, v) for v in values] if is_list else _scalar(member, values[0])
        elif location == "header":
            if wire.lower() in request.headers:
                params[name] = _scalar(member, request.headers[wire.lower()])
        elif name == payload and member.type_name == "blob":
            params[name] = request.body
        elif json_body and wire in body:
            params[name] = body[wire]
    return params


class Codec(ABC):
    """Decodes requests and encodes answers for one service's protocol."""

    def __init__(self, service: str) -> None:
        self.model = service_model(service)

    @abstractmethod
    def decode(self, request: HttpRequest) -> tuple[str, dict[str, Any]]:
        """The operation name and its input; raises ``ServiceError`` (with the operation name when known)."""

    @abstractmethod
    def encode(self, operation: str, result: Any, request_id: str) -> Response:
        """A successful answer."""

    @abstractmethod
    def encode_error(self, error: ServiceError, request_id: str) -> Response:
        """An error answer."""

    def status_of(self, error: ServiceError) -> int:
        """The explicit status, else the error shape's ``httpStatusCode`` in the model, else 400."""
        if error.status is not None:
            return error.status
        if error.code in self.model.shape_names:
            return int(self.model.shape_for(error.code).metadata.get("error", {}).get("httpStatusCode", 400))
        return 400

    def unknown_route(self, request: HttpRequest) -> ServiceError:
        return ServiceError(
            "InvalidAction", f"No {self.model.service_name} operation matches {request.method} {request.path}", 400
        )


class _RestCodec(Codec):
    """The REST protocols route by method, URI and query; ``json_body`` says whether the body is JSON."""

    json_body: bool

    def __init__(self, service: str) -> None:
        super().__init__(service)
        self._router = RestRouter(self.model)

    def decode(self, request: HttpRequest) -> tuple[str, dict[str, Any]]:
        matched = self._router.match(request)
        if matched is None:
            raise self.unknown_route(request)
        operation, path_params = matched
        return operation.name, parse_rest_input(operation, path_params, request, json_body=self.json_body)


class RestJsonCodec(_RestCodec):
    """rest-json (Security Hub): route by method and URI; errors in ``x-amzn-ErrorType`` and the body."""

    json_body = True

    def encode(self, operation: str, result: Any, request_id: str) -> Response:
        model = self.model.operation_model(operation)
        body = to_wire(model.output_shape, result, "unixTimestamp") if model.output_shape else {}
        return Response(
            model.http.get("responseCode", 200),
            {"Content-Type": "application/json", "x-amzn-RequestId": request_id},
            json.dumps(body).encode(),
        )

    def encode_error(self, error: ServiceError, request_id: str) -> Response:
        return Response(
            self.status_of(error),
            {"Content-Type": "application/json", "x-amzn-ErrorType": error.code, "x-amzn-RequestId": request_id},
            json.dumps({"Message": error.message, "Code": error.code}).encode(),
        )


class JsonCodec(Codec):
    """JSON 1.1 (Organizations): the operation is in ``X-Amz-Target``; errors carry ``__type``."""

    content_type = "application/x-amz-json-1.1"

    def decode(self, request: HttpRequest) -> tuple[str, dict[str, Any]]:
        prefix, _, name = request.headers.get("x-amz-target", "").partition(".")
        if prefix != self.model.metadata.get("targetPrefix") or name not in self.model.operation_names:
            raise ServiceError("UnknownOperationException", f"Unknown operation {name or '(none)'}", 400)
        try:
            params = json.loads(request.body or b"{}")
        except ValueError as error:
            raise ServiceError("SerializationException", "The request body is not valid JSON", 400) from error
        return name, params

    def encode(self, operation: str, result: Any, request_id: str) -> Response:
        model = self.model.operation_model(operation)
        body = to_wire(model.output_shape, result or {}, "unixTimestamp") if model.output_shape else {}
        return Response(
            200, {"Content-Type": self.content_type, "x-amzn-RequestId": request_id}, json.dumps(body).encode()
        )

    def encode_error(self, error: ServiceError, request_id: str) -> Response:
        return Response(
            self.status_of(error),
            {"Content-Type": self.content_type, "x-amzn-RequestId": request_id},
            json.dumps(
                {"__type": error.code, "Message": error.message, **({"Reason": error.reason} if error.reason else {})}
            ).encode(),
        )


def _xml_members(shape: Shape, value: Any) -> str:
    """Query-protocol XML of a value (structures, lists as ``<member>``, scalars)."""
    kind = shape.type_name
    if kind == "structure":
        members = shape.members
        parts = []
        for key, item in value.items():
            if item is not None:
                tag = members[key].serialization.get("name", key)
                parts.append(f"<{tag}>{_xml_members(members[key], item)}</{tag}>")
        return "".join(parts)
    if kind == "list":
        return "".join(f"<member>{_xml_members(shape.member, v)}</member>" for v in value)
    if kind == "timestamp":
        return iso8601(value)
    if kind == "boolean":
        return "true" if value else "false"
    return escape(str(value))


class QueryCodec(Codec):
    """query (STS): form-encoded ``Action``; XML answers wrapped in ``<OpResponse><OpResult>``."""

    def decode(self, request: HttpRequest) -> tuple[str, dict[str, Any]]:
        form = parse_qs(request.body.decode(errors="replace")) if request.body else request.query_params
        action = (form.get("Action") or [""])[0]
        if action not in self.model.operation_names:
            raise ServiceError("InvalidAction", f"Could not find operation {action or '(none)'}", 400)
        params = {k: v[0] for k, v in form.items() if k not in ("Action", "Version")}
        return action, params

    def encode(self, operation: str, result: Any, request_id: str) -> Response:
        model = self.model.operation_model(operation)
        namespace = self.model.metadata.get("xmlNamespace", "")
        inner = _xml_members(model.output_shape, result) if model.output_shape else ""
        wrapper = model.output_shape.serialization.get("resultWrapper") if model.output_shape else None
        if wrapper:
            inner = f"<{wrapper}>{inner}</{wrapper}>"
        body = (
            f'<{operation}Response xmlns="{namespace}">{inner}'
            f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{operation}Response>"
        )
        return Response(200, {"Content-Type": "text/xml", "x-amzn-RequestId": request_id}, body.encode())

    def encode_error(self, error: ServiceError, request_id: str) -> Response:
        namespace = self.model.metadata.get("xmlNamespace", "")
        status = self.status_of(error)
        kind = "Receiver" if status >= 500 else "Sender"
        body = (
            f'<ErrorResponse xmlns="{namespace}"><Error><Type>{kind}</Type><Code>{escape(error.code)}</Code>'
            f"<Message>{escape(error.message)}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
        )
        return Response(status, {"Content-Type": "text/xml", "x-amzn-RequestId": request_id}, body.encode())


@dataclass
class RawResult:
    """A handler's complete answer, for protocols whose results live in headers and raw bodies (S3)."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


class RestXmlCodec(_RestCodec):
    """rest-xml (S3, path-style addressing): route by method, URI and query; handlers answer ``RawResult``."""

    json_body = False

    def encode(self, operation: str, result: Any, request_id: str) -> Response:
        headers = {"x-amz-request-id": request_id, **result.headers}
        return Response(result.status, headers, result.body)

    def encode_error(self, error: ServiceError, request_id: str) -> Response:
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{escape(error.code)}</Code>'
            f"<Message>{escape(error.message)}</Message><RequestId>{request_id}</RequestId></Error>"
        )
        return Response(
            self.status_of(error),
            {"Content-Type": "application/xml", "x-amz-request-id": request_id},
            body.encode(),
        )
