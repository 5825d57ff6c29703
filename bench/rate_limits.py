"""Throttling before the server says no, against an emulator enforcing a token bucket.

1. 10,000 reads with `rate_limit=RateLimit(N, burst)` against a SupportCenter Plus emulator
   enforcing the same bucket: no 429, and at least 95 % of N.
2. The same client without a limit, sending as fast as its own pace allows (100 requests/s):
   after its first 429s the adaptive slow-down settles it below the server's limit.

Both run in process (`EmulatorTransport`) on a `FakeClock`: waits pass instantly, so the
figures are the SDK's scheduling, not the machine's speed; the run stays bounded.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _goals import goal

from servicehub_sdk.core import RateLimit
from servicehub_sdk.supportcenter import SupportCenterClient
from servicehub_sdk.testing import EmulatorTransport, FakeClock, SupportCenterEmulator

PER_SECOND = 20.0
BURST = 5
READS = 10_000
ADAPTIVE_READS = 3_000
PACE = 0.01  # seconds of the caller's own work between reads in the adaptive run


def limited() -> None:
    emulator = SupportCenterEmulator(seed=1)
    with FakeClock() as clock, EmulatorTransport(emulator) as served:
        bucket = served.faults.rate_limit(PER_SECOND, BURST, clock=clock.monotonic)
        with SupportCenterClient(
            **emulator.client_config(served.url),
            http_client=served.client(),
            rate_limit=RateLimit(PER_SECOND, BURST),
        ) as client:
            started, cpu = clock.monotonic(), time.process_time()
            for _ in range(READS):
                client.request("GET", "requests")
            elapsed, cpu = clock.monotonic() - started, time.process_time() - cpu
    rate = READS / elapsed
    print(
        f"rate_limit={PER_SECOND:g}/{BURST} against the same bucket: {READS:,} reads, "
        f"{bucket.refused} answered 429, {rate:.2f} requests/s of {PER_SECOND:g} "
        f"(CPU of client and emulator together: {cpu / READS * 1e6:.0f} us per read)"
    )
    goal(
        "no 429 with rate_limit = the server's bucket",
        f"{bucket.refused}",
        bucket.refused == 0,
        "0",
    )
    share = rate / PER_SECOND
    goal("rate reached with rate_limit=N", f"{share:.1%} of N", share >= 0.95, ">= 95 %")


def adaptive() -> None:
    emulator = SupportCenterEmulator(seed=1)
    with FakeClock() as clock, EmulatorTransport(emulator) as served:
        bucket = served.faults.rate_limit(PER_SECOND, BURST, clock=clock.monotonic)
        with SupportCenterClient(
            **emulator.client_config(served.url), http_client=served.client(), max_retries=10
        ) as client:
            half = ADAPTIVE_READS // 2
            for _ in range(half):
                clock.advance(PACE)
                client.request("GET", "requests")
            refused, started = bucket.refused, clock.monotonic()
            for _ in range(ADAPTIVE_READS - half):
                clock.advance(PACE)
                client.request("GET", "requests")
            late_refused = bucket.refused - refused
            late_rate = (ADAPTIVE_READS - half) / (clock.monotonic() - started)
    print(
        f"no rate_limit, own pace {1 / PACE:g}/s, server {PER_SECOND:g}/{BURST}: "
        f"{refused} answered 429 in the first {half:,} reads, {late_refused} in the next "
        f"{ADAPTIVE_READS - half:,}, sending at {late_rate:.1f} requests/s after settling"
    )
    goal(
        "adaptive run settles below the server's limit",
        f"{late_rate:.1f} requests/s",
        late_rate <= PER_SECOND,
        f"<= {PER_SECOND:g}",
    )


if __name__ == "__main__":
    limited()
    adaptive()
