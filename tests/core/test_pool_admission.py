"""The connection pool of an async client the SDK creates: its limits, and the admission in
front of it that holds the calls beyond the pool's size back, in order, losing and repeating
none, cancelled or not. A client passed in is used exactly as given. In memory: a transport
that holds each request until the test lets it go, so what is in flight is counted, not timed.
"""

from __future__ import annotations

import asyncio
import select
import socket
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from servicehub_sdk.core import APITimeoutError, AsyncEngine, Call
from servicehub_sdk.core import _deadline as deadline
from servicehub_sdk.core._http import POOL_LIMITS
from tests.core.demo import AsyncDemoClient, DemoClient
from tests.helpers import close

BASE = "https://pool.example.test"
SIZE = 8
CALLS = 40


class Holding:
    """An async handler that records each request's `n` and holds it until `go` is set."""

    def __init__(self) -> None:
        self.go = asyncio.Event()
        self.inside: set[int] = set()
        self.most = 0
        self.seen: list[int] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        n = int(request.url.params["n"])
        self.seen.append(n)
        self.inside.add(n)
        self.most = max(self.most, len(self.inside))
        try:
            await self.go.wait()
        finally:
            self.inside.discard(n)
        return httpx.Response(200, json={"n": n})


def engine_over(handler: Callable[[httpx.Request], Any], *, owns: bool = True) -> AsyncEngine:
    """An engine as the SDK makes one for its own pool (`owns`), over an in-memory transport."""
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return AsyncEngine(http_client=http, owns_client=owns, base_url=BASE)


def read(n: int) -> Call[int]:
    return Call("GET", "/things", lambda r: int(r.json()["n"]), params={"n": n})


async def settle(condition: Callable[[], bool]) -> None:
    """Let the other tasks run until `condition` holds (a bounded number of turns)."""
    for _ in range(1_000):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("the tasks did not get there")


async def idle_turns(turns: int = 50) -> None:
    for _ in range(turns):
        await asyncio.sleep(0)


def test_the_sdks_async_pool_has_the_chosen_limits() -> None:
    client = AsyncDemoClient("http://127.0.0.1:9")
    pool = client._engine.http_client._transport._pool  # type: ignore[attr-defined]
    assert POOL_LIMITS.max_connections == SIZE
    assert pool._max_connections == SIZE
    assert pool._max_keepalive_connections == SIZE
    assert pool._keepalive_expiry == 5.0
    assert client._engine.admission is not None


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_users_client_keeps_its_limits_and_has_no_admission(mode: str) -> None:
    http = httpx.Client() if mode == "sync" else httpx.AsyncClient()
    pool = http._transport._pool  # type: ignore[attr-defined]
    before = (pool._max_connections, pool._max_keepalive_connections, pool._keepalive_expiry)
    cls = DemoClient if mode == "sync" else AsyncDemoClient
    client = cls("http://127.0.0.1:9", http_client=http)
    after = (pool._max_connections, pool._max_keepalive_connections, pool._keepalive_expiry)
    assert after == before == (100, 20, 5.0)  # httpx's own defaults, untouched
    assert getattr(client._engine, "admission", None) is None
    assert client._engine.http_client is http
    await close(client)
    await close(http)


async def test_admission_bounds_the_requests_in_the_pool_and_answers_each_once() -> None:
    holding = Holding()
    engine = engine_over(holding)
    tasks = [asyncio.create_task(engine.execute(read(n))) for n in range(CALLS)]
    await settle(lambda: len(holding.inside) == SIZE)
    await idle_turns()  # the others stay out while the pool is full
    assert len(holding.inside) == SIZE and len(holding.seen) == SIZE
    holding.go.set()
    assert await asyncio.gather(*tasks) == list(range(CALLS))
    assert holding.most == SIZE
    assert sorted(holding.seen) == list(range(CALLS))  # each sent once
    assert holding.seen[:SIZE] == list(range(SIZE))  # first come, first admitted
    await engine.close()


