"""`scp.requests.notes(id)`: a request's notes (`create`, `list`, `get`, `update`, `delete`)."""

from __future__ import annotations

from ..core.client import ClientBase, M
from .entities import Entity, EntityCollection
from .models import Note, NoteInput

__all__ = ["Notes"]


class Notes(EntityCollection[M, Note]):
    """A request's notes. Answers are read under `note`/`notes` and, as
    ServiceDesk-Plus-family servers send them, `request_note`/`request_notes`."""

    def __init__(self, client: ClientBase[M], request_id: str) -> None:
        entity = Entity(
            f"requests/{request_id}/notes", "note", "notes", Note, aliases=("request_note",)
        )
        super().__init__(client, entity, NoteInput)
