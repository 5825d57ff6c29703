"""Leases follow the store's clock, not the hosts'; one database holds journal and feeds;
the store's layout is versioned."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from servicehub_sdk.core._clock import using_clock
from servicehub_sdk.feeds import AsyncChangeFeed, ChangeFeed, FeedStore, FeedVersionError
from servicehub_sdk.integrations import open_journal, open_journal_async
from servicehub_sdk.testing import FakeClock, SSHEmulator
from tests.feeds.drive import close_feed, commit, feed_of, held, poll

DAY = 86_400.0
NOW = datetime(2026, 3, 1, tzinfo=UTC).timestamp()


async def test_a_host_whose_clock_runs_ahead_does_not_take_a_live_lease(
    hub: Any, location: str
) -> None:
    with using_clock(FakeClock(wall=NOW - DAY)):
        behind = feed_of(hub, location, lease_seconds=600)
    with using_clock(FakeClock(wall=NOW + DAY)):
        ahead = feed_of(hub, location, lease_seconds=600)
    batch = await held(behind)
    assert len(batch) > 0
    other = await held(ahead)
    assert not other.held and len(other) == 0
    await commit(batch)
    assert {c.observed_at for c in batch} == {datetime.fromtimestamp(NOW - DAY, UTC)}
    assert await poll(ahead) == []
    await close_feed(behind)
    await close_feed(ahead)


async def test_the_cursor_is_the_scan_time_of_the_feeds_clock(hub: Any, location: str) -> None:
    clock = FakeClock(wall=NOW)
    with using_clock(clock):
        feed = feed_of(hub, location)
    await poll(feed)
    clock.advance(90)
    cursor = feed.cursor if isinstance(feed, ChangeFeed) else await feed.cursor()
    lag = feed.lag if isinstance(feed, ChangeFeed) else await feed.lag()
    assert cursor == datetime.fromtimestamp(NOW, UTC)
    assert lag is not None and lag.total_seconds() == 90
    await close_feed(feed)


async def test_watch_waits_on_the_clock_between_empty_polls(hub: Any, tmp_path: Path) -> None:
    clock = FakeClock(wall=NOW)
    with using_clock(clock):
        feed = feed_of(hub, str(tmp_path / "feeds.sqlite3"))
    handled = feed.watch(print, interval=30, polls=3)
    if not isinstance(feed, ChangeFeed):
        handled = await handled
    assert handled > 0 and clock.sleeps == [30, 30]
    await close_feed(feed)


def test_one_database_holds_the_journal_and_the_feeds(
    hub: Any, mode: str, location: str, emulator: SSHEmulator
) -> None:
    if mode == "async":
        pytest.skip("covered by the async test below")
    with open_journal(location) as journal:
        journal.claim("case-1", "run-1", 60)
        feed: ChangeFeed[Any] = ChangeFeed(hub.service_cases, name="cases", state=journal)
        with feed.poll() as batch:
            assert len(batch) == len(emulator.store.cases)
        feed.close()  # leaves the journal's connection open
        assert journal.get("case-1") is not None
    again: ChangeFeed[Any] = ChangeFeed(hub.service_cases, name="cases", state=location)
    with again, again.poll() as batch:
        assert len(batch) == 0


async def test_one_database_holds_the_async_journal_and_the_feeds(
    hub: Any, mode: str, location: str, emulator: SSHEmulator
) -> None:
    if mode == "sync":
        pytest.skip("covered by the sync test above")
    journal = await open_journal_async(location)
    async with journal:
        await journal.claim("case-1", "run-1", 60)
        feed: AsyncChangeFeed[Any] = AsyncChangeFeed(hub.service_cases, name="cases", state=journal)
        async with feed.poll() as batch:
            assert len(batch) == len(emulator.store.cases)
        await feed.close()  # leaves the journal's connection open
        assert await journal.get("case-1") is not None


def test_a_store_written_by_a_newer_release_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "feeds.sqlite3"
    FeedStore.open(path).close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO change_feed_version (version) VALUES (99)")
    with pytest.raises(FeedVersionError, match="upgrade"):
        FeedStore.open(path)


def test_a_feed_needs_a_name_and_a_resource_with_changes(hub: Any, tmp_path: Path) -> None:
    from servicehub_sdk.core import ConfigurationError

    state = str(tmp_path / "feeds.sqlite3")
    with pytest.raises(ConfigurationError, match="name"):
        ChangeFeed(hub.service_cases, name=" ", state=state)
    with pytest.raises(ConfigurationError, match="changes"):
        ChangeFeed(hub.service_organisations, name="orgs", state=state)
    with pytest.raises(ConfigurationError, match="state"):
        ChangeFeed(hub.service_cases, name="cases", state=42)  # type: ignore[arg-type]  # wrong on purpose
