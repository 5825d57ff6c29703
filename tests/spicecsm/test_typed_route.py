"""Typed rows, the typed route to the JSON-RPC session, `call()` for untyped methods, and the
error a refused password raises; in-process, the emulator behind an `httpx.MockTransport`."""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from servicehub_sdk.core import (
    AuthenticationError,
    JSONRPCError,
    MissingExtraError,
    ResponseValidationError,
)
from servicehub_sdk.spicecsm import (
    AccountRow,
    AgentRow,
    AsyncSpiceCSMClient,
    CaseRow,
    CompanyRow,
    ObjectRow,
    SpiceAuthenticationError,
    SpiceCSMClient,
)
from servicehub_sdk.testing import EmulatedRequest, SpiceCSMEmulator
from tests.helpers import close, collect, resolve

BASE = "https://spice.test"


class Wire:
    """The emulator as an in-process transport, counting what was sent."""

    def __init__(self, emulator: SpiceCSMEmulator) -> None:
        self.emulator = emulator
        self.sent: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        url = urlsplit(str(request.url))
        answer = self.emulator(
            EmulatedRequest(
                method=request.method,
                path=url.path,
                query={},
                headers={k.lower(): v for k, v in request.headers.items()},
                body=request.read(),
            )
        )
        return httpx.Response(answer.status, headers=answer.headers, content=answer.body)


@pytest.fixture
def emulator() -> SpiceCSMEmulator:
    return SpiceCSMEmulator()


@pytest.fixture
def wire(emulator: SpiceCSMEmulator) -> Wire:
    return Wire(emulator)


def make(mode: str, wire: Wire, **extra: Any) -> Any:
    config: dict[str, Any] = {**wire.emulator.client_config(BASE), **extra}
    transport = httpx.MockTransport(wire)
    if mode == "sync":
        return SpiceCSMClient(**config, http_client=httpx.Client(transport=transport))
    return AsyncSpiceCSMClient(**config, http_client=httpx.AsyncClient(transport=transport))


@pytest.fixture
async def rpc(mode: str, wire: Wire) -> AsyncIterator[Any]:
    client = make(mode, wire)
    yield client
    await close(client)


async def test_every_listing_and_load_yields_its_row_model(rpc: Any) -> None:
    assert all(isinstance(r, AgentRow) for r in await collect(rpc.agents.list()))
    assert all(isinstance(r, CompanyRow) for r in await collect(rpc.companies.list()))
    assert all(isinstance(r, CaseRow) for r in await resolve(rpc.cases.load({"id": 101})))
    accounts = await resolve(rpc.accounts.load({"userkey": "acct1"}))
    assert [type(a) for a in accounts] == [AccountRow] and accounts[0].name == "Account 1"
    records = await resolve(rpc.objects.load({"type": "cases", "id": "102"}))
    assert [type(r) for r in records] == [ObjectRow] and records[0].id == "102"


async def test_columns_match_whatever_their_case_and_unknown_ones_are_kept(
    rpc: Any, emulator: SpiceCSMEmulator
) -> None:
    # Column casing differs between installations (`CompanyID`, `companyid`); numbers may
    # come as numbers or as text.
    emulator.tables["companies"] = {
        "1": {"CompanyID": 1001, "CompanyLabel": "Acme", "BrandCount": "3"},
        "2": {"companyid": "1002", "companylabel": "Globex", "region": "EU"},
    }
    acme, globex = await collect(rpc.companies.list())
    assert (acme.company_id, acme.company_label) == ("1001", "Acme")
    assert (globex.company_id, globex.company_label) == ("1002", "Globex")
    assert acme.model_extra == {"BrandCount": "3"} and globex.model_extra == {"region": "EU"}
    assert acme["brandcount"] == acme.get("BRANDCOUNT") == "3" and "BrandCount" in acme
    assert acme["CompanyID"] == acme["company_id"] == "1001"
    assert acme.get("missing", "-") == "-" and "missing" not in acme
    with pytest.raises(KeyError):
        acme["missing"]
    assert "BrandCount" in acme._repr_html_()


