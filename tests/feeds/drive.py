"""One test body for sync and async feeds: polling, committing and peeking through either."""

from __future__ import annotations

from typing import Any

from servicehub_sdk.feeds import AsyncChangeFeed, Change, ChangeFeed
from servicehub_sdk.testing import SSHEmulator
from tests.helpers import resolve


class Boom(Exception):
    """What a failing handler raises."""


OPENED: list[Any] = []
"""The feeds `feed_of` made during the test (closed after it, see conftest)."""


def feed_of(hub: Any, location: Any, name: str = "cases", **settings: Any) -> Any:
    """A feed of `hub`'s service cases: `ChangeFeed` for a sync client, else the async one."""
    cls = AsyncChangeFeed if type(hub).__name__.startswith("Async") else ChangeFeed
    settings.setdefault("page_size", 3)  # several pages, even for a few cases
    feed: Any = cls(hub.service_cases, name=name, state=location, **settings)
    OPENED.append(feed)
    return feed


async def poll(
    feed: Any, max_changes: int = 500, *, complete: bool = False, fail: bool = False
) -> list[Change[Any]]:
    """Poll once and end the block (with `Boom` when `fail`); the changes delivered."""
    delivered: list[Change[Any]] = []
    try:
        if isinstance(feed, AsyncChangeFeed):
            async with feed.poll(max_changes, complete=complete) as batch:
                delivered.extend(batch)
                if fail:
                    raise Boom
        else:
            with feed.poll(max_changes, complete=complete) as batch:
                delivered.extend(batch)
                if fail:
                    raise Boom
    except Boom:
        pass
    return delivered


async def held(feed: Any, max_changes: int = 500, *, complete: bool = False) -> Any:
    """Poll and keep the batch open (the caller commits or releases it)."""
    return await resolve(feed.poll(max_changes, complete=complete))


async def commit(batch: Any) -> None:
    await resolve(batch.commit())


async def call(feed: Any, method: str, *args: Any, **kwargs: Any) -> Any:
    """`feed.method(...)`, awaited for an async feed (`cursor` and `lag` are properties of
    the sync feed)."""
    attribute = getattr(feed, method)
    if method in ("cursor", "lag") and isinstance(feed, ChangeFeed):
        return attribute
    return await resolve(attribute(*args, **kwargs))


async def close_feed(feed: Any) -> None:
    await resolve(feed.close())


def case_ids(emulator: SSHEmulator) -> set[str]:
    return set(emulator.store.cases)


def touch(emulator: SSHEmulator, case_id: str, title: str) -> None:
    """Change a case in the hub, as a user would."""
    emulator.store.cases[case_id]["title"] = title
    emulator.store.cases[case_id]["updatedAt"] = "2030-06-01T00:00:00Z"


def add_case(emulator: SSHEmulator, case_id: str, template: dict[str, Any] | None = None) -> None:
    """A new case in the hub: a copy of `template` (else of the first case) under another id."""
    model = template or next(iter(emulator.store.cases.values()))
    emulator.store.cases[case_id] = {**model, "id": case_id, "displayId": f"SC-{case_id}"}
