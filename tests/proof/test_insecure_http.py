"""Credentials never cross a network in clear: every backend refuses plain http to a host
other than this machine, in one line naming `allow_insecure_http`, unless the user sets it
(constructor, environment, profile)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from servicehub_sdk.cli._profiles import Profile, client_for
from servicehub_sdk.core import ConfigurationError

REMOTE = "http://helpdesk.example.com:8080"


def _settings(backend: str, url: str) -> tuple[str, dict[str, Any]]:
    return {
        "ssh": ("servicehub_sdk.ssh:SSHClient", {"api_key": "k-1234", "client_id": "c",
                                                  "client_secret": "s-1234", "base_url": url}),
        "fsm": ("servicehub_sdk.fsm:FSMClient", {"client_id": "c", "client_secret": "s-1234",
                                                  "username": "u", "password": "p-1234",
                                                  "base_url": url}),
        "supportcenter": ("servicehub_sdk.supportcenter:SupportCenterClient",
                          {"api_key": "k-1234", "base_url": url}),
        "cecenter": ("servicehub_sdk.cecenter:CECenterClient",
                     {"tenant": "t", "client_id": "c", "client_secret": "s-1234", "base_url": url}),
        "spicecsm": ("servicehub_sdk.spicecsm:SpiceCSMClient",
                     {"base_url": url, "username": "u", "password": "p-1234"}),
    }[backend]  # fmt: skip


def _client(backend: str, url: str, **extra: Any) -> Any:
    import importlib

    path, settings = _settings(backend, url)
    module, name = path.split(":")
    return getattr(importlib.import_module(module), name)(**settings, **extra)


BACKENDS = ["ssh", "fsm", "supportcenter", "cecenter", "spicecsm"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_plain_http_to_another_host_is_refused(backend: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        _client(backend, REMOTE)
    message = str(caught.value)
    assert "allow_insecure_http=True" in message
    assert "helpdesk.example.com" in message
    assert "\n" not in message


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_flag_allows_it_and_loopback_needs_none(backend: str) -> None:
    _client(backend, REMOTE, allow_insecure_http=True).close()
    _client(backend, "http://127.0.0.1:8080").close()
    _client(backend, "http://localhost:8080").close()


def test_the_flag_comes_from_environment_and_profile(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from servicehub_sdk.supportcenter import SupportCenterClient

    monkeypatch.setenv("SERVICEHUB_SUPPORTCENTER_BASE_URL", REMOTE)
    monkeypatch.setenv("SERVICEHUB_SUPPORTCENTER_API_KEY", "key-0123456789")
    with pytest.raises(ConfigurationError, match="allow_insecure_http"):
        SupportCenterClient.from_env()
    monkeypatch.setenv("SERVICEHUB_SUPPORTCENTER_ALLOW_INSECURE_HTTP", "true")
    SupportCenterClient.from_env().close()
    monkeypatch.delenv("SERVICEHUB_SUPPORTCENTER_ALLOW_INSECURE_HTTP")
    profile = Profile("default", tmp_path / "c.toml", {"supportcenter": {}})
    with pytest.raises(ConfigurationError, match="allow_insecure_http"):
        client_for("supportcenter", profile)
    profile.sections["supportcenter"]["allow_insecure_http"] = True
    client_for("supportcenter", profile).close()


def test_other_urls_of_a_backend_are_checked_too() -> None:
    from servicehub_sdk.cecenter import CECenterClient
    from servicehub_sdk.fsm import FSMClient

    with pytest.raises(ConfigurationError, match="customer_url"):
        CECenterClient(
            tenant="t", client_id="c", client_secret="s-1234", customer_url=REMOTE + "/customer"
        )
    with pytest.raises(ConfigurationError, match="directory_url"):
        FSMClient(
            client_id="c",
            client_secret="s-1234",
            username="u",
            password="p-1234",
            directory_url=REMOTE + "/ds/",
        )
