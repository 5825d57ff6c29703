"""A process killed between handling a batch and committing it loses nothing: the batch is
delivered again, with the same keys, once its lease lapses."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from servicehub_sdk.feeds import ChangeFeed
from tests.feeds._crash_worker import KILLED

ROOT = Path(__file__).resolve().parents[2]


def test_a_crash_between_handling_and_commit_loses_nothing(
    hub: Any, mode: str, tmp_path: Path
) -> None:
    if mode == "async":
        return  # one process is enough: the store is the same for both
    state, keys = str(tmp_path / "feeds.sqlite3"), tmp_path / "keys"
    worker = subprocess.run(
        [sys.executable, "-m", "tests.feeds._crash_worker", state, str(keys)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == KILLED, worker.stderr
    handled = keys.read_text().splitlines()
    assert handled

    feed: ChangeFeed[Any] = ChangeFeed(hub.service_cases, name="cases", state=state)
    with feed.poll() as batch:  # the dead process's lease still holds
        assert not batch.held and len(batch) == 0
    with sqlite3.connect(state) as db:  # as if its lease time had passed
        db.execute("UPDATE change_feeds SET lease_until = lease_until - 100000")
    with feed.poll() as batch:
        assert [change.key for change in batch] == handled
    with feed.poll() as batch:
        assert len(batch) == 0
    feed.close()
