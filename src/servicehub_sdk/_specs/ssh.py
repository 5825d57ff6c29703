"""symmedia Secure Service Hub, declared once."""

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
    name="ssh",
    display_name="Secure Service Hub",
    description="symmedia Secure Service Hub (GraphQL)",
    settings=(
        "api_key",
        "client_id",
        "client_secret",
        "scope",
        "environment",
        "base_url",
        "token_url",
        "schema",
        "max_retries",
        "max_response_bytes",
        "rate_limit",
        "allow_insecure_http",
        "timeout",
    ),
    sync_client="servicehub_sdk.ssh:SSHClient",
    async_client="servicehub_sdk.ssh:AsyncSSHClient",
    emulator="servicehub_sdk.testing._ssh:create_emulator",
    cli_commands=(
        ResourceCommands(
            "customers",
            "Secure Service Hub customers",
            lambda client: client.customers.list(),
            lambda client, key: client.customers.get(key),
            "The customer's external ID.",
            changes=lambda client: client.customers,
        ),
        ResourceCommands(
            "customer-machines",
            "Secure Service Hub customer machines",
            lambda client: client.customer_machines.list(),
            changes=lambda client: client.customer_machines,
        ),
        ResourceCommands(
            "service-cases",
            "Secure Service Hub service cases",
            lambda client: client.service_cases.list(),
            changes=lambda client: client.service_cases,
        ),
    ),
    airflow_conn_type="servicehub_ssh",
    airflow_hook="servicehub_sdk.airflow.hooks._ssh:ServiceHubSSHHook",
    airflow_form=ConnectionForm(
        standard={
            "host": StandardField(
                "base_url", "GraphQL URL", "empty: the environment's (api.secure-service-hub.com)"
            ),
            "login": StandardField("client_id", "Client ID"),
            "password": StandardField("client_secret", "Client secret"),
        },
        extras=(
            ExtraField(
                "api_key", "API key", secret=True, description="The api-key symmedia issued."
            ),
            ExtraField("environment", "Environment", choices=("production", "staging")),
            ExtraField("scope", "OAuth2 scope"),
            ExtraField("token_url", "Token URL", description="Empty: the environment's."),
            TIMEOUT,
            MAX_RETRIES,
            ALLOW_INSECURE_HTTP,
        ),
    ),
)
