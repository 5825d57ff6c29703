"""CECenter Mashup as a help desk: a customer's service tickets and interaction logs."""

from __future__ import annotations

from typing import Any

from ..cecenter._interaction_logs import InteractionLogs
from ..cecenter._models import InteractionLog, ServiceTicket
from ..cecenter._query import TicketQuery
from ..cecenter._service_ticket_types import ServiceTicketTypes
from ..cecenter._service_tickets import ServiceTickets
from ..core._errors import ConfigurationError
from ..core._pagination import Page
from ..core._request import Flow, Step
from ._adapter import Adapter, TicketFilter, all_items, aware, mapped_pages, oldest_first, run_op
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

__all__ = ["CECenterHelpDesk"]

S, P = TicketStatus, TicketPriority

MAPS = Maps(
    status_read={
        "OPEN": S.OPEN,
        "NEW": S.OPEN,
        "IN_PROCESS": S.IN_PROGRESS,
        "IN_PROGRESS": S.IN_PROGRESS,
        "ON_HOLD": S.ON_HOLD,
        "CONFIRMED": S.RESOLVED,
        "COMPLETED": S.RESOLVED,
        "CLOSED": S.CLOSED,
    },
    status_write={S.OPEN: "OPEN", S.RESOLVED: "CONFIRMED"},
    priority_read={
        "VERY_HIGH": P.URGENT,
        "URGENT": P.URGENT,
        "HIGH": P.HIGH,
        "MEDIUM": P.NORMAL,
        "NORMAL": P.NORMAL,
        "LOW": P.LOW,
    },
    priority_write={P.URGENT: "VERY_HIGH", P.HIGH: "HIGH", P.NORMAL: "MEDIUM", P.LOW: "LOW"},
)


def _text(value: Any) -> str | None:
    """A localized value as text (`{"en": "..."}` -> its first language)."""
    if isinstance(value, dict):
        return next((str(v) for v in value.values() if v), None)
    return None if value is None else str(value)


