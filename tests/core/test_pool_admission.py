"""The connection pool of an async client the SDK creates: its slots of one connection each,
one request in each at a time, and the requests beyond the slots held back, in order, losing
and repeating none, cancelled or not. A client passed in is used exactly as given. In memory:
every slot's pool is replaced by one that holds each request until the test lets it go, so
what is in flight is counted, not timed.
"""

from __future__ import annotations

import asyncio
import json
import select
import socket
from collections.abc import Callable
from typing import Any

import httpcore
import httpx
import pytest

from servicehub_sdk.core import APITimeoutError, ConfigurationError, ConnectionSlotsClient
from servicehub_sdk.core import _deadline as deadline
from servicehub_sdk.core._http import POOL_LIMITS
from tests.core.demo import AsyncDemoClient, DemoClient
from tests.helpers import close

BASE = "https://pool.example.test"
SIZE = 8
CALLS = 40


class HoldingPool:
    """Stands in for the slots' httpcore pools: records each `GET /items/{n}` and the slot it
    came through, and holds it until `go`."""

    def __init__(self) -> None:
        self.go = asyncio.Event()
        self.inside: set[int] = set()
        self.most = 0
        self.seen: list[int] = []
        self.busy: set[int] = set()  # the slots holding a request
        self.used: list[int] = []  # the slot of each request, in order
        self.closed: set[int] = set()

    def through(self, slot: int) -> Any:
        """The stand-in for slot number `slot`'s pool."""
        holding = self

        class Slot:
            async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
                assert slot not in holding.busy, "two requests in one slot"
                holding.busy.add(slot)
                holding.used.append(slot)
                try:
                    return await holding.handle_async_request(request)
                finally:
                    holding.busy.discard(slot)

            async def aclose(self) -> None:
                holding.closed.add(slot)

        return Slot()

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        n = int(request.url.target.decode().rsplit("/", 1)[1])
        self.seen.append(n)
        self.inside.add(n)
        self.most = max(self.most, len(self.inside))
        try:
            await self.go.wait()
        finally:
            self.inside.discard(n)
        body = json.dumps({"id": n}).encode()
        return httpcore.Response(
            200, headers=[(b"content-type", b"application/json")], content=body
        )

    async def aclose(self) -> None:
        pass


def client_over(pool: HoldingPool, **options: Any) -> Any:
    """An async client with the pool the SDK creates, its slots' connections replaced by
    `pool`."""
    client = AsyncDemoClient(BASE, max_retries=0, **options)
    hold(client, pool)
    return client


def hold(client: Any, pool: HoldingPool) -> None:
    slots = client._engine.http_client._transport._pool.slots
    slots[:] = [pool.through(n) for n in range(len(slots))]


def get(client: Any, n: int, **options: Any) -> asyncio.Task[Any]:
    async def run() -> int:
        answer = await client.items.get(n, **options)
        return int(answer["id"])

    return asyncio.create_task(run())


async def settle(condition: Callable[[], bool]) -> None:
    """Let the other tasks run until `condition` holds (a bounded number of turns)."""
    for _ in range(2_000):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("the tasks did not get there")


async def idle_turns(turns: int = 50) -> None:
    for _ in range(turns):
        await asyncio.sleep(0)


def test_the_sdks_async_pool_has_the_chosen_limits() -> None:
    client = AsyncDemoClient("http://127.0.0.1:9")
    transport = client._engine.http_client._transport
    slots = transport._pool.slots
    assert POOL_LIMITS.max_connections == SIZE
    assert len(slots) == SIZE and len({id(pool) for pool in slots}) == SIZE
    for pool in slots:
        assert isinstance(pool, httpcore.AsyncConnectionPool)
        assert pool._max_connections == 1
        assert pool._max_keepalive_connections == 1
        assert pool._keepalive_expiry == 5.0
        assert pool._ssl_context is slots[0]._ssl_context  # one TLS context for all
    assert deadline.installed(client._engine.http_client)  # deadlines enforced in every slot
    for pool in slots:
        assert isinstance(pool._network_backend, deadline._AsyncBackend)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_users_client_keeps_its_limits_and_has_no_admission(mode: str) -> None:
    http = httpx.Client() if mode == "sync" else httpx.AsyncClient()
    transport = http._transport
    pool = transport._pool
    before = (pool._max_connections, pool._max_keepalive_connections, pool._keepalive_expiry)
    cls = DemoClient if mode == "sync" else AsyncDemoClient
    client = cls("http://127.0.0.1:9", http_client=http)
    after = (pool._max_connections, pool._max_keepalive_connections, pool._keepalive_expiry)
    assert after == before == (100, 20, 5.0)  # httpx's own defaults, untouched
    assert client._engine.http_client is http and http._transport is transport
    assert not hasattr(pool, "slots")
    await close(client)
    await close(http)


