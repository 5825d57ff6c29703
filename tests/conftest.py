"""Fixtures shared by the backend test packages.

Each backend's `conftest.py` provides `emulator` (its emulator app); these fixtures serve it on
loopback and give the client configuration, and `mode` runs a test body for the sync and the
async client alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from servicehub_sdk.testing import EmulatorServer


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def server(emulator: Any) -> Iterator[EmulatorServer]:
    with EmulatorServer(emulator) as running:
        yield running


@pytest.fixture
def config(server: EmulatorServer, emulator: Any) -> dict[str, Any]:
    config: dict[str, Any] = emulator.client_config(server.url)
    return config
