"""A linking run driven by a change feed: new cases get tickets, changed linked cases get
their tickets updated, and the feed's batch is committed only after both are written.

Per batch of the feed (`feed.poll(max_changes)`, until a batch is final):

1. on the first batch, updates an earlier run left unfinished are finished;
2. when the batch holds a case without an external ID, or the journal a case whose linking
   did not finish, the unlinked cases are read (`list_unlinked`, every field a ticket needs) and
   linked as without a feed; what their new tickets show is recorded;
3. every change to a case linked by this integration (the journal's ticket is the case's
   external ID) is written to the ticket once (`TicketFollower`); the first time a feed sees a
   linked case (`created`), what the ticket shows is only recorded;
4. the batch is committed. Anything that stops the run before the commit leaves the batch to
   the next run, which skips what the journal shows as written.

A run where nothing changed reads the cases once (the feed's scan) and sends nothing to the
help desk.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..core._changes import Change
from ..core._flows import Steps
from ..ssh._models import ServiceCase
from ._feed_steps import FeedSteps
from ._follow import TicketFollower, plan_update, ticket_fields
from ._journal import JournalEntry
from ._journal_steps import JournalSteps
from ._report import RecordResult, SyncReport
from ._shards import Shard

__all__ = ["link_and_follow"]

LinkNew = Callable[[], Steps[tuple[list[ServiceCase], list[RecordResult]]]]
"""Reads and links the unlinked cases: a flow returning the cases and their report rows."""


def _ours(entries: dict[str, JournalEntry], case: ServiceCase) -> str | None:
    """The ticket this integration linked `case` to, if the case still carries it."""
    entry = entries.get(case.id)
    if entry is None or entry.state != "linked" or not entry.ticket_id:
        return None
    return entry.ticket_id if entry.ticket_id == case.external_id else None


def _preview(
    follower: TicketFollower, case: ServiceCase, ticket_id: str, old: dict[str, Any] | None
) -> RecordResult | None:
    name = case.display_id or case.id
    plan = plan_update(old, ticket_fields(case), follower.adapter, case_name=name, marker="")
    if not plan.differences:
        return None
    return RecordResult(
        kind="ticket",
        key=case.id,
        action="updated",
        reason=f"dry run: would write {', '.join(plan.parts)}",
        differences=plan.differences,
        reference=ticket_id,
        written=[],
    )


def link_and_follow(
    feed: FeedSteps,
    book: JournalSteps,
    follower: TicketFollower,
    link_new: LinkNew,
    *,
    shard: Shard | None,
    dry_run: bool,
    max_changes: int,
) -> Steps[SyncReport]:
    """The run described in the module's docstring: a flow returning its `SyncReport`."""
    report = SyncReport(dry_run=dry_run)
    if dry_run:
        changes = yield from feed.pending()
        yield from _handle(report, changes, book, follower, link_new, shard, dry_run=True)
        return report
    first = True
    while True:
        batch = yield from feed.poll(max_changes)
        if not batch.held:
            break  # another run holds the feed's batch: it does this work
        try:
            if first:
                yield from _finish_unfinished(report, follower, shard)
            yield from _handle(
                report, list(batch.changes), book, follower, link_new, shard, first=first
            )
        except BaseException:
            yield from feed.release(batch)
            raise
        yield from feed.commit(batch)
        first = False
        if batch.final:
            break
    return report


def _finish_unfinished(
    report: SyncReport, follower: TicketFollower, shard: Shard | None
) -> Steps[None]:
    for row in (yield from follower.unfinished()):
        if shard is None or shard.holds(row.case_id):
            report.results.append((yield from follower.resume(row)))


def _handle(
    report: SyncReport,
    changes: list[Change[Any]],
    book: JournalSteps,
    follower: TicketFollower,
    link_new: LinkNew,
    shard: Shard | None,
    *,
    first: bool = True,
    dry_run: bool = False,
) -> Steps[None]:
    cases: list[tuple[Change[Any], ServiceCase]] = [
        (c, c.item)
        for c in changes
        if isinstance(c.item, ServiceCase) and (shard is None or shard.holds(c.id))
    ]
    entries = {e.case_id: e for e in (yield from book.entries())}
    unfinished_links = first and any(
        e.state != "linked" and (shard is None or shard.holds(e.case_id)) for e in entries.values()
    )
    if unfinished_links or any(not case.is_linked for _, case in cases):
        linked_cases, rows = yield from link_new()
        report.results.extend(rows)
        tickets = {r.key: r.reference for r in rows if r.action == "linked" and r.reference}
        if not dry_run:
            yield from follower.remember(
                [
                    (c.id, tickets[c.id], ticket_fields(c), None)
                    for c in linked_cases
                    if c.id in tickets
                ]
            )
    followed = [(c, case, ticket) for c, case in cases if (ticket := _ours(entries, case))]
    if not followed:
        return
    rows_by_case = yield from follower.rows([c.id for c, _, _ in followed])
    first_seen: list[tuple[str, str, dict[str, Any], str | None]] = []
    for change, case, ticket_id in followed:
        row = rows_by_case.get(case.id)
        if row is None and change.kind == "created":
            first_seen.append((case.id, ticket_id, ticket_fields(case), change.key))
            continue
        if dry_run:
            result = _preview(follower, case, ticket_id, row.fields if row else None)
        else:
            result = yield from follower.follow(case, ticket_id, change.key, row)
        if result is not None:
            report.results.append(result)
    if not dry_run:
        yield from follower.remember(first_seen)
