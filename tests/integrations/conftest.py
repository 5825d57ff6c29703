"""A real PostgreSQL for the journal tests, started from the `pgserver` wheel (no system
install), and the journal locations the tests run against: a SQLite file and a PostgreSQL
database of their own; a SupportCenter Plus emulator as the link target."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from servicehub_sdk.testing import EmulatorServer, SupportCenterEmulator

START_TIMEOUT_SECONDS = 90


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Any]:
    """One PostgreSQL server for the session, in a temporary directory (deleted after)."""
    try:
        import pgserver
    except ImportError as exc:  # no pgserver wheel (server binaries) for this Python/platform
        pytest.skip(f"pgserver is not installed, no wheel for this Python/platform: {exc}")
    # Not under pytest's base directory: run as root, pgserver starts the server as its own
    # user, who cannot enter that directory. Short, too: the socket path has a length limit.
    data = tempfile.mkdtemp(prefix="servicehub-pg-")
    with ThreadPoolExecutor(1) as pool:
        server = pool.submit(pgserver.get_server, data, cleanup_mode="delete").result(
            timeout=START_TIMEOUT_SECONDS
        )
    try:
        yield server
    finally:
        server.cleanup()


@pytest.fixture
def postgres_url(postgres_server: Any) -> str:
    """The URL of a new, empty database on the session's server."""
    import psycopg

    name = f"journal_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server.get_uri(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url: str = postgres_server.get_uri(name)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def journal_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a journal lives: a SQLite file path or a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "links.sqlite3")
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def scp_emulator() -> SupportCenterEmulator:
    return SupportCenterEmulator(seed=1, requests=5)


@pytest.fixture
def scp_server(scp_emulator: SupportCenterEmulator) -> Iterator[EmulatorServer]:
    with EmulatorServer(scp_emulator) as running:
        yield running
