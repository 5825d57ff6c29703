"""SAP FSM Crowd Partner API, declared once."""

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
    name="fsm",
    display_name="SAP FSM Crowd Partner",
    description="SAP FSM Crowd Partner API",
    settings=(
        "client_id",
        "client_secret",
        "username",
        "password",
        "cluster",
        "base_url",
        "token_url",
        "directory_url",
        "allowed_cluster_hosts",
        "client_identifier",
        "client_version",
        "account_id",
        "account_name",
        "company_id",
        "company_name",
        "grant_type",
        "max_retries",
        "max_response_bytes",
        "rate_limit",
        "allow_insecure_http",
        "timeout",
    ),
    sync_client="servicehub_sdk.fsm:FSMClient",
    async_client="servicehub_sdk.fsm:AsyncFSMClient",
    emulator="servicehub_sdk.testing._fsm:create_emulator",
    cli_commands=(
        ResourceCommands(
            "partners",
            "FSM crowd partners",
            lambda client: client.partners.list(),
        ),
    ),
    airflow_conn_type="servicehub_fsm",
    airflow_hook="servicehub_sdk.airflow.hooks._fsm:ServiceHubFSMHook",
    airflow_form=ConnectionForm(
        standard={
            "host": StandardField("base_url", "Service URL", "empty: the cluster from the token"),
            "login": StandardField("username", "User", "account/user"),
            "password": StandardField("password", "Password"),
        },
        extras=(
            ExtraField("client_id", "OAuth client ID"),
            ExtraField("client_secret", "OAuth client secret", secret=True),
            ExtraField("cluster", "Cluster", choices=("eu", "de", "us")),
            ExtraField("grant_type", "Grant type", choices=("password", "client_credentials")),
            ExtraField("account_id", "Account ID"),
            ExtraField("account_name", "Account name"),
            ExtraField("company_id", "Company ID"),
            ExtraField("company_name", "Company name"),
            ExtraField("token_url", "Token URL"),
            ExtraField("directory_url", "Directory URL"),
            ExtraField(
                "allowed_cluster_hosts",
                "Allowed cluster hosts",
                description="Comma separated, trusted besides SAP's FSM domains.",
            ),
            TIMEOUT,
            MAX_RETRIES,
            ALLOW_INSECURE_HTTP,
        ),
    ),
)
