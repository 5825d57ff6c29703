"""One fetch at a time for a shared value (a token, a login, a session), for threads and tasks.

`SingleFlight` keeps the current value and lets exactly one caller fetch a new one. Everyone
who asks while that fetch runs waits for it and gets its outcome: the new value, or the same
error. After a failed fetch the next one waits a short back-off (`backoff_base` seconds,
doubling with every consecutive failure up to `backoff_cap`), so that however many callers
need the value during an outage, the source sees a bounded number of attempts rather than
one per caller.

Waiting works across threads and event loops alike: a blocking caller waits on a
`threading.Event`, an async caller on a future of its own loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from ._clock import Clock, current_clock
from ._errors import APIConnectionError

__all__ = ["Attempt", "Claim", "SingleFlight"]

T = TypeVar("T")
Y = TypeVar("Y")
S = TypeVar("S")


class Attempt(Generic[T]):
    """One fetch in flight: its leader settles it once, everyone else waits for it."""

    def __init__(self) -> None:
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._value: T | None = None
        self._error: BaseException | None = None
        self._waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = []

    def _settle(self, value: T | None, error: BaseException | None) -> None:
        with self._lock:
            if self._done.is_set():
                return
            self._value, self._error = value, error
            self._done.set()
            waiters, self._waiters = self._waiters, []
        for loop, future in waiters:
            # a closed loop raises RuntimeError: nobody is waiting there any more
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_wake, future)

    def outcome(self) -> T:
        """The value, or the attempt's error raised; only once the attempt is settled."""
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value

    def wait(self) -> T:
        """Block until the attempt is settled; its value, or its error raised."""
        self._done.wait()
        return self.outcome()

    async def wait_async(self) -> T:
        """Await the attempt; its value, or its error raised."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        with self._lock:
            if not self._done.is_set():
                self._waiters.append((loop, future))
            else:
                future.set_result(None)
        await future
        return self.outcome()


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


@dataclass(frozen=True, slots=True)
class Claim(Generic[T]):
    """What a caller should do next, as decided by `SingleFlight.claim()`.

    Exactly one of the fields is set: `value` (use it), `join` (wait for that attempt),
    `lead` (fetch, then settle that attempt with `succeed`/`fail`), `delay` (sleep that many
    seconds, then claim again: the last attempt failed moments ago).
    """

    value: T | None = None
    join: Attempt[T] | None = None
    lead: Attempt[T] | None = None
    delay: float = 0.0


class SingleFlight(Generic[T]):
    """A shared value fetched by one caller at a time, its failures shared and backed off.

    Args:
        name: what is fetched, for errors (`token request to https://…`).
        fresh: whether a cached value may still be used (a token not about to expire);
            a value that is not fresh is fetched again.
        clock: where the back-off takes its time and sleeps (the clock current when the
            single-flight is created, normally the real one).

    Attributes:
        attempts: how many fetches were started, for tests and monitoring.
        failures: consecutive failed fetches (0 after a success).
        backoff_base, backoff_cap: the pause after a failed fetch: `backoff_base` seconds,
            doubled for every further consecutive failure, at most `backoff_cap`.
    """

    backoff_base: float = 0.5
    backoff_cap: float = 8.0

    def __init__(
        self, name: str, fresh: Callable[[T], bool] | None = None, *, clock: Clock | None = None
    ) -> None:
        self.name = name
        self.clock = clock or current_clock()
        self._fresh = fresh
        self._lock = threading.Lock()
        self._value: T | None = None
        self._attempt: Attempt[T] | None = None
        self._retry_at = 0.0
        self.attempts = 0
        self.failures = 0

    @property
    def value(self) -> T | None:
        """The last value fetched (fresh or not), `None` before the first success."""
        return self._value

    def current(self) -> T | None:
        """The cached value when it may still be used, else `None`."""
        value = self._value
        if value is None or (self._fresh is not None and not self._fresh(value)):
            return None
        return value

    def put(self, value: T) -> None:
        """Keep `value`, obtained outside `run`/`flow` (it ends any back-off)."""
        with self._lock:
            self._value = value
            self.failures = 0
            self._retry_at = 0.0

    def invalidate(self, stale: T | None = None) -> None:
        """Forget the cached value (only if it is still `stale`, when `stale` is given)."""
        with self._lock:
            if stale is None or self._value is stale:
                self._value = None

    def claim(self) -> Claim[T]:
        """Decide, atomically, whether the caller uses, waits for, or fetches the value."""
        with self._lock:
            value = self.current()
            if value is not None:
                return Claim(value=value)
            if self._attempt is not None:
                return Claim(join=self._attempt)
            pause = self._retry_at - self.clock.monotonic()
            if pause > 0:
                return Claim(delay=pause)
            self._attempt = Attempt()
            self.attempts += 1
            return Claim(lead=self._attempt)

    def succeed(self, attempt: Attempt[T], value: T) -> None:
        """Settle `attempt` with a new value, shared with everyone who waited for it."""
        with self._lock:
            if self._attempt is attempt:
                self._attempt = None
                self._value = value
                self.failures = 0
                self._retry_at = 0.0
        attempt._settle(value, None)

    def fail(self, attempt: Attempt[T], error: BaseException) -> None:
        """Settle `attempt` with `error`, shared with its waiters; start the back-off.

        When the leader was interrupted rather than failed (its connection broke inside
        httpx, its task was cancelled), the waiters get an `APIConnectionError` that says
        so, marked as raised before their own request, so their retries apply.
        """
        if not isinstance(error, Exception):
            error = self.interrupted()
        with self._lock:
            if self._attempt is attempt:
                self._attempt = None
                self.failures += 1
                pause = min(self.backoff_cap, self.backoff_base * 2.0 ** (self.failures - 1))
                self._retry_at = self.clock.monotonic() + pause
        attempt._settle(None, error)

    def interrupted(self) -> APIConnectionError:
        """The error shared when the fetch was abandoned before it had an outcome."""
        error = APIConnectionError(
            f"{self.name} could not be completed (the connection failed or was cancelled)",
            may_have_been_applied=False,
        )
        error.before_request = True
        return error

    def flow(self, fetch: Callable[[], Generator[Y, S, T]]) -> Generator[Y, S, T]:
        """The value, fetched by the generator `fetch()` unless it is cached or another
        caller fetches it; what `fetch()` yields passes through (an httpx auth flow's
        requests). Blocks while waiting for another caller or for the back-off."""
        while True:
            claim = self.claim()
            if claim.value is not None:
                return claim.value
            if claim.join is not None:
                return claim.join.wait()
            if claim.lead is None:
                self.clock.sleep(claim.delay)
                continue
            try:
                value = yield from fetch()
            except BaseException as error:
                self.fail(claim.lead, error)
                raise
            self.succeed(claim.lead, value)
            return value

    def run(self, fetch: Callable[[], T]) -> T:
        """The value, fetched with `fetch` unless it is cached or another caller fetches it."""

        def without_io() -> Generator[Any, Any, T]:
            return fetch()
            yield  # a generator that yields nothing

        flow = self.flow(without_io)
        try:
            next(flow)
        except StopIteration as done:
            return cast(T, done.value)
        raise AssertionError("a fetch without I/O yielded")

    async def run_async(self, fetch: Callable[[], Awaitable[T]]) -> T:
        """`run` for async callers: waits and back-off without blocking the loop."""
        while True:
            claim = self.claim()
            if claim.value is not None:
                return claim.value
            if claim.join is not None:
                return await claim.join.wait_async()
            if claim.lead is None:
                await self.clock.async_sleep(claim.delay)
                continue
            try:
                value = await fetch()
            except BaseException as error:
                self.fail(claim.lead, error)
                raise
            self.succeed(claim.lead, value)
            return value
