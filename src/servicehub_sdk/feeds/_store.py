"""Where feeds keep their state: what `state=` takes, opened as a statement runner.

`state=` takes what the link journal's `journal=` takes: the path of a SQLite file, a
`postgresql://` URL (needs the `postgres` extra), or an opened store: a `FeedStore` /
`AsyncFeedStore`, or an opened link journal, whose database then holds the feeds too.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Self, TypeVar

from ..core._errors import ConfigurationError
from ..integrations._journal import AsyncJournal, Journal, is_postgres_url
from ..integrations._journal_sql import (
    POSTGRES,
    SQLITE,
    AsyncSQLJournal,
    Dialect,
    SQLJournal,
    Statements,
    run_statements,
    run_statements_async,
)
from ._store_sql import FeedSQL

__all__ = ["AsyncFeedStore", "AsyncState", "FeedStore", "State"]

T = TypeVar("T")


class FeedStore:
    """The feeds' tables in one database, over a sync connection; safe to share between
    threads and between feeds. `FeedStore.open(state)` opens what `state=` takes."""

    def __init__(
        self,
        db: Any,
        dialect: Dialect,
        *,
        lock: threading.Lock | None = None,
        owns_connection: bool = True,
    ) -> None:
        self._db = db
        self.sql = FeedSQL(dialect)
        self._lock = lock or threading.Lock()
        self._owns = owns_connection
        self.run(self.sql.ensure_schema())

    @classmethod
    def open(cls, state: str | Path | FeedStore | Journal) -> FeedStore:
        """Open the store `state` names (a store given is used as it is)."""
        if isinstance(state, FeedStore):
            return state
        if isinstance(state, SQLJournal):
            return cls(state._db, state._sql.dialect, lock=state._lock, owns_connection=False)
        if isinstance(state, str | Path):
            if is_postgres_url(state):
                url = str(state)
                return cls(_psycopg().connect(url, **_postgres_options(url)), POSTGRES)
            return cls(_sqlite(state), SQLITE)
        raise ConfigurationError(
            "state must be a SQLite path, a postgresql:// URL, a FeedStore or an opened link "
            f"journal, got {type(state).__name__}"
        )

    def run(self, flow: Statements[T]) -> T:
        with self._lock:
            return run_statements(self._db, flow)

    def close(self) -> None:
        if self._owns:
            with self._lock:
                self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<FeedStore {(self.sql.dialect is POSTGRES and 'postgresql') or 'sqlite'}>"


class AsyncFeedStore:
    """`FeedStore` for async feeds: `await AsyncFeedStore.open(state)`."""

    def __init__(
        self,
        runner: Callable[[Statements[Any]], Awaitable[Any]],
        dialect: Dialect,
        closer: Callable[[], Awaitable[None]] | None,
    ) -> None:
        self._runner = runner
        self.sql = FeedSQL(dialect)
        self._closer = closer

    @classmethod
    async def open(
        cls, state: str | Path | AsyncFeedStore | AsyncJournal | Journal
    ) -> AsyncFeedStore:
        """Open the store `state` names (a store given is used as it is)."""
        if isinstance(state, AsyncFeedStore):
            return state
        if isinstance(state, AsyncSQLJournal):
            store = cls(state._run, state._sql.dialect, None)
        elif isinstance(state, SQLJournal):
            journal = state

            async def run_on_journal(flow: Statements[Any]) -> Any:
                return journal._run(flow)

            store = cls(run_on_journal, state._sql.dialect, None)
        elif isinstance(state, str | Path) and is_postgres_url(state):
            url = str(state)
            db = await _psycopg().AsyncConnection.connect(url, **_postgres_options(url))
            lock = asyncio.Lock()

            async def run_postgres(flow: Statements[Any]) -> Any:
                async with lock:
                    return await run_statements_async(db, flow)

            store = cls(run_postgres, POSTGRES, db.close)
        elif isinstance(state, str | Path):
            sync = FeedStore(_sqlite(state), SQLITE)

            async def run_sqlite(flow: Statements[Any]) -> Any:
                return sync.run(flow)  # a short local transaction: nothing to wait on

            async def close_sqlite() -> None:
                sync.close()

            return cls(run_sqlite, SQLITE, close_sqlite)
        else:
            raise ConfigurationError(
                "state must be a SQLite path, a postgresql:// URL, an AsyncFeedStore or an "
                f"opened link journal, got {type(state).__name__}"
            )
        await store.run(store.sql.ensure_schema())
        return store

    async def run(self, flow: Statements[T]) -> T:
        result: T = await self._runner(flow)
        return result

    async def close(self) -> None:
        if self._closer is not None:
            await self._closer()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def __repr__(self) -> str:
        return "<AsyncFeedStore>"


State = str | Path | FeedStore | Journal
"""What `ChangeFeed(state=...)` takes."""

AsyncState = str | Path | AsyncFeedStore | AsyncJournal | Journal
"""What `AsyncChangeFeed(state=...)` takes."""


def _sqlite(path: str | Path) -> Any:
    from ..integrations._journal_sqlite import _connect

    return _connect(path)


def _postgres_options(url: str) -> dict[str, Any]:
    from ..integrations._journal_postgres import _options

    return _options(url)


def _psycopg() -> Any:
    from ..integrations._journal_postgres import _psycopg as psycopg

    return psycopg()
