"""Master data as the difference between an export and the previous one (`export_state=`):
an unchanged export sends nothing, one changed row sends one write, rows gone from the export
are reported and left in the hub, and fingerprints are stored only after the hub accepted the
writes. Sync and async, fingerprints in SQLite and in the real PostgreSQL of the suite."""

from __future__ import annotations

import copy
import uuid
from pathlib import Path
from typing import Any

import pytest

from servicehub_sdk.feeds import AsyncFeedStore, FeedStore
from servicehub_sdk.integrations import open_journal, sync_master_data, sync_master_data_async
from servicehub_sdk.ssh import AsyncSSHClient, SSHClient
from servicehub_sdk.testing import SSHEmulator
from servicehub_sdk.testing._ssh.store import SSHStore
from tests.helpers import close


class PowerCut(Exception):
    """The run stops after the hub accepted the writes, before the fingerprints are stored."""


UNCHANGED = "unchanged in the export since the previous run; not sent"


@pytest.fixture
def emulator() -> SSHEmulator:
    store = SSHStore(2, organisations=1, customers=4, models=2, machines=4, cases=0)
    return SSHEmulator(store=store)


@pytest.fixture(scope="module")
def export_database(postgres_server: Any) -> str:
    import psycopg

    name = f"exports_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres_server.get_uri(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url: str = postgres_server.get_uri(name)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where the fingerprints live: a SQLite file, or a schema of its own in PostgreSQL."""
    if request.param == "sqlite":
        return str(tmp_path / "exports.sqlite3")
    import psycopg

    database: str = request.getfixturevalue("export_database")
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(database, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    return f"{database}&options=-csearch_path%3D{schema}"


def export(org: str) -> dict[str, list[dict[str, Any]]]:
    customers = [
        {"external_id": f"ERP-{n}", "name": f"Customer {n}", "service_organisation": org}
        for n in range(3)
    ]
    for customer in customers:
        customer["country"] = "DE"
    machines = [
        {
            "external_id": f"EQ-{n}",
            "serial_number": f"SN-{n}",
            "customer_external_id": f"ERP-{n}",
            "machine_model_external_id": "MAT-200001",
        }
        for n in range(2)
    ]
    return {"customers": customers, "customer_machines": machines}


def org_name(emulator: SSHEmulator) -> str:
    return str(next(iter(emulator.store.organisations.values()))["name"])


async def run(mode: str, config: dict[str, Any], data: Any, **options: Any) -> Any:
    if mode == "sync":
        with SSHClient(**config) as hub:
            return sync_master_data(hub, copy.deepcopy(data), **options)
    client = AsyncSSHClient(**config)
    try:
        return await sync_master_data_async(client, copy.deepcopy(data), concurrency=2, **options)
    finally:
        await close(client)


def mutations(emulator: SSHEmulator) -> list[str]:
    return [d for d in emulator.requests if d.lstrip().startswith("mutation")]


def reads(emulator: SSHEmulator) -> list[str]:
    return [d for d in emulator.requests if not d.lstrip().startswith("mutation")]


def copies(emulator: SSHEmulator, external_id: str) -> int:
    return sum(1 for c in emulator.store.customers.values() if c["externalId"] == external_id)


async def test_only_what_changed_in_the_export_is_sent(
    mode: str, config: dict[str, Any], emulator: SSHEmulator, location: str
) -> None:
    data = export(org_name(emulator))
    first = await run(mode, config, data, export_state=location)
    assert first.counts == {"created": 5}
    emulator.requests.clear()
    today = await run(mode, config, data)  # without the previous export: reads everything
    assert today.counts == {"unchanged": 5} and not mutations(emulator)
    reads_today = len(reads(emulator))
    assert reads_today > 0

    emulator.requests.clear()
    writes = sum(emulator.store.writes.values())
    again = await run(mode, config, data, export_state=location)
    assert again.counts == {"unchanged": 5}
    assert {r.reason for r in again.results} == {UNCHANGED}
    assert emulator.requests == []  # nothing changed: not even a read

    data["customers"][1]["name"] = "Customer 1 & Sons"
    changed = await run(mode, config, data, export_state=location)
    assert [(r.key, r.action, r.differences) for r in changed.results if r.reason is None] == [
        ("ERP-1", "updated", ["name"])
    ]
    assert changed.counts == {"updated": 1, "unchanged": 4}
    assert len(mutations(emulator)) == 1 and sum(emulator.store.writes.values()) == writes + 1
    assert len(reads(emulator)) == reads_today  # the hub is read as today, no more

    emulator.requests.clear()
    assert (await run(mode, config, data, export_state=location)).counts == {"unchanged": 5}
    assert emulator.requests == []


async def test_records_gone_from_the_export_are_reported_and_left_in_the_hub(
    mode: str, config: dict[str, Any], emulator: SSHEmulator, tmp_path: Path
) -> None:
    state = str(tmp_path / "exports.sqlite3")
    data = export(org_name(emulator))
    await run(mode, config, data, export_state=state)
    only_customers = {"customers": data["customers"]}  # machines exported separately
    assert (await run(mode, config, only_customers, export_state=state)).counts == {"unchanged": 3}
    del data["customers"][2]
    emulator.requests.clear()
    report = await run(mode, config, data, export_state=state)
    gone = [(r.kind, r.key) for r in report.results if r.action == "gone"]
    assert gone == [("customer", "ERP-2")] and emulator.requests == []
    assert "left in the hub" in (report.results[-1].reason or "")
    assert copies(emulator, "ERP-2") == 1  # not deleted
    again = await run(mode, config, data, export_state=state)
    assert again.counts == {"unchanged": 4}  # reported once


async def test_a_crash_before_the_fingerprints_are_stored_resends_without_duplicates(
    mode: str, config: dict[str, Any], emulator: SSHEmulator, location: str
) -> None:
    data = export(org_name(emulator))
    crashed: list[str] = []
    store: Any
    if mode == "sync":
        store = FeedStore.open(location)
        real_run = store.run

        def run_then_crash(flow: Any) -> Any:
            if crashed:  # the second transaction stores the fingerprints
                flow.close()
                raise PowerCut("between the writes and the fingerprints")
            crashed.append("read")
            return real_run(flow)

        store.run = run_then_crash
    else:
        store = await AsyncFeedStore.open(location)
        real_async_run = store.run

        async def run_then_crash_async(flow: Any) -> Any:
            if crashed:
                flow.close()
                raise PowerCut("between the writes and the fingerprints")
            crashed.append("read")
            return await real_async_run(flow)

        store.run = run_then_crash_async
    try:
        with pytest.raises(PowerCut):
            await run(mode, config, data, export_state=store)
    finally:
        await close(store)
    assert copies(emulator, "ERP-0") == 1  # the hub accepted the writes

    writes = dict(emulator.store.writes)
    resent = await run(mode, config, data, export_state=location)
    assert resent.counts == {"unchanged": 5}
    assert {r.reason for r in resent.results} == {None}  # sent again: compared with the hub
    assert dict(emulator.store.writes) == writes
    assert all(copies(emulator, f"ERP-{n}") == 1 for n in range(3))
    emulator.requests.clear()
    assert (await run(mode, config, data, export_state=location)).counts == {"unchanged": 5}
    assert emulator.requests == []


async def test_failed_records_are_sent_again_and_dry_runs_store_nothing(
    mode: str, config: dict[str, Any], emulator: SSHEmulator, tmp_path: Path
) -> None:
    state = str(tmp_path / "exports.sqlite3")
    data = export(org_name(emulator))
    data["customers"][0]["service_organisation"] = "Nowhere"
    dry = await run(mode, config, data, export_state=state, dry_run=True)
    assert dry.dry_run and dry.counts == {"created": 3, "failed": 2}
    first = await run(mode, config, data, export_state=state)
    assert first.counts == {"created": 3, "failed": 2}  # EQ-0's customer failed too
    emulator.requests.clear()
    second = await run(mode, config, data, export_state=state)
    assert {r.key for r in second.results if r.reason != UNCHANGED} == {"ERP-0", "EQ-0"}
    assert reads(emulator) and not mutations(emulator)


def test_one_database_holds_the_link_journal_and_the_exports(
    config: dict[str, Any], emulator: SSHEmulator, tmp_path: Path
) -> None:
    data = export(org_name(emulator))
    with open_journal(tmp_path / "shared.sqlite3") as journal, SSHClient(**config) as hub:
        assert sync_master_data(hub, data, export_state=journal).counts == {"created": 5}
        emulator.requests.clear()
        again = sync_master_data(hub, data, export_state=journal, export_name="master-data")
        assert again.counts == {"unchanged": 5} and emulator.requests == []
        other = sync_master_data(hub, data, export_state=journal, export_name="second ERP")
        assert other.counts == {"unchanged": 5} and emulator.requests  # its own fingerprints
        assert journal.get("any case") is None  # the journal works beside them
