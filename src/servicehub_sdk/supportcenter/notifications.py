"""`scp.requests.notifications(id)`: the notifications sent about a request (`list`, `get`)."""

from __future__ import annotations

from ..core.client import ClientBase, M
from .entities import Entity, ReadOnlyCollection
from .models import Notification

__all__ = ["Notifications"]


class Notifications(ReadOnlyCollection[M, Notification]):
    """The notifications sent about a request."""

    def __init__(self, client: ClientBase[M], request_id: str) -> None:
        entity = Entity(
            f"requests/{request_id}/notifications", "notification", "notifications", Notification
        )
        super().__init__(client, entity)
