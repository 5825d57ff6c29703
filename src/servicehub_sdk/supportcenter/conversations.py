"""`scp.requests.conversations(id)`: a request's conversations (`list`, `get`)."""

from __future__ import annotations

from ..core.client import ClientBase, M
from .entities import Entity, ReadOnlyCollection
from .models import Conversation

__all__ = ["Conversations"]


class Conversations(ReadOnlyCollection[M, Conversation]):
    """A request's conversations."""

    def __init__(self, client: ClientBase[M], request_id: str) -> None:
        entity = Entity(
            f"requests/{request_id}/conversations", "conversation", "conversations", Conversation
        )
        super().__init__(client, entity)
