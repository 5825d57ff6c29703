"""Link new Secure Service Hub service cases to tickets, exactly once.

For every case without an external ID: claim the case in the journal, create a ticket in the
help desk, record it, then write the ticket's id back with `updateServiceCaseExternalId`. Cases
go in groups of `batch_size`: each case of a group is claimed, gets its ticket and has it
recorded, one after the other; then the group's ticket ids are written back in one document
(`hub.service_cases.set_external_ids`), and each case is recorded as linked or released.

Any number of runs may share one journal at once: a case is worked on only by the run holding
its claim, and the others skip it. A run that stops releases its claims; one that dies keeps
them until their lease (`lease_seconds`) lapses, and the run that takes a case over resumes
from the journal: a recorded ticket is only linked; a case claimed without a recorded ticket
is first looked up in the help desk (`find_ticket`), because the dead run may have created the
ticket just before dying.

With a change feed (`feed=`), a run also keeps linked tickets in step with their cases (see
`_follow_run`): it reads the cases once, through the feed, and reads the unlinked cases in full
only when the feed shows one.
"""

from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from ..core._errors import ConfigurationError, ServiceHubError
from ..core._flows import Steps, listing, run_steps, run_steps_async, step
from ..helpdesk._desk import AsyncHelpDesk, HelpDesk
from ..ssh import AsyncSSHClient, ServiceCaseView, SSHClient
from ..ssh._batch import DEFAULT_BATCH_SIZE
from ..ssh._models import ServiceCase
from ..ssh._service_cases import ServiceCases
from ._feed_steps import FeedSteps
from ._follow import TicketFollower, ticket_fingerprint
from ._follow_run import link_and_follow
from ._follow_sql import FollowSteps
from ._journal import (
    DEFAULT_LEASE_SECONDS,
    AsyncJournal,
    Journal,
    open_journal,
    open_journal_async,
)
from ._journal_steps import JournalSteps
from ._report import Action, RecordResult, SyncReport
from ._shards import Shard
from ._targets import TicketSearch, TicketTarget, as_target

if TYPE_CHECKING:  # the feeds import the journal: at run time, they are imported when used
    from ..feeds._feed import AsyncChangeFeed, ChangeFeed

__all__ = ["link_service_cases", "link_service_cases_async"]

DEFAULT_JOURNAL = "servicehub-links.sqlite3"

DEFAULT_MAX_CHANGES = 500
"""Changes a feed run takes per poll (the feeds' own default)."""


def _run_owner() -> str:
    """This run's name in the journal: host, process and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _result(
    case: ServiceCase,
    action: Action,
    reason: str | None,
    ticket_id: str | None = None,
    review: tuple[str, ...] = (),
) -> RecordResult:
    return RecordResult(
        kind="service_case",
        key=case.id,
        action=action,
        reason=reason,
        reference=ticket_id,
        possible_duplicates=list(review),
    )


def _preview(book: JournalSteps, case: ServiceCase) -> Steps[RecordResult]:
    entry = yield from book.get(case.id)
    note = (
        f"would link to ticket {entry.ticket_id}"
        if entry and entry.ticket_id
        else "would create a ticket"
    )
    return _result(case, "linked", f"dry run: {note}")


def _review_note(review: tuple[str, ...]) -> str:
    return (
        f"possible duplicate: ticket {', '.join(review)} carries the case's marker but was not "
        "created by the integration; review it"
    )


class _Ready:
    """A case whose ticket exists and is recorded, its claim still held."""

    def __init__(
        self, case: ServiceCase, ticket_id: str, reused: bool, review: tuple[str, ...]
    ) -> None:
        self.case = case
        self.ticket_id = ticket_id
        self.reused = reused
        self.review = review

    def note(self) -> str | None:
        notes = ["ticket from an earlier run"] if self.reused else []
        if self.review:
            notes.append(_review_note(self.review))
        return "; ".join(notes) or None


def _claim_and_create(
    target: TicketTarget, book: JournalSteps, case: ServiceCase, owner: str, lease: float
) -> Steps[_Ready | RecordResult]:
    """Claim the case and make sure its ticket exists and is recorded: `_Ready` with the claim
    still held, or the case's report row when it goes no further (its claim released)."""
    claim = yield from book.claim(case.id, owner, lease)
    if claim is None:
        return _result(case, "unchanged", "another run holds the case")
    held = False
    try:
        ticket_id = claim.ticket_id
        found = TicketSearch()
        if claim.interrupted:  # an earlier run may have created the ticket before it stopped
            found = yield from target.find_ticket(case)
            ticket_id = found.ours
        reused = ticket_id is not None
        if ticket_id is None:
            ticket_id = yield from target.create_ticket(case)
        if not (yield from book.created(case.id, ticket_id, owner)):
            return _result(
                case,
                "failed",
                f"the claim lapsed while ticket {ticket_id} was being created: another run may "
                "have created a ticket for the case too",
                ticket_id,
                found.unverified,
            )
        held = True
        return _Ready(case, ticket_id, reused, found.unverified)
    except ServiceHubError as exc:
        return _result(case, "failed", exc.message)
    finally:
        if not held:
            yield from book.release(case.id, owner)


