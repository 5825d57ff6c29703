from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from servicehub_sdk.fsm import AsyncCrowdPartnerClient, CrowdPartnerClient
from servicehub_sdk.testing.fsm import CrowdEmulator
from tests.helpers import close


@pytest.fixture
def emulator() -> CrowdEmulator:
    return CrowdEmulator(seed=3)


def client_class(mode: str) -> Any:
    return CrowdPartnerClient if mode == "sync" else AsyncCrowdPartnerClient


@pytest.fixture
async def fsm(mode: str, config: dict[str, Any]) -> AsyncIterator[Any]:
    client = client_class(mode)(**config)
    yield client
    await close(client)
