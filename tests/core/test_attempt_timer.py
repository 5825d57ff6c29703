"""The deadlines of async attempts over a transport passed in: one loop timer for them all,
with `asyncio.timeout()`'s rules (our cancellation is a timeout, anyone else's stays one)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from servicehub_sdk import APITimeoutError
from servicehub_sdk.core._attempt_timer import AttemptTimer
from servicehub_sdk.supportcenter import AsyncSupportCenterClient

ANSWER = {
    "request": {"id": "1", "subject": "x"},
    "response_status": {"status_code": 2000, "status": "success"},
}


def _cancelling() -> int:
    task = asyncio.current_task()
    assert task is not None
    return task.cancelling()


async def bounded(timer: AttemptTimer, seconds: float, work: Any) -> Any:
    """`await work` bounded as the engine bounds an attempt."""
    entry = timer.start(seconds)
    cancelled = False
    try:
        return await work
    except asyncio.CancelledError:
        cancelled = True
        raise
    finally:
        if timer.finish(entry, cancelled):
            raise TimeoutError


async def test_an_attempt_past_its_deadline_is_a_timeout() -> None:
    timer = AttemptTimer()
    with pytest.raises(TimeoutError):
        await bounded(timer, 0.01, asyncio.sleep(10))
    await asyncio.sleep(0.02)  # no cancellation is left over for the task
    assert _cancelling() == 0


async def test_an_attempt_that_ends_in_time_is_left_alone() -> None:
    timer = AttemptTimer()
    await bounded(timer, 0.05, asyncio.sleep(0))
    await asyncio.sleep(0.1)  # past the deadline it no longer has: nothing is cancelled
    assert _cancelling() == 0


async def test_a_cancellation_from_outside_stays_a_cancellation() -> None:
    timer = AttemptTimer()
    started = asyncio.Event()

    async def attempt() -> None:
        started.set()
        await bounded(timer, 10, asyncio.sleep(10))

    task = asyncio.create_task(attempt())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_each_attempt_gets_its_own_deadline_whatever_the_order() -> None:
    timer = AttemptTimer()
    outcomes: dict[float, str] = {}

    async def attempt(seconds: float, work: float) -> None:
        try:
            await bounded(timer, seconds, asyncio.sleep(work))
            outcomes[seconds] = "done"
        except TimeoutError:
            outcomes[seconds] = "timed out"

    await asyncio.gather(
        attempt(0.20, 0.01),
        attempt(0.02, 5),
        attempt(0.30, 0.05),
        attempt(0.05, 5),
        attempt(0.01, 0),
    )
    assert outcomes == {
        0.2: "done",
        0.02: "timed out",
        0.3: "done",
        0.05: "timed out",
        0.01: "done",
    }


async def test_many_attempts_ending_in_time_leave_no_pile_of_entries() -> None:
    timer = AttemptTimer()
    for _ in range(1000):
        await bounded(timer, 60, asyncio.sleep(0))
    assert len(timer._entries) <= 130


async def test_a_client_passed_in_is_bounded_by_the_calls_timeout() -> None:
    """A transport the SDK cannot give a deadline (a mock that never answers) still ends at
    the call's timeout, for every call in flight, and answers in time pass."""

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/slow"):
            await asyncio.sleep(30)
        return httpx.Response(200, json=ANSWER)

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    client: Any = AsyncSupportCenterClient(
        base_url="https://scp.example.test", api_key="key", http_client=http, max_retries=0
    )
    slow = [client.request("GET", "requests/slow", timeout=0.05) for _ in range(20)]
    fast = [client.requests.get("1") for _ in range(20)]
    outcomes = await asyncio.gather(*slow, *fast, return_exceptions=True)
    assert all(isinstance(o, APITimeoutError) for o in outcomes[:20])
    assert all(getattr(o, "subject", None) == "x" for o in outcomes[20:])
    await client.close()
    await http.aclose()
