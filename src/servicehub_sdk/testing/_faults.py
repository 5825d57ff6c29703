"""Fault injection for emulators: scripted sequences or random failures, per route.

```python
server.faults.add([Reply(503), Reply(503)], path="/graphql")      # the next two calls fail
server.faults.random(0.3, [Reply(502), Drop()], seed=7)            # 30 % of all calls fail
server.faults.add(Reply(429, headers={"Retry-After": "1"}), method="POST")
server.faults.rate_limit(10, burst=5)                               # a token bucket: 429 beyond
```
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._server import EmulatedRequest

__all__ = [
    "PROFILES",
    "Delay",
    "Drop",
    "Fault",
    "Faults",
    "Malformed",
    "RateLimitBucket",
    "Reply",
    "Rule",
]


@dataclass(frozen=True)
class Fault:
    """Base of the faults. `delay` seconds pass before the fault (or the normal answer)."""

    delay: float = 0.0


@dataclass(frozen=True)
class Delay(Fault):
    """Answer normally, but only after `delay` seconds."""


@dataclass(frozen=True)
class Drop(Fault):
    """Read the request, then close the connection without answering."""


@dataclass(frozen=True)
class Reply(Fault):
    """Answer with this status, headers and body instead of the emulator's answer."""

    status: int = 503
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def __init__(
        self,
        status: int = 503,
        headers: Mapping[str, str] | None = None,
        body: bytes | str = b"",
        delay: float = 0.0,
    ) -> None:
        object.__setattr__(self, "delay", delay)
        object.__setattr__(self, "status", status)
        object.__setattr__(self, "headers", dict(headers or {}))
        object.__setattr__(self, "body", body.encode() if isinstance(body, str) else body)


@dataclass(frozen=True)
class Malformed(Fault):
    """Answer with a body the client cannot read (truncated JSON, an HTML proxy page…)."""

    body: bytes = b'{"data": {"trunc'
    status: int = 200
    content_type: str = "application/json"

    def __init__(
        self,
        body: bytes | str = b'{"data": {"trunc',
        status: int = 200,
        content_type: str = "application/json",
        delay: float = 0.0,
    ) -> None:
        object.__setattr__(self, "delay", delay)
        object.__setattr__(self, "body", body.encode() if isinstance(body, str) else body)
        object.__setattr__(self, "status", status)
        object.__setattr__(self, "content_type", content_type)


@dataclass
class Rule:
    """Where a fault applies and which fault comes next."""

    method: str | None
    path: str | None
    sequence: deque[Fault] | None = None
    rate: float = 0.0
    choices: Sequence[Fault] = ()
    rng: random.Random | None = None
    remaining: int | None = None
    injected: int = 0

    def matches(self, request: EmulatedRequest) -> bool:
        if self.method is not None and request.method != self.method.upper():
            return False
        return self.path is None or request.path.startswith(self.path)

    def next_fault(self) -> Fault | None:
        if self.remaining is not None and self.remaining <= 0:
            return None
        fault: Fault | None = None
        if self.sequence is not None:
            fault = self.sequence.popleft() if self.sequence else None
        elif self.rng is not None and self.choices and self.rng.random() < self.rate:
            fault = self.rng.choice(list(self.choices))
        if fault is not None:
            self.injected += 1
            if self.remaining is not None:
                self.remaining -= 1
        return fault

    @property
    def exhausted(self) -> bool:
        if self.remaining is not None and self.remaining <= 0:
            return True
        return self.sequence is not None and not self.sequence


