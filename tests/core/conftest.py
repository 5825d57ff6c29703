"""The demo backend's fixtures: `server` serves `DemoApp` in-process on a `FakeClock`, or on
loopback for tests marked `loopback` (see `tests/conftest.py`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from servicehub_sdk.core import OAuth2ClientCredentials
from servicehub_sdk.testing import EmulatorServer, EmulatorTransport
from tests.core.demo import AsyncDemoClient, DemoApp, DemoClient
from tests.helpers import close


@pytest.fixture
def app() -> DemoApp:
    return DemoApp()


@pytest.fixture
def emulator(app: DemoApp) -> DemoApp:
    return app


def credentials(server: EmulatorServer | EmulatorTransport) -> OAuth2ClientCredentials:
    return OAuth2ClientCredentials(f"{server.url}/token", "demo-client", "demo-secret")


@pytest.fixture
async def client(mode: str, server: EmulatorTransport) -> AsyncIterator[Any]:
    cls = DemoClient if mode == "sync" else AsyncDemoClient
    made = cls(server.url, auth=credentials(server))
    yield made
    await close(made)
