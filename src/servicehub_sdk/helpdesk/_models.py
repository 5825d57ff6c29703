"""The unified help desk models: `Ticket`, `Comment`, `Contact`, and what is sent to create
(`TicketInput`) or change (`TicketUpdate`) a ticket.

Strict out, tolerant in: a `Ticket` always carries every field (unknown values read as
`TicketStatus.UNKNOWN` with the vendor's own value in `status_origin`), inputs accept plain
mappings and strings.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "Comment",
    "Contact",
    "Ticket",
    "TicketInput",
    "TicketPriority",
    "TicketStatus",
    "TicketUpdate",
]


class TicketStatus(StrEnum):
    """A ticket's status, the same on every help desk (not `cecenter.TicketStatus`, the
    statuses a CECenter customer may set). `UNKNOWN`: a vendor value with no mapping."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    RESOLVED = "resolved"
    CLOSED = "closed"
    UNKNOWN = "unknown"


class TicketPriority(StrEnum):
    """A ticket's priority, the same on every help desk. `UNKNOWN`: no mapping."""

    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"
    UNKNOWN = "unknown"


class _Unified(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Contact(_Unified):
    """A person on a help desk: a requester, an assignee or a comment's author."""

    id: str | None = None
    name: str | None = None
    email: str | None = None


class Comment(_Unified):
    """A comment on a ticket (SupportCenter note, CECenter interaction log, SpiceCSM case
    note). `body` is plain text."""

    id: str
    body: str
    author: Contact | None = None
    private: bool = False
    created_at: datetime | None = None
    remote_data: Any = Field(default=None, repr=False)


class Ticket(_Unified):
    """A ticket as the help desk holds it now.

    Attributes:
        id: the vendor's id, as text. number: the vendor's display number (or the id).
        status, priority: unified; `status_origin`/`priority_origin` keep the vendor's value.
        requester, assignee: as `Contact`; `group`, `type`: the vendor's names.
        created_at, updated_at, closed_at: aware datetimes (`None` where the vendor has none).
        url: the ticket's page in the vendor's web UI, or `None`.
        custom_fields: the vendor's custom fields under the names of the custom-field map.
        backend: the backend's name (`supportcenter`).
        remote_data: the vendor's typed model, read in the same call.
    """

    id: str
    number: str | None = None
    subject: str | None = None
    description: str | None = None
    status: TicketStatus = TicketStatus.UNKNOWN
    status_origin: str | None = None
    priority: TicketPriority = TicketPriority.UNKNOWN
    priority_origin: str | None = None
    requester: Contact | None = None
    assignee: Contact | None = None
    group: str | None = None
    type: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    closed_at: datetime | None = None
    url: str | None = None
    custom_fields: dict[str, Any] = Field(default_factory=dict)
    backend: str
    remote_data: Any = Field(default=None, repr=False)


def _contact(value: Any) -> Any:
    if isinstance(value, str):
        return {"email": value} if "@" in value else {"name": value}
    return value


class TicketInput(BaseModel):
    """A ticket to create: `subject` is the only required field. `requester` is an e-mail
    address, a name or a `Contact`."""

    model_config = ConfigDict(extra="forbid")

    subject: str = Field(min_length=1)
    description: str | None = None
    requester: Contact | None = None
    priority: TicketPriority | None = None
    type: str | None = None
    custom_fields: dict[str, Any] = Field(default_factory=dict)

    @field_validator("requester", mode="before")
    @classmethod
    def _requester(cls, value: Any) -> Any:
        return _contact(value)


class TicketUpdate(BaseModel):
    """Changes to a ticket: only the fields given change."""

    model_config = ConfigDict(extra="forbid")

    subject: str | None = Field(default=None, min_length=1)
    description: str | None = None
    status: TicketStatus | None = None
    priority: TicketPriority | None = None
    type: str | None = None
    custom_fields: dict[str, Any] = Field(default_factory=dict)
