"""`ChangeFeed` and `AsyncChangeFeed`: durable change feeds over a resource's `changes()`.

A poll leases the feed's pending batch, or scans the resource, compares what it read with the
fingerprints of what the feed delivered before and stores the changes it finds as the new
pending batch, leased to the poller. The batch is committed (fingerprints applied, batch
cleared) when the poller's `with` block ends without error, released at once when it ends
with one, and taken by the next poll when its lease lapses first.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

from pydantic import BaseModel

from ..core._clock import Clock, current_clock
from ..core._errors import ConfigurationError
from ..integrations._journal import AsyncJournal, Journal
from ._change import Change, Fingerprint, fingerprint_of
from ._inbox import FeedInbox
from ._store import AsyncFeedStore, FeedStore
from ._store_sql import FeedStatus, Opened, Peeked, Scanned, StoredBatch, diff

__all__ = [
    "DEFAULT_COMPLETE_EVERY",
    "DEFAULT_LEASE_SECONDS",
    "DEFAULT_MAX_CHANGES",
    "AsyncChangeBatch",
    "AsyncChangeFeed",
    "ChangeBatch",
    "ChangeFeed",
]

T = TypeVar("T")

DEFAULT_MAX_CHANGES = 500
"""The most changes one poll delivers."""

DEFAULT_LEASE_SECONDS = 300.0
"""How long a poller holds its batch before another may take it."""

DEFAULT_COMPLETE_EVERY = 3600.0
"""Seconds between the complete scans that find deletions (`None`: only when asked)."""


def _holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ConfigurationError("a change feed needs a name: ChangeFeed(resource, name=...)")
    return name


def _model_of(resource: Any) -> type[BaseModel] | None:
    model = getattr(resource, "_change_model", None)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _pushed_settings(resource: Any, name: str | None, state: Any) -> tuple[str, Any]:
    """A feed over an inbox defaults to the inbox's name and store; another name would
    deliver nothing the inbox receives."""
    if isinstance(resource, FeedInbox):
        if name is not None and name != resource.name:
            raise ConfigurationError(
                f"the inbox writes to the feed {resource.name!r}: ChangeFeed(inbox) without "
                "name= delivers its events"
            )
        name, state = resource.name, resource.state if state is None else state
    if state is None:
        raise ConfigurationError("a change feed needs state=... (where it keeps its state)")
    return _check_name(name or ""), state


def _check_resource(resource: Any) -> None:
    if isinstance(resource, FeedInbox):
        return
    if not callable(getattr(resource, "changes", None)):
        raise ConfigurationError(
            f"{type(resource).__name__} has no changes(): a feed needs a resource that lists "
            "its changes (for example hub.service_cases)"
        )


class _FeedBase(Generic[T]):
    """What the sync and async feed share: settings, and turning stored changes into
    `Change` objects."""

    def __init__(
        self,
        resource: Any,
        *,
        name: str,
        since: datetime | None,
        lease_seconds: float,
        complete_every: float | None,
        fingerprint: Fingerprint,
        listing_arguments: dict[str, Any],
    ) -> None:
        _check_resource(resource)
        if isinstance(resource, FeedInbox) and (since is not None or listing_arguments):
            raise ConfigurationError(
                "a feed over an inbox delivers every event it receives: since= and listing "
                "arguments do not apply"
            )
        if since is not None and since.tzinfo is None:
            raise ConfigurationError("since must be timezone-aware (for example in UTC)")
        if lease_seconds < 0:
            raise ConfigurationError("lease_seconds must not be negative")
        self.resource = resource
        self.name = _check_name(name)
        self.since = since
        self.lease_seconds = lease_seconds
        self.complete_every = complete_every
        self.fingerprint = fingerprint
        self.listing_arguments = listing_arguments
        self.holder = _holder()
        self._clock: Clock = current_clock()
        self._model = _model_of(resource)
        self._inbox = resource if isinstance(resource, FeedInbox) else None

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock.time(), UTC)

    def _since_text(self) -> str | None:
        return self.since.isoformat() if self.since else None

    def _wants_complete(self, opened: Opened, complete: bool) -> bool:
        if complete or opened.last_complete_at is None:
            return True
        if self.complete_every is None:
            return False
        return opened.now - opened.last_complete_at >= self.complete_every

    def _incremental(self, complete: bool) -> bool:
        """Whether a scan asks the resource only for what changed since the cursor: not a
        complete one, and only of a resource that filters on the server."""
        return not complete and bool(getattr(self.resource, "_changes_filter_server_side", False))

    def _listing(self, cursor: datetime | None) -> dict[str, Any]:
        """What `changes()` is called with: `since=` the cursor (the resource asks from a
        little earlier: its overlap) when there is one, else everything."""
        if cursor is None:
            return self.listing_arguments
        return {**self.listing_arguments, "since": cursor}

    def _scanned(self, change: Change[Any]) -> Scanned:
        item = change.item
        data = item.model_dump(mode="json", by_alias=True) if isinstance(item, BaseModel) else item
        return Scanned(change.id, self.fingerprint(item), change.updated_at, data)

    def _changes(self, batch: StoredBatch | None) -> list[Change[T]]:
        if batch is None or not batch.held:
            return []
        observed = datetime.fromisoformat(batch.observed_at)
        return [self._change(stored, observed) for stored in batch.changes]

    def _change(self, stored: dict[str, Any], observed: datetime) -> Change[T]:
        data = stored["data"]
        item = data if data is None or self._model is None else self._model.model_validate(data)
        if self._inbox is not None:  # a pushed event: typed by its source, seen on arrival
            item = self._inbox.load(stored["source"], data)
            observed = datetime.fromisoformat(stored["observed_at"])
        updated = stored["updated_at"]
        return Change(
            kind=stored["kind"],
            id=stored["id"],
            key=stored["key"],
            item=item,
            updated_at=datetime.fromisoformat(updated) if updated else None,
            observed_at=observed,
        )

    def _peeked(self, peeked: Peeked, scan: list[Scanned]) -> list[Change[T]]:
        """What the next poll would deliver, from the store's view and a fresh scan."""
        baseline = peeked.baseline_since if peeked.exists else self._since_text()
        since = datetime.fromisoformat(baseline) if baseline else None
        changes, _ = diff(peeked.known, scan, complete=True, baseline_since=since)
        return self._changes(StoredBatch("", self._now().isoformat(), True, True, changes))

    def _waiting(self, changes: list[dict[str, Any]]) -> list[Change[T]]:
        """The inbox's undelivered events, as the next poll would deliver them."""
        return self._changes(StoredBatch("", self._now().isoformat(), True, False, changes))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.resource!r}, name={self.name!r})"


