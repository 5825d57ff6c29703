"""Async fan-out over loopback: the SDK over httpx's own pool against the SDK over
`AiohttpClient` (aiohttp), at concurrency 1, 8 and 64, in one run.

The server is an asyncio process replaying a CECenter read (`_serve.replayed_apart`), so that
the client is what is measured. Each round sends `CALLS` reads through each client, which
goes first alternating; the figures are medians over the rounds, and the ratio (aiohttp time /
httpx time, lower is faster) is the median of the rounds' own ratios with its quartiles.
Nothing is asserted; the numbers are printed."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _serve import replayed_apart, served_apart
from _timing import apaired
from backends import recorded
from tests.proof.backends import BACKENDS

from servicehub_sdk.core import AiohttpClient

CALLS = 1000  # per round and client
ROUNDS = 7
CONCURRENCY = (1, 8, 64)


async def compare(url: str, concurrency: int, calls: int) -> str:
    backend = next(b for b in BACKENDS if b.name == "cecenter")
    emulator = backend.make_emulator()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    gate = asyncio.Semaphore(concurrency)
    async with (
        httpx.AsyncClient(limits=limits) as pooled,
        AiohttpClient(limits=limits) as aio,
    ):
        over_httpx = backend.client(emulator, url, "async", http_client=pooled)
        over_aiohttp = backend.client(emulator, url, "async", http_client=aio)

        async def one(client: object) -> None:
            async with gate:
                await backend.read(client, emulator)

        async def batch_httpx() -> None:
            await asyncio.gather(*(one(over_httpx) for _ in range(calls)))

        async def batch_aiohttp() -> None:
            await asyncio.gather(*(one(over_aiohttp) for _ in range(calls)))

        await batch_httpx()  # warm both pools and the token cache
        await batch_aiohttp()
        timing = await apaired(batch_aiohttp, batch_httpx, 1, rounds=ROUNDS)
        await over_httpx.close()
        await over_aiohttp.close()
    return (
        f"concurrency {concurrency:>2}: httpx pool {calls / timing.raw:,.0f} calls/s, "
        f"aiohttp {calls / timing.sdk:,.0f} calls/s, aiohttp/httpx time {timing}"
    )


def main(calls: int = CALLS) -> None:
    backend = next(b for b in BACKENDS if b.name == "cecenter")
    emulator = backend.make_emulator()
    with served_apart(emulator) as url:
        answers, _ = recorded(backend, emulator, url)
    with replayed_apart(answers) as url:
        print(f"fan-out over loopback, {calls:,} CECenter reads per round and client:")
        for concurrency in CONCURRENCY:
            print("  " + asyncio.run(compare(url, concurrency, calls)), flush=True)


if __name__ == "__main__":
    main()
