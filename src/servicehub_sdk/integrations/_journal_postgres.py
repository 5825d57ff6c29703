"""The link journal in PostgreSQL, for runs on several hosts (needs the `postgres` extra).

Claims are row locks (`SELECT … FOR UPDATE`) inside short transactions, and leases are
compared against the database server's clock, so hosts whose clocks differ still agree on
when a claim lapses. The journal keeps two tables, `links` and `link_journal_version`, in the
connection's `search_path`: give it a database or schema of its own
(`postgresql://host/db?options=-csearch_path%3Dservicehub`).
"""

from __future__ import annotations

from typing import Any

from ..core._extras import require_extra
from ._journal_sql import POSTGRES, AsyncSQLJournal, SQLJournal

__all__ = ["AsyncPostgresJournal", "PostgresJournal"]

CONNECT_TIMEOUT_SECONDS = 10
"""Used unless the URL sets `connect_timeout`."""


def _psycopg() -> Any:
    require_extra("postgres", "psycopg", feature="A postgresql:// link journal")
    import psycopg

    return psycopg


def _options(url: str) -> dict[str, Any]:
    settings = _psycopg().conninfo.conninfo_to_dict(url)
    timeout = {} if "connect_timeout" in settings else {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    return {"autocommit": True, **timeout}


class PostgresJournal(SQLJournal):
    """The journal in the PostgreSQL database at `url` (tables created on first use)."""

    def __init__(self, url: str) -> None:
        super().__init__(_psycopg().connect(url, **_options(url)), POSTGRES)

    def __repr__(self) -> str:
        return "PostgresJournal(…)"  # the URL may carry a password


class AsyncPostgresJournal(AsyncSQLJournal):
    """`PostgresJournal` over an async connection: `await AsyncPostgresJournal.connect(url)`."""

    @classmethod
    async def connect(cls, url: str) -> AsyncPostgresJournal:
        db = await _psycopg().AsyncConnection.connect(url, **_options(url))
        journal = cls(db, POSTGRES)
        try:
            await journal.setup()
        except BaseException:
            await db.close()
            raise
        return journal

    def __repr__(self) -> str:
        return "AsyncPostgresJournal(…)"
