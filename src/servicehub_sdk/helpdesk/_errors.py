"""The help desk's errors: what a vendor cannot do, and a ticket that is not there."""

from __future__ import annotations

from ..core._errors import ServiceHubError

__all__ = ["TicketNotFoundError", "UnsupportedOperationError"]


class UnsupportedOperationError(ServiceHubError, NotImplementedError):
    """The help desk's vendor cannot do this operation; nothing was sent.

    Attributes:
        backend: the backend's name (`cecenter`).
        operation: the operation (`close`).
        nearest: the vendor's nearest way to get there, in words.
    """

    def __init__(self, backend: str, operation: str, nearest: str) -> None:
        super().__init__(f"{backend} help desks cannot {operation}: {nearest}")
        self.backend = backend
        self.operation = operation
        self.nearest = nearest


class TicketNotFoundError(ServiceHubError, LookupError):
    """No ticket with that id is visible to the client."""
