"""A web call answered 200 survives the death of the process that answered it: a server
killed (SIGKILL) right after its answer leaves the event in the store, and a feed in another
process delivers it."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from servicehub_sdk.feeds import ChangeFeed, WebCallInbox
from servicehub_sdk.integrations import is_postgres_url
from servicehub_sdk.spicecsm import CaseUpdate
from tests.feeds._push_worker import FEED
from tests.feeds.test_push import FORM, case_update

ROOT = Path(__file__).resolve().parents[2]


def _worker(location: str, server: str, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.feeds._push_worker", location, server, *extra],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _answer(worker: subprocess.Popen[str], server: str, body: bytes) -> int:
    """The status the worker answered the case update `body` with."""
    assert worker.stdout is not None
    if server == "asgi":
        return int(worker.stdout.readline())
    port = int(worker.stdout.readline())
    answer = httpx.post(
        f"http://127.0.0.1:{port}/case/update",
        content=body,
        headers={"content-type": FORM},
        timeout=60,
    )
    return answer.status_code


@pytest.mark.parametrize("server", ["wsgi", "asgi"])
def test_a_server_killed_right_after_its_200_loses_nothing(server: str, location: str) -> None:
    if server == "asgi" and is_postgres_url(location):
        pytest.skip("the ASGI app's write is the WSGI app's: one PostgreSQL process is enough")
    body = case_update(journal="answered, then the server died")
    extra = (body.decode(),) if server == "asgi" else ()
    worker = _worker(location, server, *extra)
    try:
        status = _answer(worker, server, body)
        _, errors = worker.communicate(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert status == 200
    assert worker.returncode == -signal.SIGKILL, errors

    feed: ChangeFeed[Any] = ChangeFeed(WebCallInbox(location, name=FEED))
    with feed.poll() as batch:
        [change] = list(batch)
    assert change.key == "case_update:6344:7906"
    assert isinstance(change.item, CaseUpdate)
    assert change.item.tickets[0].journal == "answered, then the server died"
    with feed.poll() as batch:
        assert len(batch) == 0
    feed.close()
