"""`serve(emulator)`: the emulator in-process for this test (every httpx client created during
the test reaches it without a socket), on the test's `FakeClock`, so faults, retries and slow
answers cost no real time. The tests about the network itself (stalls, deadlines, callers that
meet while a request is in flight) keep real loopback servers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from servicehub_sdk.testing import EmulatorTransport, FakeClock
from tests.helpers import route_in_process

Serve = Callable[[Any], EmulatorTransport]


@pytest.fixture
def serve(clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> Serve:
    def serve(emulator: Any) -> EmulatorTransport:
        transport = EmulatorTransport(emulator, unique=True)
        route_in_process(monkeypatch, transport)
        return transport

    return serve
