"""The link journal in a local SQLite file: the default, for runs on one host.

The file is opened in WAL mode and every claim is a `BEGIN IMMEDIATE` transaction, so runs
in several processes on the host serialize their claims. Do not put the file on a network
filesystem (NFS, SMB, cloud drives): their locks do not hold, and runs on several hosts could
both claim a case. Use `PostgresJournal` there.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ._drive import run_sync
from ._journal_sql import SQLITE, AsyncSqlJournal, SqlJournal

__all__ = ["AsyncSqliteJournal", "LinkJournal", "SqliteJournal"]

BUSY_TIMEOUT_SECONDS = 30.0
"""How long a run waits for another process's claim transaction to end."""


def _connect(path: str | Path) -> sqlite3.Connection:
    db = sqlite3.connect(
        Path(path), timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False, isolation_level=None
    )
    db.execute("PRAGMA journal_mode=WAL")
    return db


class SqliteJournal(SqlJournal):
    """The journal file at `path` (created when missing). Safe to share between threads."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        super().__init__(_connect(path), SQLITE)

    def __repr__(self) -> str:
        return f"SqliteJournal({str(self.path)!r})"


class AsyncSqliteJournal(AsyncSqlJournal):
    """`SqliteJournal` for async runs (each step is a short local transaction)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        db = _connect(path)
        super().__init__(db, SQLITE)
        try:
            run_sync(self._sql.ensure_schema())  # SQLite steps never suspend
        except BaseException:
            db.close()
            raise

    def __repr__(self) -> str:
        return f"AsyncSqliteJournal({str(self.path)!r})"


LinkJournal = SqliteJournal
"""The SQLite journal under its earlier name."""
