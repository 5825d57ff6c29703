"""The change feeds' SQL: statement flows (sans I/O) in the journal's dialects.

The feeds share the journal's driver (`integrations._journal_sql`): each operation here is a
generator of statements that `run_statements` or `run_statements_async` drives over a SQLite
or PostgreSQL connection, so one database may hold the link journal and the feeds.

Tables (layout `SCHEMA_VERSION`, kept in `change_feed_version`):

- `change_feeds`: one row per feed: the time it is caught up to, when its last complete scan
  ran, the pending batch (JSON) and the lease on it (holder, expiry by the database's clock).
- `change_feed_items`: per feed, the fingerprint of every record it has delivered.
- `change_feed_inbox` (since layout 2): per feed, the events a vendor pushed (SpiceCSM's web
  calls), in the order they arrived: each written before its sender was answered, kept after
  delivery (without its data) so that an event sent again is recognised.

Layout 1 stores are brought to layout 2 when they are opened (the inbox table is added).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..core._errors import ConfigurationError
from ..integrations._journal_sql import Dialect, SQLStatements, Statements
from ._change import ChangeKind, LeaseLostError, change_key

__all__ = [
    "SCHEMA_VERSION",
    "FeedSQL",
    "FeedStatus",
    "FeedVersionError",
    "Pushed",
    "Scanned",
    "StoredBatch",
]

SCHEMA_VERSION = 2
"""The feed store layout this release writes (2: the inbox of pushed events)."""

FEED_COLUMNS = "name, baseline_since, caught_up_to, last_complete_at, batch, holder, lease_until"

INBOX_COLUMNS = "event_key, source, record_id, fingerprint, updated_at, received_at, data"


class FeedVersionError(ConfigurationError):
    """The feed store was written by a newer release, in a layout this one does not know."""


@dataclass(frozen=True, slots=True)
class Scanned:
    """One record as a scan read it: its id, fingerprint, modification time and data."""

    id: str
    fingerprint: str
    updated_at: datetime | None
    data: Any


@dataclass(frozen=True, slots=True)
class Pushed:
    """One event a vendor pushed, as the inbox stores it.

    Attributes:
        source: what kind of event it is (for SpiceCSM the web call: `case_update`).
        record_id: the record it is about.
        fingerprint: a hash of its data.
        data: the event, as JSON-ready data.
        event_id: the vendor's id of the event, when it carries one: an event with an id
            already in the inbox is a duplicate. Without one, an event whose fingerprint
            equals the latest one of the same record is.
        updated_at: the event's own time (ISO 8601), when it has one.
        received_at: when it arrived (ISO 8601).
    """

    source: str
    record_id: str
    fingerprint: str
    data: Any
    event_id: str | None
    updated_at: str | None
    received_at: str


@dataclass(frozen=True, slots=True)
class StoredBatch:
    """A pending batch as the store keeps it.

    Attributes:
        batch_id: identifies this batch (a commit must name it).
        observed_at: when the scan that made it ran (ISO 8601).
        final: whether it holds every change that scan found (then committing it brings
            the feed up to `observed_at`).
        complete: whether that scan was complete (it may have found deletions).
        changes: the changes, as dicts (`kind`, `id`, `key`, `fingerprint`, `updated_at`,
            `data`).
        held: `False` when another poller holds the batch (then `changes` is empty).
        pushed: whether its changes come from the inbox (committing marks them delivered)
            rather than from a scan.
    """

    batch_id: str
    observed_at: str
    final: bool
    complete: bool
    changes: list[dict[str, Any]]
    held: bool = True
    pushed: bool = False

    def to_json(self) -> str:
        return json.dumps(
            {
                "batch_id": self.batch_id,
                "observed_at": self.observed_at,
                "final": self.final,
                "complete": self.complete,
                "changes": self.changes,
                "pushed": self.pushed,
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> StoredBatch:
        data = json.loads(text)
        return cls(
            data["batch_id"],
            data["observed_at"],
            data["final"],
            data["complete"],
            data["changes"],
            pushed=data.get("pushed", False),
        )


BUSY = StoredBatch("", "", final=False, complete=False, changes=[], held=False)
"""What a poller gets while another holds the feed's pending batch."""


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """Where a feed stands.

    Attributes:
        name: the feed's name.
        caught_up_to: the time of the last scan all of whose changes were committed (ISO
            8601; `None` before the first).
        last_complete_at: when the last complete scan was committed (seconds since the
            epoch, by the store's clock).
        pending: how many changes wait in the pending batch.
        holder: who holds the pending batch, while a lease is live.
        known: how many records the feed has fingerprints for.
    """

    name: str
    caught_up_to: str | None
    last_complete_at: float | None
    pending: int
    holder: str | None
    known: int