def _link_group(
    hub: SSHClient | AsyncSSHClient,
    target: TicketTarget,
    book: JournalSteps,
    cases: list[ServiceCase],
    owner: str,
    lease: float,
) -> Steps[list[RecordResult]]:
    """Claim, create and record each case of the group, then link them in one document
    (`set_external_ids`); every claim still held at the end is released."""
    rows: dict[str, RecordResult] = {}
    ready: list[_Ready] = []
    done: set[str] = set()
    try:
        for case in cases:
            outcome = yield from _claim_and_create(target, book, case, owner, lease)
            if isinstance(outcome, RecordResult):
                rows[case.id] = outcome
            else:
                ready.append(outcome)
        if ready:
            links = [(r.case.id, r.ticket_id) for r in ready]
            results = yield from step(
                ServiceCases.set_external_ids, hub.service_cases, links, batch_size=len(links)
            )
            for r, result in zip(ready, results, strict=True):
                if result.status in ("ok", "applied"):
                    if (yield from book.linked(r.case.id, r.ticket_id, owner)):
                        done.add(r.case.id)
                    rows[r.case.id] = _result(r.case, "linked", r.note(), r.ticket_id, r.review)
                else:
                    reason = result.error.message if result.error else result.status
                    rows[r.case.id] = _result(r.case, "failed", reason, r.ticket_id, r.review)
    finally:
        for r in ready:
            if r.case.id not in done:
                yield from book.release(r.case.id, owner)
    return [rows[case.id] for case in cases]


def _check(lease_seconds: float, batch_size: int) -> None:
    if not lease_seconds > 0:
        raise ConfigurationError(f"lease_seconds must be positive, not {lease_seconds}")
    if batch_size < 1:
        raise ConfigurationError(f"batch_size must be at least 1, not {batch_size}")


def _unlinked(
    hub: SSHClient | AsyncSSHClient,
    view: ServiceCaseView | str,
    limit: int | None,
    shard: Shard | None,
) -> Steps[list[ServiceCase]]:
    """The cases without an external ID (`list_unlinked`), of `shard`, at most `limit`."""
    unlinked = listing(ServiceCases.list_unlinked, hub.service_cases, view=view)
    if shard is None:
        cases: list[ServiceCase] = yield from unlinked.to_list(limit)
        return cases
    every = yield from unlinked.to_list()
    return [case for case in every if shard.holds(case.id)][:limit]


def _link_cases(
    hub: SSHClient | AsyncSSHClient,
    target: TicketTarget,
    book: JournalSteps,
    cases: list[ServiceCase],
    *,
    owner: str,
    dry_run: bool,
    lease_seconds: float,
    batch_size: int,
) -> Steps[list[RecordResult]]:
    """Link `cases`, `batch_size` at a time (in a dry run: say what would happen)."""
    rows: list[RecordResult] = []
    for start in range(0, len(cases), batch_size):
        group = cases[start : start + batch_size]
        if dry_run:
            for case in group:
                rows.append((yield from _preview(book, case)))
        else:
            rows.extend((yield from _link_group(hub, target, book, group, owner, lease_seconds)))
    return rows


def _link(
    hub: SSHClient | AsyncSSHClient,
    target: TicketTarget,
    book: JournalSteps,
    *,
    view: ServiceCaseView | str,
    limit: int | None,
    dry_run: bool,
    lease_seconds: float,
    shard: Shard | None,
    batch_size: int,
) -> Steps[SyncReport]:
    _check(lease_seconds, batch_size)
    cases = yield from _unlinked(hub, view, limit, shard)
    rows = yield from _link_cases(
        hub,
        target,
        book,
        cases,
        owner=_run_owner(),
        dry_run=dry_run,
        lease_seconds=lease_seconds,
        batch_size=batch_size,
    )
    return SyncReport(dry_run=dry_run, results=rows)


