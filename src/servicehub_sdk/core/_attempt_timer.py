"""`AttemptTimer`: the deadlines of an async engine's attempts over a transport that cannot
be given them (a client passed in: aiohttp, a mock, a transport of the caller's own).

`asyncio.timeout()` would do, but it schedules a timer of the event loop per attempt, and the
loop keeps its timers in a heap whose every comparison runs Python code: with many calls in
flight that was a tenth of each call's cost. Here one loop timer serves every attempt of the
engine, set for the earliest deadline; attempts are kept in a heap of plain lists (compared in
C), and one that ends before its deadline only marks its entry. An attempt past its deadline is
cancelled and, as with `asyncio.timeout()`, the cancellation leaves it as `TimeoutError`
unless someone else cancelled the task too. `start` and `finish` are plain calls around the
attempt's `await`, not an `async with` (two coroutines fewer per attempt).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from typing import Any

__all__ = ["AttemptTimer"]

_WHEN, _ORDER, _TASK, _EXPIRED, _CANCELLING = range(5)
"""An entry: `[deadline, order of arrival, task (None once the attempt ended), expired, the
task's cancellation requests when the attempt started]`."""


class AttemptTimer:
    """One event-loop timer for the deadlines of every attempt of one async engine."""

    def __init__(self) -> None:
        self._entries: list[list[Any]] = []
        self._ended = 0  # entries whose attempt ended before their deadline
        self._order = itertools.count()
        self._handle: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def start(self, seconds: float | None) -> list[Any] | None:
        """Bound the current task's attempt to `seconds` from now (`None`: no bound); pass
        what it returns to `finish` when the attempt ends, however it ends."""
        if seconds is None:
            return None
        task = asyncio.current_task()
        if task is None:
            raise RuntimeError("an attempt's deadline needs a task")
        return self._add(seconds, task)

    def finish(self, entry: list[Any] | None, cancelled: bool) -> bool:
        """End the attempt `start` bounded; whether it ended by its deadline, i.e. whether
        the `CancelledError` it ended with (`cancelled`) is to be raised as `TimeoutError`.

        As with `asyncio.timeout()`: the cancellation this timer made is withdrawn, and it is a
        timeout only when no one else also cancelled the task."""
        if entry is None:
            return False
        task = entry[_TASK]
        if task is None:
            return False
        if entry[_EXPIRED]:
            entry[_TASK] = None
            return task.uncancel() <= entry[_CANCELLING] and cancelled
        self._end(entry)
        return False

    def _add(self, seconds: float, task: asyncio.Task[Any]) -> list[Any]:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a first loop, or one after the previous was closed
            self._loop, self._handle, self._entries, self._ended = loop, None, [], 0
        entry: list[Any] = [loop.time() + seconds, next(self._order), task, False, 0]
        entry[_CANCELLING] = task.cancelling()
        heapq.heappush(self._entries, entry)
        if self._handle is None or entry[_WHEN] < self._handle.when():
            self._schedule()
        return entry

    def _end(self, entry: list[Any]) -> None:
        entry[_TASK] = None
        self._ended += 1
        if self._ended > 64 and self._ended * 2 > len(self._entries):
            self._entries = [e for e in self._entries if e[_TASK] is not None]
            heapq.heapify(self._entries)
            self._ended = 0

    def _schedule(self) -> None:
        entries = self._entries
        while entries and entries[0][_TASK] is None:
            heapq.heappop(entries)
            self._ended -= 1
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        if entries and self._loop is not None:
            self._handle = self._loop.call_at(entries[0][_WHEN], self._fire)

    def _fire(self) -> None:
        self._handle = None
        entries = self._entries
        now = self._loop.time() if self._loop is not None else 0.0
        while entries and entries[0][_WHEN] <= now:
            entry = heapq.heappop(entries)
            task = entry[_TASK]
            if task is None:
                self._ended -= 1
            else:
                entry[_EXPIRED] = True
                task.cancel()
        self._schedule()
