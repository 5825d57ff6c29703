"""Keeping linked tickets in step with their service cases: one ticket update per change.

A change to a linked case's ticket fields (`ticket_fields`: state, title, priority, closing
report) becomes, in the help desk that holds its ticket:

1. a comment saying what changed (`State: Open → Closed`), ending with the change's marker
   `[SSH update <hash of the change's key>]`;
2. where the help desk can (`desk.supports(...)`): `close` on a closed case (with the closing
   report's notes as the resolution), `reopen` on a reopened one, and one `update` with the new
   priority and title.

Every part is recorded in the journal's `ticket_follow` table before it is sent and after it is
written, so a run that stops half-way resumes where it stopped: a part recorded as written is
not sent again, a comment that may have been sent is first looked for by its marker, and a
change whose update was written in full is recognised by its key and skipped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..core._errors import ServiceHubError
from ..core._flows import BoundStep, Steps
from ..core._request import Flow
from ..helpdesk._adapter import Adapter
from ..helpdesk._desk import AsyncHelpDesk, HelpDesk
from ..helpdesk._models import Comment, TicketPriority, TicketUpdate
from ..ssh._models import ServiceCase
from ._follow_sql import FollowRow, FollowSteps
from ._report import RecordResult

__all__ = ["FIELD_LABELS", "TicketFollower", "ticket_fields", "ticket_fingerprint"]

FIELD_LABELS: dict[str, str] = {
    "state": "State",
    "title": "Title",
    "priority": "Priority",
    "closing_report": "Closing report",
}
"""The ticket fields of a case that are followed, with their names in comments."""

_PRIORITIES: dict[str, TicketPriority] = {
    "low": TicketPriority.LOW,
    "medium": TicketPriority.NORMAL,
    "normal": TicketPriority.NORMAL,
    "high": TicketPriority.HIGH,
    "critical": TicketPriority.URGENT,
    "very_high": TicketPriority.URGENT,
    "urgent": TicketPriority.URGENT,
}
"""Secure Service Hub priorities (as the document shows them) as help-desk priorities."""


def _as_case(item: Any) -> ServiceCase:
    return item if isinstance(item, ServiceCase) else ServiceCase.model_validate(item)


def ticket_fields(case: ServiceCase | Mapping[str, Any]) -> dict[str, Any]:
    """What of a case its ticket shows: state (and whether it is closed), title, priority
    and closing report. The external ID is not among them: linking a case is no change."""
    case = _as_case(case)
    state = case.state.name if case.state else None
    report = case.closing_report
    closing = None
    if report is not None and (report.is_solved is not None or report.notes):
        closing = {"solved": report.is_solved, "notes": report.notes}
    return {
        "state": state,
        "closed": case.closed_at is not None or (state or "").casefold() == "closed",
        "title": case.title,
        "priority": None if case.priority is None else str(case.priority),
        "closing_report": closing,
    }


def ticket_fingerprint(item: Any) -> str:
    """A feed fingerprint over `ticket_fields` only: a change feed with it delivers a case
    when its ticket would show something new, never for its external ID or `updatedAt`
    alone (`ChangeFeed(hub.service_cases, ..., fingerprint=ticket_fingerprint)`)."""
    text = json.dumps(ticket_fields(item), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def update_marker(key: str) -> str:
    """The text that ends the comment of the change `key`: `[SSH update <16 hex digits>]`."""
    return f"[SSH update {hashlib.sha256(key.encode()).hexdigest()[:16]}]"


def _shown(name: str, value: Any) -> str:
    if value is None:
        return "none"
    if name == "closing_report":
        solved = {True: "solved", False: "not solved", None: "no verdict"}[value.get("solved")]
        notes = value.get("notes")
        return f"{solved}: {notes}" if notes else solved
    return str(value)


@dataclass(frozen=True)
class Plan:
    """What one change writes to its ticket.

    Attributes:
        differences: the ticket fields that changed.
        parts: what is sent, in order: `comment`, `close` / `reopen`, `update`.
        comment: the comment's text.
        update: the fields of the `update` part.
        resolution: the resolution sent with `close` (the closing report's notes).
    """

    differences: list[str]
    parts: list[str] = field(default_factory=list)
    comment: str = ""
    update: TicketUpdate | None = None
    resolution: str | None = None


def _priority(value: Any, adapter: Adapter) -> TicketPriority | None:
    mapped = _PRIORITIES.get(str(value).casefold()) if value is not None else None
    return mapped if mapped is not None and mapped in adapter.maps.priority_write else None


def plan_update(
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any],
    adapter: Adapter,
    *,
    case_name: str,
    marker: str,
) -> Plan:
    """What to write for a case whose ticket fields went from `old` (`None`: not known) to
    `new`, on the help desk of `adapter`."""
    differences = [n for n in FIELD_LABELS if old is None or old.get(n) != new.get(n)]
    if not differences:
        return Plan([])
    verb = "changed" if old is not None else "is now"
    lines = [f"Secure Service Hub case {case_name} {verb}:"]
    for name in differences:
        after = _shown(name, new.get(name))
        before = f"{_shown(name, old.get(name))} → " if old is not None else ""
        lines.append(f"- {FIELD_LABELS[name]}: {before}{after}")
    lines.append(marker)
    parts = ["comment"]
    was_closed = bool(old and old.get("closed"))
    resolution = None
    if new.get("closed") and not was_closed and adapter.supports("close"):
        parts.append("close")
        report = new.get("closing_report") or {}
        resolution = report.get("notes")
    elif not new.get("closed") and was_closed and adapter.supports("reopen"):
        parts.append("reopen")
    update = None
    if adapter.supports("update"):
        priority = _priority(new.get("priority"), adapter) if "priority" in differences else None
        subject = None
        if "title" in differences and new.get("title"):
            subject = f"{case_name_marker(case_name)} {new['title']}"
        if priority is not None or subject is not None:
            update = TicketUpdate(priority=priority, subject=subject)
            parts.append("update")
    return Plan(differences, parts, "\n".join(lines), update, resolution)


def case_name_marker(case_name: str) -> str:
    """The case's marker at the start of its ticket's subject (as linking wrote it)."""
    return f"[SSH {case_name}]"


class TicketFollower:
    """Writes changes of linked cases to their tickets in `desk`, recording each part of
    every update in the journal (`store`)."""

    def __init__(self, desk: HelpDesk | AsyncHelpDesk, store: FollowSteps) -> None:
        self.desk = desk
        self.adapter: Adapter = desk.adapter
        self.store = store
        self._private = self.adapter.supports("private_comments")

    def _run(self, flow: Flow[Any]) -> Steps[Any]:
        result = yield BoundStep(self.desk.client._context.engine, flow)
        return result

    def rows(self, case_ids: list[str]) -> Steps[dict[str, FollowRow]]:
        found: dict[str, FollowRow] = yield from self.store.run(self.store.sql.rows(case_ids))
        return found

    def unfinished(self) -> Steps[list[FollowRow]]:
        found: list[FollowRow] = yield from self.store.run(self.store.sql.unfinished())
        return found

    def remember(self, known: list[tuple[str, str, dict[str, Any], str | None]]) -> Steps[None]:
        """Record what tickets show now, without writing to them (a feed's first view of a
        case, or a ticket just created from the case)."""
        if known:
            yield from self.store.run(self.store.sql.remember(known))

    def follow(
        self,
        case: ServiceCase,
        ticket_id: str,
        key: str,
        row: FollowRow | None,
    ) -> Steps[RecordResult | None]:
        """Write the change `key` of `case` to its ticket (nothing when it was written
        before, or when none of the ticket fields differ); its report row, or `None`."""
        new = ticket_fields(case)
        name = case.display_id or case.id
        if row is not None and row.pending_key == key and row.pending_fields is not None:
            return (yield from self.resume(row, name))
        if row is not None and row.last_key == key and row.pending_key is None:
            return RecordResult(
                kind="ticket",
                key=case.id,
                action="unchanged",
                reason=f"the update for this change was written by an earlier run ({key})",
                reference=ticket_id,
            )
        old = row.fields if row is not None else None
        plan = plan_update(old, new, self.adapter, case_name=name, marker=update_marker(key))
        if not plan.differences:
            yield from self.remember([(case.id, ticket_id, new, key)])
            return None
        pending = {**new, "case": name}  # the case's name, for a run that resumes the update
        yield from self.store.run(self.store.sql.begin(case.id, ticket_id, key, pending))
        return (yield from self._write(case.id, ticket_id, key, plan, (), None))

    def resume(self, row: FollowRow, case_name: str | None = None) -> Steps[RecordResult]:
        """Finish the update a run left unfinished in `row`."""
        assert row.pending_key is not None
        assert row.pending_fields is not None
        plan = plan_update(
            row.fields,
            row.pending_fields,
            self.adapter,
            case_name=case_name or str(row.pending_fields.get("case") or row.case_id),
            marker=update_marker(row.pending_key),
        )
        return (
            yield from self._write(
                row.case_id, row.ticket_id, row.pending_key, plan, row.parts_done, row.part_started
            )
        )

    def _write(
        self,
        case_id: str,
        ticket_id: str,
        key: str,
        plan: Plan,
        done: tuple[str, ...],
        started: str | None,
    ) -> Steps[RecordResult]:
        sql = self.store.sql
        written: list[str] = []
        try:
            for part in plan.parts:
                if part in done:
                    written.append(part)
                    continue
                if (
                    part == "comment"
                    and started == "comment"
                    and (yield from self._commented(ticket_id, plan.comment))
                ):
                    yield from self.store.run(sql.written(case_id, key, part))
                    written.append(part)
                    continue
                yield from self.store.run(sql.started(case_id, key, part))
                yield from self._run(self._send(part, ticket_id, plan))
                yield from self.store.run(sql.written(case_id, key, part))
                written.append(part)
            yield from self.store.run(sql.finished(case_id, key))
        except ServiceHubError as exc:
            return RecordResult(
                kind="ticket",
                key=case_id,
                action="failed",
                reason=f"{exc.message} (the rest of the update is written by the next run)",
                differences=plan.differences,
                reference=ticket_id,
                written=written,
            )
        return RecordResult(
            kind="ticket",
            key=case_id,
            action="updated",
            differences=plan.differences,
            reference=ticket_id,
            written=written,
        )

    def _commented(self, ticket_id: str, body: str) -> Steps[bool]:
        """Whether the ticket already has the comment (a run stopped after sending it)."""
        if not self.adapter.supports("comments"):
            return False
        marker = body.rsplit("\n", 1)[-1]
        comments: list[Comment] = yield from self._run(self.adapter.comments(ticket_id))
        return any(marker in c.body for c in comments)

    def _send(self, part: str, ticket_id: str, plan: Plan) -> Flow[Any]:
        if part == "comment":
            return (yield from self.adapter.comment(ticket_id, plan.comment, self._private))
        if part == "close":
            return (yield from self.adapter.close(ticket_id, plan.resolution))
        if part == "reopen":
            return (yield from self.adapter.reopen(ticket_id))
        assert plan.update is not None
        return (yield from self.adapter.update(ticket_id, plan.update))
