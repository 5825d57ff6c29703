from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from servicehub_sdk.supportcenter import AsyncSupportCenterPlus, SupportCenterPlus
from servicehub_sdk.testing.supportcenter import ScpEmulator
from tests.helpers import close


@pytest.fixture
def emulator() -> ScpEmulator:
    return ScpEmulator(seed=5)


def client_class(mode: str) -> Any:
    return SupportCenterPlus if mode == "sync" else AsyncSupportCenterPlus


@pytest.fixture
async def scp(mode: str, config: dict[str, Any]) -> AsyncIterator[Any]:
    client = client_class(mode)(**config)
    yield client
    await close(client)


@pytest.fixture
async def new_request(scp: Any) -> Any:
    from tests.helpers import resolve

    return await resolve(
        scp.requests.create(
            {"subject": "Spindle noise", "priority": "High", "requester": {"name": "Requester 1"}}
        )
    )