def _desk_of(desk: HelpDesk | AsyncHelpDesk | TicketTarget) -> HelpDesk | AsyncHelpDesk:
    """The help desk whose tickets a feed run updates (a `DeskTarget`'s own)."""
    if isinstance(desk, HelpDesk | AsyncHelpDesk):
        return desk
    inner = getattr(desk, "desk", None)
    if isinstance(inner, HelpDesk | AsyncHelpDesk):
        return inner
    raise ConfigurationError(
        "feed= updates tickets through a help desk: pass HelpDesk(client) (or a DeskTarget), "
        f"not {type(desk).__name__}"
    )


def _follow_flow(
    hub: SSHClient | AsyncSSHClient,
    desk: HelpDesk | AsyncHelpDesk | TicketTarget,
    book: JournalSteps,
    follow_store: FollowSteps,
    feed: FeedSteps,
    *,
    view: ServiceCaseView | str,
    limit: int | None,
    dry_run: bool,
    lease_seconds: float,
    shard: Shard | None,
    batch_size: int,
    max_changes: int,
) -> Steps[SyncReport]:
    _check(lease_seconds, batch_size)
    if limit is not None:
        raise ConfigurationError(
            "limit= does not combine with feed=: a run with a feed handles every change it "
            "takes from the feed (use max_changes= to take fewer per poll)"
        )
    if max_changes < 1:
        raise ConfigurationError(f"max_changes must be at least 1, not {max_changes}")
    target = as_target(desk)
    owner = _run_owner()

    def link_new() -> Steps[tuple[list[ServiceCase], list[RecordResult]]]:
        cases = yield from _unlinked(hub, view, None, shard)
        rows = yield from _link_cases(
            hub,
            target,
            book,
            cases,
            owner=owner,
            dry_run=dry_run,
            lease_seconds=lease_seconds,
            batch_size=batch_size,
        )
        return cases, rows

    return (
        yield from link_and_follow(
            feed,
            book,
            TicketFollower(_desk_of(desk), follow_store),
            link_new,
            shard=shard,
            dry_run=dry_run,
            max_changes=max_changes,
        )
    )


def _feed_for(
    feed: ChangeFeed[ServiceCase] | str,
    hub: SSHClient,
    book: Journal,
    view: ServiceCaseView | str,
) -> ChangeFeed[ServiceCase]:
    from ..feeds._feed import ChangeFeed

    if isinstance(feed, str):
        return ChangeFeed(
            hub.service_cases, name=feed, state=book, fingerprint=ticket_fingerprint, view=view
        )
    if isinstance(feed, ChangeFeed) and isinstance(feed.resource, ServiceCases):
        return feed
    raise ConfigurationError(
        f"feed= takes a feed name or a ChangeFeed over hub.service_cases, not {type(feed).__name__}"
    )


async def _async_feed_for(
    feed: AsyncChangeFeed[ServiceCase] | str,
    hub: AsyncSSHClient,
    book: AsyncJournal,
    view: ServiceCaseView | str,
) -> AsyncChangeFeed[ServiceCase]:
    from ..feeds._feed import AsyncChangeFeed

    if isinstance(feed, str):
        return AsyncChangeFeed(
            hub.service_cases, name=feed, state=book, fingerprint=ticket_fingerprint, view=view
        )
    if isinstance(feed, AsyncChangeFeed) and isinstance(feed.resource, ServiceCases):
        return feed
    raise ConfigurationError(
        f"feed= takes a feed name or an AsyncChangeFeed over hub.service_cases, not {feed!r}"
    )


