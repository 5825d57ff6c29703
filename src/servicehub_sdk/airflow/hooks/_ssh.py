"""`ServiceHubSSHHook`: the `servicehub_ssh` connection and Secure Service Hub clients."""

from __future__ import annotations

from typing import Any

from .._connections import CONNECTION_SPECS
from ._base import ServiceHubHook

__all__ = ["ServiceHubSSHHook"]


class ServiceHubSSHHook(ServiceHubHook):
    """Secure Service Hub (`SSHClient` / `AsyncSSHClient`).

    Host is the GraphQL URL (empty: the environment's), login and password the portal
    application's client id and secret, `api_key` in the extras.
    """

    spec = CONNECTION_SPECS["ssh"]

    def probe(self, client: Any) -> str:
        """Reads the first service organisation (`serviceOrganisationsPaginated`)."""
        first = client.service_organisations.list(page_size=1).first()
        return f"service organisation {first.name!r}" if first else "no service organisations"
