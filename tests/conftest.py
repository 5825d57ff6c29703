"""Fixtures shared by the backend test packages.

Each backend's `conftest.py` provides `emulator` (its emulator app). `server` serves it
in-process (`EmulatorTransport`: every httpx client created during the test reaches it without
a socket) on a `FakeClock`, so retries, `Retry-After` and slow answers cost no real time;
`loopback_server` serves it on a real loopback socket, for the tests about the network
itself. `config` is the client configuration, and `mode` runs a test body for the sync and
the async client alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from servicehub_sdk.testing import EmulatorServer, EmulatorTransport, FakeClock
from tests.helpers import route_in_process


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "loopback: `server` is a real loopback server and time is real (tests about the "
        "network, or about callers that must meet while a request is in flight)",
    )


def _on_loopback(request: pytest.FixtureRequest) -> bool:
    return request.node.get_closest_marker("loopback") is not None


@pytest.fixture
def clock(request: pytest.FixtureRequest) -> Iterator[FakeClock]:
    """A clock that waits instantly; clients created during the test use it (not installed
    for tests marked `loopback`)."""
    fake = FakeClock()
    if _on_loopback(request):
        yield fake
        return
    with fake:
        yield fake


@pytest.fixture
def server(
    request: pytest.FixtureRequest,
    emulator: Any,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[EmulatorTransport | EmulatorServer]:
    """The emulator, in-process (or on loopback for tests marked `loopback`)."""
    if _on_loopback(request):
        with EmulatorServer(emulator) as running:
            yield running
        return
    transport = EmulatorTransport(emulator, unique=True)
    route_in_process(monkeypatch, transport)
    yield transport


@pytest.fixture
def loopback_server(emulator: Any) -> Iterator[EmulatorServer]:
    with EmulatorServer(emulator) as running:
        yield running


@pytest.fixture
def config(server: EmulatorTransport | EmulatorServer, emulator: Any) -> dict[str, Any]:
    config: dict[str, Any] = emulator.client_config(server.url)
    return config
