"""An answer larger than the client's `max_response_bytes` is refused before it is read whole:
by its `Content-Length`, or while it streams in; never retried; `may_have_been_applied` for a
write. The bound is set by argument, environment, profile and `with_options`; downloads have
their own."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from servicehub_sdk.cli._profiles import Profile, client_for
from servicehub_sdk.supportcenter import SupportCenterClient
from tests.helpers import close, resolve
from tests.proof.mock import NO_WAIT, supportcenter

CHUNK = b" " * 1024
LIMIT = 16 * 1024


def _too_large() -> type[Exception]:
    from servicehub_sdk import ResponseTooLargeError

    return ResponseTooLargeError


class Endless:
    """An answer body of 1 KiB chunks that only stops after `chunks` (counting what was read)."""

    def __init__(self, mode: str, chunks: int = 100_000) -> None:
        self.mode = mode
        self.chunks = chunks
        self.read = 0
        self.requests = 0

    def _sync(self) -> Iterator[bytes]:
        for _ in range(self.chunks):
            self.read += 1
            yield CHUNK

    async def _async(self) -> AsyncIterator[bytes]:
        for _ in range(self.chunks):
            self.read += 1
            yield CHUNK

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        body: Any = self._sync() if self.mode == "sync" else self._async()
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})


async def test_a_streamed_answer_is_refused_while_it_streams_in(mode: str) -> None:
    server = Endless(mode)
    client = supportcenter(mode, server, max_response_bytes=LIMIT)
    client = client.with_options(retry=NO_WAIT)
    try:
        with pytest.raises(_too_large()) as caught:
            await resolve(client.requests.get("7"))
    finally:
        await close(client)
    assert server.requests == 1  # never retried
    assert server.read <= LIMIT // len(CHUNK) + 2  # stopped at the bound, not read whole
    assert caught.value.may_have_been_applied is False  # a read
    assert "max_response_bytes" in str(caught.value)


async def test_a_declared_length_above_the_bound_is_refused_unread(mode: str) -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, content=b"{" + b" " * (LIMIT * 2) + b"}")

    client = supportcenter(mode, handler, max_retries=2).with_options(max_response_bytes=LIMIT)
    try:
        with pytest.raises(_too_large()) as caught:
            await resolve(client.requests.create({"subject": "printer on fire"}))
    finally:
        await close(client)
    assert len(requests) == 1
    assert caught.value.may_have_been_applied is True  # the server did the work


async def test_downloads_have_their_own_bound(mode: str) -> None:
    server = Endless(mode)
    client = supportcenter(mode, server, max_download_bytes=LIMIT)
    try:
        with pytest.raises(_too_large()):
            await resolve(client.requests.attachments("7").download("1"))
    finally:
        await close(client)
    assert server.read <= LIMIT // len(CHUNK) + 2


def test_the_bound_comes_from_environment_and_profile(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SERVICEHUB_SUPPORTCENTER_BASE_URL", "https://scp.example.com")
    monkeypatch.setenv("SERVICEHUB_SUPPORTCENTER_API_KEY", "key-0123456789")
    monkeypatch.setenv("SERVICEHUB_SUPPORTCENTER_MAX_RESPONSE_BYTES", "1234")
    with SupportCenterClient.from_env() as client:
        assert client._engine.max_response_bytes == 1234
    profile = Profile("default", tmp_path / "c.toml", {"supportcenter": {"max_response_bytes": 99}})
    with client_for("supportcenter", profile) as client:
        assert client._engine.max_response_bytes == 99
    with SupportCenterClient(base_url="https://scp.example.com", api_key="k-123456") as client:
        assert client._engine.max_response_bytes == 64 * 1024 * 1024
