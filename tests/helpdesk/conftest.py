"""One sandbox per help desk backend for the module, and a help desk over its sync or async
client (`mode`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from servicehub_sdk.helpdesk import AsyncHelpDesk, HelpDesk
from servicehub_sdk.testing import Sandbox
from tests.helpers import close

BACKENDS = ("supportcenter", "cecenter", "spicecsm")


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def sandbox(backend: str) -> Iterator[Sandbox]:
    with Sandbox([backend]) as running:
        yield running


def make_client(sandbox: Sandbox, backend: str, mode: str, **overrides: Any) -> Any:
    if backend == "spicecsm":
        overrides.setdefault("allow_raw_sql", True)
    factory = sandbox.client if mode == "sync" else sandbox.async_client
    return factory(backend, **overrides)


@pytest.fixture
async def desk(sandbox: Sandbox, backend: str, mode: str) -> AsyncIterator[Any]:
    client = make_client(sandbox, backend, mode)
    try:
        yield HelpDesk(client) if mode == "sync" else AsyncHelpDesk(client)
    finally:
        await close(client)
