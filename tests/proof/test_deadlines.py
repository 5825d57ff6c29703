"""`timeout` is a deadline for each attempt: connect, token fetch and every read included.

Against a server that accepts and never answers, or one that trickles a byte at a time (each
read well inside the timeout), every call ends with `APITimeoutError` — for the API request,
for the OAuth2 token request, and for the CECenter customer login. The bound checked is a hang
guard (ten times the timeout), not a timing assertion.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from servicehub_sdk.cecenter import AsyncCECenterClient, CECenterClient
from servicehub_sdk.core import APITimeoutError, OAuth2ClientCredentials, RetryPolicy
from servicehub_sdk.testing import CECenterEmulator, EmulatorServer
from tests.core.demo import AsyncDemoClient, DemoClient
from tests.helpers import close, resolve
from tests.proof.stalling import Behaviour, StallingServer

TIMEOUT = 0.5
GUARD = 10 * TIMEOUT


async def _fails_in_time(client: Any, call: Any) -> APITimeoutError:
    started = time.monotonic()
    try:
        with pytest.raises(APITimeoutError) as caught:
            await resolve(call())
    finally:
        await close(client)
    assert time.monotonic() - started < GUARD
    return caught.value


@pytest.mark.parametrize("behaviour", ["silent", "trickle"])
async def test_api_server_that_stalls(mode: str, behaviour: Behaviour) -> None:
    with StallingServer(behaviour) as server:
        cls = DemoClient if mode == "sync" else AsyncDemoClient
        client = cls(server.url, timeout=TIMEOUT, max_retries=0)
        error = await _fails_in_time(client, lambda: client.items.get(1))
    assert "API host 127.0.0.1" in error.message
    assert error.may_have_been_applied is False


@pytest.mark.parametrize("behaviour", ["silent", "trickle"])
async def test_token_endpoint_that_stalls(mode: str, behaviour: Behaviour) -> None:
    with StallingServer(behaviour) as identity:
        cls = DemoClient if mode == "sync" else AsyncDemoClient
        auth = OAuth2ClientCredentials(f"{identity.url}/token", "demo-client", "demo-secret")
        client = cls("http://127.0.0.1:9", auth=auth, timeout=TIMEOUT, max_retries=0)
        error = await _fails_in_time(client, lambda: client.items.create("x"))
    assert "token endpoint host 127.0.0.1" in error.message
    assert error.before_request is True
    assert error.may_have_been_applied is False


async def test_retries_each_get_their_own_deadline(mode: str) -> None:
    with StallingServer("silent") as server:
        cls = DemoClient if mode == "sync" else AsyncDemoClient
        client = cls(server.url, timeout=TIMEOUT / 2, max_retries=2)
        await _fails_in_time(client, lambda: client.items.get(1))
        assert server.accepted(3) == 3


@pytest.mark.parametrize("behaviour", ["silent", "trickle"])
async def test_cecenter_customer_login_that_stalls(mode: str, behaviour: Behaviour) -> None:
    emulator = CECenterEmulator()
    with EmulatorServer(emulator) as api, StallingServer(behaviour) as login:
        config = emulator.client_config(api.url)
        cls = CECenterClient if mode == "sync" else AsyncCECenterClient
        client = cls(**config, customer_url=login.url, timeout=TIMEOUT, max_retries=0)
        error = await _fails_in_time(
            client,
            lambda: client.service_tickets.create(
                {"customerId": "c-1", "shortDescription": "x", "type": "SERVICE_REQUEST"}
            ),
        )
    assert "token endpoint host" in error.message


async def test_total_timeout_bounds_retries_too(mode: str) -> None:
    with StallingServer("silent") as server:
        cls = DemoClient if mode == "sync" else AsyncDemoClient
        policy = RetryPolicy(max_retries=10, backoff_base=0.01, total_timeout=TIMEOUT)
        client = cls(server.url, timeout=TIMEOUT / 2, retry=policy)
        await _fails_in_time(client, lambda: client.items.get(1))
        assert server.connections <= 3


@pytest.mark.parametrize("behaviour", ["silent", "trickle"])
async def test_a_transport_of_its_own_is_bounded_too(behaviour: Behaviour) -> None:
    AiohttpClient = pytest.importorskip("servicehub_sdk.core._aiohttp_client").AiohttpClient

    with StallingServer(behaviour) as server:
        async with AiohttpClient() as http:
            client = AsyncDemoClient(server.url, timeout=TIMEOUT, max_retries=0, http_client=http)
            await _fails_in_time(client, lambda: client.items.get(1))
