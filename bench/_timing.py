"""Timing shared by the benchmarks: the SDK and its raw-httpx baseline, measured in rounds.

Each round times both sides back to back (which goes first alternates), so a slow spell of
the machine falls on both alike; the figures are the medians over the rounds, the ratio is
the median of the rounds' own ratios, printed with their interquartile range.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from typing import Any, NamedTuple

ROUNDS = 21


class Timing(NamedTuple):
    sdk: float
    """Median seconds per call through the SDK."""
    raw: float
    """Median seconds per call with raw httpx."""
    ratio: float
    """Median of the rounds' SDK/raw ratios."""
    low: float
    """First quartile of the rounds' ratios."""
    high: float
    """Third quartile of the rounds' ratios."""

    def __str__(self) -> str:
        return f"{self.ratio:.2f}x ({self.low:.2f}-{self.high:.2f})"


def _schedule(sdk: Any, raw: Any, rounds: int | None) -> Iterator[tuple[int, Any]]:
    """(side, function) to time, round after round: side 0 is the SDK, 1 raw httpx."""
    for number in range(rounds or ROUNDS):
        sides = ((0, sdk), (1, raw))
        yield from sides if number % 2 == 0 else reversed(sides)


def _summary(spent: list[list[float]], n: int) -> Timing:
    rounds = list(zip(*spent, strict=True))
    low, middle, high = statistics.quantiles([s / r for s, r in rounds], n=4)
    return Timing(
        statistics.median(s for s, _ in rounds) / n,
        statistics.median(r for _, r in rounds) / n,
        middle,
        low,
        high,
    )


def paired(sdk: Any, raw: Any, n: int, rounds: int | None = None) -> Timing:
    """`n` calls of `sdk` and of `raw` per round, `ROUNDS` rounds unless told."""
    spent: list[list[float]] = [[], []]
    for side, fn in _schedule(sdk, raw, rounds):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        spent[side].append(time.perf_counter() - start)
    return _summary(spent, n)


async def apaired(
    sdk: Any, raw: Any, n: int, rounds: int | None = None, before: Any = None
) -> Timing:
    """`paired` for coroutine functions; `before()`, when given, runs untimed before each
    batch (`gc.collect`, so that each batch starts from the same heap)."""
    spent: list[list[float]] = [[], []]
    for side, fn in _schedule(sdk, raw, rounds):
        if before is not None:
            before()
        start = time.perf_counter()
        for _ in range(n):
            await fn()
        spent[side].append(time.perf_counter() - start)
    return _summary(spent, n)
