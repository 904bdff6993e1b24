"""A tiny path-style S3 stand-in that records what the simulator's asset upload sends."""

import re
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_CREDENTIAL = re.compile(r"Credential=([^/]+)/")


@dataclass(frozen=True)
class StubRequest:
    """One request: method, path-style path, the access key ID it was signed with, and its body."""

    method: str
    path: str
    access_key: str
    body: bytes


class S3Stub:
    """Answers every PUT with 200 and remembers it; ``url`` is the endpoint to give the simulator."""

    def __init__(self) -> None:
        self.requests: list[StubRequest] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_PUT(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                match = _CREDENTIAL.search(self.headers.get("Authorization", ""))
                stub.requests.append(StubRequest("PUT", self.path, match.group(1) if match else "", body))
                self.send_response(200)
                self.send_header("ETag", '"stub"')
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()
