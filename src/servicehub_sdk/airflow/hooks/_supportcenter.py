"""`ServiceHubSupportCenterHook`: the `servicehub_supportcenter` connection and SupportCenter Plus
clients."""

from __future__ import annotations

from typing import Any

from .._connections import CONNECTION_SPECS
from ._base import TicketSystemHook

__all__ = ["ServiceHubSupportCenterHook"]


class ServiceHubSupportCenterHook(TicketSystemHook):
    """ManageEngine SupportCenter Plus (`SupportCenterClient` / `AsyncSupportCenterClient`).

    Host is the server URL, password the support rep's API key. Linked cases become requests
    (a `HelpDesk` with the extras `requester` and `priority` as its defaults).
    """

    spec = CONNECTION_SPECS["supportcenter"]

    def probe(self, client: Any) -> str:
        """Reads one request (`GET requests`, one row)."""
        first = client.requests.list(row_count=1).first()
        return f"request {first.id}" if first else "no requests"
