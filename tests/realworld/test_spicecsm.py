"""SpiceCSM JSON-RPC against the call and result shapes of SpiceCSM's own PHP client and of
OpenACD's Erlang integration (no recorded server answer is public)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from servicehub_sdk.core import JSONRPCError
from servicehub_sdk.spicecsm import AsyncSpiceCSMClient, SpiceCSMClient
from tests.helpers import collect, resolve
from tests.realworld.replay import Replay, answer, client_on, form, load

BACKEND = "spicecsm"
ENDPOINT = "POST /api/spiceAPIServer/spiceAPIServer.php"
SESSION = "REDACTED-SESSION"
PHP = load(BACKEND, "php_client_calls")
CONNECT = load(BACKEND, "openacd_connect")
RESULTS = load(BACKEND, "openacd_results")


def rpc(request: httpx.Request) -> dict[str, Any]:
    """The JSON-RPC envelope the SDK sent (form field `request`)."""
    envelope: dict[str, Any] = json.loads(form(request)["request"])
    return envelope


def by_method(answers: dict[str, list[Any]]) -> Callable[[httpx.Request], httpx.Response]:
    """Answers each call with the next recorded body for its method, echoing the call's id."""

    def respond(request: httpx.Request) -> httpx.Response:
        envelope = rpc(request)
        bodies = answers[envelope["method"]]
        body = dict(bodies.pop(0) if len(bodies) > 1 else bodies[0])
        return answer(200, body={**body, "id": envelope["id"]})

    return respond


def php_params(method: str) -> list[Any]:
    return next(
        e.request["rpc"]["params"]
        for e in PHP.exchanges
        if e.request["rpc"]["method"] == method and not e.response
    )


@pytest.fixture
def answers() -> dict[str, list[Any]]:
    return {"connect": [CONNECT.exchanges[0].body]}


@pytest.fixture
async def spice(mode: str, answers: dict[str, list[Any]]) -> AsyncIterator[tuple[Any, Replay]]:
    replay = Replay({ENDPOINT: by_method(answers)})
    async with client_on(
        replay,
        mode,
        (SpiceCSMClient, AsyncSpiceCSMClient),
        base_url="https://help.example.com",
        username="<user>",
        password="REDACTED-PASSWORD",
        allow_raw_sql=True,
    ) as client:
        yield client, replay


# The PHP client's shapes (agentList(null, session), load(obj), create([obj])) come with the
# calls grouped as `spice.companies`, `spice.agents` and `spice.objects`.


def calls(replay: Replay) -> list[dict[str, Any]]:
    return [rpc(r) for r in replay.sent(ENDPOINT)]


async def test_connect_is_the_form_posted_1_0_envelope(spice: Any) -> None:
    client, replay = spice
    assert await resolve(client.connect()) == "4"
    [sent] = calls(replay)
    recorded = CONNECT.first.request
    assert set(form(replay.requests[0])) == {recorded["form_field"]}
    assert set(sent) == set(recorded["rpc"]) == {"method", "params", "id"}
    assert sent["method"] == "connect" and sent["params"] == ["<user>", "REDACTED-PASSWORD"]
    assert client.session.get_secret_value() == SESSION


async def test_refused_connect_is_an_error(spice: Any, answers: dict[str, list[Any]]) -> None:
    client, _ = spice
    answers["connect"] = [CONNECT.exchanges[1].body]
    with pytest.raises(JSONRPCError):
        await resolve(client.connect())


async def test_company_list_rows_and_session_last(spice: Any, answers: dict[str, Any]) -> None:
    client, replay = spice
    answers["companyList"] = [RESULTS.exchanges[0].body]
    rows = await collect(client.companies.list())
    assert [r["companyid"] for r in rows] == ["1001", "1002"]
    assert calls(replay)[-1]["params"] == [SESSION] == php_params("companyList")


async def test_no_results_and_lone_objects(spice: Any, answers: dict[str, Any]) -> None:
    client, replay = spice
    answers["agentExists"] = [RESULTS.exchanges[1].body]
    answers["query"] = [RESULTS.exchanges[2].body]
    assert await resolve(client.call("agentExists", "<login>")) == {"msg": "no results"}
    sql = RESULTS.exchanges[2].request["rpc"]["params"][0]
    assert await resolve(client.call("query", sql)) == {"brandlistlabel": "Acme Support"}
    sent = calls(replay)
    assert sent[-2]["params"] == [*RESULTS.exchanges[1].request["rpc"]["params"][:1], SESSION]
    assert sent[-1]["params"] == [sql, SESSION]


async def test_check_session_sends_only_the_session(spice: Any, answers: dict[str, Any]) -> None:
    client, replay = spice
    answers["checkSession"] = [{"result": True, "error": None}]
    await resolve(client.connect())
    assert await resolve(client.check_session()) is True
    assert calls(replay)[-1]["params"] == [SESSION] == php_params("checkSession")


async def test_agent_list_sends_null_then_session(spice: Any, answers: dict[str, Any]) -> None:
    client, replay = spice
    answers["agentList"] = [RESULTS.exchanges[0].body]
    await collect(client.agents.list())
    assert calls(replay)[-1]["params"] == [None, SESSION] == php_params("agentList")


async def test_load_sends_one_object(spice: Any, answers: dict[str, Any]) -> None:
    client, replay = spice
    answers["load"] = [RESULTS.exchanges[0].body]
    obj = {"type": "cases", "caseid": "42"}
    await resolve(client.objects.load(obj))
    assert calls(replay)[-1]["params"] == [obj, SESSION]
    assert len(php_params("load")) == 2 and isinstance(php_params("load")[0], dict)


async def test_create_sends_an_array_of_objects(spice: Any, answers: dict[str, Any]) -> None:
    client, replay = spice
    answers["create"] = [{"result": "77", "error": None}]
    obj = {"type": "cases", "subject": "Spindle noise"}
    await resolve(client.objects.create([obj]))
    assert calls(replay)[-1]["params"] == [[obj], SESSION]
    assert isinstance(php_params("create")[0], list)


async def test_error_typed_result_is_a_failure(spice: Any, answers: dict[str, Any]) -> None:
    client, _ = spice
    recorded = PHP.exchanges[-1]
    answers[recorded.request["rpc"]["method"]] = [recorded.body]
    with pytest.raises(JSONRPCError):
        await resolve(client.call("load", {"table": "tblCase"}))
