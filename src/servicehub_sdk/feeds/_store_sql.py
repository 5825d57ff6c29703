"""The change feeds' SQL: statement flows (sans I/O) in the journal's dialects.

The feeds share the journal's driver (`integrations._journal_sql`): each operation here is a
generator of statements that `run_statements` or `run_statements_async` drives over a SQLite
or PostgreSQL connection, so one database may hold the link journal and the feeds.

Tables (layout `SCHEMA_VERSION`, kept in `change_feed_version`):

- `change_feeds`: one row per feed: the time it is caught up to, when its last complete scan
  ran, the pending batch (JSON) and the lease on it (holder, expiry by the database's clock).
- `change_feed_items`: per feed, the fingerprint of every record it has delivered.
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
    "Scanned",
    "StoredBatch",
]

SCHEMA_VERSION = 1
"""The feed store layout this release writes."""

FEED_COLUMNS = "name, baseline_since, caught_up_to, last_complete_at, batch, holder, lease_until"


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
    """

    batch_id: str
    observed_at: str
    final: bool
    complete: bool
    changes: list[dict[str, Any]]
    held: bool = True

    def to_json(self) -> str:
        return json.dumps(
            {
                "batch_id": self.batch_id,
                "observed_at": self.observed_at,
                "final": self.final,
                "complete": self.complete,
                "changes": self.changes,
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> StoredBatch:
        data = json.loads(text)
        return cls(
            data["batch_id"], data["observed_at"], data["final"], data["complete"], data["changes"]
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
            yield self._sql(
                "INSERT INTO change_feed_version (version) VALUES (?)", (SCHEMA_VERSION,)
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
            if change["kind"] == "deleted":
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
        pending = len(StoredBatch.from_json(row[4]).changes) if row[4] else 0
        holder = row[5] if row[5] is not None and (row[6] or 0) > now else None
        return FeedStatus(name, row[2], row[3], pending, holder, int(count[0]))

    def reset(self, name: str, since: str | None) -> Statements[None]:
        """Forget what the feed delivered: the next poll starts over (from `since`)."""
        return self._transaction(self._reset(name, since))

    def _reset(self, name: str, since: str | None) -> Statements[None]:
        yield from self._delete(name)
        yield self._sql(
            "INSERT INTO change_feeds (name, baseline_since) VALUES (?, ?)", (name, since)
        )

    def delete(self, name: str) -> Statements[None]:
        """Remove the feed and everything it keeps."""
        return self._transaction(self._delete(name))

    def _delete(self, name: str) -> Statements[None]:
        yield self._sql("DELETE FROM change_feed_items WHERE feed = ?", (name,))
        yield self._sql("DELETE FROM change_feeds WHERE name = ?", (name,))
