from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from servicehub_sdk.ssh import AsyncSecureServiceHub, SecureServiceHub
from servicehub_sdk.testing.ssh import SshEmulator
from tests.helpers import close


@pytest.fixture
def emulator() -> SshEmulator:
    return SshEmulator(seed=7)


@pytest.fixture
async def hub(mode: str, config: dict[str, Any]) -> AsyncIterator[Any]:
    cls = SecureServiceHub if mode == "sync" else AsyncSecureServiceHub
    client = cls(**config)
    yield client
    await close(client)


@pytest.fixture
def org_id(emulator: SshEmulator) -> str:
    return next(iter(emulator.store.organisations))