def link_service_cases(
    hub: SSHClient,
    desk: HelpDesk | TicketTarget,
    *,
    journal: str | Path | Journal = DEFAULT_JOURNAL,
    view: ServiceCaseView | str = ServiceCaseView.SERVICE_PROVIDER,
    limit: int | None = None,
    dry_run: bool = False,
    lease_seconds: float = DEFAULT_LEASE_SECONDS,
    shard: Shard | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    feed: ChangeFeed[ServiceCase] | str | None = None,
    max_changes: int = DEFAULT_MAX_CHANGES,
) -> SyncReport:
    """Create a ticket in the help desk `desk` (`HelpDesk(scp)`, `HelpDesk(cec)`,
    `HelpDesk(spice)`) for every unlinked case (at most `limit`) and link it.

    Returns a `SyncReport` with one row per case: `linked` with the ticket id in
    `reference`, `unchanged` when another run holds the case, or `failed` with the reason.
    After an interrupted run, a ticket found for a case is adopted only when the help desk
    can tell the integration created it (see `DeskTarget`); others are listed in the row's `possible_duplicates`
    (and `SyncReport.to_review`) while the run creates the case's own ticket.

    Args:
        journal: what makes runs safe to repeat and to overlap — a SQLite file path (one
            host), a `postgresql://…` URL (several hosts; the `postgres` extra), or a journal
            from `open_journal` (left open). Keep it between runs.
        lease_seconds: how long a claim of a run that died blocks other runs; longer than
            linking a group of `batch_size` cases can take (see "Running from several hosts"
            in the docs).
        batch_size: cases per group: their tickets are created one by one, then their ids
            written back in one GraphQL document.
        feed: keep linked tickets in step with their cases: a feed name (the feed lives in
            the journal's database and follows the fields a ticket shows, see
            `ticket_fingerprint`) or a `ChangeFeed` over `hub.service_cases`. Each change to a
            linked case's state, title, priority or closing report is written to its ticket
            once: a comment saying what changed and, where the help desk can, a close, a
            reopen or an update of priority and title (report rows of kind `ticket`). New
            cases get tickets as without a feed; `limit` does not combine with it.
        max_changes: with `feed`, the most changes taken from the feed per poll (a run polls
            until the feed has nothing more).
    """
    book = open_journal(journal) if isinstance(journal, str | Path) else journal
    try:
        if feed is not None:
            changes = _feed_for(feed, hub, book, view)
            try:
                return run_steps(
                    _follow_flow(
                        hub,
                        desk,
                        JournalSteps.of(book),
                        FollowSteps.over(book),
                        FeedSteps(changes),
                        view=view,
                        limit=limit,
                        dry_run=dry_run,
                        lease_seconds=lease_seconds,
                        shard=shard,
                        batch_size=batch_size,
                        max_changes=max_changes,
                    )
                )
            finally:
                if changes is not feed:
                    changes.close()
        flow = _link(
            hub,
            as_target(desk),
            JournalSteps.of(book),
            view=view,
            limit=limit,
            dry_run=dry_run,
            lease_seconds=lease_seconds,
            shard=shard,
            batch_size=batch_size,
        )
        return run_steps(flow)
    finally:
        if book is not journal:
            book.close()


async def link_service_cases_async(
    hub: AsyncSSHClient,
    desk: AsyncHelpDesk | TicketTarget,
    *,
    journal: str | Path | AsyncJournal = DEFAULT_JOURNAL,
    view: ServiceCaseView | str = ServiceCaseView.SERVICE_PROVIDER,
    limit: int | None = None,
    dry_run: bool = False,
    lease_seconds: float = DEFAULT_LEASE_SECONDS,
    shard: Shard | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    feed: AsyncChangeFeed[ServiceCase] | str | None = None,
    max_changes: int = DEFAULT_MAX_CHANGES,
) -> SyncReport:
    """`link_service_cases` for async clients (hub and `AsyncHelpDesk`); `journal` as
    there, or a journal from `open_journal_async`; `feed` a name or an `AsyncChangeFeed`."""
    book = await open_journal_async(journal) if isinstance(journal, str | Path) else journal
    try:
        if feed is not None:
            changes = await _async_feed_for(feed, hub, book, view)
            try:
                return await run_steps_async(
                    _follow_flow(
                        hub,
                        desk,
                        JournalSteps.of_async(book),
                        FollowSteps.over(book),
                        FeedSteps(changes),
                        view=view,
                        limit=limit,
                        dry_run=dry_run,
                        lease_seconds=lease_seconds,
                        shard=shard,
                        batch_size=batch_size,
                        max_changes=max_changes,
                    )
                )
            finally:
                if changes is not feed:
                    await changes.close()
        flow = _link(
            hub,
            as_target(desk),
            JournalSteps.of_async(book),
            view=view,
            limit=limit,
            dry_run=dry_run,
            lease_seconds=lease_seconds,
            shard=shard,
            batch_size=batch_size,
        )
        return await run_steps_async(flow)
    finally:
        if book is not journal:
            await book.close()
