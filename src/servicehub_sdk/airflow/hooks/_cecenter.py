"""`ServiceHubCECenterHook`: the `servicehub_cecenter` connection and CECenter Mashup clients."""

from __future__ import annotations

from typing import Any

from ...core._errors import ConfigurationError
from .._connections import CONNECTION_SPECS
from ._base import TicketSystemHook

__all__ = ["ServiceHubCECenterHook"]


class ServiceHubCECenterHook(TicketSystemHook):
    """SAP hybris CECenter Mashup (`CECenterClient` / `AsyncCECenterClient`).

    Host is the YaaS API URL, schema the tenant, login and password the API client; the
    customer tickets are created for is in the extras. Linked cases become service tickets
    (a `HelpDesk` with the extras `customer_id` and `ticket_type` as its defaults).
    """

    spec = CONNECTION_SPECS["cecenter"]

    def help_desk(self, client: Any, **options: Any) -> Any:
        if not {**self.target_settings(), **options}.get("customer_id"):
            raise ConfigurationError(
                f"connection {self.servicehub_conn_id!r}: linking to CECenter needs the "
                "customer_id of the tickets (extra customer_id, or target_options)"
            )
        return super().help_desk(client, **options)

    def probe(self, client: Any) -> str:
        """Reads the service ticket types (`GET serviceTicketTypes`, client credentials)."""
        types = client.service_ticket_types.list().to_list()
        return f"{len(types)} service ticket types"
