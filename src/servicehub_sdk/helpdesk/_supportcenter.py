"""SupportCenter Plus as a help desk: requests, their notes, requesters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core._cursor import UpdatedSince
from ..core._pagination import Page
from ..core._request import Flow, Step
from ..supportcenter._criteria import Criteria
from ..supportcenter._models import Lookup, Note, Request, Requester, Time
from ..supportcenter._notes import Notes
from ..supportcenter._requesters import Requesters
from ..supportcenter._requests import Requests
from ._adapter import (
    Adapter,
    TicketFilter,
    all_items,
    aware,
    html_to_text,
    mapped_pages,
    oldest_first,
    run_op,
    text_to_html,
)
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

__all__ = [
    "SUPPORTCENTER_CLOUD_URL",
    "SUPPORTCENTER_ON_PREMISE_URL",
    "SupportCenterHelpDesk",
]

SUPPORTCENTER_ON_PREMISE_URL = "{base_url}/WorkOrder.do?woMode=viewWO&woID={id}"
"""The request's page on an on-premise server."""
SUPPORTCENTER_CLOUD_URL = "{base_url}/ui/requests/{id}/details"
"""The request's page on the Zoho-hosted (cloud) service, whose API lives under
`{host}/app/{portal}/api/v3` (so `{base_url}` is `{host}/app/{portal}`)."""

S, P = TicketStatus, TicketPriority

MAPS = Maps(
    status_read={
        "Open": S.OPEN,
        "Assigned": S.IN_PROGRESS,
        "In Progress": S.IN_PROGRESS,
        "On Hold": S.ON_HOLD,
        "Resolved": S.RESOLVED,
        "Closed": S.CLOSED,
        "Cancelled": S.CLOSED,
    },
    status_write={
        S.OPEN: "Open",
        S.IN_PROGRESS: "In Progress",
        S.ON_HOLD: "On Hold",
        S.RESOLVED: "Resolved",
        S.CLOSED: "Closed",
    },
    priority_read={
        "Urgent": P.URGENT,
        "High": P.HIGH,
        "Medium": P.NORMAL,
        "Normal": P.NORMAL,
        "Low": P.LOW,
    },
    priority_write={P.URGENT: "High", P.HIGH: "High", P.NORMAL: "Normal", P.LOW: "Low"},
)


def _time(value: Any) -> Any:
    if value is None:
        return None
    return aware(Time.model_validate(value).value)


def _contact(value: Lookup | Requester | None) -> Contact | None:
    if value is None:
        return None
    extra = value.model_extra or {}
    email = value.email_id if isinstance(value, Requester) else extra.get("email_id")
    return Contact(id=value.id, name=value.name, email=email)


