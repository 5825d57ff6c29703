"""The journal's SQL, written once for SQLite and PostgreSQL, sync and async connections.

Every step is a coroutine that `await maybe(...)`s what the connection returns, so one body
drives `sqlite3`, `psycopg.Connection` (through `run_sync`) and `psycopg.AsyncConnection`.
Connections run in autocommit mode; each step that writes is one explicit transaction.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Self

from ._drive import maybe, run_sync
from ._journal import (
    SCHEMA_VERSION,
    Claim,
    JournalEntry,
    JournalVersionError,
)

COLUMNS = "case_id, state, ticket_id, updated_at, owner, lease_until"


@dataclass(frozen=True)
class Dialect:
    """What differs between the two databases.

    Attributes:
        begin: opens a transaction that writes (SQLite takes the write lock at once).
        schema_lock: serializes concurrent first uses (PostgreSQL's `CREATE TABLE IF NOT
            EXISTS` is not safe against a concurrent one).
        row_lock: appended to the SELECT of a claim to lock the row.
        now: the journal's clock in seconds since the epoch, so every host compares leases
            against one clock.
        placeholder: the driver's parameter marker.
    """

    begin: str
    schema_lock: str | None
    row_lock: str
    now: str
    placeholder: str


SQLITE = Dialect(
    begin="BEGIN IMMEDIATE",
    schema_lock=None,
    row_lock="",
    now="SELECT (julianday('now') - 2440587.5) * 86400.0",
    placeholder="?",
)
POSTGRES = Dialect(
    begin="BEGIN",
    # any fixed key: the journal's tables are created under it
    schema_lock="SELECT pg_advisory_xact_lock(7404526163)",
    row_lock=" FOR UPDATE",
    now="SELECT extract(epoch FROM clock_timestamp())::double precision",
    placeholder="%s",
)


def _stamp() -> str:
    return datetime.now(UTC).isoformat()


class JournalSQL:
    """The journal's statements over one connection `db` of `dialect`."""

    def __init__(self, db: Any, dialect: Dialect) -> None:
        self.db = db
        self.dialect = dialect

    async def _execute(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        return await maybe(self.db.execute(sql.replace("?", self.dialect.placeholder), params))

    async def _one(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        return await maybe((await self._execute(sql, params)).fetchone())

    async def _transaction_end(self, ok: bool) -> None:
        await self._execute("COMMIT" if ok else "ROLLBACK")

    async def _now(self) -> float:
        return float((await self._one(self.dialect.now))[0])

    async def ensure_schema(self) -> None:
        """Create the tables on first use, bring an older layout up to date, refuse a newer
        one with `JournalVersionError`."""
        await self._execute(self.dialect.begin)
        ok = False
        try:
            if self.dialect.schema_lock:
                await self._execute(self.dialect.schema_lock)
            await self._execute("CREATE TABLE IF NOT EXISTS link_journal_version (version INTEGER)")
            version = (await self._one("SELECT max(version) FROM link_journal_version"))[0]
            if version is not None and version > SCHEMA_VERSION:
                raise JournalVersionError(
                    f"the link journal has layout version {version}, this release of "
                    f"servicehub-sdk knows up to {SCHEMA_VERSION}: upgrade servicehub-sdk"
                )
            if version is None:
                # version 0: the table of earlier releases, without claims
                await self._execute(
                    "CREATE TABLE IF NOT EXISTS links (case_id TEXT PRIMARY KEY, "
                    "state TEXT NOT NULL, ticket_id TEXT, updated_at TEXT NOT NULL)"
                )
                await self._execute("ALTER TABLE links ADD COLUMN owner TEXT")
                await self._execute("ALTER TABLE links ADD COLUMN lease_until DOUBLE PRECISION")
                await self._execute(
                    "INSERT INTO link_journal_version (version) VALUES (?)", (SCHEMA_VERSION,)
                )
            ok = True
        finally:
            await self._transaction_end(ok)

    async def get(self, case_id: str) -> JournalEntry | None:
        row = await self._one(f"SELECT {COLUMNS} FROM links WHERE case_id = ?", (case_id,))
        return JournalEntry(*row) if row else None

    async def entries(self) -> list[JournalEntry]:
        cursor = await self._execute(f"SELECT {COLUMNS} FROM links ORDER BY case_id")
        return [JournalEntry(*row) for row in await maybe(cursor.fetchall())]

    async def claim(self, case_id: str, owner: str, lease_seconds: float) -> Claim | None:
        await self._execute(self.dialect.begin)
        ok = False
        try:
            now = await self._now()
            inserted = await self._execute(
                f"INSERT INTO links ({COLUMNS}) VALUES (?, 'pending', NULL, ?, ?, ?) "
                "ON CONFLICT (case_id) DO NOTHING",
                (case_id, _stamp(), owner, now + lease_seconds),
            )
            if inserted.rowcount == 1:
                ok = True
                return Claim(case_id, owner, None)
            row = await self._one(
                f"SELECT {COLUMNS} FROM links WHERE case_id = ?{self.dialect.row_lock}",
                (case_id,),
            )
            previous = JournalEntry(*row)
            if previous.owner not in (None, owner) and (previous.lease_until or 0) > now:
                ok = True
                return None
            await self._execute(
                "UPDATE links SET owner = ?, lease_until = ? WHERE case_id = ?",
                (owner, now + lease_seconds, case_id),
            )
            ok = True
            return Claim(case_id, owner, previous)
        finally:
            await self._transaction_end(ok)

    async def advance(
        self, case_id: str, state: str, ticket_id: str, owner: str, *, release: bool
    ) -> bool:
        """Move the case to `state` with `ticket_id` if `owner` still holds it."""
        freed = ", owner = NULL, lease_until = NULL" if release else ""
        cursor = await self._execute(
            f"UPDATE links SET state = ?, ticket_id = ?, updated_at = ?{freed} "
            "WHERE case_id = ? AND owner = ?",
            (state, ticket_id, _stamp(), case_id, owner),
        )
        return bool(cursor.rowcount == 1)

    async def release(self, case_id: str, owner: str) -> None:
        await self._execute(
            "UPDATE links SET owner = NULL, lease_until = NULL WHERE case_id = ? AND owner = ?",
            (case_id, owner),
        )


class SQLJournal:
    """A journal over a sync connection; safe to share between threads."""

    def __init__(self, db: Any, dialect: Dialect) -> None:
        self._sql = JournalSQL(db, dialect)
        self._lock = threading.Lock()
        try:
            run_sync(self._sql.ensure_schema())
        except BaseException:
            db.close()
            raise

    def get(self, case_id: str) -> JournalEntry | None:
        with self._lock:
            return run_sync(self._sql.get(case_id))

    def entries(self) -> list[JournalEntry]:
        with self._lock:
            return run_sync(self._sql.entries())

    def claim(self, case_id: str, owner: str, lease_seconds: float) -> Claim | None:
        with self._lock:
            return run_sync(self._sql.claim(case_id, owner, lease_seconds))

    def created(self, case_id: str, ticket_id: str, owner: str) -> bool:
        with self._lock:
            return run_sync(self._sql.advance(case_id, "created", ticket_id, owner, release=False))

    def linked(self, case_id: str, ticket_id: str, owner: str) -> bool:
        with self._lock:
            return run_sync(self._sql.advance(case_id, "linked", ticket_id, owner, release=True))

    def release(self, case_id: str, owner: str) -> None:
        with self._lock:
            run_sync(self._sql.release(case_id, owner))

    def close(self) -> None:
        with self._lock:
            self._sql.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncSQLJournal:
    """A journal over an async connection (or a fast local sync one); safe to share between
    tasks. Build it with `await Subclass.connect(...)` or `await journal.setup()`."""

    def __init__(self, db: Any, dialect: Dialect) -> None:
        self._sql = JournalSQL(db, dialect)
        self._lock = asyncio.Lock()

    async def setup(self) -> Self:
        async with self._lock:
            await self._sql.ensure_schema()
        return self

    async def get(self, case_id: str) -> JournalEntry | None:
        async with self._lock:
            return await self._sql.get(case_id)

    async def entries(self) -> list[JournalEntry]:
        async with self._lock:
            return await self._sql.entries()

    async def claim(self, case_id: str, owner: str, lease_seconds: float) -> Claim | None:
        async with self._lock:
            return await self._sql.claim(case_id, owner, lease_seconds)

    async def created(self, case_id: str, ticket_id: str, owner: str) -> bool:
        async with self._lock:
            return await self._sql.advance(case_id, "created", ticket_id, owner, release=False)

    async def linked(self, case_id: str, ticket_id: str, owner: str) -> bool:
        async with self._lock:
            return await self._sql.advance(case_id, "linked", ticket_id, owner, release=True)

    async def release(self, case_id: str, owner: str) -> None:
        async with self._lock:
            await self._sql.release(case_id, owner)

    async def close(self) -> None:
        async with self._lock:
            await maybe(self._sql.db.close())

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
