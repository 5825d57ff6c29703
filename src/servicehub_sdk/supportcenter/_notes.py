"""`scp.requests.notes(id)`: a request's notes (`create`, `list`, `get`, `update`, `delete`)."""

from __future__ import annotations

from ..core._client import ClientBase, M
from ._entities import Entity, EntityCollection
from ._models import Note, NoteInput

__all__ = ["Notes"]


class Notes(EntityCollection[M, Note]):
    """A request's notes, sent wrapped as `{"<key>": {...}}` (`note`, or `request_note` as
    ServiceDesk-Plus-family servers take them). Answers are read under `note`/`notes` and
    `request_note`/`request_notes` alike."""

    def __init__(self, client: ClientBase[M], request_id: str, key: str = "note") -> None:
        other = "request_note" if key == "note" else "note"
        entity = Entity(f"requests/{request_id}/notes", key, "notes", Note, aliases=(other,))
        super().__init__(client, entity, NoteInput)
