"""Reliability under fault injection, for every backend, sync and async.

A fixed workload of 510 operations (reads, listings, writes) runs while the emulator fails
30 % of its API requests with 502/503/504, dropped connections, slow answers past the
client's timeout and 429 with Retry-After. Every read and listing must succeed through
retries; no write may be applied twice; every write that finally fails must raise a typed
error that says whether it may have been applied.

The emulators run in-process on a fake clock (`serve`): a slow answer past the timeout costs
the timeout on that clock, not in real time; the loopback behaviour of the same faults is
proven by the transport tests in `tests/core` and `test_deadlines.py`.
"""

from __future__ import annotations

import pytest

from servicehub_sdk.core import (
    APIConnectionError,
    APIStatusError,
    JSONRPCError,
    ResponseValidationError,
    ServiceHubError,
)
from servicehub_sdk.testing import Delay, Drop, Malformed, Reply
from tests.helpers import close, resolve
from tests.proof.backends import BACKENDS, FAST, Backend
from tests.proof.conftest import Serve

OPERATIONS = 510
TRANSIENT = [
    Reply(502),
    Reply(503),
    Reply(504),
    Drop(),
    Delay(0.3),
    Reply(429, headers={"Retry-After": "0"}),
]


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda b: b.name)
async def test_workload_under_30_percent_faults(serve: Serve, backend: Backend, mode: str) -> None:
    emulator = backend.make_emulator()
    with serve(emulator) as server:
        client = backend.client(emulator, server.url, mode, timeout=0.15).with_options(retry=FAST)
        await resolve(backend.read(client, emulator))  # tokens and sessions before the storm
        server.faults.random(0.3, TRANSIENT, path=backend.api_path, seed=11)
        succeeded = {"read": 0, "list": 0, "write": 0}
        failed_writes: list[ServiceHubError] = []
        for i in range(OPERATIONS):
            kind = ("read", "list", "write")[i % 3]
            operation = {"read": backend.read, "list": backend.listing, "write": backend.write}[
                kind
            ]
            try:
                await resolve(operation(client, emulator))
            except ServiceHubError as exc:
                if kind != "write":
                    raise AssertionError(f"a {kind} failed despite retries: {exc!r}") from exc
                failed_writes.append(exc)
                continue
            succeeded[kind] += 1
        injected = server.faults.injected
        await close(client)
    assert succeeded["read"] == succeeded["list"] == OPERATIONS // 3
    assert injected > OPERATIONS * 0.2
    for error in failed_writes:
        assert isinstance(
            error, (APIStatusError, APIConnectionError, JSONRPCError, ResponseValidationError)
        )
        assert isinstance(error.may_have_been_applied, bool)
    maybe_applied = sum(1 for e in failed_writes if e.may_have_been_applied)
    applied = backend.writes_applied(emulator)
    # every successful write once, plus at most the failures that may have been applied
    assert succeeded["write"] <= applied <= succeeded["write"] + maybe_applied


@pytest.mark.parametrize(
    "backend", [b for b in BACKENDS if b.name != "supportcenter"], ids=lambda b: b.name
)
async def test_token_expiry_mid_run_refreshes_once(
    serve: Serve, backend: Backend, mode: str
) -> None:
    """Tokens (SpiceCSM: the session) expire in the middle of a run: one refresh, no failure."""
    emulator = backend.make_emulator()
    with serve(emulator) as server:
        client = backend.client(emulator, server.url, mode)
        for _ in range(5):
            await resolve(backend.read(client, emulator))
        if backend.name == "spicecsm":
            connects = emulator.calls["connect"]
            emulator.expire_sessions()
        else:
            issued = emulator.tokens.issued
            emulator.tokens.expire_all()
        for _ in range(20):
            await resolve(backend.read(client, emulator))
        if backend.name == "spicecsm":
            assert emulator.calls["connect"] == connects + 1
        else:
            assert emulator.tokens.issued == issued + 1
        await close(client)


BAD_BODIES = [
    Malformed('{"data": {"trunc'),
    Malformed("<html><body>502 Bad Gateway</body></html>", content_type="text/html"),
    Malformed("", content_type="application/json"),
    Malformed("[1, 2, 3]"),
    Malformed('{"unexpected": true}'),
    Malformed("x" * 3_000_000, content_type="text/plain"),
    Malformed("<html>Proxy error</html>", status=502, content_type="text/html"),
]


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda b: b.name)
@pytest.mark.parametrize(
    "bad",
    BAD_BODIES,
    ids=["truncated", "html", "empty", "array", "other-shape", "huge", "html-502"],
)
async def test_unreadable_answers_are_typed_errors_with_the_raw_body(
    serve: Serve, backend: Backend, bad: Malformed, mode: str
) -> None:
    emulator = backend.make_emulator()
    with serve(emulator) as server:
        client = backend.client(emulator, server.url, mode, max_retries=0)
        await resolve(backend.read(client, emulator))
        server.faults.add(bad, path=backend.api_path)
        try:
            with pytest.raises(ServiceHubError) as caught:  # never a silent empty page
                await resolve(backend.listing(client, emulator))
        finally:
            await close(client)
        raw = getattr(caught.value, "raw", None)
        if raw is None and getattr(caught.value, "response", None) is not None:
            raw = caught.value.response.text  # type: ignore[attr-defined]
        assert raw is not None and raw == bad.body.decode()
