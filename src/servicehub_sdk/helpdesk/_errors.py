"""The help desk's errors: what a vendor cannot do (defined in the core, where resources
raise it too), and a ticket that is not there."""

from __future__ import annotations

from ..core._errors import ServiceHubError, UnsupportedOperationError

__all__ = ["TicketNotFoundError", "UnsupportedOperationError"]


class TicketNotFoundError(ServiceHubError, LookupError):
    """No ticket with that id is visible to the client."""
