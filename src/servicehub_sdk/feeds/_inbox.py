"""`FeedInbox`: where the events a vendor pushes wait for their change feed.

A server that receives pushed events (SpiceCSM's web calls: `WebCallInbox`) writes
each one to the inbox, one transaction in the feed store, before it acknowledges it; a
`ChangeFeed(inbox)` delivers them as `Change`s with the usual poll, lease and commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..core._clock import current_clock
from ..core._errors import ConfigurationError
from ._change import fingerprint_of
from ._store import FeedStore, State
from ._store_sql import Pushed

__all__ = ["FeedInbox"]


class FeedInbox:
    """The inbox of the change feed `name` in the store `state`: pushed events are put in
    (`put`), and `ChangeFeed(inbox)` delivers them.

    Args:
        state: the feed store, as `ChangeFeed(state=...)` takes it (a SQLite path, a
            `postgresql://` URL, a `FeedStore` or an opened link journal); opened on the
            first `put`, and opened again after a failed one.
        name: the name of the feed that delivers the events.
        models: the event sources and the model each one's data is read back into.
    """

    def __init__(self, state: State, *, name: str, models: Mapping[str, type[BaseModel]]) -> None:
        if not isinstance(name, str) or not name.strip():
            raise ConfigurationError("an inbox needs the name of its feed: name=...")
        self.state = state
        self.name = name
        self.models = dict(models)
        # a path or URL is opened on the first put (after a fork, in the serving process)
        self._store = None if isinstance(state, str | Path) else FeedStore.open(state)
        self._owns_store = self._store is None
        self._lock = threading.Lock()

    def _opened(self) -> FeedStore:
        with self._lock:
            if self._store is None:
                self._store = FeedStore.open(self.state)
            return self._store

    def put(
        self,
        source: str,
        record_id: str,
        item: BaseModel,
        *,
        event_id: str | None = None,
        updated_at: datetime | None = None,
    ) -> str | None:
        """Store one pushed event in a single transaction; returns its change's key, or
        `None` when it is a duplicate (an `event_id` already received, or, without one, the
        same data as the latest event of `record_id`). Raises whatever the store raises,
        having written nothing."""
        if source not in self.models:
            raise ConfigurationError(f"the inbox has no model for {source!r} events")
        data = self.dump(source, item)
        event = Pushed(
            source=source,
            record_id=record_id,
            fingerprint=fingerprint_of(data),
            data=data,
            event_id=event_id,
            updated_at=updated_at.isoformat() if updated_at else None,
            received_at=datetime.fromtimestamp(current_clock().time(), UTC).isoformat(),
        )
        store = self._opened()
        try:
            return store.run(store.sql.receive(self.name, event))
        except Exception:
            self._drop(store)  # a broken connection is opened anew for the next event
            raise

    async def put_async(
        self,
        source: str,
        record_id: str,
        item: BaseModel,
        *,
        event_id: str | None = None,
        updated_at: datetime | None = None,
    ) -> str | None:
        """`put` for an event loop: the short write runs in a worker thread."""
        return await asyncio.to_thread(
            self.put, source, record_id, item, event_id=event_id, updated_at=updated_at
        )

    def dump(self, source: str, item: BaseModel) -> Any:
        """The event's data as the inbox stores it (JSON-ready)."""
        return item.model_dump(mode="json")

    def load(self, source: str, data: Any) -> Any:
        """The typed event back from its stored data (the data itself for an unknown
        source)."""
        model = self.models.get(source)
        return data if model is None or data is None else model.model_validate(data)

    def _drop(self, store: FeedStore) -> None:
        if not self._owns_store:
            return
        with self._lock:
            if self._store is store:
                self._store = None
        with contextlib.suppress(Exception):  # already broken: nothing more to release
            store.close()

    def close(self) -> None:
        """Close the store, if the inbox opened it."""
        if self._owns_store and self._store is not None:
            store, self._store = self._store, None
            store.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"
