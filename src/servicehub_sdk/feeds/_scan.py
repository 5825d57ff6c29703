"""Listings of changes: a resource's `changes()` is its listing with each record as a
`Change`, so a feed reads every backend's records the same way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from ..core._clock import current_clock
from ..core._pagination import Page
from ..core._request import Flow, Step, start
from ._change import Change, ChangeKind, change_key, fingerprint_of

__all__ = ["change_of", "mapped_pages"]

A = TypeVar("A")
B = TypeVar("B")


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
