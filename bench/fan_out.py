"""Async fan-out: the SDK's cost with many calls in flight, in memory and over loopback.

- **In memory**: 1,000 typed CECenter reads at concurrency 64 against the same 1,000 reads one
  at a time, through one client over an in-memory transport that yields to the event loop on
  every request. The ratio (fan-out time / one-at-a-time time, per call) is the SDK's own
  cost of concurrency; goal <= 1.15x. Everything runs in this process, so the time is its CPU
  time (`time.process_time`), which the machine's other work stretches less than the
  wall-clock time, over `MEMORY_ROUNDS` rounds, each batch after a full garbage collection
  (so that a collection of the garbage an earlier batch left does not fall on either side
  by chance; the collections a batch causes itself are counted in it).
- **Over loopback**: calls/s at concurrency 1, 8 and 64 against an asyncio server in another
  process replaying CECenter's answers (`_serve.replayed_apart`), so that the client is what
  is measured. Three clients: the SDK's default path (no `http_client=`: the pool the SDK
  creates), a plain `httpx.AsyncClient()` passed in (used exactly as given), and
  `AiohttpClient` for reference. Each round sends one batch per concurrency, each on its own
  client of the kind, in alternating order, so that a slow spell of the machine falls on all.
  Goal: the default path does not lose throughput as concurrency grows, i.e. its calls/s at
  64 in flight are at least those at 1 (the median of the rounds' own ratios, >= 1.00x).
  Beside each rate, the client's CPU time per call (the median over the rounds): at 64 in
  flight the client's CPU is what bounds the rate, and unlike the rate it is not disturbed
  by the server sharing the machine's cores.

Nothing is asserted; the numbers are printed, each goal beside its figure.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _goals import goal
from _serve import replayed_apart, served_apart
from _timing import Timing, _schedule, _summary
from backends import recorded, yielding
from tests.proof.backends import BACKENDS, Backend

CALLS = 1000  # per batch
ROUNDS = 7
MEMORY_ROUNDS = 21
CONCURRENCY = (1, 8, 64)
MEMORY_CONCURRENCY = 64


def _cecenter() -> Backend:
    return next(b for b in BACKENDS if b.name == "cecenter")


async def in_memory(backend: Backend, emulator: Any, url: str, answers: Any, calls: int) -> None:
    """Fan-out at `MEMORY_CONCURRENCY` against one call at a time, one client, in memory."""
    http = httpx.AsyncClient(transport=yielding(answers))
    client = backend.client(emulator, url, "async", http_client=http)
    gate = asyncio.Semaphore(MEMORY_CONCURRENCY)

    async def one() -> None:
        async with gate:
            await backend.read(client, emulator)

    async def fan_out() -> None:
        await asyncio.gather(*(one() for _ in range(calls)))

    async def one_at_a_time() -> None:
        for _ in range(calls):
            await backend.read(client, emulator)

    await fan_out()  # warm the client and its token
    await one_at_a_time()
    timing = await cpu_paired(fan_out, one_at_a_time, MEMORY_ROUNDS)
    await client.close()
    await http.aclose()
    print(
        f"  in memory, {calls:,} calls: at {MEMORY_CONCURRENCY} in flight "
        f"{timing.sdk / calls * 1e6:,.0f} us a call, one at a time "
        f"{timing.raw / calls * 1e6:,.0f} us a call, fan-out / one at a time {timing}",
        flush=True,
    )
    goal(
        f"fan-out at {MEMORY_CONCURRENCY}, in memory, per call against one at a time",
        str(timing),
        timing.ratio <= 1.15,
        "<= 1.15x",
    )


Batch = Callable[[], Awaitable[None]]


async def cpu_paired(first: Batch, second: Batch, rounds: int) -> Timing:
    """`_timing.apaired` for one batch each, timed in this process's CPU time."""
    spent: list[list[float]] = [[], []]
    for side, batch in _schedule(first, second, rounds):
        gc.collect()  # each batch starts from the same heap; its own collections count
        start = time.process_time()
        await batch()
        spent[side].append(time.process_time() - start)
    return _summary(spent, 1)


