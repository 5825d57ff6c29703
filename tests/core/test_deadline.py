"""The attempt deadline on the installed httpx: installed on the clients the SDK creates,
reported when it cannot be, never put on a client the user passed in."""

from __future__ import annotations

import httpx
import pytest

from servicehub_sdk.core import APITimeoutError
from servicehub_sdk.core import _deadline as deadline
from tests.core.demo import AsyncDemoClient, DemoClient
from tests.helpers import close, resolve
from tests.proof.stalling import StallingServer


@pytest.mark.parametrize("cls", [httpx.Client, httpx.AsyncClient])
def test_the_deadline_installs_on_the_installed_httpx(cls: type[httpx.Client]) -> None:
    client = cls(mounts={"http://proxy.example": httpx.HTTPTransport()})
    assert deadline.install(client) is True
    assert deadline.installed(client)
    assert deadline.install(client) is True  # once is enough; a second call changes nothing


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_the_sdks_own_clients_enforce_deadlines(mode: str) -> None:
    client = (DemoClient if mode == "sync" else AsyncDemoClient)("http://127.0.0.1:9")
    assert client._engine.deadline_enforced
    assert deadline.installed(client._engine.http_client)
    await close(client)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_users_client_is_left_as_it_was(mode: str) -> None:
    http = httpx.Client() if mode == "sync" else httpx.AsyncClient()
    pool = http._transport._pool  # type: ignore[attr-defined]
    backend = pool._network_backend
    client = (DemoClient if mode == "sync" else AsyncDemoClient)(
        "http://127.0.0.1:9", http_client=http
    )
    assert not client._engine.deadline_enforced
    assert not deadline.installed(http)
    assert pool._network_backend is backend
    await close(client)
    await close(http)


def test_a_pool_that_no_longer_looks_as_expected_is_reported() -> None:
    """As if a release of httpx or httpcore renamed what the deadline wraps."""
    transport = httpx.HTTPTransport()
    transport._pool = object()  # type: ignore[assignment]  # a pool without _network_backend
    with pytest.warns(deadline.DeadlineWarning, match="cannot be enforced"):
        assert deadline.install(httpx.Client(transport=transport)) is False


@pytest.mark.loopback
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_trickling_server_cannot_hold_a_call_past_its_timeout(mode: str) -> None:
    """Every read gets a byte within the read timeout: only the attempt deadline ends it."""
    with StallingServer("trickle", every=0.05, hold=10) as stalling:
        cls = DemoClient if mode == "sync" else AsyncDemoClient
        client = cls(stalling.url, max_retries=0, timeout=0.4)
        with pytest.raises(APITimeoutError):
            await resolve(client.items.get(1))
        await close(client)
