"""`scp.requests.notifications(id)`: the notifications sent about a request (`list`, `get`)."""

from __future__ import annotations

from ..core._client import M
from ._context import SupportCenterContext
from ._entities import Entity, ReadOnlyCollection
from ._models import Notification

__all__ = ["Notifications"]


class Notifications(ReadOnlyCollection[M, Notification]):
    """The notifications sent about a request."""

    def __init__(self, context: SupportCenterContext, request_id: str) -> None:
        entity = Entity(
            f"requests/{request_id}/notifications", "notification", "notifications", Notification
        )
        super().__init__(context, entity)
