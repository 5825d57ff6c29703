"""`scp.requests.conversations(id)`: a request's conversations (`list`, `get`)."""

from __future__ import annotations

from ..core._client import M
from ._context import SupportCenterContext
from ._entities import Entity, ReadOnlyCollection
from ._models import Conversation

__all__ = ["Conversations"]


class Conversations(ReadOnlyCollection[M, Conversation]):
    """A request's conversations."""

    def __init__(self, context: SupportCenterContext, request_id: str) -> None:
        entity = Entity(
            f"requests/{request_id}/conversations", "conversation", "conversations", Conversation
        )
        super().__init__(context, entity)