@dataclass(frozen=True, slots=True)
class Opened:
    """What `take_pending` found: a batch (held by the caller or, `held=False`, busy), or
    none, with what the caller needs to scan."""

    batch: StoredBatch | None
    baseline_since: str | None
    last_complete_at: float | None
    now: float


@dataclass(frozen=True, slots=True)
class Peeked:
    """A feed as `peek` found it: its pending batch, fingerprints and baseline time."""

    batch: StoredBatch | None
    known: dict[str, str]
    baseline_since: str | None
    exists: bool


def diff(
    known: dict[str, str],
    scan: Iterable[Scanned],
    *,
    complete: bool,
    baseline_since: datetime | None,
) -> tuple[list[dict[str, Any]], list[Scanned]]:
    """The changes a scan shows against the fingerprints `known`, and the records a first
    scan with `since=` records silently (unchanged since `since`, or without a time)."""
    latest: dict[str, Scanned] = {}
    for record in scan:
        latest.pop(record.id, None)  # a record read twice (pages shifted) counts where last
        latest[record.id] = record
    changes: list[dict[str, Any]] = []
    baseline: list[Scanned] = []
    for record in latest.values():
        before = known.get(record.id)
        if before == record.fingerprint:
            continue
        unchanged_since = record.updated_at is None or (
            baseline_since is not None and record.updated_at < baseline_since
        )
        if before is None and baseline_since is not None and unchanged_since:
            baseline.append(record)
            continue
        kind: ChangeKind = "created" if before is None else "updated"
        changes.append(_change(kind, record.id, record.fingerprint, record.updated_at, record.data))
    if complete:
        for record_id in sorted(set(known) - set(latest)):
            changes.append(_change("deleted", record_id, known[record_id], None, None))
    return changes, baseline


def _change(
    kind: ChangeKind, record_id: str, fingerprint: str, updated_at: datetime | None, data: Any
) -> dict[str, Any]:
    return {
        "kind": kind,
        "id": record_id,
        "key": change_key(kind, record_id, fingerprint),
        "fingerprint": fingerprint,
        "updated_at": updated_at.isoformat() if updated_at else None,
        "data": data,
    }


