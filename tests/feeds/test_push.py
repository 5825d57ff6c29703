"""Pushed changes: SpiceCSM's account and case updates, received by `WebCallApp(inbox=...)`,
are in the feed store before the 200 goes out, delivered once through `ChangeFeed(inbox)`,
and a failed write is a 503 that stores nothing. WSGI apps are read by `ChangeFeed`, ASGI
apps by `AsyncChangeFeed`; every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from servicehub_sdk.core import ConfigurationError
from servicehub_sdk.feeds import AsyncChangeFeed, Change, ChangeFeed, FeedStore, WebCallInbox
from servicehub_sdk.integrations import is_postgres_url
from servicehub_sdk.spicecsm import AccountData, CaseUpdate, WebCallApp
from tests.feeds.drive import OPENED, commit, held, poll
from tests.integrations._journal_db import execute

USER, SECRET = "spice", "int-pass-S3cr3t"
FORM = "application/x-www-form-urlencoded"
FEED = "spicecsm"


def case_update(case: str = "6344", response: str = "7906", journal: str = "called back") -> bytes:
    xml = (
        f'<?xml version="1.0" ?><tickets><ticket cid="{case}" id="{response}" tier="1" '
        f'date="1/27/06 1:27:51 PM" status="In Progress" sid="2" journal="{journal}"/></tickets>'
    )
    return urlencode(
        {"intUser": USER, "intPass": SECRET, "Userkey": "jdoe", "caseXML": xml}
    ).encode()


def account_update(status: str = "Active", userkey: str = "jdoe") -> bytes:
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><userdata>'
        f'<user userkey="{userkey}" password="hunter2" status="{status}" account=""/>'
        '<contacts><contact firstname="John" lastname="Doe"/></contacts></userdata>'
    )
    return urlencode({"intUser": USER, "intPass": SECRET, "userXML": xml}).encode()


PATHS = {"case": "/case/update", "account": "/account/update"}

OnStatus = Callable[[int], None]


def call_wsgi(app: WebCallApp, path: str, body: bytes, on_status: OnStatus | None) -> int:
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "CONTENT_TYPE": FORM,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    statuses: list[int] = []

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        statuses.append(int(status.split()[0]))
        if on_status is not None:
            on_status(statuses[0])

    b"".join(app.wsgi(environ, start_response))
    return statuses[0]


async def call_asgi(app: WebCallApp, path: str, body: bytes, on_status: OnStatus | None) -> int:
    scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "headers": [(b"content-type", FORM.encode()), (b"content-length", str(len(body)).encode())],
    }
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])
            if on_status is not None:
                on_status(message["status"])

    await app(scope, receive, send)
    return statuses[0]


class Spice:
    """A `WebCallApp` with an inbox, served as WSGI or ASGI, and a feed over the inbox."""

    def __init__(self, server: str, location: str, **app_options: Any) -> None:
        self.server = server
        self.location = location
        self.inbox = WebCallInbox(location, name=FEED)
        self.app = WebCallApp(int_user=USER, int_pass=SECRET, inbox=self.inbox, **app_options)
        self.feed: Any = (ChangeFeed if server == "wsgi" else AsyncChangeFeed)(self.inbox)
        OPENED.append(self.feed)

    async def post(self, call: str, body: bytes, on_status: OnStatus | None = None) -> int:
        if self.server == "wsgi":
            return call_wsgi(self.app, PATHS[call], body, on_status)
        return await call_asgi(self.app, PATHS[call], body, on_status)

    async def poll(self, **options: Any) -> list[Change[Any]]:
        return await poll(self.feed, **options)


@pytest.fixture(params=["wsgi", "asgi"])
def spice(request: pytest.FixtureRequest, location: str) -> Iterator[Spice]:
    served = Spice(request.param, location)
    yield served
    served.inbox.close()


def stored_now(location: str) -> list[Change[Any]]:
    """What a feed in another connection (a fresh process would open one) finds pending."""
    with ChangeFeed(WebCallInbox(location, name=FEED)) as feed:
        return feed.pending()


async def test_an_update_is_in_the_store_when_the_200_goes_out(spice: Spice) -> None:
    seen: list[tuple[int, list[str]]] = []

    def at_status(status: int) -> None:
        seen.append((status, [change.key for change in stored_now(spice.location)]))

    assert await spice.post("case", case_update(), at_status) == 200
    assert seen == [(200, ["case_update:6344:7906"])]

    [change] = await spice.poll()
    assert (change.kind, change.id, change.key) == ("updated", "6344", "case_update:6344:7906")
    assert isinstance(change.item, CaseUpdate)
    [ticket] = change.item.tickets
    assert (ticket.cid, ticket.id, ticket.journal, ticket.status) == (
        "6344",
        "7906",
        "called back",
        "In Progress",
    )
    assert ticket.date == datetime(2006, 1, 27, 13, 27, 51)
    assert ticket.date_raw == "1/27/06 1:27:51 PM"
    assert change.updated_at == datetime(2006, 1, 27, 13, 27, 51)  # SpiceCSM's, no zone
    assert change.observed_at.tzinfo is UTC
    assert await spice.poll() == []  # committed: never again


async def test_an_account_update_is_delivered_without_its_password(spice: Spice) -> None:
    assert await spice.post("account", account_update()) == 200
    [change] = await spice.poll()
    assert isinstance(change.item, AccountData)
    assert (change.id, change.item.user.userkey, change.item.user.status) == (
        "jdoe",
        "jdoe",
        "Active",
    )
    assert change.item.user.password is None
    assert [contact.lastname for contact in change.item.contacts] == ["Doe"]
    assert change.updated_at is None
    assert change.key.startswith("account_update:jdoe:")
    if not is_postgres_url(spice.location):  # the database and its write-ahead log
        path = Path(spice.location)
        written = b"".join(file.read_bytes() for file in path.parent.glob(f"{path.name}*"))
        assert b"Inactive" not in written and b"Doe" in written and b"hunter2" not in written


async def test_a_web_call_sent_again_is_one_change(spice: Spice) -> None:
    for _ in range(2):
        assert await spice.post("case", case_update()) == 200
        assert await spice.post("account", account_update()) == 200
    first = await spice.poll()
    assert [change.id for change in first] == ["6344", "jdoe"]

    assert await spice.post("case", case_update()) == 200  # after the commit, too
    assert await spice.post("account", account_update()) == 200
    assert await spice.poll() == []

    # a new response on the case, and an account changed, then changed back: all new
    assert await spice.post("case", case_update(response="7907", journal="closed")) == 200
    assert await spice.post("account", account_update(status="Inactive")) == 200
    assert await spice.post("account", account_update(status="Active")) == 200
    second = await spice.poll()
    assert second[0].key == "case_update:6344:7907"
    assert [change.item.user.status for change in second[1:]] == ["Inactive", "Active"]
    keys = [change.key for change in first + second]
    assert len(set(keys)) == len(keys) == 5


async def test_a_batch_ended_by_an_error_is_delivered_again_and_later_events_wait(
    spice: Spice,
) -> None:
    await spice.post("case", case_update(response="1"))
    await spice.post("case", case_update(response="2"))
    failed = await spice.poll(fail=True)
    assert [change.key for change in failed] == ["case_update:6344:1", "case_update:6344:2"]

    batch = await held(spice.feed)  # the same batch, held while another web call comes in
    assert [change.key for change in batch] == [change.key for change in failed]
    other = type(spice.feed)(spice.inbox)  # another poller finds the batch held
    OPENED.append(other)
    assert await poll(other) == []
    assert await spice.post("case", case_update(response="3")) == 200
    await commit(batch)
    assert [change.key for change in await spice.poll()] == ["case_update:6344:3"]
    assert await spice.poll() == []


def refuse_inbox_writes(location: str) -> None:
    """Make every insert into the inbox fail, as a full disk or a lost database would."""
    FeedStore.open(location).close()  # the tables exist
    if is_postgres_url(location):
        execute(
            location,
            "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'disk full'; END $$ LANGUAGE plpgsql",
        )
        execute(
            location,
            "CREATE TRIGGER refuse BEFORE INSERT ON change_feed_inbox "
            "FOR EACH ROW EXECUTE FUNCTION refuse()",
        )
    else:
        execute(
            location,
            "CREATE TRIGGER refuse BEFORE INSERT ON change_feed_inbox "
            "BEGIN SELECT RAISE(ABORT, 'disk full'); END",
        )


def count(location: str, table: str) -> int:
    if is_postgres_url(location):
        import psycopg

        with psycopg.connect(location, autocommit=True) as db:
            row = db.execute(f"SELECT count(*) FROM {table}").fetchone()
    else:
        import sqlite3

        with sqlite3.connect(location) as db:
            row = db.execute(f"SELECT count(*) FROM {table}").fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.parametrize("server", ["wsgi", "asgi"])
async def test_a_failed_write_answers_503_stores_nothing_and_runs_no_callback(
    server: str, location: str, caplog: pytest.LogCaptureFixture
) -> None:
    refuse_inbox_writes(location)
    called: list[CaseUpdate] = []
    spice = Spice(server, location, on_case_update=called.append)
    try:
        for _ in range(2):  # the store is opened again after a failed write
            assert await spice.post("case", case_update()) == 503
        assert count(location, "change_feeds") == 0  # the feed row the write began with: gone
        assert count(location, "change_feed_inbox") == 0
        assert called == []
        assert "could not be stored" in caplog.text

        on_table = " ON change_feed_inbox" if is_postgres_url(location) else ""
        execute(location, f"DROP TRIGGER refuse{on_table}")
        assert await spice.post("case", case_update()) == 200  # SpiceCSM sends it again
        assert [change.key for change in await spice.poll()] == ["case_update:6344:7906"]
        assert len(called) == 1
    finally:
        spice.inbox.close()


def test_a_store_that_cannot_be_opened_answers_503_until_it_can(tmp_path: Path) -> None:
    folder = tmp_path / "not-yet"
    inbox = WebCallInbox(str(folder / "feeds.sqlite3"), name=FEED)
    app = WebCallApp(int_user=USER, int_pass=SECRET, inbox=inbox)
    assert call_wsgi(app, "/case/update", case_update(), None) == 503
    folder.mkdir()
    assert call_wsgi(app, "/case/update", case_update(), None) == 200
    with ChangeFeed(inbox) as feed, feed.poll() as batch:
        assert [change.id for change in batch] == ["6344"]
    inbox.close()


def test_updates_go_to_the_inbox_without_callbacks_and_the_others_still_need_theirs(
    tmp_path: Path,
) -> None:
    inbox = WebCallInbox(str(tmp_path / "feeds.sqlite3"), name=FEED)
    app = WebCallApp(int_user=USER, int_pass=SECRET, inbox=inbox)
    search = urlencode({"intUser": USER, "intPass": SECRET, "LastName": "Doe"}).encode()
    assert call_wsgi(app, "/account/search", search, None) == 404
    wrong = case_update().replace(SECRET.encode(), b"wrong")
    assert call_wsgi(app, "/case/update", wrong, None) == 403
    with ChangeFeed(inbox) as feed:
        assert feed.pending() == []
        assert feed.status().pending == 0
        assert call_wsgi(app, "/case/update", case_update(), None) == 200
        assert feed.status().pending == 1
    inbox.close()


def test_a_feed_over_an_inbox_takes_its_name_and_store(tmp_path: Path) -> None:
    inbox = WebCallInbox(str(tmp_path / "feeds.sqlite3"), name=FEED)
    with pytest.raises(ConfigurationError, match="without name="):
        ChangeFeed(inbox, name="other")
    with pytest.raises(ConfigurationError, match="since"):
        ChangeFeed(inbox, since=datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(ConfigurationError, match="name"):
        WebCallInbox(str(tmp_path / "feeds.sqlite3"), name=" ")
    with pytest.raises(ConfigurationError, match="state"):
        WebCallInbox(42, name=FEED)  # type: ignore[arg-type]  # wrong on purpose
    with ChangeFeed(inbox, name=FEED) as feed:
        assert feed.name == FEED


LAYOUT_1 = (
    "CREATE TABLE change_feed_version (version INTEGER)",
    "INSERT INTO change_feed_version (version) VALUES (1)",
    "CREATE TABLE change_feeds (name TEXT PRIMARY KEY, baseline_since TEXT, caught_up_to TEXT, "
    "last_complete_at DOUBLE PRECISION, batch TEXT, holder TEXT, lease_until DOUBLE PRECISION)",
    "CREATE TABLE change_feed_items (feed TEXT NOT NULL, item_id TEXT NOT NULL, "
    "fingerprint TEXT NOT NULL, PRIMARY KEY (feed, item_id))",
    "INSERT INTO change_feeds (name, caught_up_to) VALUES ('cases', '2026-12-01T00:00:00+00:00')",
    "INSERT INTO change_feed_items (feed, item_id, fingerprint) VALUES ('cases', 'c1', 'f1')",
)
"""A store as the first release of the feeds left it: one scanning feed, one record known."""


def test_a_layout_1_store_gains_the_inbox_and_keeps_its_feeds(location: str) -> None:
    for statement in LAYOUT_1:
        execute(location, statement)
    FeedStore.open(location).close()
    FeedStore.open(location).close()  # opening an up-to-date store changes nothing
    assert count(location, "change_feed_version WHERE version = 2") == 1
    assert count(location, "change_feed_items WHERE feed = 'cases'") == 1

    inbox = WebCallInbox(location, name=FEED)
    app = WebCallApp(int_user=USER, int_pass=SECRET, inbox=inbox)
    assert call_wsgi(app, "/case/update", case_update(), None) == 200
    with ChangeFeed(inbox) as feed, feed.poll() as batch:
        assert [change.id for change in batch] == ["6344"]
    inbox.close()
    with FeedStore.open(location) as store:
        status = store.run(store.sql.status("cases"))
    assert (status.caught_up_to, status.known) == ("2026-12-01T00:00:00+00:00", 1)
