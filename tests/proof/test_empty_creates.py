"""A create the server answers with nothing (an empty 201, no `Location`, a `null` result)
raises `ResponseValidationError` saying it may have been applied — never an object without an
id — in every backend."""

from __future__ import annotations

import pytest

from servicehub_sdk.core import ResponseValidationError
from servicehub_sdk.testing import Reply
from tests.helpers import close, resolve
from tests.proof.backends import BACKENDS, FAST, Backend
from tests.proof.conftest import Serve

NOTHING = {
    "ssh": [Reply(200, body='{"data": {"createCustomer": null}}')],
    "cecenter": [Reply(201), Reply(201, body="{}", headers={"Content-Type": "application/json"})],
    "spicecsm": [Reply(200), Reply(201)],  # `{}` fails the JSON-RPC id check first
}


@pytest.mark.parametrize("answer", [0, 1])
@pytest.mark.parametrize("backend", BACKENDS, ids=lambda b: b.name)
async def test_a_create_answered_with_nothing(
    serve: Serve, backend: Backend, mode: str, answer: int
) -> None:
    replies = NOTHING.get(backend.name, [Reply(201), Reply(200, body="{}")])
    emulator = backend.make_emulator()
    with serve(emulator) as server:
        client = backend.client(emulator, server.url, mode).with_options(retry=FAST)
        await resolve(backend.write(client, emulator))  # tokens, sessions and hashes first
        server.faults.add(replies[answer % len(replies)], path=backend.api_path, method="POST")
        try:
            with pytest.raises(ResponseValidationError) as caught:
                await resolve(backend.write(client, emulator))
        finally:
            await close(client)
    assert caught.value.may_have_been_applied is True
