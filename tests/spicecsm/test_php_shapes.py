"""The JSON-RPC calls have the shapes of SpiceCSM's own PHP client (`spiceAPIClient`,
SpiceCSM Library 2.0): every call after `connect` is `(obj, session)` — `agentList(null,
session)`, `load(obj, session)`, `create([obj, …], session)`, `update([obj, …], session)`,
`delete(obj, session)`, `caseLoad(obj, session)`, `accountLoad(obj, session)`,
`companyList(session)`, `checkSession(session)`, `query(sql, session)`; results of
`type == "Error"` are failures; ids echoed as text are the same id. Sync and async."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from servicehub_sdk.core import JSONRPCError, RequestValidationError
from servicehub_sdk.spicecsm import AsyncSpiceCSMClient, SpiceAPIError, SpiceCSMClient
from servicehub_sdk.testing import EmulatorServer, Reply, SpiceCSMEmulator
from tests.helpers import close, collect, resolve


@pytest.fixture
def emulator() -> SpiceCSMEmulator:
    return SpiceCSMEmulator()


@pytest.fixture
async def traced(
    mode: str, server: EmulatorServer, emulator: SpiceCSMEmulator
) -> AsyncIterator[tuple[Any, list[dict[str, Any]]]]:
    sent: list[dict[str, Any]] = []

    def record(request: httpx.Request) -> None:
        sent.append(json.loads(httpx.QueryParams(request.content.decode())["request"]))

    async def arecord(request: httpx.Request) -> None:
        record(request)

    http: Any = (
        httpx.Client(event_hooks={"request": [record]})
        if mode == "sync"
        else httpx.AsyncClient(event_hooks={"request": [arecord]})
    )
    cls = SpiceCSMClient if mode == "sync" else AsyncSpiceCSMClient
    client = cls(**emulator.client_config(server.url), http_client=http, allow_raw_sql=True)
    yield client, sent
    await close(client)
    await close(http)


def _params(sent: list[dict[str, Any]], method: str) -> list[Any]:
    return next(call["params"] for call in reversed(sent) if call["method"] == method)


async def test_every_call_has_the_php_clients_shape(
    traced: tuple[Any, list[dict[str, Any]]],
) -> None:
    rpc, sent = traced
    await collect(rpc.agents.list())
    session = rpc.session.get_secret_value()
    assert _params(sent, "agentList") == [None, session]
    await collect(rpc.agents.list({"tier": 1}))
    assert _params(sent, "agentList") == [{"tier": 1}, session]
    await collect(rpc.companies.list())
    assert _params(sent, "companyList") == [session]
    await resolve(rpc.cases.load({"id": 101}))
    assert _params(sent, "caseLoad") == [{"id": 101}, session]
    await resolve(rpc.accounts.load({"userkey": "acct1"}))
    assert _params(sent, "accountLoad") == [{"userkey": "acct1"}, session]
    await resolve(rpc.objects.load({"type": "cases", "company": 1}))
    assert _params(sent, "load") == [{"type": "cases", "company": 1}, session]
    (new_id,) = await resolve(rpc.objects.create([{"type": "cases", "issue": "Browsing"}]))
    assert _params(sent, "create") == [[{"type": "cases", "issue": "Browsing"}], session]
    await resolve(rpc.objects.update([{"type": "cases", "id": new_id, "tier": "2"}]))
    assert _params(sent, "update") == [[{"type": "cases", "id": new_id, "tier": "2"}], session]
    await resolve(rpc.objects.delete({"type": "cases", "id": new_id}))
    assert _params(sent, "delete") == [{"type": "cases", "id": new_id}, session]
    await resolve(rpc.check_session())
    assert _params(sent, "checkSession") == [session]
    await resolve(rpc.query("SELECT 1"))
    assert _params(sent, "query") == ["SELECT 1", session]


async def test_the_emulator_refuses_the_old_shapes(rpc_pair: Any) -> None:
    rpc, emulator = rpc_pair
    # load("cases", {...}, session): the session slot holds the conditions.
    with pytest.raises(JSONRPCError, match="session"):
        await resolve(rpc.call("load", "cases", {"id": "101"}))
    # load([obj], session): PHP refuses arrays, with its error object.
    with pytest.raises(SpiceAPIError, match="Arrays are not allowed"):
        await resolve(rpc.call("load", [{"type": "cases"}]))
    # create(table, row, session) instead of create([obj], session)
    with pytest.raises(JSONRPCError):
        await resolve(rpc.call("create", "cases", {"issue": "x"}))
    assert not [k for k in emulator.tables["cases"] if int(k) > 1000]


@pytest.fixture
async def rpc_pair(
    mode: str, server: EmulatorServer, emulator: SpiceCSMEmulator
) -> AsyncIterator[tuple[Any, SpiceCSMEmulator]]:
    cls = SpiceCSMClient if mode == "sync" else AsyncSpiceCSMClient
    client = cls(**emulator.client_config(server.url))
    yield client, emulator
    await close(client)


async def test_error_result_object_raises(rpc_pair: Any) -> None:
    rpc, _ = rpc_pair
    with pytest.raises(SpiceAPIError) as caught:
        await resolve(rpc.objects.load({"type": "no_such_table"}))
    assert isinstance(caught.value, JSONRPCError)
    assert "Unknown type" in str(caught.value)
    assert caught.value.data["type"] == "Error"
    with pytest.raises(SpiceAPIError, match="No such record"):
        await resolve(rpc.objects.delete({"type": "cases", "id": "nope"}))


async def test_error_result_inside_http_200_from_the_wire(
    rpc_pair: Any, server: EmulatorServer
) -> None:
    rpc, _ = rpc_pair
    await collect(rpc.agents.list())  # connect is id 1, agentList id 2: caseLoad will be 3
    server.faults.add(
        Reply(
            200,
            {"Content-Type": "application/json"},
            json.dumps({"id": 3, "result": {"type": "Error", "message": "Access denied"}}),
        )
    )
    with pytest.raises(SpiceAPIError, match="Access denied"):
        await resolve(rpc.cases.load({"id": 101}, max_retries=0))


async def test_connect_result_with_an_agent_type_is_not_an_error(rpc_pair: Any) -> None:
    rpc, _ = rpc_pair
    await resolve(rpc.connect())  # the emulator's connect result carries "type": "Agent"
    assert rpc.session is not None


async def test_ids_echoed_as_text_are_accepted(rpc_pair: Any, server: EmulatorServer) -> None:
    rpc, emulator = rpc_pair
    assert emulator.text_ids
    for _ in range(4):  # every other answer echoes its id as text
        assert len(await collect(rpc.agents.list())) == 5
    await collect(rpc.agents.list())
    server.faults.add(
        Reply(200, {"Content-Type": "application/json"}, json.dumps({"id": "999", "result": []}))
    )
    with pytest.raises(JSONRPCError, match="does not match"):
        await collect(rpc.agents.list(max_retries=0))


async def test_input_is_checked_before_sending(rpc_pair: Any, server: EmulatorServer) -> None:
    rpc, _ = rpc_pair
    for bad in (
        lambda: rpc.objects.load([{"type": "cases"}]),
        lambda: rpc.objects.load({"company": 1}),
        lambda: rpc.objects.create({"type": "cases"}),
        lambda: rpc.objects.create([]),
        lambda: rpc.objects.update([{"id": "1"}]),
        lambda: rpc.objects.delete([{"type": "cases", "id": "1"}]),
        lambda: rpc.cases.load([101]),
        lambda: rpc.accounts.load("acct1"),
        lambda: rpc.agents.list([1]),
        lambda: rpc.query("SELECT 1"),
    ):
        with pytest.raises(RequestValidationError):
            await resolve(bad())
    assert server.requests() == 0
