"""`UpdatedSince`: the "changed since" cursor of help-desk listings and change feeds.

Servers compare change times at their own resolution, write them late, and page over a
listing that changes under them; a cursor that asks for exactly "after the last change seen"
misses items. This one asks from `since - overlap` and drops what it has already passed on
(the same key with the same change time), so an item is neither missed nor repeated.

```python
cursor = UpdatedSince(since, overlap=timedelta(minutes=2))
for item in fetch(changed_after=cursor.ask_from()):
    if cursor.admit(item.id, item.updated_at):
        handle(item)
next_cursor = cursor.advanced()  # from the newest change seen, remembering the overlap's items
```
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

__all__ = ["DEFAULT_OVERLAP", "UpdatedSince"]

DEFAULT_OVERLAP = timedelta(seconds=60)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass
class UpdatedSince:
    """A cursor over change times.

    Attributes:
        since: items changed at or after this moment are wanted (naive times are UTC).
        overlap: how far before `since` the server is asked, for late-written changes.
        seen: `(key, change time)` pairs already passed on within the overlap window.
    """

    since: datetime
    overlap: timedelta = DEFAULT_OVERLAP
    seen: set[tuple[Hashable, datetime | None]] = field(default_factory=set)
    newest: datetime | None = None

    def __post_init__(self) -> None:
        self.since = _aware(self.since)
        if self.overlap < timedelta(0):
            raise ValueError(f"overlap must not be negative, not {self.overlap}")

    def ask_from(self) -> datetime:
        """The moment to ask the server for: `since - overlap`."""
        return self.since - self.overlap

    def admit(self, key: Hashable, updated_at: datetime | None) -> bool:
        """Whether an item is new to this cursor: changed at or after `since` (an item
        without a change time is admitted) and not passed on before with this change time."""
        moment = _aware(updated_at) if updated_at is not None else None
        if moment is not None and moment < self.ask_from():
            return False
        mark = (key, moment)
        if mark in self.seen:
            return False
        self.seen.add(mark)
        if moment is not None and (self.newest is None or moment > self.newest):
            self.newest = moment
        return True

    def advanced(self) -> UpdatedSince:
        """The cursor for the next poll: from the newest change admitted, keeping what was
        seen inside the new overlap window."""
        since = self.newest or self.since
        window = since - self.overlap
        kept = {m for m in self.seen if m[1] is not None and m[1] >= window}
        return UpdatedSince(since, self.overlap, kept)
