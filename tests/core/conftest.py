from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from servicehub_sdk.core import OAuth2ClientCredentials
from servicehub_sdk.testing import EmulatorServer
from tests.core.demo import AsyncDemoClient, DemoApp, DemoClient
from tests.helpers import close


@pytest.fixture
def app() -> DemoApp:
    return DemoApp()


@pytest.fixture
def server(app: DemoApp) -> Iterator[EmulatorServer]:
    with EmulatorServer(app) as running:
        yield running


def credentials(server: EmulatorServer) -> OAuth2ClientCredentials:
    return OAuth2ClientCredentials(f"{server.url}/token", "demo-client", "demo-secret")


@pytest.fixture
async def client(mode: str, server: EmulatorServer) -> AsyncIterator[Any]:
    cls = DemoClient if mode == "sync" else AsyncDemoClient
    made = cls(server.url, auth=credentials(server))
    yield made
    await close(made)
