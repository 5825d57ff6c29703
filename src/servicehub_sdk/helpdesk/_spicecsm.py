"""SpiceCSM as a help desk: case rows of a configurable table, through JSON-RPC."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ..core._errors import ConfigurationError
from ..core._pagination import Page
from ..core._request import Flow, Step
from ..spicecsm._models import ObjectRow
from ..spicecsm._objects import Objects
from ._adapter import Adapter, TicketFilter, aware, mapped_pages, oldest_first, run_op
from ._errors import TicketNotFoundError
from ._maps import Maps
from ._models import (
    Comment,
    Contact,
    Ticket,
    TicketInput,
    TicketPriority,
    TicketStatus,
    TicketUpdate,
)

__all__ = ["DEFAULT_COLUMNS", "SpiceCSMHelpDesk"]

S, P = TicketStatus, TicketPriority

MAPS = Maps(
    status_read={
        "Open": S.OPEN,
        "New": S.OPEN,
        "In Progress": S.IN_PROGRESS,
        "Working": S.IN_PROGRESS,
        "Pending": S.ON_HOLD,
        "On Hold": S.ON_HOLD,
        "Resolved": S.RESOLVED,
        "Closed": S.CLOSED,
    },
    status_write={
        S.OPEN: "Open",
        S.IN_PROGRESS: "In Progress",
        S.ON_HOLD: "Pending",
        S.RESOLVED: "Resolved",
        S.CLOSED: "Closed",
    },
    priority_read={
        "1": P.URGENT,
        "2": P.HIGH,
        "3": P.NORMAL,
        "4": P.LOW,
        "Urgent": P.URGENT,
        "High": P.HIGH,
        "Normal": P.NORMAL,
        "Low": P.LOW,
    },
    priority_write={P.URGENT: "1", P.HIGH: "2", P.NORMAL: "3", P.LOW: "4"},
)

DEFAULT_COLUMNS: Mapping[str, str] = {
    "subject": "issue",
    "description": "description",
    "status": "status",
    "priority": "priority",
    "requester": "userkey",
    "assignee": "assigned_agent",
    "group": "tier",
    "type": "category",
    "created_at": "created",
    "updated_at": "updated",
    "closed_at": "closed",
    "creator": "agent_id",
    "case_id": "ssh_case_id",
}
"""Unified field -> the case table's column (tenants configure theirs: `columns=`)."""

