"""Helpers that let one test body drive a sync or an async client, and serve emulators
in-process."""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from servicehub_sdk.core import AsyncPager, Pager
from servicehub_sdk.testing import EmulatorTransport


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


def in_threads(count: int, work: Callable[[], Any]) -> list[BaseException]:
    """Run `work()` in `count` threads released together; the errors they raised."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run() -> None:
        barrier.wait()
        try:
            work()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def route_in_process(monkeypatch: pytest.MonkeyPatch, transport: EmulatorTransport) -> None:
    """Until the test ends, every `httpx.Client`/`httpx.AsyncClient` created (the SDK's own
    included) sends requests for `transport.url`'s origin through `transport`, in-process."""
    origin = str(httpx.URL(transport.url).copy_with(path="/", query=None)).rstrip("/")
    for cls in (httpx.Client, httpx.AsyncClient):
        original = cls.__init__

        def init(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> None:
            mounts = dict(kwargs.pop("mounts", None) or {})
            mounts.setdefault(origin, transport)
            _original(self, *args, mounts=mounts, **kwargs)

        monkeypatch.setattr(cls, "__init__", init)
