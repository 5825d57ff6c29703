"""The hooks against the sandbox: connections read into client settings, clients that reach
the backends, the connection test, and settings refused with a clear error."""

from __future__ import annotations

import json
from typing import Any

import pytest

pytest.importorskip("airflow.sdk", reason="Airflow is not installed")

from pydantic import SecretStr

from servicehub_sdk.airflow._connections import CONNECTION_SPECS
from servicehub_sdk.airflow.hooks import (
    ServiceHubCECenterHook,
    ServiceHubFSMHook,
    ServiceHubHook,
    ServiceHubSpiceCSMHook,
    ServiceHubSSHHook,
    ServiceHubSupportCenterHook,
)
from servicehub_sdk.core import ConfigurationError
from servicehub_sdk.helpdesk import CECenterHelpDesk, HelpDesk, SpiceCSMHelpDesk

HOOKS: dict[str, type[ServiceHubHook]] = {
    "ssh": ServiceHubSSHHook,
    "fsm": ServiceHubFSMHook,
    "supportcenter": ServiceHubSupportCenterHook,
    "cecenter": ServiceHubCECenterHook,
    "spicecsm": ServiceHubSpiceCSMHook,
}


def plain(settings: dict[str, Any]) -> dict[str, Any]:
    return {k: v.get_secret_value() if isinstance(v, SecretStr) else v for k, v in settings.items()}


def set_connection(monkeypatch: pytest.MonkeyPatch, conn_id: str, **connection: Any) -> None:
    monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(connection))


@pytest.mark.parametrize("backend", HOOKS)
def test_a_connection_gives_the_clients_settings(
    backend: str, sandbox: Any, airflow_connections: dict[str, str]
) -> None:
    hook = HOOKS[backend]()
    assert hook.servicehub_conn_id == f"servicehub_{backend}_default"
    assert plain(hook.client_config()) == sandbox.config(backend)


@pytest.mark.parametrize("backend", HOOKS)
def test_test_connection_makes_a_cheap_read(
    backend: str, sandbox: Any, airflow_connections: dict[str, str]
) -> None:
    before = sandbox.server(backend).requests()
    ok, message = HOOKS[backend]().test_connection()
    assert ok, message
    assert message.startswith(f"Connected to {CONNECTION_SPECS[backend].hook_name}: ")
    assert 1 <= sandbox.server(backend).requests() - before <= 3  # a token, a read


