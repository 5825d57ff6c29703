"""`ServiceHubSpiceCSMHook`: the `servicehub_spicecsm` connection and SpiceCSM JSON-RPC clients."""

from __future__ import annotations

from typing import Any

from .._connections import CONNECTION_SPECS
from ._base import TicketSystemHook

__all__ = ["ServiceHubSpiceCSMHook"]


class ServiceHubSpiceCSMHook(TicketSystemHook):
    """SpiceCSM JSON-RPC (`SpiceCSMClient` / `AsyncSpiceCSMClient`).

    Host is the installation URL, login and password the API user. Linked cases become rows
    of `table` (a `HelpDesk` with the extras `table` and `userkey` as its defaults).
    """

    spec = CONNECTION_SPECS["spicecsm"]

    def probe(self, client: Any) -> str:
        """Logs in (`connect`), which checks the user and password."""
        client.connect()
        return f"logged in as {client.username!r}"
