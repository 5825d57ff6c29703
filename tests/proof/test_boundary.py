"""The rest of the trust boundary: errors that travel between processes without their
secrets, the raw SQL guard, and input that cannot be sent refused before anything leaves."""

from __future__ import annotations

import math
import pickle
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import httpx
import pytest

from servicehub_sdk.core import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ConfigurationError,
    GraphQLError,
    JSONRPCError,
    NotFoundError,
    RateLimitError,
    RequestValidationError,
    ResponseValidationError,
    ServerError,
    ServiceHubError,
)
from servicehub_sdk.core._http import status_error
from servicehub_sdk.supportcenter import Criteria
from tests.helpers import close, resolve
from tests.proof.backends import BACKENDS
from tests.proof.transport import ORIGIN, client_for, emulated

SECRETS = (
    "api-key-5f0c",
    "client-secret-9d2e",
    "password-77ab",
    "access-token-31c4",
    "session-id-a1b2",
    "secure-hash-c3d4",
)


def _response_with_secrets(status: int, body: Any) -> httpx.Response:
    """A response whose request, and the token exchange before it, carry every secret."""
    token_request = httpx.Request(
        "POST",
        "https://login.example.com/oauth2/token",
        data={"client_secret": SECRETS[1], "password": SECRETS[2]},
    )
    token_response = httpx.Response(200, json={"access_token": SECRETS[3]}, request=token_request)
    request = httpx.Request(
        "POST",
        "https://api.example.com/v1/things?session=" + SECRETS[4],
        headers={
            "authtoken": SECRETS[0],
            "Authorization": f"Bearer {SECRETS[3]}",
            "X-Secure-Hash": SECRETS[5],
        },
        json={"password": SECRETS[2]},
    )
    response = httpx.Response(status, json=body, request=request)
    response.history = [token_response]
    return response


def _errors() -> list[ServiceHubError]:
    body = {"message": "nope", "code": "E42", "details": [{"field": "name"}], "token": SECRETS[3]}
    not_found = status_error(_response_with_secrets(404, body), name="get thing")
    limited = status_error(_response_with_secrets(429, body), name="list things")
    server = status_error(_response_with_secrets(503, body), name="create thing")
    request = _response_with_secrets(200, {}).request
    connection = APIConnectionError(
        "create thing could not be completed", request=request, may_have_been_applied=True
    )
    graphql = GraphQLError(
        "createCustomer failed",
        errors=[{"message": "duplicate", "path": ["createCustomer"]}],
        data={"createCustomer": None},
        response=_response_with_secrets(200, {}),
    )
    rpc = JSONRPCError("SpiceCSM caseLoad failed", code=7, response=_response_with_secrets(200, {}))
    unreadable = ResponseValidationError(
        "get thing: the answer could not be read", response=_response_with_secrets(200, [])
    )
    return [
        not_found,
        limited,
        server,
        connection,
        APITimeoutError("timed out", request=request),
        graphql,
        rpc,
        unreadable,
        RequestValidationError("name: required", errors=[{"loc": ("name",), "msg": "required"}]),
        ConfigurationError("base_url is missing"),
    ]


FACTS = (
    "message",
    "status_code",
    "code",
    "body",
    "backend_message",
    "details",
    "may_have_been_applied",
    "before_request",
    "retry_after",
    "errors",
    "data",
    "raw",
)


@pytest.mark.parametrize("error", _errors(), ids=lambda e: type(e).__name__)
def test_errors_pickle_without_secrets_or_live_objects(error: ServiceHubError) -> None:
    data = pickle.dumps(error)
    for value in SECRETS:
        assert value.encode() not in data, f"{value} pickled with {type(error).__name__}"
    assert b"httpx" not in data
    copy = pickle.loads(data)
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert copy.request is None
    assert getattr(copy, "response", None) is None
    for name in FACTS:
        if name in ("body", "details", "data"):
            continue  # redacted copies
        assert getattr(copy, name, None) == getattr(error, name, None), name
    if isinstance(error, APIStatusError):
        assert copy.body["message"] == "nope" and copy.body["token"] == "REDACTED"
        assert copy.details == [{"field": "name"}]


def _fail_in_worker(kind: str) -> None:
    """Raise an SDK error as a worker would (runs in another process)."""
    errors = {type(e).__name__: e for e in _errors()}
    raise errors[kind]


@pytest.mark.parametrize(
    "cls", [NotFoundError, RateLimitError, ServerError, GraphQLError, APIConnectionError]
)
def test_errors_cross_a_process_pool(cls: type[ServiceHubError]) -> None:
    with ProcessPoolExecutor(max_workers=1) as pool:
        future = pool.submit(_fail_in_worker, cls.__name__)
        with pytest.raises(cls) as caught:
            future.result(timeout=60)
        healthy = pool.submit(math.sqrt, 4.0)  # the pool survived the failure
        assert healthy.result(timeout=60) == 2.0
    expected = next(e for e in _errors() if type(e) is cls)
    assert str(caught.value) == str(expected)
    assert caught.value.may_have_been_applied == expected.may_have_been_applied


