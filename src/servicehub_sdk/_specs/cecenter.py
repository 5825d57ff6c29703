"""SAP hybris CECenter Mashup, declared once."""

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
    name="cecenter",
    display_name="hybris CECenter Mashup",
    description="SAP hybris CECenter Mashup",
    settings=(
        "tenant",
        "client_id",
        "client_secret",
        "scopes",
        "api_url",
        "base_url",
        "token_url",
        "customer_url",
        "customer_email",
        "customer_password",
        "customer_token",
        "max_retries",
        "max_response_bytes",
        "rate_limit",
        "allow_insecure_http",
        "timeout",
        "foreign_links",
    ),
    sync_client="servicehub_sdk.cecenter:CECenterClient",
    async_client="servicehub_sdk.cecenter:AsyncCECenterClient",
    emulator="servicehub_sdk.testing._cecenter:create_emulator",
    cli_commands=(
        ResourceCommands(
            "service-tickets",
            "CECenter service tickets",
            lambda client: client.service_tickets.list(),
            lambda client, key: client.service_tickets.get(key),
            "The ticket's id.",
            changes=lambda client: client.service_tickets,
        ),
    ),
    airflow_conn_type="servicehub_cecenter",
    airflow_hook="servicehub_sdk.airflow.hooks._cecenter:ServiceHubCECenterHook",
    airflow_form=ConnectionForm(
        standard={
            "host": StandardField("api_url", "YaaS API URL", "https://api.eu.yaas.io"),
            "schema": StandardField("tenant", "Tenant", "the YaaS project id"),
            "login": StandardField("client_id", "Client ID"),
            "password": StandardField("client_secret", "Client secret"),
        },
        extras=(
            ExtraField("customer_email", "Customer e-mail"),
            ExtraField("customer_password", "Customer password", secret=True),
            ExtraField("customer_token", "Customer token", secret=True),
            ExtraField("scopes", "Scopes", description="Space separated."),
            ExtraField("base_url", "Mashup URL", description="Empty: {API URL}/hybris/..."),
            ExtraField(
                "customer_id", "Customer ID of new tickets", client=False, description="Linking."
            ),
            ExtraField("ticket_type", "Type of new tickets", client=False),
            TIMEOUT,
            MAX_RETRIES,
            ALLOW_INSECURE_HTTP,
        ),
    ),
    help_desk="servicehub_sdk.helpdesk:CECenterHelpDesk",
)
