"""What a hostile or broken server sends costs bounded work: a `Link` header is read in one
pass and refused above a length cap, a listing that cycles through pages it already sent ends
with `PaginationError`, and an error body nested hundreds of levels deep still makes an error
that prints and crosses a process boundary (pickles)."""

from __future__ import annotations

import json
import pickle
from typing import Any

import httpx
import pytest

from servicehub_sdk.core import BadRequestError, PaginationError, ResponseValidationError
from tests.helpers import close, resolve
from tests.proof.mock import ORIGIN, http_client, supportcenter


async def _read(pager: Any, seen: list[Any]) -> None:
    if hasattr(pager, "__aiter__"):
        async for item in pager:
            seen.append(item)
    else:
        for item in pager:
            seen.append(item)


def _cecenter(mode: str, handler: Any) -> Any:
    from servicehub_sdk.cecenter import AsyncCECenterClient, CECenterClient

    cls = CECenterClient if mode == "sync" else AsyncCECenterClient
    return cls(
        tenant="acme",
        client_id="id",
        client_secret="secret-123456",
        api_url=ORIGIN,
        customer_token="customer-token-123456",
        max_retries=0,
        http_client=http_client(mode, handler),
    )


def test_link_header_is_read_in_one_pass() -> None:
    from servicehub_sdk.cecenter import next_link

    assert next_link("<https://a/p?n=1>; rel='prev', <https://a/p?n=3>; rel=\"next\"") == (
        "https://a/p?n=3"
    )
    assert next_link("<https://a/p?n=2>;rel=next") == "https://a/p?n=2"
    assert next_link('<https://a/p>; rel="prev"') is None


async def test_an_overlong_link_header_is_refused(mode: str) -> None:
    # 48 KB of `<` made the former regular expression take seconds of CPU.
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token"):
            return httpx.Response(200, json={"access_token": "tok-123456", "expires_in": 3600})
        return httpx.Response(200, json=[{"id": "t1"}], headers={"link": "<" * 48_000})

    client = _cecenter(mode, handler)
    try:
        with pytest.raises(ResponseValidationError) as caught:
            await _read(client.service_tickets.list(page_size=1), [])
    finally:
        await close(client)
    assert "Link header" in str(caught.value)


async def test_a_listing_cycling_through_its_pages_ends(mode: str) -> None:
    pages = [
        [{"id": "1", "subject": "a"}, {"id": "2", "subject": "b"}],
        [{"id": "3", "subject": "c"}, {"id": "4", "subject": "d"}],
    ]
    sent: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(1)
        more = len(sent) < 20  # the test's own bound: a listing that never ends, ended
        return httpx.Response(
            200,
            json={
                "response_status": [{"status_code": 2000, "status": "success"}],
                "requests": pages[(len(sent) - 1) % 2],  # A, B, A, B...
                "list_info": {"has_more_rows": more},
            },
        )

    client = supportcenter(mode, handler, max_retries=0)
    seen: list[Any] = []
    try:
        with pytest.raises(PaginationError) as caught:
            await _read(client.requests.list(row_count=2), seen)
    finally:
        await close(client)
    assert [item.id for item in seen] == ["1", "2", "3", "4"]
    assert caught.value.page == 3
    assert "repeats page 1" in str(caught.value)


async def test_a_deeply_nested_error_body_still_pickles(mode: str) -> None:
    depth = 600  # the JSON reader accepts ~990 levels
    body = '{"a":' * depth + "1" + "}" * depth

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, content=body, headers={"content-type": "application/json"})

    client = supportcenter(mode, handler, max_retries=0)
    try:
        with pytest.raises(BadRequestError) as caught:
            await resolve(client.requests.get("7"))
    finally:
        await close(client)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is BadRequestError
    assert copy.status_code == 400
    assert "nested too deeply" in json.dumps(caught.value.body)
    repr(caught.value.body)  # printable
