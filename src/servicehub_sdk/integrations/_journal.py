"""The link journal: which service case has which ticket, and which run is working on it.

Each case goes `pending` (a run claimed it and is about to create its ticket) → `created` (the
ticket exists, its id recorded) → `linked` (the case carries the ticket's id). A run claims a
case before it creates a ticket; the claim is a lease of `lease_seconds` that other runs
respect, so concurrent runs on one journal create at most one ticket per case. A run that
stops leaves the case in one of these states, and a later run resumes from it: a case still
`pending` is first looked up in the target before a ticket is created.

`open_journal("links.sqlite3")` opens a local SQLite file (one host);
`open_journal("postgresql://host/db")` a PostgreSQL database that runs on several hosts share.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Self, runtime_checkable

from ..core._errors import ConfigurationError

__all__ = [
    "DEFAULT_LEASE_SECONDS",
    "SCHEMA_VERSION",
    "AsyncJournal",
    "Claim",
    "Journal",
    "JournalEntry",
    "JournalVersionError",
    "is_postgres_url",
    "open_journal",
    "open_journal_async",
]

SCHEMA_VERSION = 1
"""The journal layout this release writes (kept in the table `link_journal_version`)."""

DEFAULT_LEASE_SECONDS = 600.0
"""How long a claim holds when the run that made it neither finishes nor releases it."""


class JournalVersionError(ConfigurationError):
    """The journal was written by a newer release, in a layout this one does not know."""


@dataclass(frozen=True)
class JournalEntry:
    """One case in the journal.

    Attributes:
        case_id: the Secure Service Hub service case id.
        state: `pending`, `created` or `linked`.
        ticket_id: the target's ticket id, once known.
        updated_at: when the state last changed (ISO 8601, UTC).
        owner: the run holding the claim (`host:pid:nonce`), if any.
        lease_until: when that claim lapses (seconds since the epoch, by the journal's clock).
    """

    case_id: str
    state: str
    ticket_id: str | None
    updated_at: str
    owner: str | None = None
    lease_until: float | None = None


@dataclass(frozen=True)
class Claim:
    """A case this run now holds, with what the journal knew about it before.

    Attributes:
        case_id: the case claimed.
        owner: this run's owner id.
        previous: the entry before the claim; `None` when the case was new to the journal.
    """

    case_id: str
    owner: str
    previous: JournalEntry | None

    @property
    def ticket_id(self) -> str | None:
        """The ticket an earlier run recorded for the case."""
        return self.previous.ticket_id if self.previous else None

    @property
    def interrupted(self) -> bool:
        """An earlier run claimed the case and stopped before recording a ticket: the ticket
        may exist in the target all the same, so look before creating one."""
        return self.previous is not None and self.previous.ticket_id is None


@runtime_checkable
class Journal(Protocol):
    """A link journal for sync runs (`SQLiteJournal`, `PostgresJournal`)."""

    def get(self, case_id: str) -> JournalEntry | None:
        """The case's entry, if the journal has one."""
        ...

    def entries(self) -> list[JournalEntry]:
        """Every entry, by case id."""
        ...

    def claim(self, case_id: str, owner: str, lease_seconds: float) -> Claim | None:
        """Take the case for `owner` for `lease_seconds`; `None` while another run holds it.

        A new case is recorded as `pending`. A case whose claim lapsed, or was released, is
        taken over with its state unchanged.
        """
        ...

    def created(self, case_id: str, ticket_id: str, owner: str) -> bool:
        """Record the case's ticket; `False` when `owner` no longer holds the claim."""
        ...

    def linked(self, case_id: str, ticket_id: str, owner: str) -> bool:
        """Record that the case carries the ticket's id and release the claim; `False` when
        `owner` no longer held it."""
        ...

    def release(self, case_id: str, owner: str) -> None:
        """Give up `owner`'s claim on the case (its state stays as recorded)."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc_info: object) -> None: ...


@runtime_checkable
class AsyncJournal(Protocol):
    """`Journal` for async runs (`AsyncSQLiteJournal`, `AsyncPostgresJournal`)."""

    async def get(self, case_id: str) -> JournalEntry | None: ...

    async def entries(self) -> list[JournalEntry]: ...

    async def claim(self, case_id: str, owner: str, lease_seconds: float) -> Claim | None: ...

    async def created(self, case_id: str, ticket_id: str, owner: str) -> bool: ...

    async def linked(self, case_id: str, ticket_id: str, owner: str) -> bool: ...

    async def release(self, case_id: str, owner: str) -> None: ...

    async def close(self) -> None: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, *exc_info: object) -> None: ...


def is_postgres_url(location: str | Path) -> bool:
    """Whether `location` names a PostgreSQL database (`postgresql://…` or `postgres://…`)."""
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


def open_journal(location: str | Path) -> Journal:
    """Open (and on first use create) the journal at `location`.

    A `postgresql://user@host/db` URL opens a PostgreSQL journal (needs the `postgres`
    extra); anything else is the path of a local SQLite file.
    """
    if is_postgres_url(location):
        from ._journal_postgres import PostgresJournal

        return PostgresJournal(str(location))
    from ._journal_sqlite import SQLiteJournal

    return SQLiteJournal(location)


async def open_journal_async(location: str | Path) -> AsyncJournal:
    """`open_journal` for async runs."""
    if is_postgres_url(location):
        from ._journal_postgres import AsyncPostgresJournal

        return await AsyncPostgresJournal.connect(str(location))
    from ._journal_sqlite import AsyncSQLiteJournal

    return AsyncSQLiteJournal(location)
