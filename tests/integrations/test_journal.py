"""The journal itself, on SQLite and PostgreSQL, sync and async: claims, leases, ownership,
and its versioned schema."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from servicehub_sdk.integrations import (
    SCHEMA_VERSION,
    JournalVersionError,
    SQLiteJournal,
    open_journal,
    open_journal_async,
)

from ._journal_db import execute, expire_leases


def test_a_claim_holds_until_released_then_resumes_from_the_recorded_state(
    journal_location: str,
) -> None:
    with open_journal(journal_location) as book:
        first = book.claim("c1", "host-a:1:x", 600)
        assert first is not None and first.previous is None and not first.interrupted
        assert book.get("c1").state == "pending"  # type: ignore[union-attr]
        assert book.claim("c1", "host-b:2:y", 600) is None
        assert book.claim("c1", "host-a:1:x", 600) is not None  # its own claim again
        book.release("c1", "host-a:1:x")
        taken = book.claim("c1", "host-b:2:y", 600)
        assert taken is not None and taken.interrupted and taken.ticket_id is None
        assert not book.created("c1", "T-1", "host-a:1:x")  # no longer a's
        assert book.created("c1", "T-1", "host-b:2:y")
        assert book.linked("c1", "T-1", "host-b:2:y")
        (entry,) = book.entries()
        assert (entry.state, entry.ticket_id, entry.owner, entry.lease_until) == (
            "linked",
            "T-1",
            None,
            None,
        )
        again = book.claim("c1", "host-c:3:z", 600)
        assert again is not None and again.ticket_id == "T-1" and not again.interrupted


def test_a_lapsed_lease_can_be_taken_over(journal_location: str) -> None:
    with open_journal(journal_location) as book:
        assert book.claim("c1", "dead:1:x", 600) is not None
        assert book.claim("c1", "alive:2:y", 600) is None
        expire_leases(journal_location)
        taken = book.claim("c1", "alive:2:y", 600)
        assert taken is not None and taken.interrupted
        assert not book.linked("c1", "T-1", "dead:1:x")


async def test_the_async_journal(journal_location: str) -> None:
    book = await open_journal_async(journal_location)
    async with book:
        assert await book.claim("c1", "a", 600) is not None
        assert await book.claim("c1", "b", 600) is None
        assert await book.created("c1", "T-1", "a")
        assert await book.linked("c1", "T-1", "a")
        await book.release("c1", "a")
        assert [e.state for e in await book.entries()] == ["linked"]
        assert (await book.get("c1")).ticket_id == "T-1"  # type: ignore[union-attr]


def test_the_schema_is_versioned_and_a_newer_one_refused(journal_location: str) -> None:
    open_journal(journal_location).close()
    open_journal(journal_location).close()  # a second first use changes nothing
    execute(journal_location, f"INSERT INTO link_journal_version VALUES ({SCHEMA_VERSION + 1})")
    with pytest.raises(JournalVersionError, match="upgrade servicehub-sdk"):
        open_journal(journal_location)


async def test_the_async_journal_refuses_a_newer_schema(journal_location: str) -> None:
    open_journal(journal_location).close()
    execute(journal_location, f"INSERT INTO link_journal_version VALUES ({SCHEMA_VERSION + 1})")
    with pytest.raises(JournalVersionError):
        await open_journal_async(journal_location)


def test_a_journal_file_of_earlier_releases_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE links (case_id TEXT PRIMARY KEY, state TEXT NOT NULL, "
            "ticket_id TEXT, updated_at TEXT NOT NULL)"
        )
        db.execute("INSERT INTO links VALUES ('c1', 'created', 'T-1', '2026-01-01T00:00:00')")
    with open_journal(path) as book:
        assert book.get("c1").ticket_id == "T-1"  # type: ignore[union-attr]
        claim = book.claim("c1", "a", 600)
        assert claim is not None and claim.ticket_id == "T-1"
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version FROM link_journal_version").fetchall() == [
            (SCHEMA_VERSION,)
        ]


def _open_journal(path: str, barrier: Any) -> None:
    barrier.wait()
    SQLiteJournal(path).close()


def test_processes_opening_a_new_sqlite_journal_at_once(tmp_path: Path) -> None:
    """Switching a new file to WAL mode from several processes at the same moment makes
    SQLite answer "database is locked" without waiting; opening must wait it out."""
    context = multiprocessing.get_context("fork")
    for attempt in range(8):
        path = str(tmp_path / f"j{attempt}.sqlite3")
        barrier = context.Barrier(4)
        processes = [context.Process(target=_open_journal, args=(path, barrier)) for _ in range(4)]
        for process in processes:
            process.start()
        for process in processes:
            process.join(timeout=60)
        assert [p.exitcode for p in processes] == [0, 0, 0, 0]
