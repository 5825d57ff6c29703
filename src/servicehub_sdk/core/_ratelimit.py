"""Client-side throttling: a token bucket shared by every thread and task of one client.

`RateLimit(per_second, burst)` caps how fast a client sends. The bucket holds up to `burst`
tokens and refills at `per_second`; each request takes one token, and a request that finds none
waits until its token is due. Waiting is reserved under a lock and slept outside it, so the
same bucket serves threads (`time.sleep`) and tasks (`asyncio.sleep`) alike, in arrival order.

The bucket also adapts to the server: a rate-limit answer (HTTP 429, SupportCenter Plus 4015)
halves the rate the client sends at — with no `RateLimit` set, it starts from the rate measured
over the last sends of the last ten seconds (a client that sent fewer than two is left to the
server's `Retry-After`) — and each second without one raises it by a twentieth again, up to the
configured rate. The first slow-down of a client is logged once at INFO.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from ._errors import ConfigurationError

__all__ = ["LIMITER_EXTENSION", "RateLimit", "RateLimiter", "limiter_of"]

logger = logging.getLogger("servicehub_sdk")

LIMITER_EXTENSION = "servicehub_sdk.rate_limiter"
"""The request extension naming the `RateLimiter` of the client that sends a request, so that
the requests its auth strategy makes on its own (token requests) take from the same bucket."""

_SLOW_DOWN = 0.5
_RECOVER_PER_SECOND = 1.05
_MEASURED_SENDS = 64
_MEASURED_SECONDS = 10.0  # sends older than this say nothing about the current rate
_FLOOR = 0.1  # requests per second: never slower than one every ten seconds


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most `per_second` requests per second on average, `burst` at once.

    ```python
    scp = SupportCenterClient.from_env(rate_limit=RateLimit(per_second=10, burst=5))
    ```
    Shared by every thread and task using the client and by its `with_options` copies. Across
    processes or hosts, give each one its share: the vendor's limit divided by their number.
    """

    per_second: float
    burst: int = 1

    def __post_init__(self) -> None:
        if not (isinstance(self.per_second, int | float) and math.isfinite(self.per_second)):
            raise ConfigurationError(
                f"RateLimit.per_second must be a number, got {self.per_second!r}"
            )
        if self.per_second <= 0:
            raise ConfigurationError(f"RateLimit.per_second must be above 0, got {self.per_second}")
        if isinstance(self.burst, bool) or not isinstance(self.burst, int) or self.burst < 1:
            raise ConfigurationError(
                f"RateLimit.burst must be a whole number >= 1, got {self.burst!r}"
            )

    @classmethod
    def parse(cls, text: str) -> RateLimit:
        """`"10"` or `"10/5"` (per second / burst), as environment variables and profiles give it."""
        rate, _, burst = text.strip().partition("/")
        try:
            return cls(float(rate), int(burst) if burst else 1)
        except ValueError:
            raise ConfigurationError(
                f"rate limit {text!r}: write requests per second, optionally /burst (e.g. 10/5)"
            ) from None


def limiter_of(request: httpx.Request) -> RateLimiter | None:
    """The limiter of the client sending `request` (`None` outside a client's engine)."""
    limiter = request.extensions.get(LIMITER_EXTENSION)
    return limiter if isinstance(limiter, RateLimiter) else None


class RateLimiter:
    """The bucket of one client. `reserve()` takes a token and says how long to wait first.

    Args:
        limit: the configured limit, or `None` to send freely until the server objects.
        clock: seconds from a monotonic clock (injectable for tests).
        name: the client, for the log line.
    """

    def __init__(
        self,
        limit: RateLimit | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        name: str = "client",
    ) -> None:
        self.limit = limit
        self._clock = clock
        self._name = name
        self._lock = threading.Lock()
        self._ceiling = limit.per_second if limit else math.inf
        self._rate = self._ceiling
        self._burst = float(limit.burst if limit else 1)
        self._tokens = self._burst
        self._updated = clock()
        self._recovered = self._updated
        self._sends: deque[float] = deque(maxlen=_MEASURED_SENDS)
        self._logged = False

    @property
    def rate(self) -> float:
        """The rate the client currently sends at (`inf` when nothing limits it)."""
        return self._rate

    @property
    def active(self) -> bool:
        """Whether requests can be held back at all (a limit set, or a server that objected)."""
        return math.isfinite(self._rate)

    def reserve(self, *, measured: bool = True) -> float:
        """Take one token; return the seconds to wait before sending (0.0 when none).

        `measured=False` for a request that is not one of the client's own calls (a token
        request, often to another host): it waits for the bucket like every request, but does
        not count toward the rate the adaptive slow-down starts from."""
        if self._rate == math.inf:  # nothing limits the client: only remember the send
            if measured:
                self._sends.append(self._clock())  # (a deque's append is atomic)
            return 0.0
        with self._lock:
            now = self._clock()
            if measured:
                self._sends.append(now)
            if not math.isfinite(self._rate):
                return 0.0
            self._recover(now)
            self._tokens = min(self._burst, self._tokens + (now - self._updated) * self._rate)
            self._updated = now
            self._tokens -= 1.0
            if self._tokens >= 0:
                return 0.0
            return -self._tokens / self._rate

    def rate_limited(self) -> None:
        """The server answered "too many requests": halve the rate sent at."""
        with self._lock:
            now = self._clock()
            current = self._rate if math.isfinite(self._rate) else self._measured(now)
            if current is None:  # a client sending now and then: its rate is not the cause
                return
            self._rate = max(_FLOOR, current * _SLOW_DOWN)
            self._tokens = min(self._tokens, 0.0)
            self._updated = now
            self._recovered = now
            first, self._logged = not self._logged, True
        if first:
            logger.info(
                "%s: the server is limiting the rate; slowing down to %.1f requests/s",
                self._name,
                self._rate,
            )

    def _recover(self, now: float) -> None:
        if self._rate >= self._ceiling:
            return
        seconds = now - self._recovered
        if seconds >= 1.0:
            self._rate = min(self._ceiling, self._rate * _RECOVER_PER_SECOND ** int(seconds))
            self._recovered = now

    def _measured(self, now: float) -> float | None:
        """Requests per second over the recent sends; `None` with fewer than two of them."""
        # A copy first: `reserve` appends without the lock while nothing limits the client.
        recent = [sent for sent in tuple(self._sends) if now - sent <= _MEASURED_SECONDS]
        if len(recent) < 2:
            return None
        span = max(now - recent[0], 1e-3)
        return len(recent) / span
