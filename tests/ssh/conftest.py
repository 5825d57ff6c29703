from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from servicehub_sdk.ssh import AsyncSSHClient, SSHClient
from servicehub_sdk.testing import SSH_VARIANTS as VARIANTS
from servicehub_sdk.testing import EmulatorServer, SSHEmulator
from tests.helpers import close, resolve


@pytest.fixture(params=VARIANTS)
def variant(request: pytest.FixtureRequest) -> str:
    """Each test runs against both readings of the API the emulator serves."""
    return str(request.param)


@pytest.fixture
def emulator(variant: str) -> SSHEmulator:
    return SSHEmulator(seed=7, variant=variant)  # type: ignore[arg-type]


@pytest.fixture
async def hub(
    mode: str, config: dict[str, Any], server: EmulatorServer, emulator: SSHEmulator
) -> AsyncIterator[Any]:
    """A client that has already read the server's schema, with the server's counts reset
    (so faults and counts a test adds concern the requests the test makes)."""
    cls = SSHClient if mode == "sync" else AsyncSSHClient
    client = cls(**config)
    assert (await resolve(client.schema_report())).source == "live"
    server.reset_counts()
    emulator.requests.clear()
    yield client
    await close(client)


@pytest.fixture
def org_id(emulator: SSHEmulator) -> str:
    return next(iter(emulator.store.organisations))
