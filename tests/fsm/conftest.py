from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from servicehub_sdk.fsm import AsyncFSMClient, FSMClient
from servicehub_sdk.testing import FSMEmulator
from tests.helpers import close


@pytest.fixture
def emulator() -> FSMEmulator:
    return FSMEmulator(seed=3)


def client_class(mode: str) -> Any:
    return FSMClient if mode == "sync" else AsyncFSMClient


@pytest.fixture
async def fsm(mode: str, config: dict[str, Any]) -> AsyncIterator[Any]:
    client = client_class(mode)(**config)
    yield client
    await close(client)
