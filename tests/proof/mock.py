"""Clients over an in-memory `httpx.MockTransport`: a handler answers, nothing is sent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from servicehub_sdk.core import RetryPolicy

ORIGIN = "http://127.0.0.1:9"
NO_WAIT = RetryPolicy(max_retries=2, backoff_base=0.0, backoff_cap=0.0)
"""Retries without any back-off: nothing sleeps."""

Handler = Callable[[httpx.Request], httpx.Response]


def http_client(mode: str, handler: Handler) -> httpx.Client | httpx.AsyncClient:
    transport = httpx.MockTransport(handler)
    if mode == "sync":
        return httpx.Client(transport=transport)
    return httpx.AsyncClient(transport=transport)


def supportcenter(mode: str, handler: Handler, **settings: Any) -> Any:
    """A SupportCenter Plus client of `mode` answered by `handler`."""
    from servicehub_sdk.supportcenter import AsyncSupportCenterClient, SupportCenterClient

    cls = SupportCenterClient if mode == "sync" else AsyncSupportCenterClient
    settings.setdefault("base_url", ORIGIN)
    settings.setdefault("api_key", "TECHKEY-0123456789abcdef")
    return cls(http_client=http_client(mode, handler), **settings)