class _BatchBase(Generic[T]):
    def __init__(self, feed_name: str, changes: list[Change[T]], batch: StoredBatch | None):
        self.feed_name = feed_name
        self.changes = changes
        self._batch = batch
        self.done = False

    @property
    def held(self) -> bool:
        """Whether this poller holds a batch (`False`: another poller held the feed's)."""
        return self._batch is not None and self._batch.held

    @property
    def final(self) -> bool:
        """Whether the batch holds every change its scan found (else poll again soon)."""
        return self._batch is None or self._batch.final

    def __iter__(self) -> Iterator[Change[T]]:
        return iter(self.changes)

    def __len__(self) -> int:
        return len(self.changes)

    def __bool__(self) -> bool:
        return bool(self.changes)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self.feed_name!r}: {len(self.changes)} changes>"


class ChangeBatch(_BatchBase[T]):
    """The changes of one poll, under the poller's lease: committed when the `with` block
    ends without error, released for the next poll when it ends with one."""

    def __init__(self, feed: ChangeFeed[T], changes: list[Change[T]], batch: StoredBatch | None):
        super().__init__(feed.name, changes, batch)
        self._feed = feed

    def commit(self) -> None:
        """Commit the batch: its changes are never delivered again.

        Raises:
            LeaseLostError: the lease lapsed first; nothing was committed.
        """
        if self.done or not self.held or self._batch is None:
            return
        self.done = True
        self._feed._store.run(
            self._feed._store.sql.commit(self._feed.name, self._feed.holder, self._batch.batch_id)
        )

    def release(self) -> None:
        """Give the batch up at once: the next poll delivers it again."""
        if self.done or not self.held:
            return
        self.done = True
        self._feed._store.run(self._feed._store.sql.release(self._feed.name, self._feed.holder))

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.release()


