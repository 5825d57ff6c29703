"""The core JSON reader, and token answers read through it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from servicehub_sdk.core import ResponseValidationError
from servicehub_sdk.core._jsonbody import body_or_text, read_json
from servicehub_sdk.testing import EmulatorServer, Malformed
from tests.helpers import resolve


def _answer(body: bytes, status: int = 200, content_type: str = "application/json") -> Any:
    request = httpx.Request("GET", "https://api.example.test/things")
    return httpx.Response(
        status, content=body, headers={"content-type": content_type}, request=request
    )


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 200_000,
        b'{"a": "\xff"}',
        b'{"n": ' + b"1" * 5000 + b"}",
        b'{"n": 1e400}',
        b'{"n": NaN}',
        b'{"trunc',
        b"",
    ],
)
def test_undecodable_bodies_raise_with_the_raw_body(body: bytes) -> None:
    with pytest.raises(ResponseValidationError) as caught:
        read_json(_answer(body))
    assert caught.value.response.content == body
    assert caught.value.request is not None


def test_expected_type_is_checked() -> None:
    assert read_json(_answer(b'{"a": 1}'), expect=dict) == {"a": 1}
    with pytest.raises(ResponseValidationError, match="not a JSON object"):
        read_json(_answer(b"[1]"), expect=dict)
    with pytest.raises(ResponseValidationError, match="not a JSON array"):
        read_json(_answer(b"{}"), expect=list)
    assert read_json(_answer(b""), empty=None) is None


def test_error_bodies_keep_text_and_refuse_broken_json() -> None:
    assert body_or_text(_answer(b"Bad gateway", 502, "text/html")) == "Bad gateway"
    assert body_or_text(_answer(b'{"message": "no"}', 404)) == {"message": "no"}
    with pytest.raises(ResponseValidationError):
        body_or_text(_answer(b"[" * 200_000, 404, "text/plain"))


@pytest.mark.parametrize("body", [b"[" * 200_000, b'{"access_token": "\xff"}', b"[1]"])
@pytest.mark.parametrize("status", [200, 400, 500])
async def test_token_answers_that_cannot_be_read(
    client: Any, server: EmulatorServer, body: bytes, status: int
) -> None:
    if status != 200 and body == b"[1]":
        pytest.skip("a readable error body is a status error")
    server.faults.add(Malformed(body, status=status), path="/token")
    with pytest.raises(ResponseValidationError) as caught:
        await resolve(client.items.create("x", max_retries=0))
    assert caught.value.before_request is True
    assert caught.value.may_have_been_applied is False
    assert caught.value.response.content == body
    assert server.requests("POST", "/items") == 0
