"""`scp.requests.notes(id)`: a request's notes (`create`, `list`, `get`, `update`, `delete`)."""

from __future__ import annotations

from ..core._client import M
from ._context import SupportCenterContext
from ._entities import Entity, EntityCollection
from ._models import Note, NoteInput

__all__ = ["Notes"]


class Notes(EntityCollection[M, Note]):
    """A request's notes, sent wrapped as `{"<key>": {...}}` (`note`, or `request_note` as
    ServiceDesk-Plus-family servers take them). Answers are read under `note`/`notes` and
    `request_note`/`request_notes` alike."""

    def __init__(self, context: SupportCenterContext, request_id: str) -> None:
        key = context.paths.note_key
        other = "request_note" if key == "note" else "note"
        entity = Entity(f"requests/{request_id}/notes", key, "notes", Note, aliases=(other,))
        super().__init__(context, entity, NoteInput)
