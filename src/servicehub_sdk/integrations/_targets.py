"""Where service cases become tickets: the `TicketTarget` protocol and its implementations for
SupportCenter Plus, CECenter Mashup and SpiceCSM. Each works with the sync or the async client:
its methods are flows of steps (`servicehub_sdk.core.Steps`) that the run drives.

A target marks every ticket it creates with the case (`[SSH <display id>]` in the subject), so
that `find_ticket` can tell whether a ticket was already created for a case when a run stopped
half-way. The marker is text anyone can type, so it only finds candidates: a ticket is taken
as the integration's own only when something the requester cannot write says so — the account
that created it. Candidates that cannot be verified are never adopted; the run creates its own
ticket and reports them for review.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ..cecenter import AsyncCECenterClient, CECenterClient
from ..cecenter._service_tickets import ServiceTickets
from ..core._flows import Steps, listing, step
from ..spicecsm import AsyncSpiceCSMClient, ObjectRow, SpiceCSMClient
from ..spicecsm._objects import Objects
from ..ssh._models import ServiceCase
from ..supportcenter import AsyncSupportCenterClient, Criteria, SupportCenterClient
from ..supportcenter._models import Lookup, Request
from ..supportcenter._requests import Requests

__all__ = [
    "CECenterTarget",
    "SpiceCSMTarget",
    "SupportCenterTarget",
    "TicketSearch",
    "TicketTarget",
    "marker",
]


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


@dataclass(frozen=True)
class TicketSearch:
    """What a target found for a case.

    Attributes:
        ours: a ticket the integration verifiably created for the case (adopted by the run).
        unverified: tickets that carry the case's marker but nothing that proves the
            integration created them (a requester may have typed the marker): never adopted,
            reported for review.
    """

    ours: str | None = None
    unverified: tuple[str, ...] = ()


class TicketTarget(Protocol):
    """A ticket system cases are linked to. Both methods are flows of steps (see
    `servicehub_sdk.core.step`), so one target serves sync and async runs."""

    def create_ticket(self, case: ServiceCase) -> Steps[str]:
        """Create a ticket for the case; the id to write back as its external ID."""
        ...

    def find_ticket(self, case: ServiceCase) -> Steps[TicketSearch]:
        """The tickets already created for the case, split into the integration's own and
        the ones that cannot be verified."""
        ...


def _search(found: Sequence[tuple[str, bool]]) -> TicketSearch:
    """`(ticket id, verified)` pairs as a `TicketSearch` (the first verified one is ours)."""
    ours = next((ticket for ticket, verified in found if verified), None)
    return TicketSearch(ours, tuple(ticket for ticket, verified in found if not verified))


class SupportCenterTarget:
    """Cases become SupportCenter Plus requests (subject `[SSH SC-1] title`).

    A request is the integration's own when its `created_by` is the support rep whose key the
    client uses (requesters raise requests as themselves). Give that rep as `technician` (id,
    e-mail or name) so that a run resuming after a crash can adopt a request created just
    before it; without it the target learns the rep from the first request it creates, and
    until then adopts nothing.
    """

    def __init__(
        self,
        scp: SupportCenterClient | AsyncSupportCenterClient,
        *,
        requester: str | None = None,
        priority: str | None = None,
        technician: str | None = None,
    ) -> None:
        self.scp = scp
        self.defaults = {k: v for k, v in (("requester", requester), ("priority", priority)) if v}
        self.technician = technician

    def create_ticket(self, case: ServiceCase) -> Steps[str]:
        payload = {
            "subject": f"{marker(case)} {case.title or 'Service case'}",
            "description": _describe(case),
            **self.defaults,
        }
        request = yield from step(Requests.create, self.scp.requests, payload)
        if self.technician is None and request.created_by is not None:
            self.technician = request.created_by.id or request.created_by.name
        return str(request.id)

    def find_ticket(self, case: ServiceCase) -> Steps[TicketSearch]:
        search = Criteria("subject").starts_with(marker(case))
        found = yield from listing(Requests.list, self.scp.requests, search=search).to_list()
        return _search([(str(r.id), self._created_by_us(r)) for r in found])

    def _created_by_us(self, request: Request) -> bool:
        creator = request.created_by
        if self.technician is None or creator is None:
            return False
        return self.technician in _identities(creator)


def _identities(creator: Lookup) -> set[str]:
    extra = creator.model_extra or {}
    return {str(v) for v in (creator.id, creator.name, extra.get("email_id")) if v}


class CECenterTarget:
    """Cases become CECenter service tickets of `ticket_type` for `customer_id` (the client
    must act for that customer).

    Tickets are written with the customer's token, as the customer: nothing in a ticket tells
    the integration's from one the customer raised, so a ticket found after a crash is never
    adopted; the run creates its own and reports the other for review.
    """

    def __init__(
        self,
        cec: CECenterClient | AsyncCECenterClient,
        *,
        customer_id: str,
        ticket_type: str = "SERVICE_REQUEST",
    ) -> None:
        self.cec = cec
        self.customer_id = customer_id
        self.ticket_type = ticket_type

    def create_ticket(self, case: ServiceCase) -> Steps[str]:
        ticket = yield from step(
            ServiceTickets.create,
            self.cec.service_tickets,
            {
                "type": self.ticket_type,
                "customerId": self.customer_id,
                "status": "OPEN",
                "shortDescription": f"{marker(case)} {case.title or 'Service case'}",
            },
        )
        return str(ticket.id)

    def find_ticket(self, case: ServiceCase) -> Steps[TicketSearch]:
        tickets = yield from listing(ServiceTickets.list, self.cec.service_tickets).to_list()
        found = [
            (str(t.id), False)
            for t in tickets
            if (t.short_description or "").startswith(marker(case))
        ]
        return _search(found)


class SpiceCSMTarget:
    """Cases become SpiceCSM cases through JSON-RPC (`create([{"type": table, ...}])`,
    `table` defaulting to `cases`).

    A case is the integration's own when the agent SpiceCSM recorded as its creator
    (`agent_id`, written by the server from the session) is the API user's agent: give it as
    `agent_id`, or the target learns it from the first case it creates, and until then adopts
    nothing.
    """

    def __init__(
        self,
        rpc: SpiceCSMClient | AsyncSpiceCSMClient,
        *,
        table: str = "cases",
        userkey: str | None = None,
        agent_id: str | None = None,
    ) -> None:
        self.rpc = rpc
        self.table = table
        self.userkey = userkey
        self.agent_id = agent_id

    def create_ticket(self, case: ServiceCase) -> Steps[str]:
        row = {
            "type": self.table,
            "issue": f"{marker(case)} {case.title or 'Service case'}",
            "ssh_case_id": case.id,
            "status": "Open",
        }
        if self.userkey:
            row["userkey"] = self.userkey
        created = yield from step(Objects.create, self.rpc.objects, [row])
        ticket = str(created[0] if isinstance(created, list) and created else created)
        if self.agent_id is None:
            rows = yield from step(
                Objects.load, self.rpc.objects, {"type": self.table, "id": ticket}
            )
            creator = _creator(rows[0]) if rows else None
            self.agent_id = creator
        return ticket

    def find_ticket(self, case: ServiceCase) -> Steps[TicketSearch]:
        rows = yield from step(
            Objects.load, self.rpc.objects, {"type": self.table, "ssh_case_id": case.id}
        )
        return _search([(str(row["id"]), self._created_by_us(row)) for row in rows])

    def _created_by_us(self, row: ObjectRow) -> bool:
        creator = _creator(row)
        return self.agent_id is not None and creator is not None and creator == self.agent_id


def _creator(row: ObjectRow) -> str | None:
    """The creating agent of a row (`agent_id`, in whatever case the column was sent)."""
    value = row.get("agent_id")
    return str(value) if value not in (None, "") else None
