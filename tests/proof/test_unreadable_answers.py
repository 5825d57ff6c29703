"""Answers the SDK cannot decode raise `ResponseValidationError`, raw body kept, in every backend.

Deep nesting, invalid UTF-8, numbers too large to hold and JSON of the wrong type, in success
answers and in error answers (404, 500) alike: never a bare `RecursionError` or `ValueError`.
"""

from __future__ import annotations

import pytest

from servicehub_sdk.core import ResponseValidationError
from servicehub_sdk.testing import Malformed, Reply
from tests.helpers import close, resolve
from tests.proof.backends import BACKENDS, FAST, Backend
from tests.proof.conftest import Serve

UNDECODABLE = {
    "deep": b"[" * 200_000,
    "not-utf8": b'{"message": "\xff\xfe broken"}',
    "huge-number": b'{"n": ' + b"9" * 5000 + b"}",
    "infinite": b'{"n": 1e999}',
}


@pytest.mark.parametrize("status", [200, 404, 500])
@pytest.mark.parametrize("kind", sorted(UNDECODABLE))
@pytest.mark.parametrize("backend", BACKENDS, ids=lambda b: b.name)
async def test_undecodable_answers(
    serve: Serve, backend: Backend, mode: str, kind: str, status: int
) -> None:
    emulator = backend.make_emulator()
    with serve(emulator) as server:
        client = backend.client(emulator, server.url, mode).with_options(retry=FAST)
        await resolve(backend.read(client, emulator))  # tokens and sessions first
        server.faults.add(Malformed(UNDECODABLE[kind], status=status), path=backend.api_path)
        try:
            with pytest.raises(ResponseValidationError) as caught:
                await resolve(backend.read(client, emulator))
        finally:
            await close(client)
    assert caught.value.response.content == UNDECODABLE[kind]
    assert caught.value.raw


@pytest.mark.parametrize("body", [b'"just text"', b"[1, 2]", b"42"])
@pytest.mark.parametrize("backend", BACKENDS, ids=lambda b: b.name)
async def test_json_of_the_wrong_type(
    serve: Serve, backend: Backend, mode: str, body: bytes
) -> None:
    emulator = backend.make_emulator()
    with serve(emulator) as server:
        client = backend.client(emulator, server.url, mode).with_options(retry=FAST)
        await resolve(backend.read(client, emulator))
        server.faults.add(Malformed(body), path=backend.api_path)
        try:
            with pytest.raises(ResponseValidationError):
                await resolve(backend.listing(client, emulator))
        finally:
            await close(client)


async def test_supportcenter_listing_without_its_list_is_an_error(serve: Serve, mode: str) -> None:
    backend = next(b for b in BACKENDS if b.name == "supportcenter")
    emulator = backend.make_emulator()
    proxy_page = b'{"response_status": [{"status_code": 2000, "status": "success"}]}'
    with serve(emulator) as server:
        client = backend.client(emulator, server.url, mode).with_options(retry=FAST)
        server.faults.add(Reply(200, body=proxy_page), path=backend.api_path)
        try:
            with pytest.raises(ResponseValidationError, match="no 'priorities' list"):
                await resolve(backend.listing(client, emulator))
        finally:
            await close(client)
