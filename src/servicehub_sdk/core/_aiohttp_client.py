"""An `httpx.AsyncClient` that sends through aiohttp, for large async fan-outs (extra `aiohttp`).

httpx's own async connection pool costs more per request the more requests it holds
(encode/httpx#3215). An async client the SDK creates keeps it small — 8 connections, with
the calls beyond 8 waiting their turn — so that its throughput holds as concurrency grows.
For more calls in flight at once (a slow server, a large fan-out), pass an `AiohttpClient`:
it keeps httpx's API — the SDK and your event hooks see ordinary `httpx.Request` and
`httpx.Response` objects — and hands the connections to aiohttp through the maintained
`httpx-aiohttp` transport (the one openai-python offers as its `aiohttp` extra). It is never
chosen for you: the SDK behaves the same whether aiohttp is installed or not.

```python
from servicehub_sdk.core import AiohttpClient

async with AiohttpClient() as http, AsyncCECenterClient(..., http_client=http) as cec:
    await asyncio.gather(*(cec.service_tickets.get(i) for i in ids))
```

The client you pass is yours, used as given (the SDK's pool settings and admission apply only to
pools it creates): close it (`async with`) after the SDK clients that use it. Sync clients do
not need it: httpx's blocking pool loses far less under a thread fan-out.
"""

from __future__ import annotations

from typing import Any

import httpx

from ._extras import require_extra

require_extra("aiohttp", "httpx_aiohttp", "aiohttp", feature="AiohttpClient")

from httpx_aiohttp import HttpxAiohttpClient  # noqa: E402  (after the extra is checked)

__all__ = ["AiohttpClient"]

DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=100)


class AiohttpClient(HttpxAiohttpClient):
    """`httpx.AsyncClient` over aiohttp; pass it as `http_client=` to any async client.

    Args:
        limits: connection limits (default 100 connections, all kept alive).
        **kwargs: anything `httpx.AsyncClient` takes (`timeout`, `event_hooks`, `verify`, …).
    """

    def __init__(self, *, limits: httpx.Limits = DEFAULT_LIMITS, **kwargs: Any) -> None:
        super().__init__(limits=limits, **kwargs)
