"""The client-side token bucket: configured limits, bursts and the adaptive slow-down."""

from __future__ import annotations

import logging
import math
import threading

import pytest

from servicehub_sdk import ConfigurationError
from servicehub_sdk.core import RateLimit
from servicehub_sdk.core._ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_burst_goes_at_once_then_requests_are_spaced() -> None:
    clock = Clock()
    limiter = RateLimiter(RateLimit(per_second=10, burst=3), clock=clock)
    waits = [limiter.reserve() for _ in range(5)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert waits[3] == pytest.approx(0.1)
    assert waits[4] == pytest.approx(0.2)


def test_over_time_the_rate_is_the_limit() -> None:
    clock = Clock()
    limiter = RateLimiter(RateLimit(per_second=50, burst=1), clock=clock)
    sent = 0
    for _ in range(500):  # a caller that sends as soon as it may
        clock.now += limiter.reserve()
        sent += 1
    assert sent / (clock.now - 1000.0) == pytest.approx(50, rel=0.01)


def test_threads_share_one_bucket() -> None:
    limiter = RateLimiter(RateLimit(per_second=100, burst=1), clock=Clock())
    waits: list[float] = []
    lock = threading.Lock()

    def take() -> None:
        for _ in range(25):
            wait = limiter.reserve()
            with lock:
                waits.append(wait)

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # 100 reservations at one instant: each waits one slot longer than the one before
    assert sorted(waits) == pytest.approx([n / 100 for n in range(100)])


def test_no_limit_never_waits() -> None:
    limiter = RateLimiter(None, clock=Clock())
    assert not limiter.active
    assert {limiter.reserve() for _ in range(100)} == {0.0}


def test_a_rate_limit_answer_halves_the_configured_rate_and_it_recovers_slowly() -> None:
    clock = Clock()
    limiter = RateLimiter(RateLimit(per_second=20, burst=1), clock=clock)
    limiter.rate_limited()
    assert limiter.rate == pytest.approx(10)
    clock.now += 1
    limiter.reserve()
    assert limiter.rate == pytest.approx(10.5)
    clock.now += 60
    limiter.reserve()
    assert limiter.rate == pytest.approx(20)  # never above the configured limit


def test_without_a_limit_the_slow_down_starts_from_the_measured_rate(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock()
    limiter = RateLimiter(None, clock=clock, name="SupportCenterClient")
    for _ in range(64):
        limiter.reserve()
        clock.now += 0.01  # 100 requests per second
    with caplog.at_level(logging.INFO, logger="servicehub_sdk"):
        limiter.rate_limited()
        limiter.rate_limited()
    assert limiter.active
    assert limiter.rate == pytest.approx(100 / 4, rel=0.05)
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1  # logged once, when it starts
    assert "SupportCenterClient" in lines[0]
    assert "slowing down" in lines[0]


def test_the_rate_never_drops_to_nothing() -> None:
    limiter = RateLimiter(RateLimit(per_second=1), clock=Clock())
    for _ in range(50):
        limiter.rate_limited()
    assert limiter.rate > 0
    assert math.isfinite(limiter.reserve())


@pytest.mark.parametrize(
    ("per_second", "burst"),
    [(0, 1), (-1, 1), (math.nan, 1), (math.inf, 1), (1, 0), (1, 1.5), (1, True), ("5", 1)],
)
def test_nonsense_limits_are_refused(per_second: object, burst: object) -> None:
    with pytest.raises(ConfigurationError):
        RateLimit(per_second, burst)  # type: ignore[arg-type]


def test_parse() -> None:
    assert RateLimit.parse("10") == RateLimit(10.0, 1)
    assert RateLimit.parse(" 2.5/4 ") == RateLimit(2.5, 4)
    with pytest.raises(ConfigurationError, match="requests per second"):
        RateLimit.parse("fast")


def test_a_client_sending_now_and_then_is_not_slowed_to_a_crawl() -> None:
    clock = Clock()
    limiter = RateLimiter(None, clock=clock)
    limiter.reserve()
    clock.now += 3600  # one request an hour ago, one now, answered 429
    limiter.reserve()
    limiter.rate_limited()
    assert not limiter.active
    assert limiter.reserve() == 0.0


def test_unmeasured_sends_wait_for_the_bucket_but_do_not_set_the_slow_down_rate() -> None:
    clock = Clock()
    limited = RateLimiter(RateLimit(per_second=10, burst=1), clock=clock)
    assert limited.reserve(measured=False) == 0.0
    assert limited.reserve(measured=False) == pytest.approx(0.1)  # a token like any other
    free = RateLimiter(clock=clock)
    for _ in range(5):
        free.reserve(measured=False)  # token requests: not the client's own pace
    free.rate_limited()
    assert not free.active  # fewer than two measured sends: left to Retry-After
    free.reserve(), free.reserve()
    free.rate_limited()
    assert free.active
