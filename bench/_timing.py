"""Timing shared by the benchmarks: the SDK and its raw-httpx baseline in alternating rounds."""

from __future__ import annotations

import time
from typing import Any

ROUNDS = 15


def paired(sdk: Any, raw: Any, n: int) -> tuple[float, float]:
    """Seconds per `n` calls of `sdk` and of `raw`: the best of `ROUNDS` rounds, the two
    alternating so that a slow spell of the machine falls on both alike."""
    best = [float("inf"), float("inf")]
    for _ in range(ROUNDS):
        for side, fn in enumerate((sdk, raw)):
            start = time.perf_counter()
            for _ in range(n):
                fn()
            best[side] = min(best[side], time.perf_counter() - start)
    return best[0], best[1]


async def apaired(sdk: Any, raw: Any, n: int) -> tuple[float, float]:
    """`paired` for coroutine functions."""
    best = [float("inf"), float("inf")]
    for _ in range(ROUNDS):
        for side, fn in enumerate((sdk, raw)):
            start = time.perf_counter()
            for _ in range(n):
                await fn()
            best[side] = min(best[side], time.perf_counter() - start)
    return best[0], best[1]
