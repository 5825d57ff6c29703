"""SDK engine vs raw httpx: 2,000 GETs on a loopback emulator, sync and async; import time.

Run with `make bench` (or `python bench/core_overhead.py`). Prints ratios measured in this run;
nothing is asserted.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import httpx

from servicehub_sdk.core import AsyncEngine, Call, SyncEngine
from servicehub_sdk.testing import EmulatedRequest, EmulatedResponse, EmulatorServer

CALLS = 2_000
BODY = json.dumps({"id": 1, "name": "bench", "tags": list(range(20))}).encode()


def app(request: EmulatedRequest) -> EmulatedResponse:
    return EmulatedResponse(200, BODY, {"Content-Type": "application/json"})


def parse(response: httpx.Response) -> Any:
    return response.json()


def best_of(runs: int, fn: Callable[[], float]) -> float:
    return min(fn() for _ in range(runs))


def sync_raw(url: str) -> float:
    with httpx.Client() as client:
        client.get(url).json()
        start = time.perf_counter()
        for _ in range(CALLS):
            client.get(url).json()
        return time.perf_counter() - start


def sync_sdk(url: str) -> float:
    engine = SyncEngine(http_client=httpx.Client(), owns_client=True, base_url=url)
    call = Call("GET", "", parse=parse)
    engine.execute(call)
    start = time.perf_counter()
    for _ in range(CALLS):
        engine.execute(call)
    elapsed = time.perf_counter() - start
    engine.close()
    return elapsed


async def async_raw(url: str) -> float:
    async with httpx.AsyncClient() as client:
        (await client.get(url)).json()
        start = time.perf_counter()
        for _ in range(CALLS):
            (await client.get(url)).json()
        return time.perf_counter() - start


async def async_sdk(url: str) -> float:
    engine = AsyncEngine(http_client=httpx.AsyncClient(), owns_client=True, base_url=url)
    call = Call("GET", "", parse=parse)
    await engine.execute(call)
    start = time.perf_counter()
    for _ in range(CALLS):
        await engine.execute(call)
    elapsed = time.perf_counter() - start
    await engine.close()
    return elapsed


def import_time(module: str) -> float:
    samples = []
    for _ in range(5):
        code = f"import time; t=time.perf_counter(); import {module}; print(time.perf_counter()-t)"
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        samples.append(float(out.stdout))
    return statistics.median(samples)


def main() -> None:
    with EmulatorServer(app) as server:
        url = server.url + "/item"
        raw = best_of(3, lambda: sync_raw(url))
        sdk = best_of(3, lambda: sync_sdk(url))
        print(
            f"sync  {CALLS} GETs: raw httpx {raw:.3f} s, SDK engine {sdk:.3f} s, ratio {sdk / raw:.2f}x (goal <= 1.10x)"
        )
        araw = best_of(3, lambda: asyncio.run(async_raw(url)))
        asdk = best_of(3, lambda: asyncio.run(async_sdk(url)))
        print(
            f"async {CALLS} GETs: raw httpx {araw:.3f} s, SDK engine {asdk:.3f} s, ratio {asdk / araw:.2f}x (goal <= 1.10x)"
        )
    httpx_import = import_time("httpx")
    sdk_import = import_time("servicehub_sdk")
    print(
        f"import httpx {httpx_import * 1000:.1f} ms, import servicehub_sdk {sdk_import * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