class AsyncChangeBatch(_BatchBase[T]):
    """`ChangeBatch` for `async with`."""

    def __init__(
        self, feed: AsyncChangeFeed[T], changes: list[Change[T]], batch: StoredBatch | None
    ):
        super().__init__(feed.name, changes, batch)
        self._feed = feed

    async def commit(self) -> None:
        """See `ChangeBatch.commit`."""
        if self.done or not self.held or self._batch is None:
            return
        self.done = True
        store = await self._feed._open()
        await store.run(store.sql.commit(self._feed.name, self._feed.holder, self._batch.batch_id))

    async def release(self) -> None:
        """See `ChangeBatch.release`."""
        if self.done or not self.held:
            return
        self.done = True
        store = await self._feed._open()
        await store.run(store.sql.release(self._feed.name, self._feed.holder))

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is None:
            await self.commit()
        else:
            await self.release()


class ChangeFeed(_FeedBase[T]):
    """A durable feed of the changes to `resource` (a sync client's resource with
    `changes()`, such as `hub.service_cases`).

    Args:
        resource: what to follow; or an inbox of pushed events (`WebCallInbox`),
            whose name and store the feed then takes (`ChangeFeed(inbox)`).
        name: the feed's name in its store; feeds of one store need names of their own.
        state: where the feed keeps its state: a SQLite path, a `postgresql://` URL, a
            `FeedStore` or an opened link journal.
        since: on a new feed, deliver only records changed since then (records without a
            modification time are taken as they are); without it the first poll delivers
            every record as `created`.
        lease_seconds: how long a poller holds its batch before another may take it.
        complete_every: seconds between complete scans, which find deletions (`None`: only
            `poll(complete=True)`); the first scan is always complete.
        fingerprint: what makes a record changed (default: a hash of every scanned field).
        **listing_arguments: passed to `resource.changes()` (for example `view=`).
    """

    def __init__(
        self,
        resource: Any,
        *,
        name: str | None = None,
        state: str | Path | FeedStore | Journal | None = None,
        since: datetime | None = None,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        complete_every: float | None = DEFAULT_COMPLETE_EVERY,
        fingerprint: Fingerprint = fingerprint_of,
        **listing_arguments: Any,
    ) -> None:
        name, where = _pushed_settings(resource, name, state)
        super().__init__(
            resource,
            name=name,
            since=since,
            lease_seconds=lease_seconds,
            complete_every=complete_every,
            fingerprint=fingerprint,
            listing_arguments=listing_arguments,
        )
        self._store = FeedStore.open(where)
        self._owns_store = self._store is not where
        self._closed = False

    def _scan(self, complete: bool = True) -> list[Scanned]:
        cursor = self.cursor if self._incremental(complete) else None
        pager = self.resource.changes(**self._listing(cursor))
        return [self._scanned(change) for change in pager]

    def poll(self, max_changes: int = 500, *, complete: bool = False) -> ChangeBatch[T]:
        """Lease the next batch of changes (at most `max_changes`), possibly empty.

        Delivers the pending batch again when an earlier poller left it uncommitted;
        otherwise scans the resource (`changes()`) and stores what changed as the new
        batch. `complete=True` makes the scan complete: records it no longer finds are
        delivered as `deleted`. Use it as `with feed.poll() as batch:`.
        """
        if max_changes < 1:
            raise ConfigurationError("max_changes must be at least 1")
        sql = self._store.sql
        opened = self._store.run(
            sql.take_pending(self.name, self.holder, self.lease_seconds, self._since_text())
        )
        batch = opened.batch
        if batch is None and self._inbox is not None:
            batch = self._store.run(
                sql.open_pushed_batch(
                    self.name,
                    self.holder,
                    self.lease_seconds,
                    max_changes=max_changes,
                    observed_at=self._now().isoformat(),
                )
            )
        if batch is None:
            observed = self._now().isoformat()
            complete = self._wants_complete(opened, complete)
            scan = self._scan(complete)
            batch = self._store.run(
                sql.open_batch(
                    self.name,
                    self.holder,
                    self.lease_seconds,
                    scan,
                    complete=complete,
                    max_changes=max_changes,
                    observed_at=observed,
                )
            )
        return ChangeBatch(self, self._changes(batch), batch)

    def pending(self) -> list[Change[T]]:
        """What the next poll would deliver, without a lease and without storing anything
        (scans the resource unless a batch is pending)."""
        peeked = self._store.run(self._store.sql.peek(self.name))
        if peeked.batch is not None:
            return self._changes(peeked.batch)
        if self._inbox is not None:
            return self._waiting(self._store.run(self._store.sql.peek_pushed(self.name)))
        return self._peeked(peeked, self._scan())

    def status(self) -> FeedStatus:
        """Where the feed stands (`FeedStatus`)."""
        return self._store.run(self._store.sql.status(self.name))

    @property
    def cursor(self) -> datetime | None:
        """The time of the last scan whose changes are all committed."""
        caught_up = self.status().caught_up_to
        return datetime.fromisoformat(caught_up) if caught_up else None

    @property
    def lag(self) -> timedelta | None:
        """How far behind now the cursor is (`None` before the first commit)."""
        cursor = self.cursor
        return None if cursor is None else self._now() - cursor

    def reset(self, since: datetime | None = None) -> None:
        """Start over: the next poll delivers every record as `created` (or, with `since`,
        those changed since then)."""
        if since is not None and since.tzinfo is None:
            raise ConfigurationError("since must be timezone-aware (for example in UTC)")
        self._store.run(self._store.sql.reset(self.name, since.isoformat() if since else None))

    def delete(self) -> None:
        """Remove the feed and its state from the store."""
        self._store.run(self._store.sql.delete(self.name))

    def watch(
        self,
        handler: Callable[[Change[T]], object],
        *,
        interval: float = 60.0,
        max_changes: int = DEFAULT_MAX_CHANGES,
        polls: int | None = None,
    ) -> int:
        """Poll until interrupted (or `polls` times), calling `handler` for every change and
        committing each batch once all its changes were handled; waits `interval` seconds
        after a poll that left nothing to deliver. Returns how many changes were handled.

        An exception from `handler` releases the batch (it is delivered again) and ends the
        loop.
        """
        handled = 0
        done = 0
        while polls is None or done < polls:
            done += 1
            with self.poll(max_changes) as batch:
                for change in batch:
                    handler(change)
            handled += len(batch)
            if batch.final or not batch.held:
                if polls is not None and done >= polls:
                    break
                self._clock.sleep(interval)
        return handled

    def close(self) -> None:
        """Close the store, if the feed opened it."""
        if self._owns_store and not self._closed:
            self._closed = True
            self._store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncChangeFeed(_FeedBase[T]):
    """`ChangeFeed` for an async client's resource: `async with feed.poll() as batch:`.

    `state` also takes an `AsyncFeedStore` or an opened async link journal; the store is
    opened on first use.
    """

    def __init__(
        self,
        resource: Any,
        *,
        name: str | None = None,
        state: str | Path | AsyncFeedStore | AsyncJournal | Journal | None = None,
        since: datetime | None = None,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        complete_every: float | None = DEFAULT_COMPLETE_EVERY,
        fingerprint: Fingerprint = fingerprint_of,
        **listing_arguments: Any,
    ) -> None:
        name, where = _pushed_settings(resource, name, state)
        super().__init__(
            resource,
            name=name,
            since=since,
            lease_seconds=lease_seconds,
            complete_every=complete_every,
            fingerprint=fingerprint,
            listing_arguments=listing_arguments,
        )
        self._state = where
        self._store: AsyncFeedStore | None = where if isinstance(where, AsyncFeedStore) else None
        self._owns_store = self._store is None

    async def _open(self) -> AsyncFeedStore:
        if self._store is None:
            self._store = await AsyncFeedStore.open(self._state)
        return self._store

    async def _scan(self, complete: bool = True) -> list[Scanned]:
        cursor = await self.cursor() if self._incremental(complete) else None
        pager = self.resource.changes(**self._listing(cursor))
        return [self._scanned(change) async for change in pager]

    def poll(
        self, max_changes: int = DEFAULT_MAX_CHANGES, *, complete: bool = False
    ) -> _Polling[T]:
        """See `ChangeFeed.poll`: `async with feed.poll() as batch:`."""
        if max_changes < 1:
            raise ConfigurationError("max_changes must be at least 1")
        return _Polling(self._poll(max_changes, complete))

    async def _poll(self, max_changes: int, complete: bool) -> AsyncChangeBatch[T]:
        store = await self._open()
        sql = store.sql
        opened = await store.run(
            sql.take_pending(self.name, self.holder, self.lease_seconds, self._since_text())
        )
        batch = opened.batch
        if batch is None and self._inbox is not None:
            batch = await store.run(
                sql.open_pushed_batch(
                    self.name,
                    self.holder,
                    self.lease_seconds,
                    max_changes=max_changes,
                    observed_at=self._now().isoformat(),
                )
            )
        if batch is None:
            observed = self._now().isoformat()
            complete = self._wants_complete(opened, complete)
            scan = await self._scan(complete)
            batch = await store.run(
                sql.open_batch(
                    self.name,
                    self.holder,
                    self.lease_seconds,
                    scan,
                    complete=complete,
                    max_changes=max_changes,
                    observed_at=observed,
                )
            )
        return AsyncChangeBatch(self, self._changes(batch), batch)

    async def pending(self) -> list[Change[T]]:
        """See `ChangeFeed.pending`."""
        store = await self._open()
        peeked = await store.run(store.sql.peek(self.name))
        if peeked.batch is not None:
            return self._changes(peeked.batch)
        if self._inbox is not None:
            return self._waiting(await store.run(store.sql.peek_pushed(self.name)))
        return self._peeked(peeked, await self._scan())

    async def status(self) -> FeedStatus:
        """See `ChangeFeed.status`."""
        store = await self._open()
        return await store.run(store.sql.status(self.name))

    async def cursor(self) -> datetime | None:
        """See `ChangeFeed.cursor`."""
        caught_up = (await self.status()).caught_up_to
        return datetime.fromisoformat(caught_up) if caught_up else None

    async def lag(self) -> timedelta | None:
        """See `ChangeFeed.lag`."""
        cursor = await self.cursor()
        return None if cursor is None else self._now() - cursor

    async def reset(self, since: datetime | None = None) -> None:
        """See `ChangeFeed.reset`."""
        if since is not None and since.tzinfo is None:
            raise ConfigurationError("since must be timezone-aware (for example in UTC)")
        store = await self._open()
        await store.run(store.sql.reset(self.name, since.isoformat() if since else None))

    async def delete(self) -> None:
        """See `ChangeFeed.delete`."""
        store = await self._open()
        await store.run(store.sql.delete(self.name))

    async def watch(
        self,
        handler: Callable[[Change[T]], Awaitable[object] | object],
        *,
        interval: float = 60.0,
        max_changes: int = DEFAULT_MAX_CHANGES,
        polls: int | None = None,
    ) -> int:
        """See `ChangeFeed.watch`; `handler` may be a coroutine function."""
        handled = 0
        done = 0
        while polls is None or done < polls:
            done += 1
            async with self.poll(max_changes) as batch:
                for change in batch:
                    result = handler(change)
                    if isinstance(result, Awaitable):
                        await result
            handled += len(batch)
            if batch.final or not batch.held:
                if polls is not None and done >= polls:
                    break
                await self._clock.async_sleep(interval)
        return handled

    async def close(self) -> None:
        """Close the store, if the feed opened it."""
        if self._owns_store and self._store is not None:
            store, self._store = self._store, None
            await store.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


class _Polling(Generic[T]):
    """`feed.poll()` of an async feed: awaitable, and usable as `async with`."""

    def __init__(self, polling: Awaitable[AsyncChangeBatch[T]]) -> None:
        self._polling = polling
        self._batch: AsyncChangeBatch[T] | None = None

    def __await__(self) -> Any:
        return self._polling.__await__()

    async def __aenter__(self) -> AsyncChangeBatch[T]:
        self._batch = await self._polling
        return self._batch

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._batch is not None:
            await self._batch.__aexit__(exc_type, exc, traceback)