def test_the_fields_own_spelling_wins_and_a_second_spelling_is_kept() -> None:
    row = CaseRow.model_validate({"STATUS": None, "Status": "Open", "status": "Closed"})
    assert row.status == "Closed"
    assert row.model_extra == {"STATUS": None, "Status": "Open"}
    first_with_a_value = CaseRow.model_validate({"USERKEY": None, "UserKey": "acct1"})
    assert first_with_a_value.userkey == "acct1"
    assert first_with_a_value.to_wire() == {"userkey": "acct1"}


async def test_an_unreadable_row_is_a_response_error(rpc: Any, emulator: SpiceCSMEmulator) -> None:
    emulator.tables["agents"] = {"1": {"id": "1", "name": {"first": "not", "last": "text"}}}
    with pytest.raises(ResponseValidationError, match="AgentRow"):
        await collect(rpc.agents.list())


async def test_a_misspelt_method_is_an_attribute_error_and_sends_nothing(
    rpc: Any, wire: Wire
) -> None:
    assert callable(rpc.query)  # a typed method, not a typo
    for name in ("caseLoad", "agentList", "accounts_load", "checkSession"):
        with pytest.raises(AttributeError):
            getattr(rpc, name)
    with pytest.raises(AttributeError):
        rpc.agents.lst()
    assert wire.sent == []


async def test_call_reaches_methods_without_a_typed_wrapper(rpc: Any, wire: Wire) -> None:
    case = await resolve(rpc.call("caseLoad", {"id": 103}))
    assert case["id"] == "103"  # the result as sent: no typed row
    assert await resolve(rpc.call("checkSession")) is True
    with pytest.raises(JSONRPCError) as caught:
        await resolve(rpc.call("noSuchMethod"))
    assert caught.value.code == -32601
    sent = [json.loads(httpx.QueryParams(r.read().decode())["request"]) for r in wire.sent]
    assert [e["method"] for e in sent] == ["connect", "caseLoad", "checkSession", "noSuchMethod"]
    assert sent[1]["params"][0] == {"id": 103} and len(sent[1]["params"]) == 2


async def test_a_refused_password_is_an_authentication_error(mode: str, wire: Wire) -> None:
    client = make(mode, wire, password="not-the-password")
    with pytest.raises(AuthenticationError) as caught:
        await collect(client.agents.list())
    error = caught.value
    assert isinstance(error, JSONRPCError) and isinstance(error, SpiceAuthenticationError)
    assert error.code == -32000 and error.status_code == 401
    assert "Invalid username or password" in str(error)
    assert "not-the-password" not in str(error) + repr(error.body)
    assert len(wire.sent) == 1  # the refusal is not retried as an expired session
    await close(client)


async def test_copies_share_the_session(rpc: Any, emulator: SpiceCSMEmulator) -> None:
    await collect(rpc.agents.list())
    patient = rpc.with_options(timeout=30)
    assert len(await collect(patient.agents.list())) == 5
    assert await resolve(patient.cases.load({"id": 101}))
    assert emulator.calls["connect"] == 1 and patient.session == rpc.session


@pytest.mark.parametrize(
    ("module", "use", "extra"),
    [
        ("pandas", lambda pager: pager.to_pandas(), "pandas"),
        ("tqdm.auto", lambda pager: pager.to_list(), "progress"),
    ],
)
async def test_a_missing_extra_is_a_missing_extra_error(
    rpc: Any, monkeypatch: pytest.MonkeyPatch, module: str, use: Any, extra: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # `import` now fails as if not installed
    with pytest.raises(MissingExtraError) as caught:
        await resolve(use(rpc.agents.list(progress=True)))
    assert caught.value.extra == extra
    assert f"pip install 'servicehub-sdk[{extra}]'" in str(caught.value)
