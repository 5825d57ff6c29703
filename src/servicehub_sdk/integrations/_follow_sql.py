"""What the link journal's database keeps about following linked tickets, and its SQL.

One row per followed case in the table `ticket_follow` (layout `FOLLOW_SCHEMA_VERSION`, kept in
`ticket_follow_version`, beside the journal's own tables and versioned apart from them):

- `fields`: the case's ticket fields (state, title, priority, closing report) as its ticket
  last reflected them, JSON; `NULL` when unknown;
- `last_key`: the key of the last change whose update was written in full;
- `pending_key`, `pending_fields`: a change whose update is being written, and the fields it
  brings;
- `parts_done`: the parts of that update already written (`comment,close,`);
  `part_started`: a part sent but not yet recorded as written (a run stopped in between).

The statements run over the journal's own connection (`FollowSteps.over(journal)`), so one
database holds the journal, the feeds and this table.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..core._errors import ConfigurationError
from ..core._flows import BoundStep, Steps
from ._journal import AsyncJournal, Journal, JournalVersionError
from ._journal_sql import AsyncSQLJournal, SQLJournal, SQLStatements, Statements

__all__ = ["FOLLOW_SCHEMA_VERSION", "FollowRow", "FollowSQL", "FollowSteps"]

FOLLOW_SCHEMA_VERSION = 1
"""The layout of `ticket_follow` this release writes."""

COLUMNS = (
    "case_id, ticket_id, fields, last_key, pending_key, pending_fields, parts_done, "
    "part_started, updated_at"
)
CHUNK = 500
"""Case ids per `IN (...)` query (well under every driver's parameter limit)."""


def _stamp() -> str:
    return datetime.now(UTC).isoformat()


def _json(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True)


@dataclass(frozen=True)
class FollowRow:
    """A followed case: see the module's description of the columns."""

    case_id: str
    ticket_id: str
    fields: dict[str, Any] | None
    last_key: str | None
    pending_key: str | None
    pending_fields: dict[str, Any] | None
    parts_done: tuple[str, ...]
    part_started: str | None

    @classmethod
    def of(cls, row: Sequence[Any]) -> FollowRow:
        return cls(
            case_id=str(row[0]),
            ticket_id=str(row[1]),
            fields=json.loads(row[2]) if row[2] else None,
            last_key=row[3],
            pending_key=row[4],
            pending_fields=json.loads(row[5]) if row[5] else None,
            parts_done=tuple(p for p in (row[6] or "").split(",") if p),
            part_started=row[7],
        )


class FollowSQL(SQLStatements):
    """The statements over `ticket_follow`, in the journal's dialect."""

    def ensure_schema(self) -> Statements[None]:
        """Create the table on first use; refuse a newer layout with `JournalVersionError`."""
        return self._transaction(self._ensure_schema())

    def _ensure_schema(self) -> Statements[None]:
        if self.dialect.schema_lock:
            yield self._sql(self.dialect.schema_lock)
        yield self._sql("CREATE TABLE IF NOT EXISTS ticket_follow_version (version INTEGER)")
        row = yield self._sql("SELECT max(version) FROM ticket_follow_version", fetch="one")
        version = row[0]
        if version is not None and version > FOLLOW_SCHEMA_VERSION:
            raise JournalVersionError(
                f"the journal's ticket_follow table has layout version {version}, this release "
                f"of servicehub-sdk knows up to {FOLLOW_SCHEMA_VERSION}: upgrade servicehub-sdk"
            )
        if version is None:
            yield self._sql(
                "CREATE TABLE IF NOT EXISTS ticket_follow (case_id TEXT PRIMARY KEY, "
                "ticket_id TEXT NOT NULL, fields TEXT, last_key TEXT, pending_key TEXT, "
                "pending_fields TEXT, parts_done TEXT NOT NULL DEFAULT '', part_started TEXT, "
                "updated_at TEXT NOT NULL)"
            )
            yield self._sql(
                "INSERT INTO ticket_follow_version (version) VALUES (?)", (FOLLOW_SCHEMA_VERSION,)
            )

    def rows(self, case_ids: Sequence[str]) -> Statements[dict[str, FollowRow]]:
        """The rows of `case_ids` that exist."""
        found: dict[str, FollowRow] = {}
        for start in range(0, len(case_ids), CHUNK):
            chunk = list(case_ids[start : start + CHUNK])
            marks = ", ".join("?" for _ in chunk)
            rows = yield self._sql(
                f"SELECT {COLUMNS} FROM ticket_follow WHERE case_id IN ({marks})",
                tuple(chunk),
                fetch="all",
            )
            found.update((str(r[0]), FollowRow.of(r)) for r in rows)
        return found

    def unfinished(self) -> Statements[list[FollowRow]]:
        """The rows with an update not yet written in full."""
        rows = yield self._sql(
            f"SELECT {COLUMNS} FROM ticket_follow WHERE pending_key IS NOT NULL ORDER BY case_id",
            fetch="all",
        )
        return [FollowRow.of(r) for r in rows]

    def remember(
        self, known: Iterable[tuple[str, str, dict[str, Any], str | None]]
    ) -> Statements[None]:
        """Record `(case id, ticket id, fields, change key)` as what the tickets reflect, in
        one transaction (a case's unfinished update, if any, is left to finish)."""
        return self._transaction(self._remember(list(known)))

    def _remember(
        self, known: list[tuple[str, str, dict[str, Any], str | None]]
    ) -> Statements[None]:
        for case_id, ticket_id, fields, key in known:
            yield self._sql(
                f"INSERT INTO ticket_follow ({COLUMNS}) VALUES (?, ?, ?, ?, NULL, NULL, '', NULL, ?) "
                "ON CONFLICT (case_id) DO UPDATE SET ticket_id = excluded.ticket_id, "
                "fields = excluded.fields, last_key = excluded.last_key, "
                "updated_at = excluded.updated_at",
                (case_id, ticket_id, _json(fields), key, _stamp()),
            )

    def begin(
        self, case_id: str, ticket_id: str, key: str, fields: dict[str, Any]
    ) -> Statements[None]:
        """Record that the update for change `key` (bringing `fields`) is being written."""
        yield self._sql(
            f"INSERT INTO ticket_follow ({COLUMNS}) VALUES (?, ?, NULL, NULL, ?, ?, '', NULL, ?) "
            "ON CONFLICT (case_id) DO UPDATE SET ticket_id = excluded.ticket_id, "
            "pending_key = excluded.pending_key, pending_fields = excluded.pending_fields, "
            "parts_done = '', part_started = NULL, updated_at = excluded.updated_at",
            (case_id, ticket_id, key, _json(fields), _stamp()),
        )

    def started(self, case_id: str, key: str, part: str) -> Statements[None]:
        """Record that `part` of the update is about to be sent."""
        yield self._sql(
            "UPDATE ticket_follow SET part_started = ?, updated_at = ? "
            "WHERE case_id = ? AND pending_key = ?",
            (part, _stamp(), case_id, key),
        )

    def written(self, case_id: str, key: str, part: str) -> Statements[None]:
        """Record that `part` of the update was written."""
        yield self._sql(
            "UPDATE ticket_follow SET parts_done = parts_done || ?, part_started = NULL, "
            "updated_at = ? WHERE case_id = ? AND pending_key = ?",
            (f"{part},", _stamp(), case_id, key),
        )

    def finished(self, case_id: str, key: str) -> Statements[None]:
        """The update for `key` is written in full: its fields are what the ticket reflects."""
        yield self._sql(
            "UPDATE ticket_follow SET fields = pending_fields, last_key = pending_key, "
            "pending_key = NULL, pending_fields = NULL, parts_done = '', part_started = NULL, "
            "updated_at = ? WHERE case_id = ? AND pending_key = ?",
            (_stamp(), case_id, key),
        )


class _SyncRunner:
    def __init__(self, journal: SQLJournal) -> None:
        self.journal = journal

    def run(self, work: Statements[Any], options: object = None, /) -> Any:
        return self.journal._run(work)


class _AsyncRunner:
    def __init__(self, journal: AsyncSQLJournal) -> None:
        self.journal = journal

    async def run(self, work: Statements[Any], options: object = None, /) -> Any:
        return await self.journal._run(work)


class FollowSteps:
    """`FollowSQL`'s statements as steps of a link flow, run over the journal's connection."""

    def __init__(self, runner: _SyncRunner | _AsyncRunner, sql: FollowSQL) -> None:
        self._runner = runner
        self.sql = sql
        self._ready = False

    @classmethod
    def over(cls, journal: Journal | AsyncJournal) -> FollowSteps:
        """The steps over `journal`'s database (a SQLite or PostgreSQL journal)."""
        if isinstance(journal, SQLJournal):
            return cls(_SyncRunner(journal), FollowSQL(journal._sql.dialect))
        if isinstance(journal, AsyncSQLJournal):
            return cls(_AsyncRunner(journal), FollowSQL(journal._sql.dialect))
        raise ConfigurationError(
            "following linked tickets (feed=) needs a SQLite or PostgreSQL journal: a path, a "
            f"postgresql:// URL or a journal from open_journal, not {type(journal).__name__}"
        )

    def run(self, statements: Statements[Any]) -> Steps[Any]:
        """Run `statements` (creating the table first, on the first call)."""
        if not self._ready:
            yield BoundStep(self._runner, self.sql.ensure_schema())
            self._ready = True
        result = yield BoundStep(self._runner, statements)
        return result