class FeedSQL(SQLStatements):
    """The feeds' statements in `dialect`."""

    def __init__(self, dialect: Dialect) -> None:
        super().__init__(dialect)

    def ensure_schema(self) -> Statements[None]:
        """Create the tables on first use; refuse a newer layout with `FeedVersionError`."""
        return self._transaction(self._ensure_schema())

    def _ensure_schema(self) -> Statements[None]:
        if self.dialect.schema_lock:
            yield self._sql(self.dialect.schema_lock)
        yield self._sql("CREATE TABLE IF NOT EXISTS change_feed_version (version INTEGER)")
        row = yield self._sql("SELECT max(version) FROM change_feed_version", fetch="one")
        version = row[0]
        if version is not None and version > SCHEMA_VERSION:
            raise FeedVersionError(
                f"the change feed store has layout version {version}, this release of "
                f"servicehub-sdk knows up to {SCHEMA_VERSION}: upgrade servicehub-sdk"
            )
        if version is None:
            yield self._sql(
                "CREATE TABLE IF NOT EXISTS change_feeds (name TEXT PRIMARY KEY, "
                "baseline_since TEXT, caught_up_to TEXT, last_complete_at DOUBLE PRECISION, "
                "batch TEXT, holder TEXT, lease_until DOUBLE PRECISION)"
            )
            yield self._sql(
                "CREATE TABLE IF NOT EXISTS change_feed_items (feed TEXT NOT NULL, "
                "item_id TEXT NOT NULL, fingerprint TEXT NOT NULL, PRIMARY KEY (feed, item_id))"
            )
        if version is None or version < 2:
            yield from self._add_inbox()
        if version is None or version < SCHEMA_VERSION:
            yield self._sql(
                "INSERT INTO change_feed_version (version) VALUES (?)", (SCHEMA_VERSION,)
            )

    def _add_inbox(self) -> Statements[None]:
        """Layout 2: the inbox of pushed events (`seq`: the order they arrived in, per feed)."""
        yield self._sql(
            "CREATE TABLE IF NOT EXISTS change_feed_inbox (feed TEXT NOT NULL, "
            "event_key TEXT NOT NULL, seq BIGINT NOT NULL, source TEXT NOT NULL, "
            "record_id TEXT NOT NULL, fingerprint TEXT NOT NULL, updated_at TEXT, "
            "received_at TEXT NOT NULL, data TEXT, delivered INTEGER NOT NULL DEFAULT 0, "
            "PRIMARY KEY (feed, event_key))"
        )
        yield self._sql(
            "CREATE INDEX IF NOT EXISTS change_feed_inbox_order "
            "ON change_feed_inbox (feed, delivered, seq)"
        )

    def _row(self, name: str, since: str | None) -> Statements[tuple[Any, ...]]:
        """The feed's row, locked; created (with `since`) when new."""
        yield self._sql(
            "INSERT INTO change_feeds (name, baseline_since) VALUES (?, ?) "
            "ON CONFLICT (name) DO NOTHING",
            (name, since),
        )
        row: tuple[Any, ...] = yield self._sql(
            f"SELECT {FEED_COLUMNS} FROM change_feeds WHERE name = ?{self.dialect.row_lock}",
            (name,),
            fetch="one",
        )
        return row

    def _take(
        self, name: str, row: tuple[Any, ...], holder: str, lease: float, now: float
    ) -> Statements[StoredBatch | None]:
        """The stored batch for `holder` (its lease renewed), `BUSY`, or `None`."""
        batch, owner, lease_until = row[4], row[5], row[6]
        if batch is None:
            return None
        if owner not in (None, holder) and (lease_until or 0) > now:
            return BUSY
        yield self._sql(
            "UPDATE change_feeds SET holder = ?, lease_until = ? WHERE name = ?",
            (holder, now + lease, name),
        )
        return StoredBatch.from_json(batch)

    def take_pending(
        self, name: str, holder: str, lease: float, since: str | None
    ) -> Statements[Opened]:
        """Lease the feed's pending batch to `holder`, if it has one nobody else holds."""
        return self._transaction(self._take_pending(name, holder, lease, since))

    def _take_pending(
        self, name: str, holder: str, lease: float, since: str | None
    ) -> Statements[Opened]:
        now = yield from self._now()
        row = yield from self._row(name, since)
        batch = yield from self._take(name, row, holder, lease, now)
        return Opened(batch, row[1], row[3], now)

    def open_batch(
        self,
        name: str,
        holder: str,
        lease: float,
        scan: list[Scanned],
        *,
        complete: bool,
        max_changes: int,
        observed_at: str,
    ) -> Statements[StoredBatch]:
        """Compare a scan with the feed's fingerprints and lease the changes it shows (up to
        `max_changes`) to `holder` as the pending batch; a batch another poller stored in
        the meantime is taken (or found busy) instead."""
        return self._transaction(
            self._open_batch(
                name,
                holder,
                lease,
                scan,
                complete=complete,
                max_changes=max_changes,
                observed_at=observed_at,
            )
        )

    def _open_batch(
        self,
        name: str,
        holder: str,
        lease: float,
        scan: list[Scanned],
        *,
        complete: bool,
        max_changes: int,
        observed_at: str,
    ) -> Statements[StoredBatch]:
        now = yield from self._now()
        row = yield from self._row(name, None)
        stored = yield from self._take(name, row, holder, lease, now)
        if stored is not None:
            return stored
        known = yield from self._known(name)
        since = datetime.fromisoformat(row[1]) if row[1] else None
        changes, baseline = diff(known, scan, complete=complete, baseline_since=since)
        for record in baseline:
            yield from self._remember(name, record.id, record.fingerprint)
        if since is not None:
            yield self._sql("UPDATE change_feeds SET baseline_since = NULL WHERE name = ?", (name,))
        batch = StoredBatch(
            uuid.uuid4().hex,
            observed_at,
            final=len(changes) <= max_changes,
            complete=complete,
            changes=changes[:max_changes],
        )
        yield self._sql(
            "UPDATE change_feeds SET batch = ?, holder = ?, lease_until = ? WHERE name = ?",
            (batch.to_json(), holder, now + lease, name),
        )
        return batch

    def _known(self, name: str) -> Statements[dict[str, str]]:
        rows = yield self._sql(
            "SELECT item_id, fingerprint FROM change_feed_items WHERE feed = ?",
            (name,),
            fetch="all",
        )
        return {str(item_id): str(fingerprint) for item_id, fingerprint in rows}

    def _remember(self, name: str, record_id: str, fingerprint: str) -> Statements[None]:
        yield self._sql(
            "INSERT INTO change_feed_items (feed, item_id, fingerprint) VALUES (?, ?, ?) "
            "ON CONFLICT (feed, item_id) DO UPDATE SET fingerprint = excluded.fingerprint",
            (name, record_id, fingerprint),
        )

    def commit(self, name: str, holder: str, batch_id: str) -> Statements[None]:
        """Apply the batch to the feed's fingerprints and clear it, if `holder` still holds
        it under a live lease; else raise `LeaseLostError` (nothing is applied)."""
        return self._transaction(self._commit(name, holder, batch_id))

    def _commit(self, name: str, holder: str, batch_id: str) -> Statements[None]:
        now = yield from self._now()
        row = yield self._sql(
            f"SELECT {FEED_COLUMNS} FROM change_feeds WHERE name = ?{self.dialect.row_lock}",
            (name,),
            fetch="one",
        )
        stored = StoredBatch.from_json(row[4]) if row and row[4] else None
        if stored is None or stored.batch_id != batch_id or row[5] != holder:
            raise LeaseLostError(f"feed {name!r}: the batch was taken over by another poller")
        if (row[6] or 0) <= now:
            raise LeaseLostError(
                f"feed {name!r}: the lease on the batch lapsed before its commit; the batch "
                "goes to the next poll"
            )
        for change in stored.changes:
            if stored.pushed:
                yield self._sql(
                    "UPDATE change_feed_inbox SET delivered = 1, data = NULL "
                    "WHERE feed = ? AND event_key = ?",
                    (name, change["key"]),
                )
            elif change["kind"] == "deleted":
                yield self._sql(
                    "DELETE FROM change_feed_items WHERE feed = ? AND item_id = ?",
                    (name, change["id"]),
                )
            else:
                yield from self._remember(name, change["id"], change["fingerprint"])
        caught_up = ", caught_up_to = ?" if stored.final else ""
        complete = ", last_complete_at = ?" if stored.final and stored.complete else ""
        params: tuple[Any, ...] = (
            *((stored.observed_at,) if caught_up else ()),
            *((now,) if complete else ()),
            name,
        )
        yield self._sql(
            "UPDATE change_feeds SET batch = NULL, holder = NULL, lease_until = NULL"
            f"{caught_up}{complete} WHERE name = ?",
            params,
        )

    def release(self, name: str, holder: str) -> Statements[None]:
        """Give up `holder`'s lease at once: the batch stays, for the next poll."""
        yield self._sql(
            "UPDATE change_feeds SET holder = NULL, lease_until = NULL "
            "WHERE name = ? AND holder = ?",
            (name, holder),
        )

    def peek(self, name: str) -> Statements[Peeked]:
        """The feed as the store has it, without a lease."""
        row = yield self._sql(
            f"SELECT {FEED_COLUMNS} FROM change_feeds WHERE name = ?", (name,), fetch="one"
        )
        known = yield from self._known(name)
        if row is None:
            return Peeked(None, known, None, exists=False)
        batch = StoredBatch.from_json(row[4]) if row[4] else None
        return Peeked(batch, known, row[1], exists=True)

    def status(self, name: str) -> Statements[FeedStatus]:
        row = yield self._sql(
            f"SELECT {FEED_COLUMNS} FROM change_feeds WHERE name = ?", (name,), fetch="one"
        )
        count = yield self._sql(
            "SELECT count(*) FROM change_feed_items WHERE feed = ?", (name,), fetch="one"
        )
        now = yield from self._now()
        if row is None:
            return FeedStatus(name, None, None, 0, None, int(count[0]))
        if row[4]:
            pending = len(StoredBatch.from_json(row[4]).changes)
        else:
            waiting = yield self._sql(
                "SELECT count(*) FROM change_feed_inbox WHERE feed = ? AND delivered = 0",
                (name,),
                fetch="one",
            )
            pending = int(waiting[0])
        holder = row[5] if row[5] is not None and (row[6] or 0) > now else None
        return FeedStatus(name, row[2], row[3], pending, holder, int(count[0]))

    def reset(self, name: str, since: str | None) -> Statements[None]:
        """Forget what the feed delivered: the next poll starts over (from `since`). Pushed
        events not yet committed stay in the inbox, for the next poll."""
        return self._transaction(self._reset(name, since))

    def _reset(self, name: str, since: str | None) -> Statements[None]:
        yield from self._forget(name)
        yield self._sql(
            "INSERT INTO change_feeds (name, baseline_since) VALUES (?, ?)", (name, since)
        )

    def delete(self, name: str) -> Statements[None]:
        """Remove the feed and everything it keeps, its inbox included."""
        return self._transaction(self._delete(name))

    def _delete(self, name: str) -> Statements[None]:
        yield from self._forget(name)
        yield self._sql("DELETE FROM change_feed_inbox WHERE feed = ?", (name,))

    def _forget(self, name: str) -> Statements[None]:
        yield self._sql("DELETE FROM change_feed_items WHERE feed = ?", (name,))
        yield self._sql("DELETE FROM change_feeds WHERE name = ?", (name,))

    # -- the inbox of pushed events ---------------------------------------------------

    def receive(self, name: str, event: Pushed) -> Statements[str | None]:
        """Store a pushed event in the feed's inbox, in one transaction; its change's key,
        or `None` when it is a duplicate (then nothing is written)."""
        return self._transaction(self._receive(name, event))

    def _receive(self, name: str, event: Pushed) -> Statements[str | None]:
        yield from self._row(name, None)  # locks the feed: one writer orders its inbox
        prefix = f"{event.source}:{event.record_id}"
        if event.event_id is not None:
            key = f"{prefix}:{event.event_id}"
            seen = yield self._sql(
                "SELECT 1 FROM change_feed_inbox WHERE feed = ? AND event_key = ?",
                (name, key),
                fetch="one",
            )
            if seen is not None:
                return None
        else:
            latest = yield self._sql(
                "SELECT fingerprint FROM change_feed_inbox WHERE feed = ? AND source = ? "
                "AND record_id = ? ORDER BY seq DESC LIMIT 1",
                (name, event.source, event.record_id),
                fetch="one",
            )
            if latest is not None and latest[0] == event.fingerprint:
                return None
        last = yield self._sql(
            "SELECT max(seq) FROM change_feed_inbox WHERE feed = ?", (name,), fetch="one"
        )
        seq = int(last[0] or 0) + 1
        if event.event_id is None:
            key = f"{prefix}:{event.fingerprint[:24]}:{seq}"
        yield self._sql(
            f"INSERT INTO change_feed_inbox (feed, {INBOX_COLUMNS}, seq) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                name,
                key,
                event.source,
                event.record_id,
                event.fingerprint,
                event.updated_at,
                event.received_at,
                json.dumps(event.data, separators=(",", ":")),
                seq,
            ),
        )
        return key

    def open_pushed_batch(
        self, name: str, holder: str, lease: float, *, max_changes: int, observed_at: str
    ) -> Statements[StoredBatch]:
        """Lease the inbox's oldest undelivered events (up to `max_changes`) to `holder` as
        the pending batch; a batch another poller stored in the meantime is taken (or found
        busy) instead."""
        return self._transaction(
            self._open_pushed_batch(
                name, holder, lease, max_changes=max_changes, observed_at=observed_at
            )
        )

    def _open_pushed_batch(
        self, name: str, holder: str, lease: float, *, max_changes: int, observed_at: str
    ) -> Statements[StoredBatch]:
        now = yield from self._now()
        row = yield from self._row(name, None)
        stored = yield from self._take(name, row, holder, lease, now)
        if stored is not None:
            return stored
        changes = yield from self._waiting(name, max_changes + 1)
        batch = StoredBatch(
            uuid.uuid4().hex,
            observed_at,
            final=len(changes) <= max_changes,
            complete=False,
            changes=changes[:max_changes],
            pushed=True,
        )
        yield self._sql(
            "UPDATE change_feeds SET batch = ?, holder = ?, lease_until = ? WHERE name = ?",
            (batch.to_json(), holder, now + lease, name),
        )
        return batch

    def _waiting(self, name: str, limit: int | None = None) -> Statements[list[dict[str, Any]]]:
        """The inbox's undelivered events as changes, oldest first."""
        rows = yield self._sql(
            f"SELECT {INBOX_COLUMNS} FROM change_feed_inbox WHERE feed = ? AND delivered = 0 "
            "ORDER BY seq" + ("" if limit is None else f" LIMIT {int(limit)}"),
            (name,),
            fetch="all",
        )
        return [
            {
                "kind": "updated",
                "id": record_id,
                "key": key,
                "fingerprint": fingerprint,
                "updated_at": updated_at,
                "data": json.loads(data),
                "source": source,
                "observed_at": received_at,
            }
            for key, source, record_id, fingerprint, updated_at, received_at, data in rows
        ]

    def peek_pushed(self, name: str) -> Statements[list[dict[str, Any]]]:
        """The inbox's undelivered events, without a lease."""
        return self._waiting(name)