async def test_a_users_pool_is_not_held_back() -> None:
    holding = Holding()
    engine = engine_over(holding, owns=False)
    tasks = [asyncio.create_task(engine.execute(read(n))) for n in range(CALLS)]
    await settle(lambda: len(holding.inside) == CALLS)
    holding.go.set()
    await asyncio.gather(*tasks)
    assert holding.most == CALLS


async def test_cancelled_calls_give_their_place_back_and_nothing_is_lost_or_repeated() -> None:
    holding = Holding()
    engine = engine_over(holding)
    tasks = [asyncio.create_task(engine.execute(read(n))) for n in range(CALLS)]
    await settle(lambda: len(holding.inside) == SIZE)
    sent = set(holding.inside)
    cancelled_inside = sorted(sent)[:4]  # in the pool, waiting for their answer
    cancelled_waiting = [n for n in range(CALLS) if n not in sent][:10]  # held back
    for n in cancelled_inside + cancelled_waiting:
        tasks[n].cancel()
    # Four places came free: four of the waiting calls go in, never more than the size.
    await settle(lambda: len(holding.seen) == SIZE + 4)
    await idle_turns()
    assert len(holding.inside) == SIZE and len(holding.seen) == SIZE + 4
    holding.go.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    cancelled = set(cancelled_inside + cancelled_waiting)
    for n, result in enumerate(results):
        if n in cancelled:
            assert isinstance(result, asyncio.CancelledError), (n, result)
        else:
            assert result == n
    assert holding.most == SIZE
    assert sorted(holding.seen) == sorted(set(range(CALLS)) - set(cancelled_waiting))
    assert len(holding.seen) == len(set(holding.seen))  # none sent twice

    # No place was lost or made up: the pool fills to exactly its size again.
    again = Holding()
    engine.http_client._transport = httpx.MockTransport(again)
    more = [asyncio.create_task(engine.execute(read(n))) for n in range(CALLS)]
    await settle(lambda: len(again.inside) == SIZE)
    await idle_turns()
    assert len(again.inside) == SIZE
    again.go.set()
    assert await asyncio.gather(*more) == list(range(CALLS))
    await engine.close()


async def test_a_call_held_back_past_its_pool_timeout_is_a_timeout_never_sent() -> None:
    holding = Holding()
    engine = engine_over(holding)
    tasks = [asyncio.create_task(engine.execute(read(n))) for n in range(SIZE)]
    await settle(lambda: len(holding.inside) == SIZE)
    impatient = {"timeout": httpx.Timeout(5.0, pool=0.0), "max_retries": 0}
    with pytest.raises(APITimeoutError, match="never sent") as caught:
        await engine.execute(read(99), impatient)
    assert caught.value.may_have_been_applied is False
    assert 99 not in holding.seen
    holding.go.set()
    assert await asyncio.gather(*tasks) == list(range(SIZE))
    await engine.close()


async def test_with_options_copies_share_the_admission() -> None:
    client = AsyncDemoClient("http://127.0.0.1:9")
    patient = client.with_options(timeout=60)
    assert patient._engine.admission is client._engine.admission
    await close(client)


def test_an_idle_connection_the_server_wrote_to_or_closed_is_not_reused() -> None:
    """What httpcore asks of every idle connection before reusing it, answered from the
    socket directly on the SDK's own pool."""

    class Stream:
        def __init__(self, sock: socket.socket | None) -> None:
            self.sock = sock

        def get_extra_info(self, info: str) -> Any:
            if info == "socket":
                return self.sock
            return "asked the stream" if info == "is_readable" else None

    ours, theirs = socket.socketpair()
    try:
        stream = deadline._AsyncStream(Stream(ours))  # type: ignore[arg-type]
        assert stream.get_extra_info("is_readable") is False
        theirs.send(b"x")
        assert select.select([ours], [], [], 1)[0]
        assert stream.get_extra_info("is_readable") is True
        ours.recv(1)
        theirs.close()
        assert stream.get_extra_info("is_readable") is True  # closed by the server
        ours.close()
        assert stream.get_extra_info("is_readable") is True  # no descriptor left
    finally:
        ours.close()
        theirs.close()
    without_socket = deadline._AsyncStream(Stream(None))  # type: ignore[arg-type]
    assert without_socket.get_extra_info("is_readable") == "asked the stream"