async def test_a_slots_client_passed_in_admits_as_many_as_it_was_given() -> None:
    http = ConnectionSlotsClient(3, keepalive_expiry=1.0)
    slots = http._transport._pool.slots
    assert len(slots) == 3 and all(pool._keepalive_expiry == 1.0 for pool in slots)
    assert deadline.installed(http)  # every connect, read and write bounded in every slot
    pool = HoldingPool()
    client = AsyncDemoClient(BASE, max_retries=0, http_client=http)
    assert client._engine.http_client is http
    hold(client, pool)
    tasks = [get(client, n) for n in range(12)]
    await settle(lambda: len(pool.inside) == 3)
    await idle_turns()
    assert len(pool.seen) == 3
    pool.go.set()
    assert await asyncio.gather(*tasks) == list(range(12))
    assert pool.most == 3
    await client.close()
    assert not http.is_closed  # the client passed in is the caller's to close
    await http.aclose()


def test_a_slots_client_keeps_the_cookies_answers_set() -> None:
    http = ConnectionSlotsClient()
    request = httpx.Request("GET", "http://pool.example.test/items/1")
    http.cookies.extract_cookies(httpx.Response(200, request=request))
    assert not http.cookies
    answer = httpx.Response(200, headers={"Set-Cookie": "session=abc; Path=/"}, request=request)
    http.cookies.extract_cookies(answer)
    assert http.cookies.get("session") == "abc"
    sent = http.build_request("GET", "http://pool.example.test/items/2")
    assert sent.headers["cookie"] == "session=abc"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"max_connections": 0}, "at least 1"),
        ({"max_connections": 2.5}, "whole number"),
        ({"max_connections": True}, "whole number"),
        ({"transport": httpx.MockTransport(lambda r: httpx.Response(200))}, "transport"),
        ({"limits": httpx.Limits(max_connections=4)}, "limits"),
    ],
)
def test_a_slots_client_refuses_what_it_cannot_honour(
    arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        ConnectionSlotsClient(**arguments)


async def test_admission_bounds_the_requests_in_the_pool_and_answers_each_once() -> None:
    pool = HoldingPool()
    client = client_over(pool)
    tasks = [get(client, n) for n in range(CALLS)]
    await settle(lambda: len(pool.inside) == SIZE)
    await idle_turns()  # the others stay out while the pool is full
    assert len(pool.inside) == SIZE and len(pool.seen) == SIZE
    pool.go.set()
    assert await asyncio.gather(*tasks) == list(range(CALLS))
    assert pool.most == SIZE
    assert sorted(pool.seen) == list(range(CALLS))  # each sent once
    assert pool.seen[:SIZE] == list(range(SIZE))  # first come, first admitted
    await client.close()


async def test_cancelled_calls_give_their_place_back_and_nothing_is_lost_or_repeated() -> None:
    pool = HoldingPool()
    client = client_over(pool)
    tasks = [get(client, n) for n in range(CALLS)]
    await settle(lambda: len(pool.inside) == SIZE)
    sent = set(pool.inside)
    cancelled_inside = sorted(sent)[:4]  # in the pool, waiting for their answer
    cancelled_waiting = [n for n in range(CALLS) if n not in sent][:10]  # held back
    for n in cancelled_inside + cancelled_waiting:
        tasks[n].cancel()
    # Four places came free: four of the waiting calls go in, never more than the size.
    await settle(lambda: len(pool.seen) == SIZE + 4)
    await idle_turns()
    assert len(pool.inside) == SIZE and len(pool.seen) == SIZE + 4
    pool.go.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    cancelled = set(cancelled_inside + cancelled_waiting)
    for n, result in enumerate(results):
        if n in cancelled:
            assert isinstance(result, asyncio.CancelledError), (n, result)
        else:
            assert result == n
    assert pool.most == SIZE
    assert sorted(pool.seen) == sorted(set(range(CALLS)) - set(cancelled_waiting))
    assert len(pool.seen) == len(set(pool.seen))  # none sent twice

    # No place was lost or made up: the pool fills to exactly its size again.
    again = HoldingPool()
    hold(client, again)
    more = [get(client, n) for n in range(CALLS)]
    await settle(lambda: len(again.inside) == SIZE)
    await idle_turns()
    assert len(again.inside) == SIZE
    again.go.set()
    assert await asyncio.gather(*more) == list(range(CALLS))
    await client.close()


async def test_a_call_held_back_past_its_pool_timeout_is_a_timeout_never_sent() -> None:
    pool = HoldingPool()
    client = client_over(pool)
    tasks = [get(client, n) for n in range(SIZE)]
    await settle(lambda: len(pool.inside) == SIZE)
    with pytest.raises(APITimeoutError, match="never sent") as caught:
        await client.items.get(99, timeout=httpx.Timeout(5.0, pool=0.0))
    assert caught.value.may_have_been_applied is False
    assert 99 not in pool.seen
    pool.go.set()
    assert await asyncio.gather(*tasks) == list(range(SIZE))
    await client.close()


async def test_with_options_copies_share_the_admission() -> None:
    pool = HoldingPool()
    client = client_over(pool)
    patient = client.with_options(timeout=60)
    tasks = [get(client, n) for n in range(SIZE)] + [get(patient, n) for n in range(SIZE, 12)]
    await settle(lambda: len(pool.inside) == SIZE)
    await idle_turns()
    assert len(pool.seen) == SIZE
    pool.go.set()
    assert await asyncio.gather(*tasks) == list(range(12))
    await client.close()


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


async def test_the_slot_freed_last_is_lent_first_and_closing_closes_every_slot() -> None:
    pool = HoldingPool()
    pool.go.set()
    client = client_over(pool)
    for n in range(5):  # one at a time: always the same, warm, connection
        assert await client.items.get(n) == {"id": n}
    assert len(set(pool.used)) == 1
    pool.go.clear()
    tasks = [get(client, n) for n in range(SIZE)]
    await settle(lambda: len(pool.inside) == SIZE)
    assert set(pool.used[5:]) == set(range(SIZE))  # eight at once: each in a slot of its own
    pool.go.set()
    assert await asyncio.gather(*tasks) == list(range(SIZE))
    await client.close()
    assert pool.closed == set(range(SIZE))


@pytest.mark.parametrize("make", [httpx.Client, httpx.AsyncClient])
def test_the_sdks_own_jar_reads_only_answers_that_set_cookies(
    make: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The jar of a client the SDK makes (sync or async) skips `http.cookiejar` for an answer
    without `Set-Cookie`, and keeps the cookies of one with it."""
    from servicehub_sdk.core._cookies import read_cookies_when_set

    read: list[httpx.Response] = []
    original = httpx.Cookies.extract_cookies

    def counting(self: httpx.Cookies, response: httpx.Response) -> None:
        read.append(response)
        original(self, response)

    monkeypatch.setattr(httpx.Cookies, "extract_cookies", counting)
    http = make(cookies={"kept": "1"})
    read_cookies_when_set(http)
    request = httpx.Request("GET", "http://pool.example.test/items/1")
    http.cookies.extract_cookies(httpx.Response(200, request=request))
    assert read == []
    answer = httpx.Response(200, headers={"Set-Cookie": "session=abc; Path=/"}, request=request)
    http.cookies.extract_cookies(answer)
    assert read == [answer]
    assert http.cookies.get("session") == "abc" and http.cookies.get("kept") == "1"


async def test_closing_a_slots_client_closes_the_connections_it_lent() -> None:
    """Over a real loopback connection: the connection a slot lent and kept alive is closed
    when the client is (the server reads the end of the stream)."""
    ended = asyncio.Event()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        await writer.drain()
        if await reader.read(1) == b"":  # kept alive until the client closes it
            ended.set()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    http = ConnectionSlotsClient(max_connections=2)
    answer = await http.get(f"http://127.0.0.1:{port}/")
    assert answer.text == "ok" and not ended.is_set()
    await http.aclose()
    await asyncio.wait_for(ended.wait(), 5)
    server.close()
    await server.wait_closed()
