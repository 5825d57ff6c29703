"""A small threaded HTTP/1.1 server on 127.0.0.1 that serves emulator apps.

An emulator app is any callable taking an `EmulatedRequest` and returning an
`EmulatedResponse`. The server adds what real networks do to clients: fault injection
(`Faults`) and request counting, so reliability tests can prove what the client did.

It uses only the standard library, so the sandbox has no web framework to install.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from ._faults import (
    Drop,
    Faults,
    Malformed,
    Reply,
)

if TYPE_CHECKING:
    from ..core._clock import Clock
    from ._transport import EmulatorTransport

__all__ = [
    "App",
    "EmulatedRequest",
    "EmulatedResponse",
    "EmulatorServer",
    "RequestCounts",
    "answer",
]


@dataclass
class EmulatedRequest:
    """A request as an emulator sees it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes
    raw_path: str = ""

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)

    def arg(self, name: str, default: str | None = None) -> str | None:
        """The first value of a query parameter."""
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    def form(self) -> dict[str, str]:
        """The body as `application/x-www-form-urlencoded` fields (first value each)."""
        parsed = parse_qs(self.body.decode("utf-8"), keep_blank_values=True)
        return {k: v[0] for k, v in parsed.items()}


@dataclass
class EmulatedResponse:
    """A response an emulator returns."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(
        cls, data: Any, status: int = 200, headers: Mapping[str, str] | None = None
    ) -> EmulatedResponse:
        return cls(
            status,
            json.dumps(data).encode("utf-8"),
            {"Content-Type": "application/json", **(headers or {})},
        )

    @classmethod
    def text(
        cls, text: str, status: int = 200, content_type: str = "text/plain; charset=utf-8"
    ) -> EmulatedResponse:
        return cls(status, text.encode("utf-8"), {"Content-Type": content_type})

    @classmethod
    def empty(cls, status: int = 204, headers: Mapping[str, str] | None = None) -> EmulatedResponse:
        return cls(status, b"", dict(headers or {}))


App = Callable[[EmulatedRequest], EmulatedResponse]


def answer(
    app: App, faults: Faults, request: EmulatedRequest
) -> tuple[float, Callable[[], EmulatedResponse | None]]:
    """How an emulator answers `request` under `faults`: the seconds that pass first, and
    what produces the answer then (`None`: the connection is dropped without one).

    Shared by the loopback server and the in-process transport, so both fail alike.
    """
    fault = faults.pick(request)
    if isinstance(fault, Drop):
        return fault.delay, lambda: None
    if isinstance(fault, Reply):
        reply = EmulatedResponse(fault.status, fault.body, dict(fault.headers))
        return fault.delay, lambda: reply
    if isinstance(fault, Malformed):
        malformed = EmulatedResponse(fault.status, fault.body, {"Content-Type": fault.content_type})
        return fault.delay, lambda: malformed
    return (fault.delay if fault is not None else 0.0), lambda: _call(app, request)


def _call(app: App, request: EmulatedRequest) -> EmulatedResponse:
    try:
        return app(request)
    except Exception as exc:  # an emulator bug must show up as a 500, not a hang
        return EmulatedResponse.json(
            {"error": "emulator_failure", "message": f"{type(exc).__name__}: {exc}"}, 500
        )


class RequestCounts:
    """How many requests arrived, by method and path (thread-safe)."""

    def __init__(self) -> None:
        self._counts: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()

    def add(self, request: EmulatedRequest) -> None:
        with self._lock:
            self._counts[(request.method, request.path)] += 1

    def __call__(self, method: str | None = None, path: str | None = None) -> int:
        """How many arrived, optionally only those of `method` and `path`."""
        with self._lock:
            items = list(self._counts.items())
        return sum(
            n
            for (m, p), n in items
            if (method is None or m == method) and (path is None or p == path)
        )

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # One buffered write per response and no Nagle delay: without these, small responses
    # wait on delayed ACKs (~40 ms each).
    disable_nagle_algorithm = True
    wbufsize = 64 * 1024
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        body = self._read_body()
        parts = urlsplit(self.path)
        request = EmulatedRequest(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            raw_path=self.path,
        )
        server = self.server
        server.requests.add(request)
        delay, produce = answer(server.app, server.faults, request)
        if delay:
            time.sleep(delay)
        response = produce()
        if response is None:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send(response)

    def _send(self, response: EmulatedResponse) -> None:
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, app: App, faults: Faults, requests: RequestCounts, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.app = app
        self.faults = faults
        self.requests = requests


class EmulatorServer:
    """Serve one emulator app on 127.0.0.1 on a free port, in a background thread.

    ```python
    with EmulatorServer(app) as server:
        httpx.get(server.url + "/ping")
    ```

    For tests that are not about the network itself, `EmulatorTransport` serves the same app
    in-process, with the same faults, much faster; `transport()` gives one that shares this
    server's faults and counts.

    Attributes:
        faults: the server's `Faults`; add rules at any time.
        url: `http://127.0.0.1:<port>` once started.
    """

    def __init__(self, app: App, *, faults: Faults | None = None, port: int = 0) -> None:
        self.app = app
        self.faults = faults or Faults()
        self.port = port
        self.counts = RequestCounts()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the server is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def requests(self, method: str | None = None, path: str | None = None) -> int:
        """How many requests arrived (faulted ones included), optionally by method and path."""
        return self.counts(method, path)

    def reset_counts(self) -> None:
        self.counts.clear()

    def transport(self, *, clock: Clock | None = None) -> EmulatorTransport:
        """An in-process transport to the same app, sharing this server's faults and counts."""
        from ._transport import EmulatorTransport

        return EmulatorTransport(self.app, faults=self.faults, counts=self.counts, clock=clock)

    def start(self) -> EmulatorServer:
        if self._server is not None:
            return self
        self._server = _Server(self.app, self.faults, self.counts, self.port)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"emulator-{self._server.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
