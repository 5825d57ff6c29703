"""When to retry, and how long to wait: pure decisions, shared by the sync and async engines."""

from __future__ import annotations

import email.utils
import random
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import tenacity

from .errors import APIConnectionError, APIStatusError

__all__ = ["DEFAULT_RETRY_STATUSES", "RetryPolicy", "never_sent", "parse_retry_after"]

DEFAULT_RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})

# Failures that happen before a single byte of the request left the machine.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Failures that are our own fault or configuration: repeating cannot help.
_NOT_TRANSIENT = (httpx.UnsupportedProtocol, httpx.LocalProtocolError, httpx.InvalidURL)


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
        retry_statuses: HTTP statuses that are retried (idempotent requests only).
    """

    max_retries: int = 2
    backoff_base: float = 0.5
    backoff_cap: float = 8.0
    max_retry_after: float = 60.0
    max_total_wait: float = 120.0
    retry_statuses: frozenset[int] = field(default=DEFAULT_RETRY_STATUSES)

    def backoff(self, retry_number: int) -> float:
        """Exponential back-off with jitter for the `retry_number`-th retry (1-based)."""
        ceiling = min(self.backoff_cap, self.backoff_base * 2.0 ** (retry_number - 1))
        return ceiling * (0.5 + random.random() / 2)

    def delay_for(self, outcome: Any, *, idempotent: bool, retry_number: int) -> float | None:
        """Seconds to wait before retrying after `outcome`, or `None` not to retry.

        `outcome` is the `httpx.Response` or the exception of the attempt that just ended.
        """
        if isinstance(outcome, httpx.Response):
            if not idempotent or outcome.status_code not in self.retry_statuses:
                return None
            retry_after = parse_retry_after(outcome.headers.get("retry-after"))
            if retry_after is None:
                return self.backoff(retry_number)
            return retry_after if retry_after <= self.max_retry_after else None
        if isinstance(outcome, _NOT_TRANSIENT):
            return None
        if never_sent(outcome):
            return self.backoff(retry_number)
        if isinstance(outcome, httpx.TransportError) and idempotent:
            return self.backoff(retry_number)
        return None


def never_sent(exc: BaseException) -> bool:
    """Whether a failure provably happened before the request reached the server."""
    if isinstance(exc, _NEVER_SENT):
        return True
    if isinstance(exc, (APIStatusError, APIConnectionError)):
        # Raised while fetching a token: the request itself was never sent.
        return exc.before_request and _transient(exc)
    return False


def _transient(exc: APIStatusError | APIConnectionError) -> bool:
    if isinstance(exc, APIStatusError):
        return exc.status_code in DEFAULT_RETRY_STATUSES
    return True


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a `Retry-After` header: delta-seconds or an HTTP-date; `None` if absent."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - time.time())


class RetryDecision(tenacity.retry_base):
    """tenacity `retry=` strategy asking the policy; remembers the wait it decided on."""

    def __init__(self, policy: RetryPolicy, *, idempotent: bool) -> None:
        self.policy = policy
        self.idempotent = idempotent
        self.next_wait = 0.0

    def __call__(self, retry_state: tenacity.RetryCallState) -> bool:
        outcome = retry_state.outcome
        assert outcome is not None
        result = outcome.exception() if outcome.failed else outcome.result()
        delay = self.policy.delay_for(
            result, idempotent=self.idempotent, retry_number=retry_state.attempt_number
        )
        if delay is None or retry_state.idle_for + delay > self.policy.max_total_wait:
            return False
        self.next_wait = delay
        return True

    def wait(self, retry_state: tenacity.RetryCallState) -> float:
        return self.next_wait
