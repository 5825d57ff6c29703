"""Where service cases become tickets: a help desk (`HelpDesk` or `AsyncHelpDesk` over
SupportCenter Plus, CECenter Mashup or SpiceCSM), used through its adapter's flows so that one
linking run serves sync and async clients.

Every ticket created for a case carries the case's marker (`[SSH <display id>]` at the start of
its subject; SpiceCSM also records the case id in its case-id column), so that a run resuming
after a crash can tell whether a ticket was already created for a case. The marker is text
anyone can type, so it only finds candidates: a ticket is taken as the integration's own only
when something the requester cannot write says so — the account that created it
(SupportCenter's `created_by`, SpiceCSM's `agent_id`; CECenter records none, so a found
ticket is never adopted there). Candidates that cannot be verified are never adopted; the run
creates its own ticket and reports them for review.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..core._flows import BoundStep, Steps
from ..core._request import Flow
from ..helpdesk._adapter import Adapter
from ..helpdesk._desk import AsyncHelpDesk, HelpDesk
from ..helpdesk._models import Ticket, TicketInput
from ..ssh._models import ServiceCase

__all__ = ["DeskTarget", "TicketSearch", "TicketTarget", "as_target", "marker"]


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
    """What a help desk holds for a case.

    Attributes:
        ours: a ticket the integration verifiably created for the case (adopted by the run).
        unverified: tickets that carry the case's marker but nothing that proves the
            integration created them (a requester may have typed the marker): never adopted,
            reported for review.
    """

    ours: str | None = None
    unverified: tuple[str, ...] = ()


class TicketTarget(Protocol):
    """What linking needs of a ticket system: both methods are flows of steps (see
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


class DeskTarget:
    """A help desk as the target of `link_service_cases`.

    Tickets are created as `TicketInput(subject="[SSH SC-1] title", description=...)` with the
    desk's `defaults=`. The account that creates them is the desk's: give it in `defaults=`
    (SupportCenter `technician`, SpiceCSM `agent_id`) so that a run resuming after a crash can
    adopt a ticket created just before it; without it the desk learns it from the first ticket
    it creates, and until then adopts nothing.
    """

    def __init__(self, desk: HelpDesk | AsyncHelpDesk) -> None:
        self.desk = desk
        self.adapter: Adapter = desk.adapter

    def _run(self, flow: Flow[Any]) -> Steps[Any]:
        result = yield BoundStep(self.desk.client._context.engine, flow)
        return result

    def create_ticket(self, case: ServiceCase) -> Steps[str]:
        ticket = TicketInput(
            subject=f"{marker(case)} {case.title or 'Service case'}",
            description=_describe(case) if self.adapter.DESCRIBES_ON_CREATE else None,
            custom_fields=self.adapter.link_fields(case.id),
        )
        created: Ticket = yield from self._run(self.adapter.create(ticket))
        return str(created.id)

    def find_ticket(self, case: ServiceCase) -> Steps[TicketSearch]:
        found: list[Ticket] = yield from self._run(self.adapter.marked(marker(case), case.id))
        return _search([(t.id, self.adapter.created_by_integration(t)) for t in found])


def as_target(target: HelpDesk | AsyncHelpDesk | TicketTarget) -> TicketTarget:
    """A help desk as a `TicketTarget` (anything else with the two flows is taken as it is)."""
    if isinstance(target, HelpDesk | AsyncHelpDesk):
        return DeskTarget(target)
    return target
