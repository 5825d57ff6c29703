"""FSM requests carry an `X-Request-ID`; errors carry the exchange's request id."""

from __future__ import annotations

import os
import pickle
import random
import uuid
from typing import Any

import httpx
import pytest

from servicehub_sdk import APIConnectionError, NotFoundError, ServerError
from servicehub_sdk.testing import Drop, EmulatorTransport, FSMEmulator, Reply
from tests.fsm.conftest import client_class
from tests.helpers import close, collect, resolve

PARTNERS = "/cloud-crowd-service/api/crowd-partner/v1/partners"


def _recording(mode: str) -> tuple[Any, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    async def arecord(request: httpx.Request) -> None:
        seen.append(request)

    http: Any = (
        httpx.Client(event_hooks={"request": [seen.append]})
        if mode == "sync"
        else httpx.AsyncClient(event_hooks={"request": [arecord]})
    )
    return http, seen


async def test_one_call_keeps_its_request_id_across_retries(
    mode: str, config: dict[str, Any], server: EmulatorTransport, emulator: FSMEmulator
) -> None:
    http, seen = _recording(mode)
    fsm = client_class(mode)(**config, http_client=http)
    server.faults.add([Reply(503), Reply(503)], path=PARTNERS, method="GET")
    await resolve(fsm.partners.list(size=5).first())
    await resolve(fsm.partners.list(size=5).first())
    tries = [r for r in seen if r.url.path == PARTNERS]
    assert len(tries) == 4
    ids = [r.headers["X-Request-ID"] for r in tries]
    assert ids[0] == ids[1] == ids[2] != ids[3]
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)
    assert all(r.headers["X-B3-TraceId"] == r.headers["X-Request-ID"] for r in tries)
    await close(http)


async def test_a_status_error_carries_the_vendors_request_id(
    fsm: Any, server: EmulatorTransport
) -> None:
    server.faults.add(
        Reply(404, headers={"X-Vcap-Request-Id": "7d1c-44b2"}, body="{}"),
        path=f"{PARTNERS}/p-1",
    )
    with pytest.raises(NotFoundError) as caught:
        await collect(fsm.partners.contacts("p-1").list())
    assert caught.value.request_id == "7d1c-44b2"
    assert str(caught.value).endswith("[request id 7d1c-44b2]")
    assert pickle.loads(pickle.dumps(caught.value)).request_id == "7d1c-44b2"


async def test_without_an_answer_header_the_sent_id_is_the_request_id(
    fsm: Any, server: EmulatorTransport
) -> None:
    server.faults.add([Reply(500, body="{}")] * 4, path=f"{PARTNERS}/p-2")
    with pytest.raises(ServerError) as caught:
        await collect(fsm.partners.contacts("p-2").list(max_retries=0))
    sent = caught.value.request.headers["X-Request-ID"]
    assert caught.value.request_id == sent and f"[request id {sent}]" in str(caught.value)


async def test_a_connection_error_names_the_sent_request_id(
    fsm: Any, server: EmulatorTransport
) -> None:
    server.faults.add(Drop(), path=f"{PARTNERS}/p-3")
    with pytest.raises(APIConnectionError) as caught:
        await collect(fsm.partners.contacts("p-3").list(max_retries=0))
    assert caught.value.request_id
    assert caught.value.request_id == caught.value.request.headers["X-Request-ID"]


def test_a_request_id_that_could_drive_a_terminal_is_left_out() -> None:
    from servicehub_sdk.core._errors import request_id_of

    request = httpx.Request("GET", "https://example.com")
    bad = httpx.Response(500, headers={"X-Request-ID": "\x1b[31mred"}, request=request)
    assert request_id_of(bad, request) is None
    good = httpx.Response(500, headers={"x-correlation-id": "abc-1"}, request=request)
    assert request_id_of(good, request) == "abc-1"


async def test_request_ids_stay_unique_whatever_the_caller_seeds(
    mode: str, config: dict[str, Any], server: EmulatorTransport, emulator: FSMEmulator
) -> None:
    """A notebook's `random.seed(42)` before every run must not make two runs send the same
    request ids; ids are version-4 UUIDs without dashes."""
    sent: list[str] = []
    for _ in range(2):
        random.seed(42)
        http, seen = _recording(mode)
        fsm = client_class(mode)(**config, http_client=http)
        await resolve(fsm.partners.list(size=5).first())
        await close(fsm)
        sent += [r.headers["X-Request-ID"] for r in seen if r.url.path == PARTNERS]
    assert len(sent) == 2 and sent[0] != sent[1]
    assert all(uuid.UUID(hex=i).version == 4 and len(i) == 32 for i in sent)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_draws_request_ids_of_its_own() -> None:
    """A worker forked from a parent (gunicorn, multiprocessing) must not repeat the
    parent's request ids."""
    from servicehub_sdk.fsm._wire import new_request_id

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next id, then exit at once
        os.write(write, new_request_id().encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    child = os.read(read, 64).decode()
    os.close(read)
    assert len(child) == 32 and child != new_request_id()
