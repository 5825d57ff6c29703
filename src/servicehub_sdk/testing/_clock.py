"""`FakeClock`: time that passes only when the SDK waits, and then at once.

```python
with FakeClock() as clock:             # clients created inside use it
    client = SupportCenterClient(...)
    client.requests.get(1)             # a 429 with Retry-After: 30 is waited out instantly
assert clock.sleeps == [30.0]
```
"""

from __future__ import annotations

import asyncio
import threading
import time
from contextvars import Token
from typing import Self

from ..core._clock import Clock, _current

__all__ = ["FakeClock"]


class FakeClock(Clock):
    """A `Clock` whose sleeps return at once, having moved the clock forward.

    Engines, token strategies and single-flights created while it is installed (`with
    FakeClock() as clock:`, or `using_clock(clock)`) wait on it: retry back-offs,
    `Retry-After`, token expiry and the back-off after a failed token request take no real
    time, and a test reads what was waited in `sleeps` or moves time on with `advance()`.
    `EmulatorTransport` created under it waits its `Delay` faults on it too.

    Args:
        start: the first `monotonic()` value.
        wall: the first `time()` value (seconds since the epoch); the real time by default.

    Attributes:
        sleeps: every wait asked for, in seconds, in order (negative requests included as
            asked; they wait nothing).
    """

    def __init__(self, start: float = 1_000.0, wall: float | None = None) -> None:
        self._lock = threading.Lock()
        self._monotonic = start
        self._wall = time.time() if wall is None else wall
        self.sleeps: list[float] = []
        self._tokens: list[Token[Clock]] = []

    def monotonic(self) -> float:
        with self._lock:
            return self._monotonic

    def time(self) -> float:
        with self._lock:
            return self._wall

    def advance(self, seconds: float) -> None:
        """Move time on by `seconds` (never back)."""
        with self._lock:
            step = max(0.0, seconds)
            self._monotonic += step
            self._wall += step

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
        self.advance(seconds)

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)
        await asyncio.sleep(0)  # still a suspension point, as a real sleep is

    @property
    def slept(self) -> float:
        """The seconds waited so far, in total."""
        with self._lock:
            return sum(max(0.0, s) for s in self.sleeps)

    def __enter__(self) -> Self:
        self._tokens.append(_current.set(self))
        return self

    def __exit__(self, *exc_info: object) -> None:
        _current.reset(self._tokens.pop())

    def __repr__(self) -> str:
        return f"FakeClock(monotonic={self.monotonic()}, slept={self.slept})"