class SupportCenterHelpDesk(Adapter):
    """Requests of SupportCenter Plus (`/api/v3/requests`).

    `defaults=`: `requester` (name or e-mail; without it the request is raised as the
    technician whose key the client uses), `template`, `priority` (the vendor's name, for
    tickets created without one), `technician` (the key's support rep,
    by id, name or e-mail: tickets it created are the integration's own when linking).
    Filters: `status` and `updated_since` are sent as `search_criteria` (`status.name`,
    `last_updated_time`); `requester` is applied to the listed requests.
    """

    backend = "supportcenter"
    SUPPORTED = frozenset(
        {
            "list",
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
    DEFAULT_MAPS = MAPS
    DEFAULTS = ("requester", "template", "technician", "priority")

    def __init__(self, client: Any, **options: Any) -> None:
        options.setdefault("url_template", None)
        if options["url_template"] is None:
            options["url_template"] = SUPPORTCENTER_ON_PREMISE_URL
        super().__init__(client, **options)
        self.technician: str | None = self.defaults.get("technician")

    def url(self, ticket_id: str) -> str | None:
        """The request's page: the URL template over the server's root (the client's base
        URL without `/api/v3`)."""
        if not self.url_template:
            return None
        base = str(self.client.base_url).rstrip("/").removesuffix("/api/v3")
        return self.url_template.format(base_url=base, id=ticket_id)

    def to_ticket(self, request: Request) -> Ticket:
        extra = request.model_extra or {}
        request_id = str(request.id)
        status = request.status.name if request.status else None
        priority = request.priority.name if request.priority else None
        udf = extra.get("udf_fields")
        request_type = extra.get("request_type")
        return Ticket(
            id=request_id,
            number=str(extra.get("display_id") or request_id),
            subject=request.subject,
            description=html_to_text(request.description) if request.description else None,
            status=self.maps.status(status),
            status_origin=status,
            priority=self.maps.priority(priority),
            priority_origin=priority,
            requester=_contact(request.requester),
            assignee=_contact(request.technician),
            group=request.group.name if request.group else None,
            type=Lookup.model_validate(request_type).name if request_type else None,
            created_at=_time(request.created_time.model_dump() if request.created_time else None),
            updated_at=_time(extra.get("last_updated_time")),
            closed_at=_time(
                request.completed_time.model_dump() if request.completed_time else None
            ),
            url=self.url(request_id),
            custom_fields=self.maps.custom_in(udf) if isinstance(udf, Mapping) else {},
            backend=self.backend,
            remote_data=request,
        )

    def list_tickets(self, wanted: TicketFilter) -> Step[Page[Ticket]]:
        search: Criteria | None = None
        vendor = sorted({v for s in wanted.statuses for v in self.maps.vendor_statuses(s)})
        if vendor:
            search = Criteria("status.name").is_in(vendor)
        if wanted.updated_since is not None:
            # asked from `since - overlap`: changes written late are read, and the filter
            # on the listed requests keeps exactly those changed since
            start = UpdatedSince(wanted.updated_since).ask_from()
            changed = Criteria("last_updated_time").greater_than(
                str(int(start.timestamp() * 1000) - 1)
            )
            search = changed if search is None else search & changed
        first = Requests.list.fn(self.client.requests, search=search)
        return mapped_pages(first, self.to_ticket, wanted)

    def get(self, ticket_id: str) -> Flow[Ticket]:
        request = yield from run_op(Requests.get, self.client.requests, ticket_id)
        return self.to_ticket(request)

    def _payload(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in fields.items() if v is not None}

    def create(self, ticket: TicketInput) -> Flow[Ticket]:
        requester: Any = self.defaults.get("requester")
        if ticket.requester is not None:
            who = ticket.requester
            requester = {"email_id": who.email} if who.email else (who.name or who.id)
        payload = self._payload(
            {
                "subject": ticket.subject,
                "description": text_to_html(ticket.description) if ticket.description else None,
                "requester": requester,
                "priority": self.maps.priority_write[ticket.priority]
                if ticket.priority
                else self.defaults.get("priority"),
                "template": self.defaults.get("template"),
                "request_type": ticket.type,
                "udf_fields": self.maps.custom_out(ticket.custom_fields) or None,
            }
        )
        request = yield from run_op(Requests.create, self.client.requests, payload)
        created = self.to_ticket(request)
        self.learn_creator(created)
        return created

    def update(self, ticket_id: str, changes: TicketUpdate) -> Flow[Ticket]:
        payload = self._payload(
            {
                "subject": changes.subject,
                "description": text_to_html(changes.description)
                if changes.description is not None
                else None,
                "status": self.status_to_send(changes.status) if changes.status else None,
                "priority": self.maps.priority_write[changes.priority]
                if changes.priority
                else None,
                "request_type": changes.type,
                "udf_fields": self.maps.custom_out(changes.custom_fields) or None,
            }
        )
        request = yield from run_op(Requests.update, self.client.requests, ticket_id, payload)
        return self.to_ticket(request)

    def close(self, ticket_id: str, resolution: str | None) -> Flow[Ticket]:
        info = {"closure_comments": resolution} if resolution else None
        yield from run_op(Requests.close, self.client.requests, ticket_id, info)
        return (yield from self.get(ticket_id))

    def assign(self, ticket_id: str, assignee: str) -> Flow[Ticket]:
        yield from run_op(Requests.assign, self.client.requests, ticket_id, technician=assignee)
        return (yield from self.get(ticket_id))

    def to_comment(self, note: Note) -> Comment:
        return Comment(
            id=str(note.id),
            body=html_to_text(note.description),
            author=_contact(note.created_by),
            private=not note.show_to_requester,
            created_at=_time(note.created_time.model_dump() if note.created_time else None),
            remote_data=note,
        )

    def comments(self, ticket_id: str) -> Flow[list[Comment]]:
        notes = self.client.requests.notes(ticket_id)
        items = yield from all_items(Notes.list.fn(notes))
        return sorted((self.to_comment(n) for n in items), key=oldest_first)

    def comment(self, ticket_id: str, body: str, private: bool) -> Flow[Comment]:
        notes = self.client.requests.notes(ticket_id)
        note = yield from run_op(
            Notes.create,
            notes,
            {"description": text_to_html(body), "show_to_requester": not private},
        )
        return self.to_comment(note)

    def find_contacts(self, email: str) -> Flow[list[Contact]]:
        step: Any = Requesters.list.fn(
            self.client.requesters, search=Criteria("email_id").is_(email)
        )
        items = yield from all_items(step)
        return [c for c in (_contact(r) for r in items) if c is not None]

    # linking

    def marked(self, prefix: str, case_id: str) -> Flow[list[Ticket]]:
        search = Criteria("subject").starts_with(prefix)
        items = yield from all_items(Requests.list.fn(self.client.requests, search=search))
        return [self.to_ticket(r) for r in items]

    def created_by_integration(self, ticket: Ticket) -> bool:
        creator = ticket.remote_data.created_by if isinstance(ticket.remote_data, Request) else None
        if self.technician is None or creator is None:
            return False
        extra = creator.model_extra or {}
        return self.technician in {
            str(v) for v in (creator.id, creator.name, extra.get("email_id")) if v
        }

    def learn_creator(self, ticket: Ticket) -> None:
        creator = ticket.remote_data.created_by if isinstance(ticket.remote_data, Request) else None
        if self.technician is None and creator is not None:
            self.technician = creator.id or creator.name
