"""ManageEngine SupportCenter Plus, declared once."""

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
    name="supportcenter",
    display_name="SupportCenter Plus",
    description="ManageEngine SupportCenter Plus",
    settings=(
        "base_url",
        "api_key",
        "auth_header",
        "key_in",
        "key_param",
        "accept",
        "close_path",
        "delete_mode",
        "upload_path",
        "technicians_path",
        "note_key",
        "max_upload_bytes",
        "max_download_bytes",
        "max_retries",
        "max_response_bytes",
        "rate_limit",
        "allow_insecure_http",
        "timeout",
    ),
    sync_client="servicehub_sdk.supportcenter:SupportCenterClient",
    async_client="servicehub_sdk.supportcenter:AsyncSupportCenterClient",
    emulator="servicehub_sdk.testing._supportcenter:create_emulator",
    cli_commands=(
        ResourceCommands(
            "requests",
            "SupportCenter Plus requests",
            lambda client: client.requests.list(),
            lambda client, key: client.requests.get(key),
            "The request's id.",
            changes=lambda client: client.requests,
        ),
    ),
    airflow_conn_type="servicehub_supportcenter",
    airflow_hook="servicehub_sdk.airflow.hooks._supportcenter:ServiceHubSupportCenterHook",
    airflow_form=ConnectionForm(
        standard={
            "host": StandardField("base_url", "Server URL", "https://helpdesk.example.com:8080"),
            "password": StandardField("api_key", "API key", "the support rep's key"),
        },
        extras=(
            ExtraField("auth_header", "Key header", choices=("authtoken", "TECHNICIAN_KEY")),
            ExtraField("requester", "Requester of new requests", client=False),
            ExtraField("priority", "Priority of new requests", client=False),
            TIMEOUT,
            MAX_RETRIES,
            ALLOW_INSECURE_HTTP,
        ),
    ),
    help_desk="servicehub_sdk.helpdesk:SupportCenterHelpDesk",
)
