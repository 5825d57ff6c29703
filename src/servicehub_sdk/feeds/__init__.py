"""Change feeds: what changed since the last run, durable, delivered until committed.

- `Change`: one created, updated or deleted record (`key`: an idempotency key for handlers).
- `ChangeFeed` / `AsyncChangeFeed`: a named feed over a resource's `changes()`, keeping its
  state in SQLite or PostgreSQL (`state=`, as the link journal's `journal=`):
  `with feed.poll() as batch:` delivers a batch under a lease and commits it when the block
  ends without error.
- `FeedStore` / `AsyncFeedStore`: an opened store, to share between feeds.
- `FeedInbox`: where events a vendor pushes wait for their feed (`ChangeFeed(inbox)`);
  `WebCallInbox` keeps SpiceCSM's web calls (`spicecsm.WebCallApp(inbox=...)`).
- `LeaseLostError`: a commit came after the batch's lease lapsed.
"""

from ._change import Change, ChangeKind, Fingerprint, LeaseLostError, change_key, fingerprint_of
from ._feed import (
    DEFAULT_COMPLETE_EVERY,
    DEFAULT_LEASE_SECONDS,
    DEFAULT_MAX_CHANGES,
    AsyncChangeBatch,
    AsyncChangeFeed,
    ChangeBatch,
    ChangeFeed,
)
from ._inbox import FeedInbox
from ._spicecsm import WebCallInbox
from ._store import AsyncFeedStore, FeedStore
from ._store_sql import SCHEMA_VERSION, FeedStatus, FeedVersionError

__all__ = [
    "DEFAULT_COMPLETE_EVERY",
    "DEFAULT_LEASE_SECONDS",
    "DEFAULT_MAX_CHANGES",
    "SCHEMA_VERSION",
    "AsyncChangeBatch",
    "AsyncChangeFeed",
    "AsyncFeedStore",
    "Change",
    "ChangeBatch",
    "ChangeFeed",
    "ChangeKind",
    "FeedInbox",
    "FeedStatus",
    "FeedStore",
    "FeedVersionError",
    "Fingerprint",
    "LeaseLostError",
    "WebCallInbox",
    "change_key",
    "fingerprint_of",
]