@pytest.mark.parametrize("backend", HOOKS)
def test_a_wrong_secret_fails_the_test_without_showing_it(
    backend: str, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = CONNECTION_SPECS[backend]
    connection = spec.to_connection(sandbox.config(backend))
    connection["password"] = "wrong-Secret-4711"
    set_connection(monkeypatch, "broken", **connection)
    ok, message = HOOKS[backend]("broken", max_retries=0).test_connection()
    assert not ok and "wrong-Secret-4711" not in message
    # every backend refuses a wrong secret as an AuthenticationError (SpiceCSM's subclass
    # is also a JSONRPCError); FSM's token endpoint may say 403
    assert message.split(":")[0] in (
        "AuthenticationError",
        "SpiceAuthenticationError",
        "PermissionDeniedError",
    )


def test_airflow_tests_a_connection_through_its_hook(
    sandbox: Any, airflow_connections: dict[str, str]
) -> None:
    from airflow.sdk import Connection

    connection = Connection.get(airflow_connections["supportcenter"])
    hook = connection.get_hook()
    assert isinstance(hook, ServiceHubSupportCenterHook)
    assert hook.test_connection()[0]


async def test_async_clients(sandbox: Any, airflow_connections: dict[str, str]) -> None:
    async with ServiceHubSSHHook().get_async_client() as hub:
        assert await hub.service_cases.list_unlinked().first() is not None
    async with ServiceHubSupportCenterHook().get_async_client() as scp:
        assert await scp.requests.list().first() is not None


def test_client_options_win_over_the_connection(airflow_connections: dict[str, str]) -> None:
    hook = ServiceHubSupportCenterHook(timeout=7.5, max_retries=1)
    assert hook.client_config()["timeout"] == 7.5
    with hook.get_client() as scp:
        assert scp.requests.list().first() is not None


def test_a_host_without_scheme_is_https_with_its_port(monkeypatch: pytest.MonkeyPatch) -> None:
    set_connection(
        monkeypatch,
        "scp",
        conn_type="servicehub_supportcenter",
        host="helpdesk.example.com",
        port=8080,
        password="s3cr3t-value",
        extra={"timeout": "30", "max_retries": "2", "auth_header": "TECHNICIAN_KEY"},
    )
    config = ServiceHubSupportCenterHook("scp").client_config()
    assert config["base_url"] == "https://helpdesk.example.com:8080"
    assert (config["timeout"], config["max_retries"]) == (30.0, 2)
    assert isinstance(config["api_key"], SecretStr) and "s3cr3t" not in repr(config)


def test_plain_http_is_allowed_only_by_the_connections_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def connect(extra: dict[str, str]) -> None:
        set_connection(
            monkeypatch,
            "scp",
            conn_type="servicehub_supportcenter",
            host="http://helpdesk.example.com:8080",
            password="s3cr3t-value",
            extra=extra,
        )

    connect({})
    with pytest.raises(ConfigurationError, match="allow_insecure_http"):
        ServiceHubSupportCenterHook("scp").get_conn()
    connect({"allow_insecure_http": "true"})
    config = ServiceHubSupportCenterHook("scp").client_config()
    assert config["allow_insecure_http"] is True
    client = ServiceHubSupportCenterHook("scp").get_conn()
    assert str(client.base_url).startswith("http://helpdesk.example.com:8080")
    client.close()


def test_extras_under_airflows_old_form_prefix_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    set_connection(
        monkeypatch,
        "hub",
        conn_type="servicehub_ssh",
        login="id",
        password="secret",
        extra={"extra__servicehub_ssh__api_key": "k", "environment": "staging"},
    )
    config = ServiceHubSSHHook("hub").client_config()
    assert config["api_key"].get_secret_value() == "k" and config["environment"] == "staging"
    assert "base_url" not in config  # empty host: the environment's URL


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"api_kee": "k"}, "unknown extra 'api_kee'; known: api_key"),
        ({"environment": "prod"}, "must be one of production, staging, got 'prod'"),
        ({"max_retries": "many"}, "extra 'max_retries' must be a integer"),
    ],
)
def test_a_wrong_extra_is_refused(
    extra: dict[str, Any], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_connection(monkeypatch, "hub", conn_type="servicehub_ssh", extra=extra)
    with pytest.raises(ConfigurationError, match=message.replace("(", r"\(")):
        ServiceHubSSHHook("hub").client_config()


def test_a_connection_of_another_type_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    set_connection(monkeypatch, "other", conn_type="servicehub_spicecsm", host="h")
    with pytest.raises(ConfigurationError, match="is of type 'servicehub_spicecsm'"):
        ServiceHubSSHHook("other").client_config()


def test_help_desks_take_the_connections_settings(
    sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for backend, extra in (
        ("supportcenter", {"priority": "High"}),
        ("cecenter", {"customer_id": "C-1", "ticket_type": "COMPLAINT"}),
        ("spicecsm", {"table": "tickets"}),
    ):
        connection = CONNECTION_SPECS[backend].to_connection(sandbox.config(backend))
        connection["extra"] = {**connection.get("extra", {}), **extra}
        set_connection(monkeypatch, backend, **connection)
    scp_hook = ServiceHubSupportCenterHook("supportcenter")
    with scp_hook.get_client() as scp:
        desk = scp_hook.help_desk(scp, requester="Ann")
    assert isinstance(desk, HelpDesk) and desk.backend == "supportcenter"
    assert desk.adapter.defaults == {"priority": "High", "requester": "Ann"}
    cec_hook = ServiceHubCECenterHook("cecenter")
    with cec_hook.get_client() as cec:
        cec_desk = cec_hook.help_desk(cec).adapter
    assert isinstance(cec_desk, CECenterHelpDesk)
    assert (cec_desk.customer_id, cec_desk.ticket_type) == ("C-1", "COMPLAINT")
    spice_hook = ServiceHubSpiceCSMHook("spicecsm")
    with spice_hook.get_client() as rpc:
        assert isinstance(spice_desk := spice_hook.help_desk(rpc).adapter, SpiceCSMHelpDesk)
    assert spice_desk.table == "tickets"


def test_linking_to_cecenter_needs_the_customer(
    sandbox: Any, airflow_connections: dict[str, str]
) -> None:
    hook = ServiceHubCECenterHook()
    with hook.get_client() as cec, pytest.raises(ConfigurationError, match="customer_id"):
        hook.help_desk(cec)


def test_settings_become_a_connection_and_back() -> None:
    spec = CONNECTION_SPECS["cecenter"]
    settings = {"api_url": "https://api.eu.yaas.io", "tenant": "t", "customer_id": "C-1"}
    assert spec.to_connection(settings) == {
        "conn_type": "servicehub_cecenter",
        "host": "https://api.eu.yaas.io",
        "schema": "t",
        "extra": {"customer_id": "C-1"},
    }
    with pytest.raises(ConfigurationError, match="no field for 'proxy'"):
        spec.to_connection({"proxy": "x"})
