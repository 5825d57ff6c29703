"""Both headers on every request; the gateway's 401/403; one token for many calls."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from servicehub_sdk.core import AuthenticationError, ConfigurationError, PermissionDeniedError
from servicehub_sdk.ssh import ENVIRONMENTS, AsyncSSHClient, SSHClient
from servicehub_sdk.testing import EmulatorServer, SSHEmulator
from servicehub_sdk.testing._ssh import OTHER_TENANT_API_KEY
from tests.helpers import close, resolve


async def test_every_request_has_api_key_and_bearer(mode: str, config: dict[str, Any]) -> None:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> None:
        seen.append(request)

    async def arecord(request: httpx.Request) -> None:
        seen.append(request)

    if mode == "sync":
        hub: Any = SSHClient(**config, http_client=httpx.Client(event_hooks={"request": [record]}))
    else:
        hub = AsyncSSHClient(
            **config, http_client=httpx.AsyncClient(event_hooks={"request": [arecord]})
        )
    await resolve(hub.customers.get("C-10001"))
    await resolve(hub.service_organisations.list().first())
    api = [r for r in seen if r.url.path == "/graphql"]
    token = [r for r in seen if r.url.path.endswith("/token")]
    assert len(token) == 1 and "api-key" not in token[0].headers
    assert b"grant_type=client_credentials" in token[0].content
    assert all(r.headers["api-key"] == config["api_key"] for r in api)
    assert all(r.headers["authorization"].startswith("Bearer ") for r in api)
    await close(hub._context.engine.http_client)


async def test_wrong_api_key_is_an_authentication_error(mode: str, config: dict[str, Any]) -> None:
    cls = SSHClient if mode == "sync" else AsyncSSHClient
    hub: Any = cls(**{**config, "api_key": "wrong"})
    with pytest.raises(AuthenticationError) as caught:
        await resolve(hub.customers.get("C-10001"))
    assert "invalid subscription key" in str(caught.value)
    assert caught.value.code == 401
    await close(hub)


async def test_other_tenants_key_is_permission_denied(mode: str, config: dict[str, Any]) -> None:
    cls = SSHClient if mode == "sync" else AsyncSSHClient
    hub: Any = cls(**{**config, "api_key": OTHER_TENANT_API_KEY})
    with pytest.raises(PermissionDeniedError):
        await resolve(hub.customers.get("C-10001"))
    await close(hub)


async def test_wrong_client_secret(mode: str, config: dict[str, Any]) -> None:
    cls = SSHClient if mode == "sync" else AsyncSSHClient
    hub: Any = cls(**{**config, "client_secret": "nope"})
    with pytest.raises(AuthenticationError) as caught:
        await resolve(hub.customers.get("C-10001"))
    assert caught.value.code == "invalid_client"
    await close(hub)


async def test_concurrent_async_calls_share_one_token(
    config: dict[str, Any], emulator: SSHEmulator
) -> None:
    async with AsyncSSHClient(**config) as hub:
        ids = [f"C-{10001 + i}" for i in range(50)]
        customers = await asyncio.gather(*(hub.customers.get(i) for i in ids))
    assert [c.external_id for c in customers] == ids
    assert emulator.tokens.issued == 1


async def test_token_expiry_mid_run_refreshes_once(hub: Any, emulator: SSHEmulator) -> None:
    await resolve(hub.customers.get("C-10001"))
    emulator.tokens.expire_all()
    for i in range(5):
        await resolve(hub.customers.get(f"C-{10002 + i}"))
    assert emulator.tokens.issued == 2


def test_environments_and_configuration_errors() -> None:
    assert ENVIRONMENTS["production"].graphql_url == "https://api.secure-service-hub.com/graphql"
    assert (
        ENVIRONMENTS["staging"].graphql_url == "https://api-staging.secure-service-hub.com/graphql"
    )
    assert "symcloudplatformb2cprod.b2clogin.com" in ENVIRONMENTS["production"].token_url
    hub = SSHClient(api_key="k", client_id="c", client_secret="s", environment="staging")
    assert str(hub.base_url) == "https://api-staging.secure-service-hub.com/graphql"
    with pytest.raises(ConfigurationError, match="client_secret"):
        SSHClient(api_key="k", client_id="c")
    with pytest.raises(ConfigurationError, match="environment"):
        SSHClient(api_key="k", client_id="c", client_secret="s", environment="dev")  # type: ignore[arg-type]


def test_from_env(
    monkeypatch: pytest.MonkeyPatch, config: dict[str, Any], server: EmulatorServer
) -> None:
    for key, value in config.items():
        monkeypatch.setenv(f"SERVICEHUB_SSH_{key.upper()}", value)
    with SSHClient.from_env() as hub:
        assert hub.customers.get("C-10001").external_id == "C-10001"


def test_sandbox_builds_ssh_clients() -> None:
    from servicehub_sdk.testing import Sandbox

    with Sandbox(["ssh"]) as sandbox:
        with sandbox.ssh_client() as hub:
            assert len(hub.service_organisations.list().to_list()) == 3
        assert sandbox.ssh_url.startswith("http://127.0.0.1:")


def test_emulator_isolated(emulator: SSHEmulator, server: EmulatorServer) -> None:
    response = httpx.post(
        server.url + "/graphql", json={"query": '{ customer(externalId: "C-10001") { id } }'}
    )
    assert response.status_code == 401
    assert response.json()["statusCode"] == 401
