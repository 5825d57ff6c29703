"""Reading a listing up to `--limit`, and knowing how much was left out."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import Any

__all__ = ["Taken", "take"]


@dataclass(frozen=True)
class Taken:
    """The items read, the total the server reported (if it did), and whether more exist."""

    items: list[Any]
    total: int | None
    more: bool

    def note(self) -> str | None:
        """`50 of 250 shown (use --all or --limit)`, `50 shown, more available (…)`, or
        `None` when every item is shown."""
        shown = len(self.items)
        if self.total is not None and self.total > shown:
            return f"{shown} of {self.total} shown (use --all or --limit)"
        if self.more:
            return f"{shown} shown, more available (use --all or --limit)"
        return None


def take(listing: Any, limit: int | None) -> Taken:
    """At most `limit` items of `listing` (all when `None`).

    A `Pager` is read page by page and its pages' `total` kept; any other iterable is read
    one item past `limit`, to know whether more exist."""
    pages = getattr(listing, "pages", None)
    if not callable(pages):
        read = list(listing if limit is None else islice(iter(listing), limit + 1))
        return Taken(read[:limit], None, limit is not None and len(read) > limit)
    items: list[Any] = []
    total: int | None = None
    iterator = pages()
    try:
        for page in iterator:
            total = page.total if page.total is not None else total
            items += page.items
            if limit is None:
                continue
            if len(items) > limit or (total is not None and len(items) >= limit):
                break
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            close()
    more = limit is not None and len(items) > limit
    return Taken(items[:limit] if limit is not None else items, total, more)
