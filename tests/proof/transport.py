"""An `httpx.MockTransport` that serves an emulator in-process and records every request."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import httpx

from servicehub_sdk.testing import EmulatedRequest

ORIGIN = "http://127.0.0.1:9"
"""Where the clients of these tests think the service is (nothing listens there)."""


def emulated(emulator: Any, recorded: list[httpx.Request]) -> httpx.MockTransport:
    """A transport answering from `emulator`, appending each request to `recorded`."""

    def handler(request: httpx.Request) -> httpx.Response:
        recorded.append(request)
        body = request.read()
        answer = emulator(
            EmulatedRequest(
                method=request.method,
                path=request.url.path,
                query=parse_qs(request.url.query.decode("ascii"), keep_blank_values=True),
                headers={k.lower(): v for k, v in request.headers.items()},
                body=body,
                raw_path=request.url.raw_path.decode("ascii"),
            )
        )
        return httpx.Response(answer.status, content=answer.body, headers=answer.headers)

    return httpx.MockTransport(handler)


def client_for(backend: Any, emulator: Any, mode: str, transport: httpx.MockTransport) -> Any:
    """A backend's sync or async client sending through `transport`."""
    http: httpx.Client | httpx.AsyncClient = (
        httpx.Client(transport=transport)
        if mode == "sync"
        else httpx.AsyncClient(transport=transport)
    )
    return backend.client(emulator, ORIGIN, mode, http_client=http, max_retries=0)
