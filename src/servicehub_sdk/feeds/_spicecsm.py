"""`WebCallInbox`: SpiceCSM's account and case updates, kept in a change feed's store: the
push source of the feeds.

`spicecsm.WebCallApp(..., inbox=inbox)` writes every account update and case update to the inbox
before it answers 200; `ChangeFeed(inbox)` delivers them as `Change`s (`item`: the
`CaseUpdate` or `AccountData` as received).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from ..spicecsm import AccountData, CaseUpdate
from ._inbox import FeedInbox
from ._store import State

__all__ = ["WebCallInbox"]

MODELS: dict[str, type[BaseModel]] = {"case_update": CaseUpdate, "account_update": AccountData}
"""The web calls an inbox keeps (`WebCallApp` sends it those) and their models."""


class WebCallInbox(FeedInbox):
    """Where `spicecsm.WebCallApp` keeps the account and case updates SpiceCSM sends, until the
    change feed `name` delivers them.

    Args:
        state: the feed store: a SQLite path, a `postgresql://` URL, a `FeedStore` or an
            opened link journal (as `ChangeFeed(state=...)`).
        name: the name of the feed that delivers the web calls (`ChangeFeed(inbox)`).

    Each web call becomes one `Change(kind="updated")`:

    - a case update: `id` the case (`cid`), `item` the `CaseUpdate`, `updated_at` the
      latest ticket `date` (SpiceCSM's local time, without a zone, as sent), `key`
      `case_update:<cid>:<response ids>`. A case update whose tickets' response ids were
      received before is a duplicate (one ticket without an id: its data decides, as below).
    - an account update: `id` the `userkey`, `item` the `AccountData` (its `password` is
      not kept), no `updated_at` (SpiceCSM sends no time), `key`
      `account_update:<userkey>:<hash>:<n>`. SpiceCSM sends no id either: an account update
      identical to the latest one received for the account is a duplicate.
    """

    def __init__(self, state: State, *, name: str) -> None:
        super().__init__(state, name=name, models=MODELS)

    def receive(self, call: str, argument: Any) -> str | None:
        """Store the `call` (`case_update` or `account_update`) web call's parsed
        `argument` in one transaction; its change's key, or `None` for a duplicate."""
        record_id, event_id, updated_at = _event(argument)
        return self.put(call, record_id, argument, event_id=event_id, updated_at=updated_at)

    async def receive_async(self, call: str, argument: Any) -> str | None:
        """`receive` for an event loop (the write runs in a worker thread)."""
        record_id, event_id, updated_at = _event(argument)
        return await self.put_async(
            call, record_id, argument, event_id=event_id, updated_at=updated_at
        )

    def dump(self, source: str, item: BaseModel) -> Any:
        if isinstance(item, AccountData):
            return item.model_dump(mode="json", exclude={"user": {"password"}})
        data = item.model_dump(mode="json")
        if isinstance(item, CaseUpdate):
            for ticket in data["tickets"]:
                # the date as SpiceCSM wrote it, which the model reads back (and parses)
                ticket["date"] = ticket.pop("date_raw")
        return data


def _event(argument: Any) -> tuple[str, str | None, datetime | None]:
    """A web call's record id, event id (`None`: it has none) and time."""
    if isinstance(argument, CaseUpdate):
        tickets = argument.tickets
        cases = sorted({ticket.cid for ticket in tickets if ticket.cid})
        record_id = ",".join(cases) or argument.userkey
        responses = [ticket.id for ticket in tickets]
        event_id = ",".join(r for r in responses if r) if tickets and all(responses) else None
        dates = [ticket.date for ticket in tickets if ticket.date is not None]
        return record_id, event_id, max(dates) if dates else None
    if isinstance(argument, AccountData):
        return argument.user.userkey, None, None
    raise TypeError(f"not a stored web call: {type(argument).__name__}")
