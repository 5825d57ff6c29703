"""Failures reported inside an HTTP 200 envelope go through the same retry decision as HTTP
statuses: SupportCenter Plus rate limiting (message code 4015) is retried like a 429."""

from __future__ import annotations

import json

import pytest

from servicehub_sdk.core import RateLimitError
from servicehub_sdk.testing import Reply
from tests.helpers import close, resolve
from tests.proof.backends import BACKENDS, FAST
from tests.proof.conftest import Serve

RATE_LIMITED = json.dumps(
    {
        "response_status": {
            "status_code": 4000,
            "status": "failed",
            "messages": [{"status_code": 4015, "type": "failed", "message": "rate limited"}],
        }
    }
)

SCP = next(b for b in BACKENDS if b.name == "supportcenter")


async def test_rate_limit_inside_200_is_retried(serve: Serve, mode: str) -> None:
    emulator = SCP.make_emulator()
    with serve(emulator) as server:
        client = SCP.client(emulator, server.url, mode).with_options(retry=FAST)
        server.faults.add([Reply(200, body=RATE_LIMITED)] * 2, path=SCP.api_path)
        try:
            priorities = await resolve(SCP.listing(client, emulator))
        finally:
            await close(client)
    assert priorities
    assert server.faults.injected == 2


async def test_rate_limit_inside_200_gives_up_as_a_rate_limit_error(
    serve: Serve, mode: str
) -> None:
    emulator = SCP.make_emulator()
    with serve(emulator) as server:
        client = SCP.client(emulator, server.url, mode).with_options(retry=FAST)
        client = client.with_options(max_retries=1)
        server.faults.add([Reply(200, body=RATE_LIMITED)] * 3, path=SCP.api_path)
        try:
            with pytest.raises(RateLimitError) as caught:
                await resolve(SCP.listing(client, emulator))
        finally:
            await close(client)
    assert caught.value.status_code == 429
    assert caught.value.may_have_been_applied is False
    assert server.faults.injected == 2