async def loopback(
    backend: Backend, emulator: Any, url: str, calls: int, make: Callable[[], Any] | None
) -> tuple[dict[int, float], dict[int, float], list[float]]:
    """Calls/s and the client's CPU seconds per call, per concurrency (medians over the
    rounds), and the rounds' ratios of the rate at the highest concurrency to the rate at 1.
    `make` builds the `http_client` passed in (`None`: the SDK's own pool); each concurrency
    has its own client."""
    clients: dict[int, Any] = {}
    owned: list[Any] = []
    for concurrency in CONCURRENCY:
        options: dict[str, Any] = {}
        if make is not None:
            options["http_client"] = make()
            owned.append(options["http_client"])
        clients[concurrency] = backend.client(emulator, url, "async", **options)

    def batch(concurrency: int) -> Batch:
        client = clients[concurrency]
        gate = asyncio.Semaphore(concurrency)

        async def one() -> None:
            async with gate:
                await backend.read(client, emulator)

        async def run() -> None:
            await asyncio.gather(*(one() for _ in range(calls)))

        return run

    batches = {concurrency: batch(concurrency) for concurrency in CONCURRENCY}
    for run in batches.values():
        await run()  # warm each pool and token cache
    rates: dict[int, list[float]] = {concurrency: [] for concurrency in CONCURRENCY}
    cpu: dict[int, list[float]] = {concurrency: [] for concurrency in CONCURRENCY}
    for number in range(ROUNDS):
        order = CONCURRENCY if number % 2 == 0 else tuple(reversed(CONCURRENCY))
        for concurrency in order:
            started, cpu_started = time.perf_counter(), time.process_time()
            await batches[concurrency]()
            cpu[concurrency].append((time.process_time() - cpu_started) / calls)
            rates[concurrency].append(calls / (time.perf_counter() - started))
    for client in clients.values():
        await client.close()
    for http in owned:
        await http.aclose()
    low, high = CONCURRENCY[0], CONCURRENCY[-1]
    ratios = [h / lo for h, lo in zip(rates[high], rates[low], strict=True)]
    medians = {c: statistics.median(r) for c, r in rates.items()}
    return medians, {c: statistics.median(t) for c, t in cpu.items()}, ratios


def _spread(ratios: list[float]) -> tuple[float, str]:
    low, middle, high = statistics.quantiles(ratios, n=4)
    return middle, f"{middle:.2f}x ({low:.2f}-{high:.2f})"


def _aiohttp() -> Callable[[], Any] | None:
    try:
        from servicehub_sdk.core import AiohttpClient
    except ImportError:  # the `aiohttp` extra is not installed
        return None
    return AiohttpClient


def main(calls: int = CALLS) -> None:
    backend = _cecenter()
    emulator = backend.make_emulator()
    with served_apart(emulator) as url:
        answers, _ = recorded(backend, emulator, url)
    print("fan-out, CECenter `service_ticket_types.list` reads:", flush=True)
    asyncio.run(in_memory(backend, emulator, url, answers, calls))
    kinds: dict[str, Callable[[], Any] | None] = {
        "SDK's own pool (default)": None,
        "httpx.AsyncClient() passed in": httpx.AsyncClient,
    }
    if (aiohttp := _aiohttp()) is not None:
        kinds["AiohttpClient passed in"] = aiohttp
    high = CONCURRENCY[-1]
    with replayed_apart(answers) as url:
        print(f"  over loopback, {calls:,} calls per batch, {ROUNDS} rounds:", flush=True)
        for name, make in kinds.items():
            rates, cpu, ratios = asyncio.run(loopback(backend, emulator, url, calls, make))
            ratio, spread = _spread(ratios)
            figures = ", ".join(
                f"{c} in flight {rates[c]:,.0f} calls/s ({cpu[c] * 1e6:,.0f} us CPU a call)"
                for c in CONCURRENCY
            )
            print(f"    {name}: {figures}; {high} / 1 in flight {spread}", flush=True)
            if make is None:
                goal(
                    f"loopback, default path, calls/s at {high} in flight against 1",
                    spread,
                    ratio >= 1.0,
                    ">= 1.00x",
                )


if __name__ == "__main__":
    main()
