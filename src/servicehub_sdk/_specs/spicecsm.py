"""SpiceCSM, declared once."""

from __future__ import annotations

from .._backends import BackendSpec, ResourceCommands
from ..airflow._connections import (
    ALLOW_INSECURE_HTTP,
    MAX_RETRIES,
    TIMEOUT,
    ConnectionForm,
    ExtraField,
    StandardField,
)

__all__ = ["SPEC"]

SPEC = BackendSpec(
    name="spicecsm",
    display_name="SpiceCSM",
    description="SpiceCSM JSON-RPC",
    settings=(
        "base_url",
        "username",
        "password",
        "endpoint_path",
        "protocol",
        "encoding",
        "allow_raw_sql",
        "max_retries",
        "max_response_bytes",
        "rate_limit",
        "allow_insecure_http",
        "timeout",
    ),
    sync_client="servicehub_sdk.spicecsm:SpiceCSMClient",
    async_client="servicehub_sdk.spicecsm:AsyncSpiceCSMClient",
    emulator="servicehub_sdk.testing._spicecsm:create_emulator",
    cli_commands=(
        ResourceCommands(
            "agents",
            "SpiceCSM agents",
            lambda client: client.agents.list(),
        ),
    ),
    airflow_conn_type="servicehub_spicecsm",
    airflow_hook="servicehub_sdk.airflow.hooks._spicecsm:ServiceHubSpiceCSMHook",
    airflow_form=ConnectionForm(
        standard={
            "host": StandardField("base_url", "Installation URL", "https://help.example.com"),
            "login": StandardField("username", "API user"),
            "password": StandardField("password", "Password"),
        },
        extras=(
            ExtraField("endpoint_path", "Endpoint path"),
            ExtraField("protocol", "JSON-RPC version", choices=("1.0", "2.0")),
            ExtraField("encoding", "Request encoding", choices=("form", "json")),
            ExtraField("table", "Table of new cases", client=False),
            ExtraField("userkey", "User key of new cases", client=False),
            TIMEOUT,
            MAX_RETRIES,
            ALLOW_INSECURE_HTTP,
        ),
    ),
    help_desk="servicehub_sdk.helpdesk:SpiceCSMHelpDesk",
)
