"""The link journal in a local SQLite file: the default, for runs on one host.

The file is opened in WAL mode and every claim is a `BEGIN IMMEDIATE` transaction, so runs
in several processes on the host serialize their claims. Do not put the file on a network
filesystem (NFS, SMB, cloud drives): their locks do not hold, and runs on several hosts could
both claim a case. Use `PostgresJournal` there.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import TypeVar

from ._journal_sql import SQLITE, AsyncSQLJournal, SQLJournal, Statements, run_statements

__all__ = ["AsyncSQLiteJournal", "LinkJournal", "SQLiteJournal"]

T = TypeVar("T")

BUSY_TIMEOUT_SECONDS = 30.0
"""How long a run waits for another process's claim transaction to end."""


def _connect(path: str | Path) -> sqlite3.Connection:
    db = sqlite3.connect(
        Path(path), timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False, isolation_level=None
    )
    _use_wal(db)
    return db


def _use_wal(db: sqlite3.Connection) -> None:
    """Switch to WAL mode. SQLite answers "database is locked" at once, without waiting, when
    several processes switch a new file at the same moment: try again until the timeout."""
    gives_up = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > gives_up:
                raise
            time.sleep(0.02)


class SQLiteJournal(SQLJournal):
    """The journal file at `path` (created when missing). Safe to share between threads."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        super().__init__(_connect(path), SQLITE)

    def __repr__(self) -> str:
        return f"SQLiteJournal({str(self.path)!r})"


class AsyncSQLiteJournal(AsyncSQLJournal):
    """`SQLiteJournal` for async runs (each step is a short local transaction)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        db = _connect(path)
        super().__init__(db, SQLITE)
        try:
            run_statements(db, self._sql.ensure_schema())
        except BaseException:
            db.close()
            raise

    async def _statements(self, flow: Statements[T]) -> T:
        return run_statements(self._db, flow)  # a short local transaction: nothing to wait on

    async def _close(self) -> None:
        self._db.close()

    def __repr__(self) -> str:
        return f"AsyncSQLiteJournal({str(self.path)!r})"


LinkJournal = SQLiteJournal
"""The SQLite journal under its earlier name."""
