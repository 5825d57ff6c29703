"""`ServiceHubFSMHook`: the `servicehub_fsm` connection and SAP FSM Crowd Partner clients."""

from __future__ import annotations

from typing import Any

from .._connections import CONNECTION_SPECS
from ._base import ServiceHubHook

__all__ = ["ServiceHubFSMHook"]


class ServiceHubFSMHook(ServiceHubHook):
    """SAP FSM Crowd Partner API (`FSMClient` / `AsyncFSMClient`).

    Login and password are the FSM user's (`account/user`), host the service URL (empty: the
    cluster the token names); the OAuth client and the context are extras.
    """

    spec = CONNECTION_SPECS["fsm"]

    def probe(self, client: Any) -> str:
        """Resolves the account, company and cluster (the token request, then the Directory
        API when the token names no cluster)."""
        context = client.resolve_context()
        return f"account {context.account_name!r}, company {context.company_name!r}"
