"""Link new Secure Service Hub service cases to tickets, exactly once.

For every case without an external ID: create a ticket in the target, then write the ticket's
id back with `updateServiceCaseExternalId`. A journal records each step, so an interrupted run
never creates a second ticket for a case: a case whose ticket was created is only linked; a
case that was about to get one is first looked up in the target.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.errors import ServiceHubError
from ..ssh import AsyncSecureServiceHub, SecureServiceHub, ServiceCaseView
from ..ssh.models import ServiceCase
from ._drive import maybe, run_sync
from .journal import LinkJournal
from .report import RecordResult, SyncReport
from .targets import TicketTarget

__all__ = ["link_service_cases", "link_service_cases_async"]

DEFAULT_JOURNAL = "servicehub-links.sqlite3"


async def _link_one(
    hub: Any, target: TicketTarget, journal: LinkJournal, case: ServiceCase, dry_run: bool
) -> RecordResult:
    entry = journal.get(case.id)
    if dry_run:
        note = (
            f"would link to ticket {entry.ticket_id}"
            if entry and entry.ticket_id
            else "would create a ticket"
        )
        return RecordResult(
            kind="service_case", key=case.id, action="linked", reason=f"dry run: {note}"
        )
    try:
        ticket_id = entry.ticket_id if entry and entry.ticket_id else None
        reused = ticket_id is not None
        if (
            ticket_id is None and entry is not None
        ):  # stopped while creating: look before creating again
            ticket_id = await target.find_ticket(case)
            reused = ticket_id is not None
        if ticket_id is None:
            journal.pending(case.id)
            ticket_id = await target.create_ticket(case)
        journal.created(case.id, ticket_id)
        await maybe(hub.service_cases.set_external_id(case.id, ticket_id))
        journal.linked(case.id, ticket_id)
    except ServiceHubError as exc:
        return RecordResult(kind="service_case", key=case.id, action="failed", reason=exc.message)
    return RecordResult(
        kind="service_case",
        key=case.id,
        action="linked",
        reason="ticket from an earlier run" if reused else None,
        reference=ticket_id,
    )


async def _link(
    hub: Any,
    target: TicketTarget,
    journal: str | Path,
    *,
    view: ServiceCaseView | str,
    limit: int | None,
    dry_run: bool,
) -> SyncReport:
    report = SyncReport(dry_run=dry_run)
    with LinkJournal(journal) as book:
        cases = await maybe(hub.service_cases.list_unlinked(view=view).to_list(limit))
        for case in cases:
            report.results.append(await _link_one(hub, target, book, case, dry_run))
    return report


def link_service_cases(
    hub: SecureServiceHub,
    target: TicketTarget,
    *,
    journal: str | Path = DEFAULT_JOURNAL,
    view: ServiceCaseView | str = ServiceCaseView.SERVICE_PROVIDER,
    limit: int | None = None,
    dry_run: bool = False,
) -> SyncReport:
    """Create a ticket in `target` for every unlinked case (at most `limit`) and link it.

    Returns a `SyncReport` with one row per case (`linked` with the ticket id in
    `reference`, or `failed` with the reason). `journal` is the SQLite file that makes
    re-runs safe; keep it between runs.
    """
    return run_sync(_link(hub, target, journal, view=view, limit=limit, dry_run=dry_run))


async def link_service_cases_async(
    hub: AsyncSecureServiceHub,
    target: TicketTarget,
    *,
    journal: str | Path = DEFAULT_JOURNAL,
    view: ServiceCaseView | str = ServiceCaseView.SERVICE_PROVIDER,
    limit: int | None = None,
    dry_run: bool = False,
) -> SyncReport:
    """`link_service_cases` for async clients (hub and target)."""
    return await _link(hub, target, journal, view=view, limit=limit, dry_run=dry_run)
