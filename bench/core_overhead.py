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
from _timing import ROUNDS, apaired, paired

from servicehub_sdk.core import AsyncEngine, Call, SyncEngine
from servicehub_sdk.testing import EmulatedRequest, EmulatedResponse, EmulatorServer

BODY = json.dumps({"id": 1, "name": "bench", "tags": list(range(20))}).encode()


def app(request: EmulatedRequest) -> EmulatedResponse:
    return EmulatedResponse(200, BODY, {"Content-Type": "application/json"})


def parse(response: httpx.Response) -> Any:
    return response.json()


ROUND = 200  # calls per round


def sync_pair(url: str) -> tuple[float, float]:
    engine = SyncEngine(http_client=httpx.Client(), owns_client=True, base_url=url)
    call = Call("GET", "", parse=parse)
    with httpx.Client() as client:
        engine.execute(call)
        client.get(url).json()
        timings = paired(lambda: engine.execute(call), lambda: client.get(url).json(), ROUND)
    engine.close()
    return timings


async def async_pair(url: str) -> tuple[float, float]:
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
        sdk, raw = sync_pair(url)
        print(
            f"sync  GET x{ROUND} (best of {ROUNDS} rounds): raw httpx {raw * 1e6 / ROUND:.0f} us, "
            f"SDK engine {sdk * 1e6 / ROUND:.0f} us per call, ratio {sdk / raw:.2f}x (goal <= 1.10x)"
        )
        asdk, araw = asyncio.run(async_pair(url))
        print(
            f"async GET x{ROUND} (best of {ROUNDS} rounds): raw httpx {araw * 1e6 / ROUND:.0f} us, "
            f"SDK engine {asdk * 1e6 / ROUND:.0f} us per call, ratio {asdk / araw:.2f}x (goal <= 1.10x)"
        )
    httpx_import = import_time("httpx")
    sdk_import = import_time("servicehub_sdk")
    print(
        f"import httpx {httpx_import * 1000:.1f} ms, import servicehub_sdk {sdk_import * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
