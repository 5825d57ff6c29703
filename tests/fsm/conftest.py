from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from servicehub_sdk.fsm import AsyncCrowdPartnerClient, CrowdPartnerClient
from servicehub_sdk.testing import EmulatorServer
from servicehub_sdk.testing.fsm import CrowdEmulator
from tests.helpers import close


@pytest.fixture
def emulator() -> CrowdEmulator:
    return CrowdEmulator(seed=3)


@pytest.fixture
def server(emulator: CrowdEmulator) -> Iterator[EmulatorServer]:
    with EmulatorServer(emulator) as running:
        yield running


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def config(server: EmulatorServer, emulator: CrowdEmulator) -> dict[str, Any]:
    return emulator.client_config(server.url)


def client_class(mode: str) -> Any:
    return CrowdPartnerClient if mode == "sync" else AsyncCrowdPartnerClient


@pytest.fixture
async def fsm(mode: str, config: dict[str, Any]) -> AsyncIterator[Any]:
    client = client_class(mode)(**config)
    yield client
    await close(client)
