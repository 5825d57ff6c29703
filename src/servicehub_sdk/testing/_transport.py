"""`EmulatorTransport`: an emulator app served in-process to httpx clients, faults included.

```python
emulator = SupportCenterEmulator(seed=1)
with FakeClock(), EmulatorTransport(emulator) as served:
    served.faults.add([Reply(503), Drop()], path="/api/v3/")
    client = SupportCenterClient(
        **emulator.client_config(served.url), http_client=served.client()
    )
```

No socket, no thread: a request goes straight to the app's handler. Faults behave as on the
loopback `EmulatorServer`: `Reply` and `Malformed` answer instead of the app, `Drop` is a
connection closed without an answer (`httpx.RemoteProtocolError`, after the request was
sent), and a `delay` is waited on the clock (`FakeClock`: instantly) — or, when it is longer
than the request's read timeout (or the SDK attempt's deadline), the clock moves on by that
timeout and the request fails with `httpx.ReadTimeout`, after the app has handled it, as a
real server that answers too late does.

Keep `EmulatorServer` for tests about the network itself: connection reuse, stalls that
trickle bytes, deadlines enforced on real sockets.
"""

from __future__ import annotations

import itertools
from typing import Any, Self
from urllib.parse import parse_qs

import httpx

from ..core._clock import Clock, current_clock
from ..core._deadline import remaining
from ._faults import Faults
from ._server import App, EmulatedRequest, EmulatedResponse, RequestCounts, answer

__all__ = ["IN_PROCESS_URL", "EmulatorTransport"]

IN_PROCESS_URL = "http://127.0.0.1:9"
"""The base URL of an in-process emulator unless told another: a loopback address (so the
SDK's "https or loopback" rules accept it) on a port where nothing listens, so a request that
does not go through the transport fails loudly instead of reaching something else."""

# Privileged ports other than the usual services': no test server listens there.
_PORTS = itertools.cycle(p for p in range(9, 1024) if p not in {22, 25, 53, 80, 111, 443, 631})


class EmulatorTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Serve `app` to `httpx.Client(transport=...)` and `httpx.AsyncClient(transport=...)`.

    It quacks like a started `EmulatorServer` (`url`, `faults`, `requests()`,
    `reset_counts()`, a context manager), so fixtures can swap one for the other.

    Args:
        app: the emulator app (any `EmulatedRequest -> EmulatedResponse` callable).
        faults: the fault rules (new, empty ones by default).
        counts: where requests are counted (shared with an `EmulatorServer`).
        clock: where delays are waited: the clock installed when the transport is created
            (`FakeClock`), else the real one.
        url: the base URL clients are configured with (requests to any URL reach the app):
            `IN_PROCESS_URL`, or with `unique=True` another loopback port of its own, for
            tests that route several emulators by origin.
    """

    def __init__(
        self,
        app: App,
        *,
        faults: Faults | None = None,
        counts: RequestCounts | None = None,
        clock: Clock | None = None,
        url: str | None = None,
        unique: bool = False,
    ) -> None:
        self.app = app
        self.faults = faults or Faults()
        self.counts = counts or RequestCounts()
        self.clock = clock or current_clock()
        if url is None:
            url = f"http://127.0.0.1:{next(_PORTS)}" if unique else IN_PROCESS_URL
        self.url = url

    # -- what tests read and set, as on EmulatorServer ---------------------------------------

    def requests(self, method: str | None = None, path: str | None = None) -> int:
        """How many requests arrived (faulted ones included), optionally by method and path."""
        return self.counts(method, path)

    def reset_counts(self) -> None:
        self.counts.clear()

    def client(self, **settings: Any) -> httpx.Client:
        """An `httpx.Client` sending through this transport (`settings`: httpx's)."""
        return httpx.Client(transport=self, **settings)

    def async_client(self, **settings: Any) -> httpx.AsyncClient:
        """An `httpx.AsyncClient` sending through this transport (`settings`: httpx's)."""
        return httpx.AsyncClient(transport=self, **settings)

    def http_client(self, mode: str) -> httpx.Client | httpx.AsyncClient:
        """`client()` for `mode` "sync", `async_client()` for "async"."""
        return self.client() if mode == "sync" else self.async_client()

    def start(self) -> Self:
        return self

    def stop(self) -> None:
        pass

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        pass

    # -- httpx's transport interface ---------------------------------------------------------

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        emulated = _emulated(request, request.read())
        self.counts.add(emulated)
        delay, produce = answer(self.app, self.faults, emulated)
        limit = self._time_limit(request)
        if delay and limit is not None and delay >= limit:
            self.clock.sleep(limit)
            produce()  # the server still handles it; the client stopped waiting
            raise httpx.ReadTimeout("timed out (emulated)", request=request)
        if delay:
            self.clock.sleep(delay)
        return _response(request, produce())

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        emulated = _emulated(request, await request.aread())
        self.counts.add(emulated)
        delay, produce = answer(self.app, self.faults, emulated)
        limit = self._time_limit(request)
        if delay and limit is not None and delay >= limit:
            await self.clock.async_sleep(limit)
            produce()
            raise httpx.ReadTimeout("timed out (emulated)", request=request)
        if delay:
            await self.clock.async_sleep(delay)
        return _response(request, produce())

    def close(self) -> None:
        pass

    async def aclose(self) -> None:
        pass

    def _time_limit(self, request: httpx.Request) -> float | None:
        """How long the client waits for the answer: the request's read timeout, and no
        longer than what remains of the SDK attempt's deadline."""
        timeouts = request.extensions.get("timeout") or {}
        limits = [t for t in (timeouts.get("read"), remaining()) if t is not None]
        return min(limits) if limits else None

    def __repr__(self) -> str:
        return f"EmulatorTransport({type(self.app).__name__})"


def _emulated(request: httpx.Request, body: bytes) -> EmulatedRequest:
    """`request` as the loopback server would hand it to the app (the path still encoded)."""
    raw = request.url.raw_path.decode("ascii")
    path, _, query = raw.partition("?")
    return EmulatedRequest(
        method=request.method,
        path=path,
        query=parse_qs(query, keep_blank_values=True),
        headers={k.lower(): v for k, v in request.headers.items()},
        body=body,
        raw_path=raw,
    )


def _response(request: httpx.Request, reply: EmulatedResponse | None) -> httpx.Response:
    if reply is None:  # Drop: the connection closes after the request was sent
        raise httpx.RemoteProtocolError(
            "Server disconnected without sending a response.", request=request
        )
    body = b"" if request.method == "HEAD" else reply.body
    headers = {k: v for k, v in reply.headers.items() if k.lower() != "content-length"}
    return httpx.Response(reply.status, headers=headers, content=body, request=request)
