from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from servicehub_sdk.supportcenter import AsyncSupportCenterClient, SupportCenterClient
from servicehub_sdk.testing import SupportCenterEmulator
from tests.helpers import close


@pytest.fixture
def emulator() -> SupportCenterEmulator:
    return SupportCenterEmulator(seed=5)


def client_class(mode: str) -> Any:
    return SupportCenterClient if mode == "sync" else AsyncSupportCenterClient


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
