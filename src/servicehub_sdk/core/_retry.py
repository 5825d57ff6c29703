"""When to retry, and how long to wait: the tenacity strategies the engines' loop asks.

The engines run one loop per call (`SyncEngine.execute`, `AsyncEngine.execute`). After a
failed attempt they record it in a `tenacity.RetryCallState` and ask the policy's three
tenacity strategies, in tenacity's own order: `retry` (is this failure worth another
attempt?), `wait` (how long first?) and `stop` (attempts or waiting exhausted?). Every
decision is made on the SDK error the attempt raised, so a failure reported inside an HTTP 200
envelope (SupportCenter Plus rate limiting, code 4015) is retried exactly like a 429.

One rule for rate limits: a `RateLimitError` (HTTP 429, or a backend's rate-limit code such as
SupportCenter Plus 4015, whether its status line says 200 or 400) means the request was not
processed, so it is retried for every method, creates included.
"""

from __future__ import annotations

import email.utils
import math
import random
from dataclasses import dataclass, field
from typing import Any

import httpx
import tenacity

from ._clock import SYSTEM_CLOCK, Clock, current_clock
from ._errors import (
    APIConnectionError,
    APIStatusError,
    ConfigurationError,
    RateLimitError,
    ServiceHubError,
)

__all__ = [
    "DEFAULT_RETRY_STATUSES",
    "RetryPolicy",
    "check_max_retries",
    "never_sent",
    "parse_retry_after",
]

DEFAULT_RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})

# Failures that happen before a single byte of the request left the machine.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Failures that are our own fault or configuration: repeating cannot help.
_NOT_TRANSIENT = (httpx.UnsupportedProtocol, httpx.LocalProtocolError, httpx.InvalidURL)


def check_max_retries(value: Any) -> int:
    """`value` as a retry count; `ConfigurationError` unless it is an integer of 0 or more."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigurationError(f"max_retries must be an integer of 0 or more, got {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How the engines retry.

    Attributes:
        max_retries: retries after the first attempt (so `2` means up to three attempts).
        backoff_base: the first back-off in seconds; it doubles each retry.
        backoff_cap: the longest single back-off.
        max_retry_after: the longest `Retry-After` honoured; a longer one raises
            `RateLimitError` at once, with `retry_after` set.
        max_total_wait: the most time spent sleeping between attempts of one call.
        retry_statuses: HTTP statuses that are retried (idempotent requests only; a rate
            limit, 429 or a backend's rate-limit code, is retried for every method while 429
            is in this set).
        total_timeout: seconds the whole call may take, every attempt and wait included
            (`None`: no bound beyond `timeout` per attempt and `max_total_wait`). An attempt
            running when it elapses ends with `APITimeoutError`; no attempt starts after it.
    """

    max_retries: int = 2
    backoff_base: float = 0.5
    backoff_cap: float = 8.0
    max_retry_after: float = 60.0
    max_total_wait: float = 120.0
    retry_statuses: frozenset[int] = field(default=DEFAULT_RETRY_STATUSES)
    total_timeout: float | None = None

    def __post_init__(self) -> None:
        check_max_retries(self.max_retries)
        if self.total_timeout is not None and not self.total_timeout > 0:
            raise ConfigurationError("total_timeout must be above 0 seconds, or None")

    def ends(self, clock: Clock = SYSTEM_CLOCK) -> float | None:
        """The `clock.monotonic()` deadline of a call starting now, under `total_timeout`."""
        return None if self.total_timeout is None else clock.monotonic() + self.total_timeout

    def backoff(self, retry_number: int) -> float:
        """Exponential back-off with jitter for the `retry_number`-th retry (1-based)."""
        ceiling = min(self.backoff_cap, self.backoff_base * 2.0 ** (retry_number - 1))
        return ceiling * (0.5 + random.random() / 2)

    def retryable(self, error: BaseException, *, idempotent: bool) -> bool:
        """Whether the SDK error an attempt raised is worth another attempt."""
        if isinstance(error, RateLimitError):
            # Not processed, whatever the method: retried while 429 is a retried status.
            if 429 not in self.retry_statuses:
                return False
        elif isinstance(error, APIStatusError):
            if error.status_code not in self.retry_statuses:
                return False
            if not (idempotent or error.before_request):
                return False
        if isinstance(error, APIStatusError):
            retry_after = _retry_after(error)
            return retry_after is None or retry_after <= self.max_retry_after
        if isinstance(error, APIConnectionError):
            cause = error.__cause__
            if isinstance(cause, _NOT_TRANSIENT):
                return False
            return idempotent or error.before_request or never_sent(cause or error)
        return False

    # -- the three tenacity strategies -----------------------------------------------------

    def retry(self, *, idempotent: bool) -> tenacity.retry_base:
        """tenacity `retry=`: the failure is one `retryable` accepts."""
        return tenacity.retry_if_exception(
            lambda error: self.retryable(error, idempotent=idempotent)
        )

    def wait(self, state: tenacity.RetryCallState) -> float:
        """tenacity `wait=`: the server's `Retry-After` when it gave one, else the back-off."""
        error = state.outcome.exception() if state.outcome is not None else None
        retry_after = _retry_after(error) if isinstance(error, APIStatusError) else None
        return self.backoff(state.attempt_number) if retry_after is None else max(0.0, retry_after)

    def stop(self, state: tenacity.RetryCallState) -> bool:
        """tenacity `stop=`: attempts used up, or the next wait would exceed `max_total_wait`."""
        upcoming = state.upcoming_sleep
        return (
            state.attempt_number > self.max_retries
            or state.idle_for + upcoming > self.max_total_wait
        )


def _retry_after(error: APIStatusError) -> float | None:
    if isinstance(error, RateLimitError) and error.retry_after is not None:
        return error.retry_after
    return parse_retry_after(error.response.headers.get("retry-after"))


def never_sent(exc: BaseException | None) -> bool:
    """Whether a failure provably happened before the request reached the server."""
    if isinstance(exc, _NEVER_SENT):
        return True
    if isinstance(exc, ServiceHubError):
        # Raised while fetching a token: the request itself was never sent.
        return exc.before_request and _transient(exc)
    return False


def _transient(exc: ServiceHubError) -> bool:
    if isinstance(exc, APIStatusError):
        return exc.status_code in DEFAULT_RETRY_STATUSES
    return isinstance(exc, APIConnectionError)


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds from a `Retry-After` header: delta-seconds or an HTTP-date (counted from `now`,
    seconds since the epoch, by default the current clock's `time()`).

    Never raises and never negative: a negative delay or a date in the past is `0.0`; a value
    that is neither a finite number nor a date (garbage, `inf`, `nan`) is `None`, as if the
    header were absent.
    """
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
            seconds = when.timestamp() - (current_clock().time() if now is None else now)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)
