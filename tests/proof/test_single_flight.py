"""Every credential is fetched once however many callers need it, and an outage of the
service that issues it costs a bounded number of attempts: OAuth2 tokens (tests/core), the
CECenter customer login and SpiceCSM JSON-RPC sessions, with threads and with tasks."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from servicehub_sdk.core import RetryPolicy, ServerError, ServiceHubError
from servicehub_sdk.testing import EmulatorServer, Reply
from servicehub_sdk.testing._cecenter import TENANT
from tests.helpers import close, collect, resolve
from tests.proof.backends import BACKENDS

CECENTER = next(b for b in BACKENDS if b.name == "cecenter")
SPICECSM = next(b for b in BACKENDS if b.name == "spicecsm")
LOGIN_PATH = "/hybris/customer/v1/"


def _agents(client: Any) -> Callable[[], Any]:
    return lambda: client.agents.list().to_list()


THREADS, TASKS = 30, 100


async def _concurrently(mode: str, work: Callable[[], Any]) -> list[Any]:
    """`work()` by 30 threads released together (sync) or 100 tasks (async); the outcomes."""
    if mode == "async":
        return list(await asyncio.gather(*(work() for _ in range(TASKS)), return_exceptions=True))
    barrier = threading.Barrier(THREADS)
    outcomes: list[Any] = []

    def run() -> None:
        barrier.wait()
        try:
            outcomes.append(work())
        except BaseException as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _first_ticket(client: Any, mode: str) -> Callable[[], Any]:
    if mode == "sync":
        return lambda: client.service_tickets.list(page_size=5).first()

    def work() -> Awaitable[Any]:
        return collect(client.service_tickets.list(page_size=5), limit=1)

    return work


async def test_spicecsm_concurrent_callers_open_one_session(mode: str) -> None:
    emulator = SPICECSM.make_emulator()
    with EmulatorServer(emulator) as server:
        client = SPICECSM.client(emulator, server.url, mode)
        outcomes = await _concurrently(mode, _agents(client))
        await close(client)
    assert not [o for o in outcomes if isinstance(o, BaseException)]
    assert emulator.calls["connect"] == 1  # was 6-30 for 30 threads, 100 for 100 tasks
    assert client.sessions_opened == 1


async def test_spicecsm_an_expired_session_is_replaced_once(mode: str) -> None:
    emulator = SPICECSM.make_emulator()
    with EmulatorServer(emulator) as server:
        client = SPICECSM.client(emulator, server.url, mode)
        await resolve(_agents(client)())
        emulator.expire_sessions()
        outcomes = await _concurrently(mode, _agents(client))
        await close(client)
    assert not [o for o in outcomes if isinstance(o, BaseException)]
    assert emulator.calls["connect"] == 2


async def test_spicecsm_callers_share_a_failed_connect(mode: str) -> None:
    emulator = SPICECSM.make_emulator()
    with EmulatorServer(emulator) as server:
        client = SPICECSM.client(emulator, server.url, mode, max_retries=0)
        server.faults.add(Reply(503, delay=0.3), path=SPICECSM.api_path)
        outcomes = await _concurrently(mode, _agents(client))
        await close(client)
        sent = server.requests("POST")
    assert all(isinstance(o, ServerError) for o in outcomes)
    assert sent == 1  # the one connect, whose failure every caller got


async def test_cecenter_concurrent_customers_calls_log_in_once(mode: str) -> None:
    emulator = CECENTER.make_emulator()
    with EmulatorServer(emulator) as server:
        client = CECENTER.client(emulator, server.url, mode)
        outcomes = await _concurrently(mode, _first_ticket(client, mode))
        await close(client)
        logins = server.requests("POST", f"{LOGIN_PATH}{TENANT}/login")
    assert not [o for o in outcomes if isinstance(o, BaseException)]
    assert client.customer_auth.logins == logins == 1


async def test_cecenter_login_outage_makes_a_bounded_number_of_attempts(mode: str) -> None:
    retries = 2
    emulator = CECENTER.make_emulator()
    with EmulatorServer(emulator) as server:
        quick_retries = RetryPolicy(max_retries=retries, backoff_base=0.001, backoff_cap=0.01)
        client = CECENTER.client(emulator, server.url, mode).with_options(retry=quick_retries)
        client.customer_auth.flight.backoff_base = 0.2  # retries come in waves, 0.2 s apart
        server.faults.random(1.0, [Reply(503)], path=LOGIN_PATH)
        outcomes = await _concurrently(mode, _first_ticket(client, mode))
        await close(client)
        attempts = server.requests("POST", f"{LOGIN_PATH}{TENANT}/login")
    assert all(isinstance(o, ServiceHubError) for o in outcomes)
    assert attempts == client.customer_auth.flight.attempts
    # a few waves of shared attempts (more on a loaded machine), never one series per caller
    assert attempts <= 4 * (retries + 1) < len(outcomes) * (retries + 1)


FSM = next(b for b in BACKENDS if b.name == "fsm")


async def test_fsm_cold_start_makes_one_token_request(mode: str) -> None:
    """FSM resolves its account, company and cluster from the first token answer: callers
    starting together share that one token request."""
    emulator = FSM.make_emulator()
    with EmulatorServer(emulator) as server:
        client = FSM.client(emulator, server.url, mode)
        try:
            # A coroutine when async (gathered), the answer when sync (read in each thread).
            outcomes = await _concurrently(mode, lambda: FSM.read(client, emulator))
            assert not [o for o in outcomes if isinstance(o, BaseException)]
            assert emulator.tokens.issued == 1
        finally:
            await close(client)
