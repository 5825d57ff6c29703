"""`AiohttpClient`: every backend's async client over aiohttp behaves as over httpx's pool."""

from __future__ import annotations

import asyncio
import socket

import pytest

from servicehub_sdk.core import APIConnectionError, APITimeoutError, NotFoundError
from servicehub_sdk.testing import EmulatorServer
from tests.proof.backends import BACKENDS, Backend

aiohttp_client = pytest.importorskip("servicehub_sdk.core._aiohttp_client")


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda b: b.name)
async def test_every_backend_reads_lists_and_writes(backend: Backend) -> None:
    emulator = backend.make_emulator()
    with EmulatorServer(emulator) as server:
        async with aiohttp_client.AiohttpClient() as http:
            client = backend.client(emulator, server.url, "async", http_client=http)
            async with client:
                await asyncio.gather(*(backend.read(client, emulator) for _ in range(10)))
                assert await backend.listing(client, emulator)
                await backend.write(client, emulator)
            assert not http.is_closed  # the SDK client closes only what it opened
        assert backend.writes_applied(emulator) == 1


async def test_errors_are_the_sdks() -> None:
    cecenter = next(b for b in BACKENDS if b.name == "cecenter")
    emulator = cecenter.make_emulator()
    with EmulatorServer(emulator) as server:
        async with aiohttp_client.AiohttpClient() as http:
            client = cecenter.client(emulator, server.url, "async", http_client=http)
            with pytest.raises(NotFoundError):
                await client.service_tickets.get("no-such-ticket")

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    async with aiohttp_client.AiohttpClient() as http:
        config = emulator.client_config(f"http://127.0.0.1:{port}")
        client = cecenter.async_client(**config, http_client=http, max_retries=0)
        with pytest.raises(APIConnectionError):
            await client.service_tickets.get("1")


async def test_a_silent_server_times_out() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(30)

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    supportcenter = next(b for b in BACKENDS if b.name == "supportcenter")
    emulator = supportcenter.make_emulator()
    try:
        async with aiohttp_client.AiohttpClient() as http:
            config = emulator.client_config(f"http://127.0.0.1:{port}")
            client = supportcenter.async_client(
                **config, http_client=http, timeout=0.3, max_retries=0
            )
            with pytest.raises(APITimeoutError):
                await client.requests.get("1")
    finally:
        server.close()
