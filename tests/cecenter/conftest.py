from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from servicehub_sdk.cecenter import AsyncCECenterClient, CECenterClient
from servicehub_sdk.testing import CECenterEmulator
from tests.helpers import close


@pytest.fixture
def emulator() -> CECenterEmulator:
    return CECenterEmulator(seed=11)


def client_class(mode: str) -> Any:
    return CECenterClient if mode == "sync" else AsyncCECenterClient


@pytest.fixture
async def cec(mode: str, config: dict[str, Any]) -> AsyncIterator[Any]:
    client = client_class(mode)(**config)
    yield client
    await close(client)


@pytest.fixture
def alice(emulator: CECenterEmulator) -> str:
    return next(
        c["id"] for c in emulator.customers.values() if c["email"] == "alice@sandbox.example"
    )
