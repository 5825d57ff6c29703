"""A small SQLite journal of service-case links, so a link is never made twice.

Each case goes `pending` (about to create a ticket) → `created` (the ticket exists, its id
recorded) → `linked` (the case carries the ticket's id). A run that stops anywhere leaves the
case in one of these states, and the next run resumes from it.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

__all__ = ["JournalEntry", "LinkJournal"]


@dataclass(frozen=True)
class JournalEntry:
    case_id: str
    state: str
    ticket_id: str | None
    updated_at: str


class LinkJournal:
    """The journal file (created when missing). Safe to share between threads."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS links (case_id TEXT PRIMARY KEY, state TEXT NOT NULL, "
            "ticket_id TEXT, updated_at TEXT NOT NULL)"
        )

    def get(self, case_id: str) -> JournalEntry | None:
        with self._lock:
            row = self._db.execute(
                "SELECT case_id, state, ticket_id, updated_at FROM links WHERE case_id = ?",
                (case_id,),
            ).fetchone()
        return JournalEntry(*row) if row else None

    def _set(self, case_id: str, state: str, ticket_id: str | None) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO links (case_id, state, ticket_id, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(case_id) DO UPDATE SET state = excluded.state, "
                "ticket_id = COALESCE(excluded.ticket_id, links.ticket_id), updated_at = excluded.updated_at",
                (case_id, state, ticket_id, datetime.now(UTC).isoformat()),
            )

    def pending(self, case_id: str) -> None:
        """A ticket is about to be created for the case."""
        self._set(case_id, "pending", None)

    def created(self, case_id: str, ticket_id: str) -> None:
        """The ticket exists."""
        self._set(case_id, "created", ticket_id)

    def linked(self, case_id: str, ticket_id: str) -> None:
        """The case carries the ticket's id."""
        self._set(case_id, "linked", ticket_id)

    def entries(self) -> list[JournalEntry]:
        with self._lock:
            rows = self._db.execute(
                "SELECT case_id, state, ticket_id, updated_at FROM links ORDER BY case_id"
            ).fetchall()
        return [JournalEntry(*row) for row in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> LinkJournal:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
