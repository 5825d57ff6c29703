"""JSON-RPC client against the emulator, sync and async; the telephony pop URL."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from servicehub_sdk.core import JSONRPCError, RequestValidationError
from servicehub_sdk.spicecsm import (
    AgentRow,
    AsyncSpiceCSMClient,
    CompanyRow,
    SpiceCSMClient,
    telephony_pop_url,
)
from servicehub_sdk.testing import EmulatorServer, Reply, SpiceCSMEmulator
from servicehub_sdk.testing._spicecsm import API_PASSWORD
from tests.helpers import close, collect, resolve


@pytest.fixture
def emulator() -> SpiceCSMEmulator:
    return SpiceCSMEmulator()


def make(mode: str, server: EmulatorServer, emulator: SpiceCSMEmulator, **extra: Any) -> Any:
    cls = SpiceCSMClient if mode == "sync" else AsyncSpiceCSMClient
    return cls(**{**emulator.client_config(server.url), **extra})


@pytest.fixture
async def rpc(mode: str, server: EmulatorServer, emulator: SpiceCSMEmulator) -> AsyncIterator[Any]:
    client = make(mode, server, emulator)
    yield client
    await close(client)


async def test_connects_on_first_use_and_normalises(rpc: Any, emulator: SpiceCSMEmulator) -> None:
    agents = await collect(rpc.agents.list())
    assert len(agents) == 5
    companies = await collect(rpc.companies.list())  # a lone object on the wire
    assert [c.to_wire() for c in companies] == [{"id": "1", "name": "Sandbox Company"}]
    assert isinstance(companies[0], CompanyRow) and isinstance(agents[0], AgentRow)
    assert (await resolve(rpc.cases.load({"id": 101})))[0]["id"] == "101"
    assert await resolve(rpc.cases.load({"id": 99999})) == []  # {"msg": "no results"}
    assert await resolve(rpc.objects.load({"type": "accounts", "status": "Gone"})) == []
    assert emulator.calls["connect"] == 1
    assert rpc.security_level == 5 and API_PASSWORD not in repr(rpc.session)


async def test_attribute_style_and_writes(rpc: Any) -> None:
    case = await resolve(rpc.call("caseLoad", {"id": 102}))
    assert case["id"] == "102"
    new_ids = await resolve(
        rpc.objects.create([{"type": "cases", "userkey": "acct1", "status": "Open"}])
    )
    (new_id,) = new_ids
    changed = await resolve(
        rpc.objects.update([{"type": "cases", "id": new_id, "status": "Closed"}])
    )
    assert changed is True
    assert (await resolve(rpc.objects.load({"type": "cases", "id": new_id})))[0]["status"] == (
        "Closed"
    )
    assert await resolve(rpc.objects.delete({"type": "cases", "id": new_id})) is True
    assert await resolve(rpc.objects.load({"type": "cases", "id": new_id})) == []


async def test_reconnects_once_when_the_session_expires(
    rpc: Any, emulator: SpiceCSMEmulator
) -> None:
    await collect(rpc.agents.list())
    assert await resolve(rpc.check_session()) is True
    emulator.expire_sessions()
    assert await resolve(rpc.check_session()) is False
    assert len(await collect(rpc.agents.list())) == 5
    assert emulator.calls["connect"] == 2


async def test_errors_map_to_json_rpc_error(rpc: Any) -> None:
    with pytest.raises(JSONRPCError) as caught:
        await resolve(rpc.call("noSuchMethod"))
    assert caught.value.code == -32601
    with pytest.raises(JSONRPCError):
        await resolve(rpc.objects.update([{"type": "cases", "id": "nope", "status": "x"}]))


async def test_wrong_password(
    mode: str, server: EmulatorServer, emulator: SpiceCSMEmulator
) -> None:
    client = make(mode, server, emulator, password="wrong")
    with pytest.raises(JSONRPCError, match="Invalid username"):
        await collect(client.agents.list())
    await close(client)


async def test_mismatched_id_is_an_error(rpc: Any, server: EmulatorServer) -> None:
    await collect(rpc.agents.list())
    server.faults.add(
        Reply(
            200,
            {"Content-Type": "application/json"},
            json.dumps({"id": 999, "result": [], "error": None}),
        )
    )
    with pytest.raises(JSONRPCError, match="does not match"):
        await collect(rpc.agents.list(max_retries=0))


async def test_raw_sql_needs_permission(
    mode: str, server: EmulatorServer, emulator: SpiceCSMEmulator
) -> None:
    strict = make(mode, server, emulator)
    with pytest.raises(RequestValidationError, match="allow_raw_sql"):
        await resolve(strict.query("SELECT * FROM cases"))
    assert emulator.calls["query"] == 0
    trusting = make(mode, server, emulator, allow_raw_sql=True)
    rows = await resolve(trusting.call("query", "SELECT * FROM cases"))
    assert rows and all(row["id"] for row in rows)
    await close(strict)
    await close(trusting)


@pytest.mark.parametrize("encoding", ["form", "json"])
async def test_protocol_2_json_encoding_and_batch(
    mode: str, server: EmulatorServer, emulator: SpiceCSMEmulator, encoding: str
) -> None:
    seen: list[httpx.Request] = []

    async def arecord(request: httpx.Request) -> None:
        seen.append(request)

    http: Any = (
        httpx.Client(event_hooks={"request": [seen.append]})
        if mode == "sync"
        else httpx.AsyncClient(event_hooks={"request": [arecord]})
    )
    client = make(mode, server, emulator, protocol="2.0", encoding=encoding, http_client=http)
    results = await resolve(
        client.batch([("agentList", [None]), ("caseLoad", [{"id": 101}]), ("companyList", [])])
    )
    assert (
        len(results[0]) == 5
        and results[1]["id"] == "101"
        and results[2]["name"] == "Sandbox Company"
    )
    body = seen[-1].content.decode()
    if encoding == "json":
        payload = json.loads(body)
        assert seen[-1].headers["content-type"] == "application/json"
    else:
        payload = json.loads(httpx.QueryParams(body)["request"])
    assert isinstance(payload, list) and all(item["jsonrpc"] == "2.0" for item in payload)
    await close(client)
    await close(http)


async def test_protocol_1_has_no_jsonrpc_member(
    mode: str, server: EmulatorServer, emulator: SpiceCSMEmulator
) -> None:
    seen: list[httpx.Request] = []

    async def arecord(request: httpx.Request) -> None:
        seen.append(request)

    http: Any = (
        httpx.Client(event_hooks={"request": [seen.append]})
        if mode == "sync"
        else httpx.AsyncClient(event_hooks={"request": [arecord]})
    )
    client = make(mode, server, emulator, http_client=http)
    await collect(client.agents.list())
    connect = json.loads(httpx.QueryParams(seen[0].content.decode())["request"])
    call = json.loads(httpx.QueryParams(seen[1].content.decode())["request"])
    assert connect["method"] == "connect" and "jsonrpc" not in connect
    assert call["params"][-1] == client.session.get_secret_value()
    with pytest.raises(RequestValidationError):
        await resolve(client.batch([("agentList", [])]))
    await close(client)
    await close(http)


async def test_password_never_logged(
    mode: str, server: EmulatorServer, emulator: SpiceCSMEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = make(mode, server, emulator)
    await collect(client.agents.list())
    text = "\n".join(r.getMessage() for r in caplog.records) + repr(client)
    assert API_PASSWORD not in text and client.session.get_secret_value() not in text
    await close(client)


def test_telephony_pop_url(server: EmulatorServer) -> None:
    url = telephony_pop_url(server.url, company=1, brand=2, callid="A-1/2", ani="+1 (555) 555-5555")
    assert url.startswith(
        server.url
        + "/spiceinstall/integrations/telephony/telephonypop.php?company=1&brand=2&callid="
    )
    assert "caseid" not in url and "%2B1+%28555%29" in url
    received = httpx.get(url).json()["received"]
    assert received == {"company": "1", "brand": "2", "callid": "A-1/2", "ani": "+1 (555) 555-5555"}
    assert "caseid=77" in telephony_pop_url("https://spice.example.com", 1, 1, caseid=77)
    for bad in (
        {"company": 0, "brand": 1},
        {"company": 1, "brand": -1},
        {"company": True, "brand": 1},
    ):
        with pytest.raises(RequestValidationError):
            telephony_pop_url("https://spice.example.com", **bad)  # type: ignore[arg-type]
    with pytest.raises(RequestValidationError):
        telephony_pop_url("spice.example.com", 1, 1)


def test_telephony_pop_url_requires_company_and_brand() -> None:
    # The document calls both required; Community edition always uses 1, others must say.
    with pytest.raises(TypeError):
        telephony_pop_url("https://spice.example.com")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        telephony_pop_url("https://spice.example.com", company=2)  # type: ignore[call-arg]
