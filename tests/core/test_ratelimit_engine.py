"""The rate limiter inside the engine: shared per client, waited through its clock, counted
toward `total_timeout`, slowed down by rate-limit answers. No real sleeps: a clock that
records the waits and (unless told) lets no time pass."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from servicehub_sdk.core import (
    APITimeoutError,
    AsyncEngine,
    Call,
    ConfigurationError,
    OAuth2ClientCredentials,
    RateLimit,
    RetryPolicy,
    SyncEngine,
)
from servicehub_sdk.supportcenter import SupportCenterClient
from servicehub_sdk.testing import EmulatorTransport, FakeClock, SupportCenterEmulator

BASE = "https://limits.example.test"


class StillClock(FakeClock):
    """Records each wait; time stands still, so every reservation happens at one instant."""

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)


def ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"ok": True})


def sync_engine(
    clock: FakeClock,
    limit: RateLimit | None,
    handler: Callable[[httpx.Request], httpx.Response] = ok,
    retry: RetryPolicy | None = None,
) -> SyncEngine:
    return SyncEngine(
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
        owns_client=True,
        base_url=BASE,
        clock=clock,
        rate_limit=limit,
        retry=retry,
    )


def async_engine(clock: FakeClock, limit: RateLimit | None) -> AsyncEngine:
    return AsyncEngine(
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(ok)),
        owns_client=True,
        base_url=BASE,
        clock=clock,
        rate_limit=limit,
    )


def get() -> Call[int]:
    return Call("GET", "/things", lambda response: response.status_code)


def test_calls_beyond_the_burst_wait_through_the_engine_clock() -> None:
    clock = FakeClock()
    engine = sync_engine(clock, RateLimit(per_second=10, burst=2))
    for _ in range(5):
        assert engine.execute(get()) == 200
    assert clock.sleeps == pytest.approx([0.1, 0.1, 0.1])


def test_no_limit_no_wait() -> None:
    clock = FakeClock()
    engine = sync_engine(clock, None)
    for _ in range(50):
        engine.execute(get())
    assert clock.sleeps == []


def test_threads_share_one_bucket() -> None:
    clock = StillClock()
    engine = sync_engine(clock, RateLimit(per_second=10, burst=1))
    threads = [
        threading.Thread(target=lambda: [engine.execute(get()) for _ in range(5)]) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # One bucket for 20 calls at one instant: waits 0.1, 0.2 … 1.9 (four buckets: at most 0.4).
    assert sorted(clock.sleeps) == pytest.approx([n / 10 for n in range(1, 20)])


def test_tasks_share_one_bucket() -> None:
    clock = StillClock()
    engine = async_engine(clock, RateLimit(per_second=10, burst=1))

    async def main() -> None:
        async with engine.http_client:
            await asyncio.gather(*(engine.execute(get()) for _ in range(10)))

    asyncio.run(main())
    assert sorted(clock.sleeps) == pytest.approx([n / 10 for n in range(1, 10)])


def test_with_options_copies_share_the_limiter() -> None:
    with StillClock() as clock:  # the client's engine takes the clock installed now
        client = SupportCenterClient(
            base_url=BASE,
            api_key="key",
            http_client=httpx.Client(transport=httpx.MockTransport(ok)),
            rate_limit="10/1",
            allow_insecure_http=True,
        )
    patient = client.with_options(timeout=60)
    for target in (client, patient, client, patient):
        target.request("GET", "/api/v3/requests")
    assert clock.sleeps == pytest.approx([0.1, 0.2, 0.3])


def test_waiting_counts_toward_total_timeout() -> None:
    clock = FakeClock()
    engine = sync_engine(
        clock, RateLimit(per_second=1, burst=1), retry=RetryPolicy(total_timeout=0.5)
    )
    engine.execute(get())
    with pytest.raises(APITimeoutError, match="total_timeout"):
        engine.execute(get())  # its token is due in 1 s, after the call's end
    assert clock.sleeps == []


def test_a_wait_within_total_timeout_is_taken() -> None:
    clock = FakeClock()
    engine = sync_engine(
        clock, RateLimit(per_second=1, burst=1), retry=RetryPolicy(total_timeout=5)
    )
    engine.execute(get())
    engine.execute(get())
    assert clock.sleeps == pytest.approx([1.0])


def test_a_429_slows_an_unlimited_client_down(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    answers = iter(
        [httpx.Response(200, json={"ok": True}) for _ in range(4)]
        + [httpx.Response(429, headers={"Retry-After": "0"})]
        + [httpx.Response(200, json={"ok": True}) for _ in range(10)]
    )

    def handler(request: httpx.Request) -> Any:
        return next(answers)

    engine = sync_engine(clock, None, handler)
    for _ in range(4):
        clock.advance(0.01)  # a client sending at 100/s
        engine.execute(get())
    assert not engine.limiter.active
    caplog.set_level(logging.INFO, logger="servicehub_sdk")
    engine.execute(get())  # 429, retried, then answered
    assert engine.limiter.active
    assert engine.limiter.rate < 100
    limited = [r for r in caplog.records if "limiting the rate" in r.getMessage()]
    assert len(limited) == 1
    before = list(clock.sleeps)
    for _ in range(3):
        engine.execute(get())
    assert len(clock.sleeps) > len(before)  # later calls are now spaced out


def test_the_environment_sets_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVICEHUB_SUPPORTCENTER_RATE_LIMIT", "10/5")
    client = SupportCenterClient.from_env(
        base_url=BASE,
        api_key="key",
        http_client=httpx.Client(transport=httpx.MockTransport(ok)),
        allow_insecure_http=True,
    )
    assert client._engine.limiter.limit == RateLimit(per_second=10, burst=5)


def test_a_limit_that_is_not_one_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="10/5"):
        SupportCenterClient(
            base_url=BASE, api_key="key", rate_limit="ten", allow_insecure_http=True
        )
    with pytest.raises(ConfigurationError, match="RateLimit"):
        SupportCenterClient(base_url=BASE, api_key="key", rate_limit=10, allow_insecure_http=True)  # type: ignore[arg-type]  # the mistake under test


def test_a_client_limited_like_the_server_gets_no_429() -> None:
    emulator = SupportCenterEmulator(seed=1)
    with FakeClock() as clock, EmulatorTransport(emulator) as served:
        bucket = served.faults.rate_limit(20, burst=5, clock=clock.monotonic)
        client = SupportCenterClient(
            **emulator.client_config(served.url),
            http_client=served.client(),
            rate_limit=RateLimit(per_second=20, burst=5),
        )
        for _ in range(60):
            client.request("GET", "requests")
    assert (bucket.allowed, bucket.refused) == (60, 0)
    assert clock.monotonic() - 1000.0 == pytest.approx(55 / 20)


def test_an_unlimited_client_settles_below_the_server_limit_after_429s() -> None:
    emulator = SupportCenterEmulator(seed=1)
    with FakeClock() as clock, EmulatorTransport(emulator) as served:
        bucket = served.faults.rate_limit(20, burst=5, clock=clock.monotonic)
        client = SupportCenterClient(
            **emulator.client_config(served.url),
            http_client=served.client(),
            max_retries=10,
        )
        for _ in range(200):
            clock.advance(0.01)  # the client's own pace: 100 requests/s
            client.request("GET", "requests")
    assert bucket.refused > 0
    assert client._engine.limiter.rate <= 20


def token_and_api(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/token":
        return httpx.Response(200, json={"access_token": "t-1", "expires_in": 3600})
    return httpx.Response(200, json={"ok": True})


def test_a_token_request_takes_its_token_from_the_client_limiter() -> None:
    with FakeClock() as clock:
        auth = OAuth2ClientCredentials(f"{BASE}/token", "client", "secret")
        engine = SyncEngine(
            http_client=httpx.Client(transport=httpx.MockTransport(token_and_api)),
            owns_client=True,
            base_url=BASE,
            auth=auth,
            clock=clock,
            rate_limit=RateLimit(per_second=10, burst=1),
        )
        assert engine.execute(get()) == 200  # the API request takes the burst...
        assert clock.sleeps == pytest.approx([0.1])  # ...so its token request waits
        assert engine.execute(get()) == 200  # the token is cached: one request, one wait
        assert clock.sleeps == pytest.approx([0.1, 0.1])
        assert auth.tokens_fetched == 1


def test_an_async_token_request_takes_its_token_from_the_client_limiter() -> None:
    async def main() -> None:
        with FakeClock() as clock:
            auth = OAuth2ClientCredentials(f"{BASE}/token", "client", "secret")
            engine = AsyncEngine(
                http_client=httpx.AsyncClient(transport=httpx.MockTransport(token_and_api)),
                owns_client=True,
                base_url=BASE,
                auth=auth,
                clock=clock,
                rate_limit=RateLimit(per_second=10, burst=1),
            )
            assert await engine.execute(get()) == 200
            assert clock.sleeps == pytest.approx([0.1])
            assert await engine.execute(get()) == 200
            assert clock.sleeps == pytest.approx([0.1, 0.1])
            assert auth.tokens_fetched == 1
            await engine.close()

    asyncio.run(main())
