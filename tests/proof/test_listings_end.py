"""Every listing ends: servers that keep saying "more" without progress get a
`PaginationError` naming the backend and the page, after every valid item was yielded.

A server that ignores the page number (its first answer replayed for every page), empty pages
that claim more, a `Link: rel="next"` pointing at the page itself, and `first()` over a
filtered listing whose first page keeps nothing; sync and async.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from servicehub_sdk.core import PaginationError, ResponseValidationError, capture_responses
from servicehub_sdk.testing import Reply
from tests.helpers import close, collect, resolve
from tests.proof.backends import BACKENDS, Backend
from tests.proof.conftest import Serve


@dataclass
class Listing:
    backend: Backend
    list: Callable[[Any], Any]  # a listing whose first page is full: more pages follow
    page_size: int


LISTINGS = [
    Listing(BACKENDS[0], lambda c: c.customers.list(page_size=2), 2),
    Listing(BACKENDS[1], lambda c: c.partners.list(size=2), 2),
    Listing(BACKENDS[2], lambda c: c.requests.list(row_count=5), 5),
    Listing(BACKENDS[3], lambda c: c.service_tickets.list(page_size=2), 2),
]
ids = [listing.backend.name for listing in LISTINGS]


async def _read(pager: Any, seen: list[Any]) -> None:
    if hasattr(pager, "__aiter__"):
        async for item in pager:
            seen.append(item)
    else:
        for item in pager:
            seen.append(item)


def _replay(response: Any) -> Reply:
    headers = {k: v for k, v in response.headers.items() if k.lower() in ("content-type", "link")}
    return Reply(200, headers=headers, body=response.content)


@pytest.mark.parametrize("listing", LISTINGS, ids=ids)
async def test_a_server_that_ignores_the_page_number(
    serve: Serve, listing: Listing, mode: str
) -> None:
    emulator = listing.backend.make_emulator()
    with serve(emulator) as server:
        client = listing.backend.client(emulator, server.url, mode)
        with capture_responses() as answers:
            await collect(listing.list(client), limit=1)
        server.faults.random(1.0, [_replay(answers.last)], path=listing.backend.api_path)
        seen: list[Any] = []
        with pytest.raises(PaginationError) as caught:
            await _read(listing.list(client), seen)
        pages = server.requests("GET") + server.requests("POST")
        await close(client)
    assert len(seen) == listing.page_size  # the first page's items, then the error
    assert caught.value.page == 2
    assert caught.value.backend == type(client).__name__
    assert isinstance(caught.value, ResponseValidationError)
    assert pages < 10


EMPTY_BUT_MORE = {
    "fsm": {"results": [], "last": False, "totalElements": 99},
    "supportcenter": {
        "response_status": [{"status_code": 2000, "status": "success"}],
        "list_info": {"has_more_rows": True, "row_count": 0},
        "requests": [],
    },
}


@pytest.mark.parametrize("name", sorted(EMPTY_BUT_MORE))
@pytest.mark.parametrize("limit", [None, 10])
async def test_empty_pages_that_claim_more(
    serve: Serve, name: str, limit: int | None, mode: str
) -> None:
    listing = next(entry for entry in LISTINGS if entry.backend.name == name)
    emulator = listing.backend.make_emulator()
    with serve(emulator) as server:
        client = listing.backend.client(emulator, server.url, mode)
        await resolve(listing.backend.read(client, emulator))
        empty = Reply(200, {"Content-Type": "application/json"}, json.dumps(EMPTY_BUT_MORE[name]))
        server.faults.random(1.0, [empty], path=listing.backend.api_path)
        with pytest.raises(PaginationError, match="empty pages") as caught:
            await collect(listing.list(client), limit=limit)
        await close(client)
    assert caught.value.page == 3


async def test_cecenter_next_link_pointing_at_the_page_itself(serve: Serve, mode: str) -> None:
    listing = LISTINGS[3]
    emulator = listing.backend.make_emulator()
    with serve(emulator) as server:
        client = listing.backend.client(emulator, server.url, mode)
        with capture_responses() as answers:
            await collect(listing.list(client), limit=1)
        first = answers.last
        itself = str(first.request.url)
        rows = json.loads(first.content)
        counter = iter(range(10**6))

        def fresh_rows() -> Reply:  # new items each time, and the same next link
            batch = [{**row, "id": f"T-{next(counter)}"} for row in rows]
            return Reply(
                200,
                {"Content-Type": "application/json", "Link": f'<{itself}>; rel="next"'},
                json.dumps(batch),
            )

        server.faults.add([fresh_rows() for _ in range(5)], path=listing.backend.api_path)
        seen: list[Any] = []
        with pytest.raises(PaginationError, match="repeats a request") as caught:
            await _read(listing.list(client), seen)
        await close(client)
    assert len(seen) == listing.page_size  # the first page; the next is the same request
    assert caught.value.page == 2


async def test_first_over_a_filtered_listing_reads_on(serve: Serve, mode: str) -> None:
    ssh = BACKENDS[0]
    emulator = ssh.make_emulator()
    cases = list(emulator.store.cases.values())
    for case in cases[: len(cases) // 2 + 1]:  # the first page holds only linked cases
        case["externalId"] = f"LINKED-{case['id']}"
    for case in cases[len(cases) // 2 + 1 :]:
        case["externalId"] = None
    with serve(emulator) as server:
        client = ssh.client(emulator, server.url, mode)
        first = await resolve(client.service_cases.list_unlinked(page_size=2).first())
        limited = await collect(client.service_cases.list_unlinked(page_size=2), limit=1)
        await close(client)
    assert first is not None and not first.is_linked
    assert limited == [first]
