"""Retries (in-process, on a fake clock): statuses, Retry-After, caps, and never retrying a
sent create."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from servicehub_sdk.core import (
    APIConnectionError,
    APITimeoutError,
    NotFoundError,
    RateLimitError,
    RetryPolicy,
    ServerError,
)
from servicehub_sdk.core._retry import parse_retry_after
from servicehub_sdk.testing import Delay, Drop, EmulatorServer, FakeClock, Reply
from tests.core.demo import FAST, AsyncDemoClient, DemoApp, DemoClient
from tests.helpers import close, resolve


@pytest.mark.parametrize("status", [408, 425, 429, 500, 502, 503, 504])
async def test_each_transient_status_is_retried(
    client: Any, server: EmulatorServer, status: int
) -> None:
    server.faults.add([Reply(status), Reply(status)], path="/items/1")
    item = await resolve(client.items.get(1))
    assert item["id"] == 1
    assert server.requests("GET", "/items/1") == 3


@pytest.mark.parametrize("status", [400, 403, 404, 409, 422])
async def test_client_errors_are_not_retried(
    client: Any, server: EmulatorServer, status: int
) -> None:
    server.faults.add(Reply(status, body='{"message": "nope"}'), path="/items/1")
    with pytest.raises(Exception) as caught:
        await resolve(client.items.get(1, max_retries=5))
    assert getattr(caught.value, "status_code", None) == status
    assert server.requests("GET", "/items/1") == 1


async def test_retries_give_up_with_the_last_error(client: Any, server: EmulatorServer) -> None:
    server.faults.add([Reply(503)] * 5, path="/items/1")
    with pytest.raises(ServerError) as caught:
        await resolve(client.items.get(1))
    assert caught.value.status_code == 503
    assert caught.value.request is not None
    assert server.requests("GET", "/items/1") == 3  # default max_retries=2


async def test_per_call_max_retries(client: Any, server: EmulatorServer) -> None:
    server.faults.add([Reply(503)] * 3, path="/items/1")
    assert (await resolve(client.items.get(1, max_retries=3)))["id"] == 1
    server.faults.add([Reply(503)], path="/items/2")
    with pytest.raises(ServerError):
        await resolve(client.items.get(2, max_retries=0))


async def test_with_options_shares_connections(client: Any, server: EmulatorServer) -> None:
    server.faults.add([Reply(503)] * 4, path="/items/1")
    patient = client.with_options(max_retries=4)
    assert (await resolve(patient.items.get(1)))["id"] == 1
    assert patient._context.engine.http_client is client._context.engine.http_client
    assert client._context.engine.retry.max_retries == 2


async def test_retry_after_seconds_is_honoured(
    client: Any, server: EmulatorServer, clock: FakeClock
) -> None:
    server.faults.add(Reply(429, headers={"Retry-After": "30"}), path="/items/1")
    await resolve(client.items.get(1))
    assert clock.sleeps == [30.0]
    assert server.requests("GET", "/items/1") == 2


async def test_retry_after_http_date_is_honoured(
    client: Any, server: EmulatorServer, clock: FakeClock
) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=20), usegmt=True)
    server.faults.add(Reply(503, headers={"Retry-After": when}), path="/items/1")
    await resolve(client.items.get(1))
    assert len(clock.sleeps) == 1
    assert 18 <= clock.sleeps[0] <= 21  # one-second resolution, and the clocks read apart


@pytest.mark.parametrize("value", ["-5", "-0.5", "nan", "inf", "-inf", "soon", "1e400", ""])
async def test_a_negative_or_garbage_retry_after_never_raises(
    client: Any, server: EmulatorServer, clock: FakeClock, value: str
) -> None:
    server.faults.add(Reply(429, headers={"Retry-After": value}), path="/items/1")
    assert (await resolve(client.items.get(1)))["id"] == 1
    assert len(clock.sleeps) == 1 and 0 <= clock.sleeps[0] < 1  # now, or a short back-off
    server.faults.add(Reply(429, headers={"Retry-After": value}), path="/items/2")
    with pytest.raises(RateLimitError) as caught:
        await resolve(client.items.get(2, max_retries=0))
    assert caught.value.retry_after in (None, 0.0)


def test_parse_retry_after_is_never_negative_nor_raises() -> None:
    assert parse_retry_after("-5") == 0.0
    assert parse_retry_after("-0.001") == 0.0
    assert parse_retry_after("0") == 0.0
    assert parse_retry_after(" 7 ") == 7.0
    for garbage in ("nan", "inf", "-inf", "1e400", "soon", "\x00", "Wed, 99 Foo 2015"):
        assert parse_retry_after(garbage) is None
    now = datetime(2030, 1, 1, tzinfo=UTC)
    past = format_datetime(now - timedelta(seconds=30), usegmt=True)
    future = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(past, now=now.timestamp()) == 0.0
    assert parse_retry_after(future, now=now.timestamp()) == 30.0


async def test_retry_after_beyond_the_cap_raises_at_once(
    client: Any, server: EmulatorServer
) -> None:
    server.faults.add(Reply(429, headers={"Retry-After": "3600"}), path="/items/1")
    with pytest.raises(RateLimitError) as caught:
        await resolve(client.items.get(1))
    assert caught.value.retry_after == 3600
    assert server.requests("GET", "/items/1") == 1


async def test_total_wait_is_capped(mode: str, server: EmulatorServer, clock: FakeClock) -> None:
    policy = RetryPolicy(max_retries=5, max_total_wait=50)
    cls = DemoClient if mode == "sync" else AsyncDemoClient
    app_client = cls(server.url, retry=policy)
    server.app.public = True  # type: ignore[attr-defined]
    server.faults.add([Reply(503, headers={"Retry-After": "40"})] * 5, path="/items/1")
    with pytest.raises(ServerError):
        await resolve(app_client.items.get(1))
    assert server.requests("GET", "/items/1") == 2
    assert clock.sleeps == [40.0]
    await close(app_client)


async def test_a_create_is_not_retried_after_a_5xx(
    client: Any, server: EmulatorServer, app: DemoApp
) -> None:
    server.faults.add(Reply(503), path="/items", method="POST")
    with pytest.raises(ServerError) as caught:
        await resolve(client.items.create("x"))
    assert server.requests("POST", "/items") == 1
    assert caught.value.may_have_been_applied is True


async def test_a_create_is_not_retried_after_a_dropped_connection(
    client: Any, server: EmulatorServer
) -> None:
    server.faults.add(Drop(), path="/items", method="POST")
    with pytest.raises(APIConnectionError) as caught:
        await resolve(client.items.create("x"))
    assert server.requests("POST", "/items") == 1
    assert caught.value.may_have_been_applied is True


async def test_a_read_is_retried_after_a_dropped_connection(
    client: Any, server: EmulatorServer
) -> None:
    server.faults.add([Drop(), Drop()], path="/items/1")
    assert (await resolve(client.items.get(1)))["id"] == 1
    assert server.requests("GET", "/items/1") == 3


def _refusing_then_ok(attempts: list[str]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        attempts.append(request.method)
        if len(attempts) < 3:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(201, json={"id": 99, "name": "x"})

    return httpx.MockTransport(handler)


def test_a_create_is_retried_when_it_never_left_the_machine() -> None:
    attempts: list[str] = []
    client = DemoClient(
        "http://127.0.0.1:9", http_client=httpx.Client(transport=_refusing_then_ok(attempts))
    )
    assert client.items.create("x")["id"] == 99
    assert attempts == ["POST", "POST", "POST"]


async def test_a_create_is_retried_when_it_never_left_the_machine_async() -> None:
    attempts: list[str] = []
    transport = _refusing_then_ok(attempts)
    client = AsyncDemoClient(
        "http://127.0.0.1:9", http_client=httpx.AsyncClient(transport=transport)
    )
    assert (await client.items.create("x"))["id"] == 99
    assert attempts == ["POST", "POST", "POST"]


async def test_connection_refused_is_a_connection_error(mode: str) -> None:
    cls = DemoClient if mode == "sync" else AsyncDemoClient
    client = cls("http://127.0.0.1:9", max_retries=1)
    with pytest.raises(APIConnectionError) as caught:
        await resolve(client.items.create("x"))
    assert caught.value.may_have_been_applied is False
    assert "never sent" in str(caught.value)
    await close(client)


async def test_timeouts_raise_timeout_error_and_reads_retry(
    client: Any, server: EmulatorServer
) -> None:
    server.faults.add([Delay(100.0), Delay(100.0), Delay(100.0)], path="/items/1")
    with pytest.raises(APITimeoutError) as caught:
        await resolve(client.items.get(1, timeout=20))
    assert server.requests("GET", "/items/1") == 3
    assert caught.value.may_have_been_applied is False  # a GET changes nothing


async def test_timeout_of_a_create_may_have_been_applied(
    client: Any, server: EmulatorServer
) -> None:
    server.faults.add(Delay(100.0), path="/items", method="POST")
    with pytest.raises(APITimeoutError) as caught:
        await resolve(client.items.create("slow", timeout=20))
    assert caught.value.may_have_been_applied is True
    assert server.requests("POST", "/items") == 1


async def test_not_found_carries_request_response_and_body(client: Any) -> None:
    with pytest.raises(NotFoundError) as caught:
        await resolve(client.items.get(999))
    error = caught.value
    assert error.status_code == 404
    assert error.body == {"message": "no such item", "code": "not_found"}
    assert error.code == "not_found"
    assert error.backend_message == "no such item"
    assert error.request is not None
    assert error.request.url.path == "/items/999"
    assert "no such item" in str(error)


def test_parse_retry_after_forms() -> None:
    assert parse_retry_after("5") == 5
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    future = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 < (parse_retry_after(future) or 0) <= 30
    past = format_datetime(datetime.now(UTC) - timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(past) == 0


def test_backoff_grows_and_is_capped() -> None:
    policy = RetryPolicy(backoff_base=0.5, backoff_cap=8)
    assert 0.25 <= policy.backoff(1) <= 0.5
    assert 0.5 <= policy.backoff(2) <= 1.0
    assert 4 <= policy.backoff(10) <= 8
    assert FAST.backoff(1) < 0.01


@pytest.mark.parametrize("status", [500, 503])
async def test_a_read_that_fails_has_applied_nothing(
    client: Any, server: EmulatorServer, status: int
) -> None:
    server.faults.add([Reply(status)] * 3, path="/items/1")
    with pytest.raises(ServerError) as caught:
        await resolve(client.items.get(1))
    assert caught.value.may_have_been_applied is False


async def test_a_create_that_fails_with_5xx_may_have_been_applied(
    client: Any, server: EmulatorServer
) -> None:
    await resolve(client.items.get(1))  # the token first
    server.faults.add(Reply(500), path="/items")
    with pytest.raises(ServerError) as caught:
        await resolve(client.items.create("x"))
    assert caught.value.may_have_been_applied is True
