"""SDK engine vs raw httpx: GETs on a loopback emulator, sync and async; import time.

Run with `make bench` (or `python bench/core_overhead.py`). Prints ratios measured in this run;
nothing is asserted.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
from typing import Any

import httpx
from _serve import served_apart
from _timing import ROUNDS, Timing, apaired, paired

from servicehub_sdk.core import AsyncEngine, Call, SyncEngine
from servicehub_sdk.testing import EmulatedRequest, EmulatedResponse

BODY = json.dumps({"id": 1, "name": "bench", "tags": list(range(20))}).encode()


def app(request: EmulatedRequest) -> EmulatedResponse:
    return EmulatedResponse(200, BODY, {"Content-Type": "application/json"})


def parse(response: httpx.Response) -> Any:
    return response.json()


ROUND = 200  # calls per round
IMPORT_SAMPLES = 5


def sync_pair(url: str) -> Timing:
    engine = SyncEngine(http_client=httpx.Client(), owns_client=True, base_url=url)
    call = Call("GET", "", parse=parse)
    with httpx.Client() as client:
        engine.execute(call)
        client.get(url).json()
        timings = paired(lambda: engine.execute(call), lambda: client.get(url).json(), ROUND)
    engine.close()
    return timings


async def async_pair(url: str) -> Timing:
    engine = AsyncEngine(http_client=httpx.AsyncClient(), owns_client=True, base_url=url)
    call = Call("GET", "", parse=parse)
    async with httpx.AsyncClient() as client:

        async def raw() -> None:
            (await client.get(url)).json()

        await engine.execute(call)
        await raw()
        timings = await apaired(lambda: engine.execute(call), raw, ROUND)
    await engine.close()
    return timings


def import_time(module: str) -> float:
    samples = []
    for _ in range(IMPORT_SAMPLES):
        code = f"import time; t=time.perf_counter(); import {module}; print(time.perf_counter()-t)"
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        samples.append(float(out.stdout))
    return statistics.median(samples)


def main() -> None:
    with served_apart(app) as server_url:
        url = server_url + "/item"
        for mode, timing in (("sync ", sync_pair(url)), ("async", asyncio.run(async_pair(url)))):
            print(
                f"{mode} GET, {ROUNDS} rounds of {ROUND}: raw httpx {timing.raw * 1e6:.0f} us, "
                f"SDK engine {timing.sdk * 1e6:.0f} us per call, ratio {timing} "
                "(goal <= 1.10x)"
            )
    baseline = import_time("httpx")
    for module in ("servicehub_sdk", "servicehub_sdk.ssh"):
        print(
            f"import {module}: {import_time(module) * 1000:.0f} ms "
            f"(import httpx alone: {baseline * 1000:.0f} ms)"
        )


if __name__ == "__main__":
    main()
