"""SingleFlight: one fetch at a time across threads and event loops, outcomes shared, failures
backed off; and a token endpoint that drops connections, seen through the token strategies."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from servicehub_sdk.core import APIConnectionError
from servicehub_sdk.core._singleflight import SingleFlight
from servicehub_sdk.testing import Drop, EmulatorServer
from tests.core.conftest import credentials
from tests.core.demo import AsyncDemoClient, DemoClient
from tests.helpers import close, in_threads


def test_waiters_in_threads_and_in_event_loops_share_one_fetch() -> None:
    flight: SingleFlight[str] = SingleFlight("test fetch")
    release = threading.Event()
    fetches: list[int] = []

    def fetch() -> str:
        fetches.append(1)
        release.wait(5)
        return "value"

    results: list[str] = []

    def blocking() -> None:
        results.append(flight.run(fetch))

    async def fetch_async() -> str:
        return fetch()

    def in_a_loop() -> None:
        results.append(asyncio.run(flight.run_async(fetch_async)))

    leader = threading.Thread(target=blocking)
    leader.start()
    while flight.attempts == 0:
        threading.Event().wait(0.001)
    others = [threading.Thread(target=blocking) for _ in range(3)]
    others += [threading.Thread(target=in_a_loop) for _ in range(3)]
    for thread in others:
        thread.start()
    release.set()
    for thread in [leader, *others]:
        thread.join(5)
    assert results == ["value"] * 7
    assert fetches == [1] and flight.attempts == 1
    assert flight.run(fetch) == "value"  # cached now
    assert flight.attempts == 1


def test_a_failure_starts_a_back_off_and_a_success_ends_it() -> None:
    def failing() -> str:
        raise RuntimeError("the source is down")

    slow: SingleFlight[str] = SingleFlight("test fetch")
    slow.backoff_base = 6.0
    with pytest.raises(RuntimeError):
        slow.run(failing)
    claim = slow.claim()
    assert claim.lead is None and 5 < claim.delay <= 6  # nobody fetches during the back-off

    quick: SingleFlight[str] = SingleFlight("test fetch")
    quick.backoff_base = 0.0
    for failures in (1, 2):
        with pytest.raises(RuntimeError):
            quick.run(failing)
        assert quick.failures == failures
    assert quick.run(lambda: "back") == "back"
    assert quick.failures == 0 and quick.attempts == 3


def test_an_interrupted_leader_gives_its_waiters_a_connection_error() -> None:
    flight: SingleFlight[str] = SingleFlight("token request to https://idp.example/token")
    claim = flight.claim()
    assert claim.lead is not None
    waiter = flight.claim().join
    assert waiter is not None
    flight.fail(claim.lead, GeneratorExit())
    with pytest.raises(APIConnectionError, match=r"idp\.example") as caught:
        waiter.wait()
    assert caught.value.before_request and not caught.value.may_have_been_applied


@pytest.mark.loopback  # callers must meet while the token request is in flight
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_token_endpoint_dropping_connections_costs_a_bounded_number_of_attempts(
    mode: str, server: EmulatorServer
) -> None:
    server.faults.random(1.0, [Drop()], path="/token")
    auth = credentials(server)
    auth.flight.backoff_base = 0.2
    if mode == "async":
        client: Any = AsyncDemoClient(server.url, auth=auth, max_retries=2)
        outcomes = await asyncio.gather(
            *(client.items.get(1) for _ in range(50)), return_exceptions=True
        )
    else:
        client = DemoClient(server.url, auth=auth, max_retries=2)
        outcomes = list(in_threads(20, lambda: client.items.get(1)))
    await close(client)
    assert outcomes and all(isinstance(o, APIConnectionError) for o in outcomes)
    assert server.requests("POST", "/token") == auth.flight.attempts <= 2 * 3
