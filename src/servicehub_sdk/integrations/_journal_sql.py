"""The journal's SQL, written once for SQLite and PostgreSQL, sync and async connections.

Every journal step is a generator of `Statement`s (sans I/O) that receives each statement's
cursor; `run_statements` drives it over a sync connection (`sqlite3`, `psycopg.Connection`),
`run_statements_async` over `psycopg.AsyncConnection`. Connections run in autocommit mode;
each step that writes is one explicit transaction.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Generator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Self, TypeVar

from ._journal import (
    SCHEMA_VERSION,
    Claim,
    JournalEntry,
    JournalVersionError,
)

T = TypeVar("T")

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


@dataclass(frozen=True, slots=True)
class Statement:
    """One SQL statement; `fetch` says what the step receives: the cursor (`None`), its first
    row (`"one"`) or all rows (`"all"`)."""

    sql: str
    params: tuple[Any, ...] = ()
    fetch: str | None = None


Statements = Generator[Statement, Any, T]
"""A journal step: the statements it sends, in order, and what it returns."""


def run_statements(db: Any, flow: Statements[T]) -> T:
    """Run `flow` over the sync connection `db`."""
    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            statement = flow.send(value) if error is None else flow.throw(error)
        except StopIteration as stop:
            result: T = stop.value
            return result
        try:
            value, error = _fetched(db.execute(statement.sql, statement.params), statement), None
        except BaseException as exc:  # the flow rolls its transaction back, then re-raises
            value, error = None, exc


async def run_statements_async(db: Any, flow: Statements[T]) -> T:
    """Run `flow` over the async connection `db`."""
    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            statement = flow.send(value) if error is None else flow.throw(error)
        except StopIteration as stop:
            result: T = stop.value
            return result
        try:
            cursor = await db.execute(statement.sql, statement.params)
            if statement.fetch == "one":
                value, error = await cursor.fetchone(), None
            elif statement.fetch == "all":
                value, error = await cursor.fetchall(), None
            else:
                value, error = cursor, None
        except BaseException as exc:
            value, error = None, exc


def _fetched(cursor: Any, statement: Statement) -> Any:
    if statement.fetch == "one":
        return cursor.fetchone()
    if statement.fetch == "all":
        return cursor.fetchall()
    return cursor


class SQLStatements:
    """What every statement flow in `dialect` builds on: placeholders, transactions and the
    database's clock (shared by the journal and the change feeds' store)."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect

    def _sql(self, sql: str, params: tuple[Any, ...] = (), fetch: str | None = None) -> Statement:
        return Statement(sql.replace("?", self.dialect.placeholder), params, fetch)

    def _transaction(self, body: Statements[T]) -> Statements[T]:
        """`body` in one transaction: committed when it returns, rolled back when it fails."""
        yield self._sql(self.dialect.begin)
        try:
            result = yield from body
        except BaseException:
            yield self._sql("ROLLBACK")
            raise
        yield self._sql("COMMIT")
        return result

    def _now(self) -> Statements[float]:
        row = yield self._sql(self.dialect.now, fetch="one")
        return float(row[0])


