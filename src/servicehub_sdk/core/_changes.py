"""`Change`: one created, updated or deleted record, as a resource's `changes()` lists it and
a change feed (`servicehub_sdk.feeds`) delivers it; and the listing helpers that make
`changes()` out of a resource's listing."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel

from ._clock import current_clock
from ._cursor import UpdatedSince
from ._pagination import Page, fingerprint
from ._request import Flow, Step, start

__all__ = [
    "Change",
    "ChangeKind",
    "Fingerprint",
    "change_key",
    "change_of",
    "changed_pages",
    "fingerprint_of",
    "mapped_pages",
]

T = TypeVar("T")
A = TypeVar("A")
B = TypeVar("B")

ChangeKind = Literal["created", "updated", "deleted"]
"""What happened to the record."""

Fingerprint = Callable[[Any], str]
"""Turns a scanned record into the text that changes when the record does."""


@dataclass(frozen=True, slots=True)
class Change(Generic[T]):
    """One change to one record.

    Attributes:
        kind: `created`, `updated` or `deleted`.
        id: the record's id at the vendor.
        key: stable for this change of this record (the same when it is delivered again
            after a crash): an idempotency key for handlers.
        item: the record as scanned; `None` for `deleted`.
        updated_at: the vendor's modification time, where the record carries one.
        observed_at: when the SDK saw the change (the scan's time, UTC).
    """

    kind: ChangeKind
    id: str
    key: str
    item: T | None
    updated_at: datetime | None
    observed_at: datetime


def fingerprint_of(item: Any) -> str:
    """The default fingerprint: a SHA-256 of every field the scan read (`updatedAt` and
    `externalId` included), so a change to any of them is a change of the record."""
    data = item.model_dump(mode="json") if isinstance(item, BaseModel) else item
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def change_key(kind: ChangeKind, record_id: str, fingerprint: str) -> str:
    """`kind:id:fingerprint`: the same change of the same record has the same key."""
    return f"{kind}:{record_id}:{fingerprint[:32]}"


def mapped_pages(step: Step[Page[A]], convert: Callable[[A], B]) -> Step[Page[B]]:
    """The listing `step` with `convert` applied to every item, page by page."""

    def flow() -> Flow[Page[B]]:
        page = yield from start(step)
        return Page(
            items=[convert(item) for item in page.items],
            next=None if page.next is None else mapped_pages(page.next, convert),
            total=page.total,
            fetched=page.fetched,
            fingerprint=page.fingerprint,
        )

    return flow


def change_of(
    item: Any,
    *,
    since: datetime | None,
    updated_at: datetime | None = None,
    created_at: datetime | None = None,
) -> Change[Any]:
    """A scanned record as a stateless change: `created` when it was created since `since`
    (or no `since` was given), else `updated`."""
    kind: ChangeKind = "created"
    if since is not None and (created_at is None or created_at < since):
        kind = "updated"
    record_id = str(item.id)
    return Change(
        kind=kind,
        id=record_id,
        key=change_key(kind, record_id, fingerprint_of(item)),
        item=item,
        updated_at=updated_at,
        observed_at=datetime.fromtimestamp(current_clock().time(), UTC),
    )


_DAWN = datetime(1970, 1, 1, tzinfo=UTC)


def changed_pages(step: Step[Page[A]], convert: Callable[[A], Change[B]]) -> Step[Page[Change[B]]]:
    """A listing the server filtered as changes: each item converted, and kept once (a
    record read twice as pages shift under the listing, with the same modification time,
    comes once; see `UpdatedSince`). The server's filter decides what is listed: its times
    may be rounded to its own resolution, so they are not compared here again. The record
    of what was kept starts afresh on every iteration."""

    def first() -> Flow[Page[Change[B]]]:
        return (yield from _changed_page(step, convert, UpdatedSince(_DAWN, timedelta(0))))

    return first


def _changed_page(
    step: Step[Page[A]], convert: Callable[[A], Change[B]], cursor: UpdatedSince
) -> Flow[Page[Change[B]]]:
    page = yield from start(step)
    changes = [convert(item) for item in page.items]
    following = page.next

    def next_page() -> Flow[Page[Change[B]]]:
        assert following is not None
        return (yield from _changed_page(following, convert, cursor))

    return Page(
        items=[c for c in changes if cursor.admit(c.id, c.updated_at)],
        next=next_page if following is not None else None,
        fetched=page.fetched if page.fetched is not None else len(page.items),
        fingerprint=page.fingerprint or fingerprint([(c.id, c.updated_at) for c in changes]),
    )
