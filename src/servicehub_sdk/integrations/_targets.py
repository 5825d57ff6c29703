"""Where service cases become tickets: the `TicketTarget` protocol and its implementations for
SupportCenter Plus, CECenter Mashup and SpiceCSM. Each works with the sync or the async client.

A target marks every ticket it creates with the case's id, so that `find_ticket` can tell
whether a ticket was already created for a case when a run stopped half-way.
"""

from __future__ import annotations

from typing import Any, Protocol

from ..ssh._models import ServiceCase
from ._drive import maybe

__all__ = ["CECenterTarget", "SpiceCSMTarget", "SupportCenterTarget", "TicketTarget", "marker"]


def marker(case: ServiceCase) -> str:
    """The text that identifies a case in a ticket: `[SSH <display id or id>]`."""
    return f"[SSH {case.display_id or case.id}]"


def _describe(case: ServiceCase) -> str:
    machine = case.customer_machine
    parts = [
        case.description or "",
        f"Secure Service Hub case {case.display_id or ''} (id {case.id})",
    ]
    if machine is not None:
        parts.append(
            f"Machine {machine.serial_number or ''} ({machine.external_id or 'no ERP id'})"
        )
    return "\n".join(p for p in parts if p)


class TicketTarget(Protocol):
    """A ticket system cases are linked to."""

    async def create_ticket(self, case: ServiceCase) -> str:
        """Create a ticket for the case and return the id to write back as its external ID."""
        ...

    async def find_ticket(self, case: ServiceCase) -> str | None:
        """The id of a ticket already created for the case, if any."""
        ...


class SupportCenterTarget:
    """Cases become SupportCenter Plus requests (subject `[SSH SC-1] title`)."""

    def __init__(
        self, scp: Any, *, requester: str | None = None, priority: str | None = None
    ) -> None:
        self.scp = scp
        self.defaults = {k: v for k, v in (("requester", requester), ("priority", priority)) if v}

    async def create_ticket(self, case: ServiceCase) -> str:
        request = await maybe(
            self.scp.requests.create(
                {
                    "subject": f"{marker(case)} {case.title or 'Service case'}",
                    "description": _describe(case),
                    **self.defaults,
                }
            )
        )
        return str(request.id)

    async def find_ticket(self, case: ServiceCase) -> str | None:
        from ..supportcenter import Criteria

        found = await maybe(
            self.scp.requests.list(search=Criteria("subject").starts_with(marker(case))).first()
        )
        return str(found.id) if found is not None else None


class CECenterTarget:
    """Cases become CECenter service tickets of `ticket_type` for `customer_id` (the client
    must act for that customer)."""

    def __init__(self, cec: Any, *, customer_id: str, ticket_type: str = "SERVICE_REQUEST") -> None:
        self.cec = cec
        self.customer_id = customer_id
        self.ticket_type = ticket_type

    async def create_ticket(self, case: ServiceCase) -> str:
        ticket = await maybe(
            self.cec.service_tickets.create(
                {
                    "type": self.ticket_type,
                    "customerId": self.customer_id,
                    "status": "OPEN",
                    "shortDescription": f"{marker(case)} {case.title or 'Service case'}",
                }
            )
        )
        return str(ticket.id)

    async def find_ticket(self, case: ServiceCase) -> str | None:
        tickets = await maybe(self.cec.service_tickets.list().to_list())
        return next(
            (str(t.id) for t in tickets if (t.short_description or "").startswith(marker(case))),
            None,
        )


class SpiceCSMTarget:
    """Cases become SpiceCSM cases through JSON-RPC (`create([{"type": table, ...}])`,
    `table` defaulting to `cases`)."""

    def __init__(self, rpc: Any, *, table: str = "cases", userkey: str | None = None) -> None:
        self.rpc = rpc
        self.table = table
        self.userkey = userkey

    async def create_ticket(self, case: ServiceCase) -> str:
        row = {
            "type": self.table,
            "issue": f"{marker(case)} {case.title or 'Service case'}",
            "ssh_case_id": case.id,
            "status": "Open",
        }
        if self.userkey:
            row["userkey"] = self.userkey
        created = await maybe(self.rpc.objects.create([row]))
        return str(created[0] if isinstance(created, list) and created else created)

    async def find_ticket(self, case: ServiceCase) -> str | None:
        rows = await maybe(self.rpc.objects.load({"type": self.table, "ssh_case_id": case.id}))
        return str(rows[0]["id"]) if rows else None