class JournalSQL(SQLStatements):
    """The journal's statements in `dialect`."""

    def ensure_schema(self) -> Statements[None]:
        """Create the tables on first use, bring an older layout up to date, refuse a newer
        one with `JournalVersionError`."""
        return self._transaction(self._ensure_schema())

    def _ensure_schema(self) -> Statements[None]:
        if self.dialect.schema_lock:
            yield self._sql(self.dialect.schema_lock)
        yield self._sql("CREATE TABLE IF NOT EXISTS link_journal_version (version INTEGER)")
        row = yield self._sql("SELECT max(version) FROM link_journal_version", fetch="one")
        version = row[0]
        if version is not None and version > SCHEMA_VERSION:
            raise JournalVersionError(
                f"the link journal has layout version {version}, this release of "
                f"servicehub-sdk knows up to {SCHEMA_VERSION}: upgrade servicehub-sdk"
            )
        if version is None:
            # version 0: the table of earlier releases, without claims
            yield self._sql(
                "CREATE TABLE IF NOT EXISTS links (case_id TEXT PRIMARY KEY, "
                "state TEXT NOT NULL, ticket_id TEXT, updated_at TEXT NOT NULL)"
            )
            yield self._sql("ALTER TABLE links ADD COLUMN owner TEXT")
            yield self._sql("ALTER TABLE links ADD COLUMN lease_until DOUBLE PRECISION")
            yield self._sql(
                "INSERT INTO link_journal_version (version) VALUES (?)", (SCHEMA_VERSION,)
            )

    def get(self, case_id: str) -> Statements[JournalEntry | None]:
        row = yield self._sql(
            f"SELECT {COLUMNS} FROM links WHERE case_id = ?", (case_id,), fetch="one"
        )
        return JournalEntry(*row) if row else None

    def entries(self) -> Statements[list[JournalEntry]]:
        rows = yield self._sql(f"SELECT {COLUMNS} FROM links ORDER BY case_id", fetch="all")
        return [JournalEntry(*row) for row in rows]

    def claim(self, case_id: str, owner: str, lease_seconds: float) -> Statements[Claim | None]:
        return self._transaction(self._claim(case_id, owner, lease_seconds))

    def _claim(self, case_id: str, owner: str, lease_seconds: float) -> Statements[Claim | None]:
        now = yield from self._now()
        inserted = yield self._sql(
            f"INSERT INTO links ({COLUMNS}) VALUES (?, 'pending', NULL, ?, ?, ?) "
            "ON CONFLICT (case_id) DO NOTHING",
            (case_id, _stamp(), owner, now + lease_seconds),
        )
        if inserted.rowcount == 1:
            return Claim(case_id, owner, None)
        row = yield self._sql(
            f"SELECT {COLUMNS} FROM links WHERE case_id = ?{self.dialect.row_lock}",
            (case_id,),
            fetch="one",
        )
        previous = JournalEntry(*row)
        if previous.owner not in (None, owner) and (previous.lease_until or 0) > now:
            return None
        yield self._sql(
            "UPDATE links SET owner = ?, lease_until = ? WHERE case_id = ?",
            (owner, now + lease_seconds, case_id),
        )
        return Claim(case_id, owner, previous)

    def advance(
        self, case_id: str, state: str, ticket_id: str, owner: str, *, release: bool
    ) -> Statements[bool]:
        """Move the case to `state` with `ticket_id` if `owner` still holds it."""
        freed = ", owner = NULL, lease_until = NULL" if release else ""
        cursor = yield self._sql(
            f"UPDATE links SET state = ?, ticket_id = ?, updated_at = ?{freed} "
            "WHERE case_id = ? AND owner = ?",
            (state, ticket_id, _stamp(), case_id, owner),
        )
        return bool(cursor.rowcount == 1)

    def release(self, case_id: str, owner: str) -> Statements[None]:
        yield self._sql(
            "UPDATE links SET owner = NULL, lease_until = NULL WHERE case_id = ? AND owner = ?",
            (case_id, owner),
        )


class SQLJournal:
    """A journal over a sync connection; safe to share between threads."""

    def __init__(self, db: Any, dialect: Dialect) -> None:
        self._db = db
        self._sql = JournalSQL(dialect)
        self._lock = threading.Lock()
        try:
            run_statements(db, self._sql.ensure_schema())
        except BaseException:
            db.close()
            raise

    def _run(self, flow: Statements[T]) -> T:
        with self._lock:
            return run_statements(self._db, flow)

    def get(self, case_id: str) -> JournalEntry | None:
        return self._run(self._sql.get(case_id))

    def entries(self) -> list[JournalEntry]:
        return self._run(self._sql.entries())

    def claim(self, case_id: str, owner: str, lease_seconds: float) -> Claim | None:
        return self._run(self._sql.claim(case_id, owner, lease_seconds))

    def created(self, case_id: str, ticket_id: str, owner: str) -> bool:
        return self._run(self._sql.advance(case_id, "created", ticket_id, owner, release=False))

    def linked(self, case_id: str, ticket_id: str, owner: str) -> bool:
        return self._run(self._sql.advance(case_id, "linked", ticket_id, owner, release=True))

    def release(self, case_id: str, owner: str) -> None:
        self._run(self._sql.release(case_id, owner))

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncSQLJournal:
    """A journal over an async connection; safe to share between tasks. Build it with
    `await Subclass.connect(...)` or `await journal.setup()`."""

    def __init__(self, db: Any, dialect: Dialect) -> None:
        self._db = db
        self._sql = JournalSQL(dialect)
        self._lock = asyncio.Lock()

    async def _statements(self, flow: Statements[T]) -> T:
        """Run `flow` over the connection (a local SQLite journal overrides it: its steps are
        short local transactions run as they come)."""
        return await run_statements_async(self._db, flow)

    async def _run(self, flow: Statements[T]) -> T:
        async with self._lock:
            return await self._statements(flow)

    async def setup(self) -> Self:
        await self._run(self._sql.ensure_schema())
        return self

    async def get(self, case_id: str) -> JournalEntry | None:
        return await self._run(self._sql.get(case_id))

    async def entries(self) -> list[JournalEntry]:
        return await self._run(self._sql.entries())

    async def claim(self, case_id: str, owner: str, lease_seconds: float) -> Claim | None:
        return await self._run(self._sql.claim(case_id, owner, lease_seconds))

    async def created(self, case_id: str, ticket_id: str, owner: str) -> bool:
        flow = self._sql.advance(case_id, "created", ticket_id, owner, release=False)
        return await self._run(flow)

    async def linked(self, case_id: str, ticket_id: str, owner: str) -> bool:
        return await self._run(self._sql.advance(case_id, "linked", ticket_id, owner, release=True))

    async def release(self, case_id: str, owner: str) -> None:
        await self._run(self._sql.release(case_id, owner))

    async def close(self) -> None:
        async with self._lock:
            await self._close()

    async def _close(self) -> None:
        await self._db.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