def test_a_real_backend_error_pickles_without_its_credentials() -> None:
    backend = next(b for b in BACKENDS if b.name == "supportcenter")
    emulator = backend.make_emulator()
    client = client_for(backend, emulator, "sync", emulated(emulator, []))
    with pytest.raises(NotFoundError) as caught:
        client.requests.get("999999")
    client.close()
    data = pickle.dumps(caught.value)
    assert emulator.client_config("x")["api_key"].encode() not in data
    assert pickle.loads(data).status_code == 404


# -- the raw SQL guard ------------------------------------------------------------------


@pytest.mark.parametrize("method", ["query", "Query", "QUERY", "qUery", " query ", "query\t"])
async def test_raw_sql_is_refused_however_it_is_spelled(method: str, mode: str) -> None:
    backend = next(b for b in BACKENDS if b.name == "spicecsm")
    emulator = backend.make_emulator()
    recorded: list[httpx.Request] = []
    client = client_for(backend, emulator, mode, emulated(emulator, recorded))
    try:
        with pytest.raises(RequestValidationError, match="allow_raw_sql"):
            await resolve(client.call(method, "SELECT * FROM users"))
        transport = emulated(emulator, recorded)
        http = (httpx.Client if mode == "sync" else httpx.AsyncClient)(transport=transport)
        rpc2 = backend.client(emulator, ORIGIN, mode, http_client=http, protocol="2.0")
        with pytest.raises(RequestValidationError, match="allow_raw_sql"):
            await resolve(rpc2.batch([("agentList", []), (method, ["SELECT 1"])]))
        await close(rpc2)
    finally:
        await close(client)
    assert not any(b"SELECT" in r.content for r in recorded)


# -- input that cannot be sent ----------------------------------------------------------

UNSENDABLE: list[tuple[str, Any]] = [
    ("lone surrogate", "caf\udce9"),
    ("NaN", math.nan),
    ("infinity", math.inf),
    ("a set", {1, 2}),
    ("bytes", b"raw"),
    ("an object", object()),
]


@pytest.mark.parametrize(("what", "value"), UNSENDABLE, ids=[w for w, _ in UNSENDABLE])
async def test_unsendable_bodies_are_refused_before_sending(
    what: str, value: Any, mode: str
) -> None:
    del what
    writes = {
        "ssh": lambda c: c.request("POST", "", json={"query": "{x}", "variables": {"v": value}}),
        "fsm": lambda c: c.request("POST", "partners", json={"name": "P", "remarks": value}),
        "supportcenter": lambda c: c.requesters.create({"name": "R", "udf_fields": {"x": value}}),
        "cecenter": lambda c: c.interaction_logs.create(
            {"customerId": "C1", "type": "T", "extraField": value}
        ),
        "spicecsm": lambda c: c.objects.create([{"type": "cases", "issue": value}]),
    }
    for backend in BACKENDS:
        emulator = backend.make_emulator()
        recorded: list[httpx.Request] = []
        client = client_for(backend, emulator, mode, emulated(emulator, recorded))
        await resolve(backend.read(client, emulator))
        before = len(recorded)
        try:
            with pytest.raises(RequestValidationError) as caught:
                await resolve(writes[backend.name](client))
        finally:
            await close(client)
        assert len(recorded) == before, f"{backend.name} sent an unsendable body"
        assert caught.value.errors and caught.value.errors[0]["loc"], backend.name


@pytest.mark.parametrize(("what", "value"), UNSENDABLE, ids=[w for w, _ in UNSENDABLE])
async def test_unsendable_criteria_and_params_are_refused(what: str, value: Any, mode: str) -> None:
    del what
    backend = next(b for b in BACKENDS if b.name == "supportcenter")
    emulator = backend.make_emulator()
    recorded: list[httpx.Request] = []
    client = client_for(backend, emulator, mode, emulated(emulator, recorded))
    try:
        with pytest.raises(RequestValidationError):
            await resolve(client.requests.list(search=Criteria("subject").is_(value)).first())
        with pytest.raises(RequestValidationError, match="params"):
            await resolve(client.request("GET", "requests", params={"q": value}))
    finally:
        await close(client)
    assert recorded == []


@pytest.mark.parametrize("field", ["", "  "])
def test_criteria_need_a_field(field: str) -> None:
    with pytest.raises(RequestValidationError, match="field"):
        Criteria(field)