class CECenterHelpDesk(Adapter):
    """Service tickets of the customer the client acts for (`with_customer`), as CECenter's
    self-service API sees them.

    A customer sets tickets only to OPEN or CONFIRMED (`RESOLVED` writes `CONFIRMED`), so
    tickets cannot be closed; there are no contacts, assignees or private comments. Comments
    are interaction logs referring to the ticket (`referenceId`), read with the client token.

    `defaults=`: `ticket_type` (without it: the first ticket type of the tenant) and
    `customer_id` (without it: the customer of the client's first ticket). Filters: `status`
    is sent as `q=` when one vendor value reads as it; the rest is applied to the listed
    tickets.
    """

    backend = "cecenter"
    SUPPORTED = frozenset({"list", "get", "create", "update", "reopen", "comments", "comment"})
    NEAREST = {
        "close": "a customer sets tickets only to OPEN or CONFIRMED; "
        "update(id, status=TicketStatus.RESOLVED) sends CONFIRMED",
        "assign": "CECenter's customer API has no assignees; the tenant's back office assigns",
        "private_comments": "interaction logs are the only comments; "
        "create them with private=False",
        "contacts": "the client acts for one customer; cec.customers holds sign-up and login",
    }
    DEFAULT_MAPS = MAPS
    DEFAULTS = ("ticket_type", "customer_id")
    DESCRIBES_ON_CREATE = False  # a description becomes an interaction log

    def __init__(self, client: Any, **options: Any) -> None:
        super().__init__(client, **options)
        self.customer_id: str | None = self.defaults.get("customer_id")
        self.ticket_type: str | None = self.defaults.get("ticket_type")

    def to_ticket(self, ticket: ServiceTicket) -> Ticket:
        ticket_id = str(ticket.id)
        names = [ticket.customer_first_name, ticket.customer_last_name]
        requester = (
            Contact(
                id=ticket.customer_id,
                name=" ".join(n for n in names if n) or None,
                email=ticket.customer_email,
            )
            if ticket.customer_id or ticket.customer_email
            else None
        )
        custom = {
            k: v
            for k, v in (
                ("classification", ticket.classification.code if ticket.classification else None),
                ("product_id", ticket.product_id),
            )
            if v is not None
        }
        return Ticket(
            id=ticket_id,
            number=ticket_id,
            subject=ticket.short_description,
            description=None,
            status=self.maps.status(ticket.status),
            status_origin=ticket.status,
            priority=self.maps.priority(ticket.priority),
            priority_origin=ticket.priority,
            requester=requester,
            type=_text(ticket.type_description) or ticket.type,
            created_at=aware(ticket.creation_date_time),
            updated_at=aware(ticket.change_date_time),
            url=self.url(ticket_id),
            custom_fields=self.maps.custom_in(custom),
            backend=self.backend,
            remote_data=ticket,
        )

    def list_tickets(self, wanted: TicketFilter) -> Step[Page[Ticket]]:
        vendor = sorted({v for s in wanted.statuses for v in self.maps.vendor_statuses(s)})
        query = TicketQuery().eq("status", vendor[0]) if len(vendor) == 1 else None
        first = ServiceTickets.list.fn(self.client.service_tickets, q=query)
        return mapped_pages(first, self.to_ticket, wanted)

    def get(self, ticket_id: str) -> Flow[Ticket]:
        ticket = yield from run_op(ServiceTickets.get, self.client.service_tickets, ticket_id)
        return self.to_ticket(ticket)

    def _customer(self) -> Flow[str]:
        if self.customer_id is None:
            tickets = yield from all_items(ServiceTickets.list.fn(self.client.service_tickets))
            known = next((t.customer_id for t in tickets if t.customer_id), None)
            if known is None:
                raise ConfigurationError(
                    "the customer's id is not known yet: give defaults={'customer_id': ...}"
                )
            self.customer_id = known
        return self.customer_id

    def _type(self) -> Flow[str]:
        if self.ticket_type is None:
            types = yield from all_items(
                ServiceTicketTypes.list.fn(self.client.service_ticket_types)
            )
            first = next((t.code or t.id for t in types if t.code or t.id), None)
            if first is None:
                raise ConfigurationError(
                    "the tenant has no ticket types: give defaults={'ticket_type': ...}"
                )
            self.ticket_type = first
        return self.ticket_type

    def create(self, ticket: TicketInput) -> Flow[Ticket]:
        customer = yield from self._customer()
        ticket_type = ticket.type or (yield from self._type())
        body: dict[str, Any] = {
            "type": ticket_type,
            "customer_id": customer,
            "short_description": ticket.subject,
            "status": self.status_to_send(TicketStatus.OPEN),
        }
        if ticket.priority is not None:
            body["priority"] = self.maps.priority_write[ticket.priority]
        body.update(self.maps.custom_out(ticket.custom_fields))
        created = yield from run_op(ServiceTickets.create, self.client.service_tickets, body)
        if ticket.description:
            yield from self.comment(str(created.id), ticket.description, False)
        return (yield from self.get(str(created.id)))

    def update(self, ticket_id: str, changes: TicketUpdate) -> Flow[Ticket]:
        body: dict[str, Any] = {}
        if changes.subject is not None:
            body["short_description"] = changes.subject
        if changes.status is not None:
            body["status"] = self.status_to_send(changes.status)
        if changes.priority is not None:
            body["priority"] = self.maps.priority_write[changes.priority]
        if changes.type is not None:
            body["type"] = changes.type
        body.update(self.maps.custom_out(changes.custom_fields))
        if changes.description is not None:
            yield from self.comment(ticket_id, changes.description, False)
        ticket = yield from run_op(
            ServiceTickets.update, self.client.service_tickets, ticket_id, body
        )
        return self.to_ticket(ticket)

    def to_comment(self, log: InteractionLog) -> Comment:
        return Comment(
            id=str(log.id),
            body=_text(log.description) or "",
            private=False,
            created_at=aware(log.creation_date_time),
            remote_data=log,
        )

    def comments(self, ticket_id: str) -> Flow[list[Comment]]:
        logs = yield from all_items(InteractionLogs.list.fn(self.client.interaction_logs))
        mine = (self.to_comment(log) for log in logs if log.reference_id == ticket_id)
        return sorted(mine, key=oldest_first)

    def comment(self, ticket_id: str, body: str, private: bool) -> Flow[Comment]:
        if private:
            self.require("private_comments")
        customer = yield from self._customer()
        log = yield from run_op(
            InteractionLogs.create,
            self.client.interaction_logs,
            {
                "customer_id": customer,
                "type": "NOTE",
                "description": body,
                "reference_id": ticket_id,
            },
        )
        return self.to_comment(log)

    def marked(self, prefix: str, case_id: str) -> Flow[list[Ticket]]:
        tickets = yield from all_items(ServiceTickets.list.fn(self.client.service_tickets))
        return [
            self.to_ticket(t) for t in tickets if (t.short_description or "").startswith(prefix)
        ]
