"""Helpers that let one test body drive a sync or an async client."""

from __future__ import annotations

import inspect
from typing import Any

from servicehub_sdk.core import AsyncPager, Pager


async def resolve(value: Any) -> Any:
    """The value, awaited when it is awaitable (so sync and async calls read the same)."""
    if inspect.isawaitable(value):
        return await value
    return value


async def collect(pager: Any, limit: int | None = None) -> list[Any]:
    """All items of a `Pager` or `AsyncPager`."""
    if isinstance(pager, AsyncPager):
        return await pager.to_list(limit)
    assert isinstance(pager, Pager)
    return pager.to_list(limit)


async def close(client: Any) -> None:
    """Close a client, an httpx.Client or an httpx.AsyncClient."""
    closer = getattr(client, "aclose", None) or client.close
    await resolve(closer())