@dataclass
class RateLimitBucket(Rule):
    """A server-side token bucket: `per_second` requests on average, `burst` at once; a request
    finding no token is answered 429 with `Retry-After` (whole seconds, rounded up).

    `allowed` and `refused` count the requests let through and answered 429. `clock` gives
    seconds from a monotonic clock (a `FakeClock`'s `monotonic` in tests).
    """

    per_second: float = 1.0
    burst: int = 1
    clock: Callable[[], float] = time.monotonic
    allowed: int = 0
    refused: int = 0
    _tokens: float | None = field(default=None, repr=False)
    _updated: float = field(default=0.0, repr=False)

    def next_fault(self) -> Fault | None:
        now = self.clock()
        tokens = float(self.burst) if self._tokens is None else self._tokens  # starts full
        tokens = min(self.burst, tokens + (now - self._updated) * self.per_second)
        self._updated = now
        if tokens >= 1.0 - 1e-9:  # a token due now, whatever the float rounding
            self._tokens = max(0.0, tokens - 1.0)
            self.allowed += 1
            return None
        self._tokens = tokens
        self.refused += 1
        self.injected += 1
        due = (1.0 - tokens) / self.per_second
        return Reply(429, headers={"Retry-After": str(max(1, math.ceil(due)))})

    @property
    def exhausted(self) -> bool:
        return False


class Faults:
    """The fault rules of one server. Rules are tried in the order they were added."""

    def __init__(self) -> None:
        self._rules: list[Rule] = []
        self._lock = threading.Lock()

    def add(
        self,
        faults: Fault | Sequence[Fault],
        *,
        path: str | None = None,
        method: str | None = None,
    ) -> Rule:
        """Inject `faults` in order on the next matching requests, one each."""
        sequence = deque([faults] if isinstance(faults, Fault) else faults)
        rule = Rule(method=method, path=path, sequence=sequence)
        with self._lock:
            self._rules.append(rule)
        return rule

    def random(
        self,
        rate: float,
        choices: Sequence[Fault],
        *,
        path: str | None = None,
        method: str | None = None,
        seed: int = 0,
        limit: int | None = None,
    ) -> Rule:
        """Inject one of `choices` into a `rate` share of matching requests (seeded)."""
        if not 0 <= rate <= 1:
            raise ValueError("rate must be between 0 and 1")
        rule = Rule(
            method=method,
            path=path,
            rate=rate,
            choices=tuple(choices),
            rng=random.Random(seed),
            remaining=limit,
        )
        with self._lock:
            self._rules.append(rule)
        return rule

    def rate_limit(
        self,
        per_second: float,
        burst: int = 1,
        *,
        path: str | None = None,
        method: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> RateLimitBucket:
        """Enforce a token bucket on matching requests: beyond it, answer 429 with
        `Retry-After`, as a rate-limiting gateway does."""
        if not per_second > 0 or burst < 1:
            raise ValueError("per_second must be above 0 and burst at least 1")
        rule = RateLimitBucket(
            method=method, path=path, per_second=per_second, burst=burst, clock=clock
        )
        with self._lock:
            self._rules.append(rule)
        return rule

    def profile(self, name: str, *, seed: int = 0) -> Rule:
        """Add a named random profile (see `PROFILES`)."""
        try:
            rate, choices = PROFILES[name]
        except KeyError:
            raise ValueError(
                f"unknown fault profile {name!r}; known: {', '.join(PROFILES)}"
            ) from None
        return self.random(rate, choices, seed=seed)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    @property
    def injected(self) -> int:
        """How many faults were injected so far."""
        return sum(rule.injected for rule in self._rules)

    def pick(self, request: EmulatedRequest) -> Fault | None:
        with self._lock:
            for rule in self._rules:
                if rule.matches(request) and not rule.exhausted:
                    fault = rule.next_fault()
                    if fault is not None:
                        return fault
        return None


PROFILES: dict[str, tuple[float, tuple[Fault, ...]]] = {
    "none": (0.0, ()),
    "flaky": (
        0.3,
        (
            Reply(502),
            Reply(503),
            Reply(504),
            Drop(),
            Reply(429, headers={"Retry-After": "0"}),
        ),
    ),
    "slow": (0.5, (Delay(0.5),)),
    "rate-limited": (0.5, (Reply(429, headers={"Retry-After": "1"}),)),
}
