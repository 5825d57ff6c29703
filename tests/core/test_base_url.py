"""A base_url that cannot work is refused at construction; connection errors say where the
URL came from, with host and port."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from servicehub_sdk import APIConnectionError, ConfigurationError
from servicehub_sdk.cecenter import CECenterClient
from servicehub_sdk.fsm import FSMClient
from servicehub_sdk.spicecsm import SpiceCSMClient
from servicehub_sdk.ssh import SSHClient
from servicehub_sdk.supportcenter import AsyncSupportCenterClient, SupportCenterClient
from servicehub_sdk.testing import Drop, EmulatorTransport, SupportCenterEmulator
from tests.helpers import close, collect


@pytest.fixture
def emulator() -> SupportCenterEmulator:
    return SupportCenterEmulator(seed=5)


@pytest.mark.parametrize(
    ("url", "problem", "example"),
    [
        ("scp.example.com/api", "has no scheme", "https://scp.example.com/api"),
        ("localhost:8080", "has no scheme", "https://localhost:8080"),
        ("https:///api", "has no host", "https://"),
        ("ftp://scp.example.com", "is not an http(s) URL", "https://scp.example.com"),
    ],
)
def test_a_base_url_without_scheme_or_host_is_refused_at_construction(
    url: str, problem: str, example: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        SupportCenterClient(base_url=url, api_key="k")
    message = str(caught.value)
    assert message.startswith("base_url ") and problem in message
    assert f"e.g. base_url='{example}" in message


@pytest.mark.parametrize(
    ("cls", "settings"),
    [
        (SSHClient, {"api_key": "k", "client_id": "c", "client_secret": "s"}),
        (FSMClient, {"client_id": "c", "client_secret": "s", "account_id": "1", "company_id": "2"}),
        (CECenterClient, {"client_id": "c", "client_secret": "s", "tenant": "t"}),
        (SpiceCSMClient, {"username": "u", "password": "p"}),
    ],
)
def test_every_backend_refuses_a_scheme_less_base_url(cls: Any, settings: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError, match=r"base_url 'api\.example\.com' has no scheme"):
        cls(base_url="api.example.com", **settings)


def test_from_env_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVICEHUB_SUPPORTCENTER_BASE_URL", "scp.example.com")
    monkeypatch.setenv("SERVICEHUB_SUPPORTCENTER_API_KEY", "k")
    with pytest.raises(ConfigurationError, match="SERVICEHUB_SUPPORTCENTER_BASE_URL 'scp"):
        SupportCenterClient.from_env()


def _cls(mode: str) -> Any:
    return SupportCenterClient if mode == "sync" else AsyncSupportCenterClient


async def test_a_connection_error_names_host_port_and_the_argument(
    mode: str, config: dict[str, Any], server: EmulatorTransport
) -> None:
    client = _cls(mode)(**config, max_retries=0)
    server.faults.add(Drop())
    with pytest.raises(APIConnectionError) as caught:
        await collect(client.requests.list())
    url = httpx.URL(server.url)
    port = url.port or {"http": 80, "https": 443}[url.scheme]
    endpoint = f"[API host {url.host} port {port}, base_url from the base_url argument]"
    assert endpoint in str(caught.value)
    await close(client)


async def test_a_connection_error_names_the_environment_variable(
    mode: str, config: dict[str, Any], server: EmulatorTransport, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SERVICEHUB_SUPPORTCENTER_BASE_URL", config["base_url"])
    monkeypatch.setenv("SERVICEHUB_SUPPORTCENTER_API_KEY", config["api_key"])
    client = _cls(mode).from_env(max_retries=0)
    server.faults.add(Drop())
    with pytest.raises(APIConnectionError) as caught:
        await collect(client.requests.list())
    assert "base_url from environment variable SERVICEHUB_SUPPORTCENTER_BASE_URL]" in str(
        caught.value
    )
    assert " port " in str(caught.value)
    await close(client)


def test_a_connection_error_names_the_profile(
    config: dict[str, Any], server: EmulatorTransport, tmp_path: Path
) -> None:
    from servicehub_sdk.cli._profiles import Profile, client_for

    profile = Profile("prod", tmp_path / "servicehub.toml", {"supportcenter": dict(config)})
    client = client_for("supportcenter", profile)
    server.faults.add(Drop())
    with pytest.raises(APIConnectionError) as caught:
        list(client.requests.list(max_retries=0))
    assert f"base_url from profile {tmp_path / 'servicehub.toml'} [prod.supportcenter]" in str(
        caught.value
    )
    client.close()
