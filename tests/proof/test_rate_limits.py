"""A rate limit is a rate limit whatever the status line says: SupportCenter Plus code 4015
inside an HTTP 400 or an HTTP 200, and HTTP 429, mean the request was not processed, so they
are retried for every method, creates included. On-premise success envelopes
(`status_code: 200`, `status: success` alone, `response_status` as a list) are successes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from servicehub_sdk.core import RateLimitError
from tests.helpers import close, resolve
from tests.proof.mock import NO_WAIT, supportcenter

RATE_LIMITED = {
    "response_status": {
        "status_code": 4000,
        "status": "failed",
        "messages": [{"status_code": 4015, "type": "failed", "message": "too many requests"}],
    }
}
CREATED = {
    "response_status": {"status_code": 2000, "status": "success"},
    "request": {"id": "42", "subject": "printer on fire"},
}


def _limited_then_created(status: int, body: Any) -> tuple[list[str], Any]:
    methods: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        methods.append(request.method)
        if len(methods) == 1:
            return httpx.Response(status, json=body)
        return httpx.Response(201, json=CREATED)

    return methods, handler


@pytest.mark.parametrize(
    ("status", "body"),
    [(400, RATE_LIMITED), (200, RATE_LIMITED), (429, {"message": "slow down"})],
    ids=["4015-in-400", "4015-in-200", "429"],
)
async def test_a_rate_limited_create_is_retried(mode: str, status: int, body: Any) -> None:
    methods, handler = _limited_then_created(status, body)
    client = supportcenter(mode, handler).with_options(retry=NO_WAIT)
    try:
        created = await resolve(client.requests.create({"subject": "printer on fire"}))
    finally:
        await close(client)
    assert created.id == "42"
    assert methods == ["POST", "POST"]


async def test_a_rate_limit_in_a_400_is_a_rate_limit_error(mode: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json=RATE_LIMITED)

    client = supportcenter(mode, handler, max_retries=0)
    try:
        with pytest.raises(RateLimitError) as caught:
            await resolve(client.requests.create({"subject": "printer on fire"}))
    finally:
        await close(client)
    assert caught.value.code == 4015
    assert caught.value.may_have_been_applied is False


@pytest.mark.parametrize(
    "status",
    [{"status_code": 200}, {"status": "success"}, [{"status_code": 200}]],
    ids=["status_code-200", "status-success", "list"],
)
async def test_on_premise_success_envelopes(mode: str, status: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path.endswith("/requests"):
            return httpx.Response(
                200,
                json={
                    "response_status": status,
                    "requests": [{"id": "1", "subject": "a"}],
                    "list_info": {"has_more_rows": False},
                },
            )
        return httpx.Response(
            200, json={"response_status": status, "request": {"id": "7", "subject": "s"}}
        )

    client = supportcenter(mode, handler, max_retries=0)
    try:
        found = await resolve(client.requests.get("7"))
        listed = await resolve(client.requests.list().to_list())
    finally:
        await close(client)
    assert found.id == "7"
    assert [r.id for r in listed] == ["1"]
