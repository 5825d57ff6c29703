"""`changes()` alone: what changed as far as the vendor's records tell, without state."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from servicehub_sdk import UnsupportedOperationError
from servicehub_sdk.core import RequestValidationError
from servicehub_sdk.feeds import AsyncChangeFeed, ChangeFeed, fingerprint_of
from servicehub_sdk.testing import FakeClock, SSHEmulator
from tests.feeds.drive import OPENED, poll, touch
from tests.feeds.worlds import FILTERED_BY_SERVER, WORLDS, World
from tests.helpers import close, collect


async def test_service_case_changes_since_a_time_use_updated_at(
    hub: Any, emulator: SSHEmulator
) -> None:
    changed = sorted(emulator.store.cases)[0]
    touch(emulator, changed, "Coolant leak fixed")
    found = await collect(hub.service_cases.changes(since=datetime(2030, 1, 1, tzinfo=UTC)))
    assert [(c.kind, c.id) for c in found] == [("updated", changed)]
    assert found[0].updated_at == datetime(2030, 6, 1, tzinfo=UTC)
    assert found[0].key.endswith(fingerprint_of(found[0].item)[:32])


async def test_a_scan_reads_the_smallest_field_set(hub: Any, emulator: SSHEmulator) -> None:
    everything = await collect(hub.service_cases.changes(page_size=3))
    assert {c.id for c in everything} == set(emulator.store.cases)
    assert {c.kind for c in everything} == {"created"}
    document = emulator.requests[-1]
    assert "updatedAt" in document and "externalId" in document
    assert "description" not in document and "customFields" not in document


async def test_customers_and_machines_have_no_update_time(hub: Any, emulator: SSHEmulator) -> None:
    customers = await collect(hub.customers.changes())
    machines = await collect(hub.customer_machines.changes())
    assert {c.id for c in customers} == set(emulator.store.customers)
    assert {c.id for c in machines} == set(emulator.store.machines)
    since = datetime(2030, 1, 1, tzinfo=UTC)
    with pytest.raises(RequestValidationError, match="ChangeFeed"):
        hub.customers.changes(since=since)
    with pytest.raises(RequestValidationError, match="ChangeFeed"):
        hub.customer_machines.changes(since=since)


async def test_since_must_be_timezone_aware(hub: Any) -> None:
    with pytest.raises(RequestValidationError, match="timezone"):
        hub.service_cases.changes(since=datetime(2030, 1, 1))


# -- the help desks: filtered by the server ----------------------------------------------

FILTERED = sorted(FILTERED_BY_SERVER)
FILTERED_IDS = [".".join(key) for key in FILTERED]


@pytest.fixture
def world(request: pytest.FixtureRequest, clock: FakeClock) -> Iterator[World]:
    made = WORLDS[request.param](clock)
    made.skew(clock, 0.0)
    made.record()
    yield made
    made.close()


async def _close_all(world: World) -> None:
    for client in world.clients:
        await close(client)
    world.clients.clear()


@pytest.mark.parametrize("world", FILTERED, ids=FILTERED_IDS, indirect=True)
async def test_changes_since_a_time_are_filtered_by_the_server(
    world: World, mode: str, clock: FakeClock
) -> None:
    resource = world.of(world.client(mode))
    everything = await collect(resource.changes(**world.listing))
    assert {c.id for c in everything} == set(world.state())
    assert {c.kind for c in everything} == {"created"}
    assert all(c.updated_at is not None for c in everything)

    clock.advance(600)
    # a second early: the servers stamp whole milliseconds or seconds
    since = datetime.fromtimestamp(int(clock.time()) - 1, UTC)
    touched = sorted(world.state())[0]
    world.update(touched, "a new subject")
    world.create("a new record")
    (added,) = set(world.state()) - {c.id for c in everything}
    world.listed.clear()
    found = await collect(resource.changes(since=since, **world.listing))

    assert sorted((c.kind, c.id) for c in found) == sorted(
        [("updated", touched), ("created", added)]
    )
    assert sum(world.listed) == 2  # the server sent only the two changed records
    assert all(c.updated_at is not None and c.updated_at >= since for c in found)
    assert [world.label(c.item) for c in found if c.id == touched] == ["a new subject"]
    await _close_all(world)


@pytest.mark.parametrize("world", FILTERED, ids=FILTERED_IDS, indirect=True)
async def test_changes_ask_from_the_overlap_before_since(world: World, mode: str) -> None:
    resource = world.of(world.client(mode))
    since = datetime.now(UTC) + timedelta(seconds=30)  # the server stamps the real time
    touched = sorted(world.state())[0]
    world.update(touched, "changed within the overlap")
    world.listed.clear()
    found = await collect(resource.changes(since=since))
    assert [(c.kind, c.id) for c in found] == [("updated", touched)]
    world.listed.clear()
    narrow = await collect(resource.changes(since=since, overlap=timedelta(0)))
    assert narrow == [] and world.listed == [0]
    await _close_all(world)


@pytest.mark.parametrize("world", FILTERED, ids=FILTERED_IDS, indirect=True)
async def test_changes_refuse_a_naive_since_or_a_negative_overlap(world: World, mode: str) -> None:
    resource = world.of(world.client(mode))
    with pytest.raises(RequestValidationError, match="timezone"):
        resource.changes(since=datetime(2030, 1, 1))
    with pytest.raises(RequestValidationError, match="overlap"):
        resource.changes(since=datetime(2030, 1, 1, tzinfo=UTC), overlap=timedelta(seconds=-1))
    assert world.listed == []
    await _close_all(world)


async def test_spicecsm_case_changes_need_raw_sql(mode: str, clock: FakeClock) -> None:
    world = WORLDS["spicecsm", "cases"](clock)
    world.record()
    world.config["allow_raw_sql"] = False
    spice = world.client(mode)
    with pytest.raises(UnsupportedOperationError, match="allow_raw_sql=True"):
        spice.cases.changes()
    with pytest.raises(RequestValidationError, match="column"):
        world.of(world.writer).changes(updated_column="updated; DROP TABLE cases")
    assert world.listed == []
    await _close_all(world)


# -- feeds over them: incremental scans between complete ones ----------------------------


def _feed(world: World, mode: str, location: str, **settings: Any) -> Any:
    resource = world.of(world.client(mode))
    cls = ChangeFeed if mode == "sync" else AsyncChangeFeed
    feed: Any = cls(resource, name="changes", state=location, complete_every=None, **settings)
    OPENED.append(feed)
    return feed


@pytest.mark.parametrize("world", FILTERED, ids=FILTERED_IDS, indirect=True)
async def test_a_feed_asks_the_server_only_for_recent_records(
    world: World, mode: str, clock: FakeClock, tmp_path: Path
) -> None:
    feed = _feed(world, mode, str(tmp_path / "feeds.sqlite3"), **world.listing)
    known = world.state()
    first = await poll(feed)  # the first poll is complete: it reads everything
    assert {c.id for c in first} == set(known)
    assert sum(world.listed) == len(known)

    clock.advance(600)
    touched, doomed = sorted(known)[:2]
    world.update(touched, "changed since the last poll")
    clock.advance(120)  # so that the next poll's overlap does not reach back to the update
    world.listed.clear()
    found = await poll(feed)
    assert [(c.kind, c.id) for c in found] == [("updated", touched)]
    assert world.listed == [1]  # one request, answered with the one changed record

    clock.advance(600)
    world.delete(doomed)
    world.listed.clear()
    assert await poll(feed) == []  # an incremental scan cannot see a deletion
    assert world.listed == [0]

    world.listed.clear()
    found = await poll(feed, complete=True)
    assert [(c.kind, c.id) for c in found] == [("deleted", doomed)]
    assert sum(world.listed) == len(known) - 1  # a complete scan reads everything
    await _close_all(world)


@pytest.mark.parametrize("world", FILTERED, ids=FILTERED_IDS, indirect=True)
async def test_a_server_clock_behind_within_the_overlap_misses_nothing(
    world: World, mode: str, clock: FakeClock, tmp_path: Path
) -> None:
    world.skew(clock, 59.5)  # the default overlap is 60 seconds
    feed = _feed(world, mode, str(tmp_path / "feeds.sqlite3"))
    await poll(feed)
    touched = sorted(world.state())[0]
    world.update(touched, "stamped 59.5 s before the cursor")
    assert [(c.kind, c.id) for c in await poll(feed)] == [("updated", touched)]
    await _close_all(world)
