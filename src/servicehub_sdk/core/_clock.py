"""Where the SDK reads the time and waits: one small `Clock`, replaceable in tests.

The engines (retry back-off, attempt deadlines), the token caches (expiry) and single-flight
(back-off after a failed fetch) take their time and their sleeps from a `Clock` instead of
calling `time` and `asyncio` directly. The default, `SYSTEM_CLOCK`, is the real one. A test
installs another (`servicehub_sdk.testing.FakeClock`, which advances instantly when asked to
sleep) with `using_clock()`: engines, token strategies and single-flights created inside the
block keep it for their whole life, whichever thread later uses them.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import time
from collections.abc import Iterator

__all__ = ["SYSTEM_CLOCK", "Clock", "current_clock", "using_clock"]


class Clock:
    """The real clock: `time.monotonic`, `time.time`, `time.sleep`, `asyncio.sleep`.

    Subclass it to control time (see `servicehub_sdk.testing.FakeClock`). Sleeps of a
    negative length wait nothing rather than raising.
    """

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (deadlines, expiry, back-off)."""
        return time.monotonic()

    def time(self) -> float:
        """Seconds since the epoch (to read HTTP dates such as `Retry-After`)."""
        return time.time()

    def sleep(self, seconds: float) -> None:
        """Block the calling thread for `seconds`."""
        time.sleep(max(0.0, seconds))

    async def async_sleep(self, seconds: float) -> None:
        """Suspend the calling task for `seconds`."""
        await asyncio.sleep(max(0.0, seconds))

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


SYSTEM_CLOCK = Clock()
"""The real clock, used unless another is installed."""

_current: contextvars.ContextVar[Clock] = contextvars.ContextVar(
    "servicehub_sdk_clock", default=SYSTEM_CLOCK
)


def current_clock() -> Clock:
    """The clock that objects created now adopt: `SYSTEM_CLOCK` unless `using_clock` says."""
    return _current.get()


@contextlib.contextmanager
def using_clock(clock: Clock) -> Iterator[Clock]:
    """Make `clock` the one adopted by engines, token strategies and single-flights created
    inside the block (in this thread or task, and the tasks it starts)."""
    token = _current.set(clock)
    try:
        yield clock
    finally:
        _current.reset(token)
