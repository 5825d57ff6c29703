"""The feed's promises, for sync and async feeds, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from servicehub_sdk.feeds import LeaseLostError
from servicehub_sdk.testing import SSHEmulator
from tests.feeds.drive import (
    add_case,
    call,
    case_ids,
    close_feed,
    commit,
    feed_of,
    held,
    poll,
    touch,
)


async def test_first_poll_delivers_every_record_as_created_then_nothing(
    hub: Any, location: str, emulator: SSHEmulator
) -> None:
    feed = feed_of(hub, location)
    first = await poll(feed)
    assert {c.id for c in first} == case_ids(emulator)
    assert {c.kind for c in first} == {"created"}
    assert all(c.item is not None and c.item.id == c.id for c in first)
    assert len({c.key for c in first}) == len(first)
    assert await poll(feed) == []
    await close_feed(feed)


async def test_updates_and_deletions(hub: Any, location: str, emulator: SSHEmulator) -> None:
    feed = feed_of(hub, location, complete_every=None)
    await poll(feed)
    changed, gone = sorted(case_ids(emulator))[:2]
    touch(emulator, changed, "Spindle replaced")
    del emulator.store.cases[gone]
    add_case(emulator, "new-case")

    found = await poll(feed)  # not complete: a missing record is not taken as deleted
    assert {(c.kind, c.id) for c in found} == {("updated", changed), ("created", "new-case")}
    updated = next(c for c in found if c.id == changed).item
    assert updated is not None and updated.title == "Spindle replaced"

    deleted = await poll(feed, complete=True)
    assert [(c.kind, c.id, c.item) for c in deleted] == [("deleted", gone, None)]
    assert await poll(feed, complete=True) == []
    await close_feed(feed)


async def test_complete_scans_on_a_schedule_find_deletions(
    hub: Any, location: str, emulator: SSHEmulator
) -> None:
    feed = feed_of(hub, location, complete_every=0.0)
    await poll(feed)
    gone = sorted(case_ids(emulator))[0]
    del emulator.store.cases[gone]
    assert [(c.kind, c.id) for c in await poll(feed)] == [("deleted", gone)]
    await close_feed(feed)


async def test_a_block_left_with_an_exception_is_delivered_again_at_once(
    hub: Any, location: str
) -> None:
    feed = feed_of(hub, location)
    failed = await poll(feed, fail=True)
    again = await poll(feed)
    assert failed and [c.key for c in again] == [c.key for c in failed]
    assert await poll(feed) == []
    await close_feed(feed)


async def test_a_committed_batch_never_comes_back(
    hub: Any, location: str, emulator: SSHEmulator
) -> None:
    feed = feed_of(hub, location)
    first = await poll(feed, max_changes=3)
    assert len(first) == 3
    rest = await poll(feed)
    assert {c.id for c in first} | {c.id for c in rest} == case_ids(emulator)
    assert not {c.id for c in first} & {c.id for c in rest}
    await close_feed(feed)
    reopened = feed_of(hub, location)  # a later run, the same state
    assert await poll(reopened) == []
    await close_feed(reopened)


async def test_a_held_batch_is_not_delivered_to_another_poller(hub: Any, location: str) -> None:
    mine, theirs = feed_of(hub, location), feed_of(hub, location)
    batch = await held(mine)
    other = await held(theirs)
    assert len(batch) > 0 and len(other) == 0 and not other.held
    await commit(batch)
    assert await poll(theirs) == []
    await close_feed(mine)
    await close_feed(theirs)


async def test_a_lapsed_lease_hands_the_batch_to_the_next_poller(hub: Any, location: str) -> None:
    slow = feed_of(hub, location, lease_seconds=0.0)  # its lease lapses at once
    other = feed_of(hub, location)
    batch = await held(slow)
    taken = await held(other)
    assert [c.key for c in taken] == [c.key for c in batch]
    with pytest.raises(LeaseLostError):
        await commit(batch)
    await commit(taken)
    assert await poll(other) == []
    await close_feed(slow)
    await close_feed(other)


async def test_a_commit_after_the_lease_lapsed_raises_and_the_batch_stays(
    hub: Any, location: str
) -> None:
    feed = feed_of(hub, location, lease_seconds=0.0)
    batch = await held(feed)
    with pytest.raises(LeaseLostError):
        await commit(batch)
    assert [c.key for c in await poll(feed_of(hub, location))] == [c.key for c in batch]
    await close_feed(feed)


async def test_since_delivers_only_what_changed_since(
    hub: Any, location: str, emulator: SSHEmulator
) -> None:
    changed = sorted(case_ids(emulator))[0]
    touch(emulator, changed, "Axis drift again")
    feed = feed_of(hub, location, since=datetime(2030, 1, 1, tzinfo=UTC))
    assert [c.id for c in await poll(feed)] == [changed]
    assert await poll(feed) == []
    await close_feed(feed)


async def test_pending_peeks_without_a_lease(
    hub: Any, location: str, emulator: SSHEmulator
) -> None:
    feed = feed_of(hub, location)
    peeked = await call(feed, "pending")
    assert {c.id for c in peeked} == case_ids(emulator)
    batch = await held(feed_of(hub, location))  # nobody holds anything after a peek
    assert [c.key for c in batch] == [c.key for c in peeked]
    assert [c.key for c in await call(feed, "pending")] == [c.key for c in batch]
    await close_feed(feed)


async def test_cursor_lag_reset_and_delete(hub: Any, location: str, emulator: SSHEmulator) -> None:
    feed = feed_of(hub, location)
    assert await call(feed, "cursor") is None and await call(feed, "lag") is None
    await poll(feed, max_changes=2)
    assert await call(feed, "cursor") is None  # changes of that scan still wait
    await poll(feed)
    assert await call(feed, "cursor") is not None
    assert (await call(feed, "lag")).total_seconds() >= 0
    status = await call(feed, "status")
    assert status.known == len(emulator.store.cases) and status.pending == 0

    await call(feed, "reset")
    assert {c.id for c in await poll(feed)} == case_ids(emulator)
    await call(feed, "delete")
    assert (await call(feed, "status")).known == 0
    assert len(await poll(feed)) == len(emulator.store.cases)
    await close_feed(feed)


async def test_watch_handles_every_change_once(
    hub: Any, location: str, emulator: SSHEmulator
) -> None:
    feed = feed_of(hub, location)
    seen: list[str] = []
    handled = await call(feed, "watch", lambda change: seen.append(change.id), interval=5, polls=3)
    assert handled == len(seen) == len(emulator.store.cases)
    assert set(seen) == case_ids(emulator)
    await close_feed(feed)
