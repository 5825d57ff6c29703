"""Feeds over a small Secure Service Hub emulator served in-process, with their state in a
SQLite file or in a database of the real PostgreSQL the journal tests start."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from servicehub_sdk.ssh import AsyncSSHClient, SSHClient
from servicehub_sdk.testing import EmulatorTransport, FakeClock, SSHEmulator
from servicehub_sdk.testing._ssh.store import SSHStore
from tests.feeds.drive import OPENED, close_feed
from tests.helpers import close
from tests.integrations.conftest import postgres_server

__all__ = ["postgres_server"]


@pytest.fixture(autouse=True)
async def close_feeds() -> AsyncIterator[None]:
    """Close what `feed_of` opened, so the PostgreSQL server has no client left at its end."""
    yield
    while OPENED:
        await close_feed(OPENED.pop())


@pytest.fixture(scope="session")
def feeds_database(postgres_server: Any) -> str:
    """One database for the feed tests (each test has a schema of its own in it)."""
    import psycopg

    with psycopg.connect(postgres_server.get_uri(), autocommit=True) as admin:
        admin.execute('CREATE DATABASE "feeds"')
    url: str = postgres_server.get_uri("feeds")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where the feeds keep their state: a SQLite file path, or a PostgreSQL URL whose
    `search_path` is a new schema (cheaper than a database per test)."""
    if request.param == "sqlite":
        return str(tmp_path / "feeds.sqlite3")
    import psycopg

    database: str = request.getfixturevalue("feeds_database")
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(database, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    return f"{database}&options=-csearch_path%3D{schema}"


def small_emulator(seed: int = 3, cases: int = 8) -> SSHEmulator:
    store = SSHStore(seed, organisations=1, customers=4, models=2, machines=4, cases=cases)
    return SSHEmulator(store=store)


@pytest.fixture
def emulator() -> SSHEmulator:
    return small_emulator()


@pytest.fixture
async def hub(mode: str, emulator: SSHEmulator, clock: FakeClock) -> AsyncIterator[Any]:
    """A sync or async client of the emulator, served in-process."""
    transport = EmulatorTransport(emulator)
    config = emulator.client_config(transport.url)
    if mode == "sync":
        client: Any = SSHClient(**config, http_client=transport.client())
    else:
        client = AsyncSSHClient(**config, http_client=transport.async_client())
    yield client
    await close(client)