NOTE_COLUMNS: Mapping[str, str] = {
    "case": "case_id",
    "body": "note",
    "private": "private",
    "author": "agent_id",
    "created_at": "created",
}

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _time(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
        return aware(datetime.fromtimestamp(int(value)))
    try:
        return aware(datetime.fromisoformat(str(value)))
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


class SpiceCSMHelpDesk(Adapter):
    """Cases of SpiceCSM (`load`/`create`/`update` of `{"type": "cases", ...}`).

    `defaults=`: `table` (the case table, `cases`), `note_table` (comments, `case_notes`),
    `userkey` (the account new cases belong to; without it the client's user name),
    `agent_id` (the API user's agent: cases it created are the integration's own when
    linking), `columns` (unified field -> column, over `DEFAULT_COLUMNS`). Listing needs raw
    SQL (`SELECT * FROM <table>`): only for clients made with `allow_raw_sql=True`; filters
    are applied to the rows read.
    """

    backend = "spicecsm"
    SUPPORTED = frozenset(
        {
            "get",
            "create",
            "update",
            "close",
            "reopen",
            "assign",
            "comments",
            "comment",
            "private_comments",
            "contacts",
        }
    )
    NEAREST = {
        "list": "SpiceCSM's load is a lookup, not a listing; make the client with "
        "allow_raw_sql=True to list with SQL, or get(id) the cases you know",
    }
    CONDITIONS = {"list": "with `allow_raw_sql=True`"}
    DEFAULT_MAPS = MAPS
    DEFAULTS = ("table", "note_table", "userkey", "agent_id", "columns")

    def __init__(self, client: Any, **options: Any) -> None:
        super().__init__(client, **options)
        self.table = str(self.defaults.get("table", "cases"))
        self.note_table = str(self.defaults.get("note_table", "case_notes"))
        for name in (self.table, self.note_table):
            if not _IDENTIFIER.match(name):
                raise ConfigurationError(f"{name!r} is not a SpiceCSM table name")
        self.columns = {**DEFAULT_COLUMNS, **dict(self.defaults.get("columns") or {})}
        self.agent_id: str | None = self.defaults.get("agent_id")

    def supports(self, operation: str) -> bool:
        if operation == "list":
            return bool(getattr(self.client, "allow_raw_sql", False))
        return super().supports(operation)

    def _col(self, row: ObjectRow, field: str) -> Any:
        return row.get(self.columns[field])

    def to_ticket(self, row: ObjectRow) -> Ticket:
        case_id = str(row.get("id"))
        status = _text(self._col(row, "status"))
        priority = _text(self._col(row, "priority"))
        requester = _text(self._col(row, "requester"))
        assignee = _text(self._col(row, "assignee"))
        mapped = {c.casefold() for c in self.columns.values()} | {"id"}
        custom = {k: v for k, v in row.model_dump().items() if k.casefold() not in mapped}
        wanted = {v.casefold(): k for k, v in self.maps.custom_fields.items()}
        return Ticket(
            id=case_id,
            number=case_id,
            subject=_text(self._col(row, "subject")),
            description=_text(self._col(row, "description")),
            status=self.maps.status(status),
            status_origin=status,
            priority=self.maps.priority(priority),
            priority_origin=priority,
            requester=Contact(id=requester) if requester else None,
            assignee=Contact(id=assignee) if assignee else None,
            group=_text(self._col(row, "group")),
            type=_text(self._col(row, "type")),
            created_at=_time(self._col(row, "created_at")),
            updated_at=_time(self._col(row, "updated_at")),
            closed_at=_time(self._col(row, "closed_at")),
            url=self.url(case_id),
            custom_fields={wanted.get(k.casefold(), k): v for k, v in custom.items()},
            backend=self.backend,
            remote_data=row,
        )

    def list_tickets(self, wanted: TicketFilter) -> Step[Page[Ticket]]:
        self.require("list")
        first = self.client._context.page("query", [f"SELECT * FROM {self.table}"], ObjectRow)
        return mapped_pages(first, self.to_ticket, wanted)

    def get(self, ticket_id: str) -> Flow[Ticket]:
        rows = yield from run_op(
            Objects.load, self.client.objects, {"type": self.table, "id": ticket_id}
        )
        if not rows:
            raise TicketNotFoundError(f"SpiceCSM has no row {ticket_id!r} in {self.table}")
        return self.to_ticket(rows[0])

    def _fields(self, values: Mapping[str, Any]) -> dict[str, Any]:
        return {self.columns[k]: v for k, v in values.items() if v is not None}

    def create(self, ticket: TicketInput) -> Flow[Ticket]:
        requester = self.defaults.get("userkey") or getattr(self.client, "username", None)
        if ticket.requester is not None:
            requester = ticket.requester.id or ticket.requester.email or ticket.requester.name
        row = {
            "type": self.table,
            **self._fields(
                {
                    "subject": ticket.subject,
                    "description": ticket.description,
                    "status": self.status_to_send(TicketStatus.OPEN),
                    "priority": self.maps.priority_write[ticket.priority]
                    if ticket.priority
                    else None,
                    "requester": requester,
                    "type": ticket.type,
                }
            ),
            **self.maps.custom_out(ticket.custom_fields),
        }
        created = yield from run_op(Objects.create, self.client.objects, [row])
        case_id = str(created[0] if isinstance(created, list) and created else created)
        made = yield from self.get(case_id)
        self.learn_creator(made)
        return made

    def update(self, ticket_id: str, changes: TicketUpdate) -> Flow[Ticket]:
        fields = self._fields(
            {
                "subject": changes.subject,
                "description": changes.description,
                "status": self.status_to_send(changes.status) if changes.status else None,
                "priority": self.maps.priority_write[changes.priority]
                if changes.priority
                else None,
                "type": changes.type,
            }
        )
        fields.update(self.maps.custom_out(changes.custom_fields))
        if fields:
            yield from run_op(
                Objects.update,
                self.client.objects,
                [{"type": self.table, "id": ticket_id, **fields}],
            )
        return (yield from self.get(ticket_id))

    def assign(self, ticket_id: str, assignee: str) -> Flow[Ticket]:
        row = {"type": self.table, "id": ticket_id, self.columns["assignee"]: assignee}
        yield from run_op(Objects.update, self.client.objects, [row])
        return (yield from self.get(ticket_id))

    def to_comment(self, row: ObjectRow) -> Comment:
        author = _text(row.get(NOTE_COLUMNS["author"]))
        private = row.get(NOTE_COLUMNS["private"])
        return Comment(
            id=str(row.get("id")),
            body=str(row.get(NOTE_COLUMNS["body"]) or ""),
            author=Contact(id=author) if author else None,
            private=str(private).lower() in ("1", "true", "yes"),
            created_at=_time(row.get(NOTE_COLUMNS["created_at"])),
            remote_data=row,
        )

    def comments(self, ticket_id: str) -> Flow[list[Comment]]:
        rows = yield from run_op(
            Objects.load,
            self.client.objects,
            {"type": self.note_table, NOTE_COLUMNS["case"]: ticket_id},
        )
        return sorted((self.to_comment(r) for r in rows), key=oldest_first)

    def comment(self, ticket_id: str, body: str, private: bool) -> Flow[Comment]:
        row = {
            "type": self.note_table,
            NOTE_COLUMNS["case"]: ticket_id,
            NOTE_COLUMNS["body"]: body,
            NOTE_COLUMNS["private"]: "1" if private else "0",
        }
        created = yield from run_op(Objects.create, self.client.objects, [row])
        note_id = str(created[0] if isinstance(created, list) and created else created)
        rows = yield from run_op(
            Objects.load, self.client.objects, {"type": self.note_table, "id": note_id}
        )
        return self.to_comment(rows[0]) if rows else Comment(id=note_id, body=body, private=private)

    def find_contacts(self, email: str) -> Flow[list[Contact]]:
        rows = yield from run_op(
            Objects.load, self.client.objects, {"type": "accounts", "email": email}
        )
        return [
            Contact(
                id=_text(r.get("userkey")) or _text(r.get("id")),
                name=_text(r.get("name")),
                email=_text(r.get("email")),
            )
            for r in rows
        ]

    def marked(self, prefix: str, case_id: str) -> Flow[list[Ticket]]:
        rows = yield from run_op(
            Objects.load,
            self.client.objects,
            {"type": self.table, self.columns["case_id"]: case_id},
        )
        return [self.to_ticket(r) for r in rows]

    def link_fields(self, case_id: str) -> dict[str, Any]:
        return {self.columns["case_id"]: case_id}

    def created_by_integration(self, ticket: Ticket) -> bool:
        row = ticket.remote_data
        creator = _text(row.get(self.columns["creator"])) if isinstance(row, ObjectRow) else None
        return self.agent_id is not None and creator is not None and creator == self.agent_id

    def learn_creator(self, ticket: Ticket) -> None:
        row = ticket.remote_data
        if self.agent_id is None and isinstance(row, ObjectRow):
            self.agent_id = _text(row.get(self.columns["creator"]))
