"""`SpiceCSMClient` and `AsyncSpiceCSMClient`: SpiceCSM's JSON-RPC API.

`connect(user, pass)` opens a session; every later call carries the session id as its last
positional parameter, after the call's own argument, in the shapes of SpiceCSM's PHP client
(`spiceAPIClient`): `agentList(obj|null, session)`, `load(obj, session)`,
`create([obj, …], session)` … The resource families (`agents`, `companies`, `cases`,
`accounts`, `objects`) live in their own modules. The client connects on first use and once
more when the server says the session expired; however many threads or tasks call at that
moment, one `connect` is sent (each sends the password and may take a licence seat) and the
others wait for its session or share its error.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, Unpack

import httpx
from pydantic import SecretStr

from ..core._auth import secret
from ..core._boundary import json_text
from ..core._client import (
    Async,
    AsyncClient,
    ClientBase,
    M,
    Sync,
    SyncClient,
    operation,
)
from ..core._errors import (
    ConfigurationError,
    JSONRPCError,
    RequestValidationError,
    ResponseValidationError,
)
from ..core._jsonbody import read_json
from ..core._request import Call, CallOptions
from ..core._singleflight import SingleFlight
from ._accounts import Accounts
from ._agents import Agents
from ._cases import Cases
from ._companies import Companies
from ._objects import Objects

__all__ = [
    "DEFAULT_ENDPOINT",
    "READ_METHODS",
    "AsyncSpiceCSMClient",
    "SpiceAPIError",
    "SpiceCSMClient",
    "is_error_result",
    "normalise_rows",
]

DEFAULT_ENDPOINT = "/api/spiceAPIServer/spiceAPIServer.php"
READ_METHODS = frozenset(
    {"connect", "checkSession", "caseLoad", "accountLoad", "agentList", "companyList", "load"}
)
EXPIRED_CODES = frozenset({-32001, 401})
_API_NAME = re.compile(r"^[a-z]+[A-Z][A-Za-z0-9]*$")


def normalise_rows(result: Any) -> list[Any]:
    """`{"msg": "no results"}` → `[]`, a lone object → `[object]`, a list as it is."""
    if result is None:
        return []
    if isinstance(result, dict):
        if set(result) == {"msg"} and "no result" in str(result["msg"]).lower():
            return []
        return [result]
    if isinstance(result, list):
        return result
    return [result]


@dataclass(frozen=True, slots=True)
class _Session:
    """What `connect` answered: the session id (secret) and the user's security level."""

    id: SecretStr
    security_level: Any = None

    @property
    def key(self) -> str:
        """The session id as sent, last positional parameter of every call."""
        return self.id.get_secret_value()


def _read_session(result: Any) -> _Session:
    session = result.get("session") if isinstance(result, dict) else None
    if not session:
        raise JSONRPCError("SpiceCSM connect returned no session", data=None)
    return _Session(SecretStr(str(session)), result.get("security_level"))


class SpiceAPIError(JSONRPCError):
    """SpiceCSM answered a call with its error object (`{"type": "Error", ...}`) as the
    result. `data` holds that object."""


def _expired(error: JSONRPCError) -> bool:
    return error.code in EXPIRED_CODES or "session" in error.message.lower()


class _SpiceCSMClientBase(ClientBase[M]):
    """SpiceCSM JSON-RPC API: `agents`, `companies`, `cases`, `accounts`, `objects`,
    `query`, `check_session`, and `call(method, *params)` for any other method.

    Args:
        base_url: the SpiceCSM installation (`https://help.example.com`).
        username, password: an API user; `connect` runs on first use.
        endpoint_path: the JSON-RPC endpoint (`/api/spiceAPIServer/spiceAPIServer.php`).
        protocol: `"1.0"` (no `jsonrpc` member, what the PHP client sends) or `"2.0"`
            (`"jsonrpc": "2.0"`, and batches).
        encoding: `"form"` (the request in the form field `request`) or `"json"` (the body).
        allow_raw_sql: `query` (raw SQL) is refused unless this is `True`.
        max_retries, timeout, http_client: as for every client.
        max_response_bytes: the largest answer read (64 MiB); a larger one raises
            `ResponseTooLargeError`.
        allow_insecure_http: allow plain http to hosts other than this machine (credentials
            then cross the network in clear); without it every URL must be https.
    """

    env_prefix = "SERVICEHUB_SPICECSM_"

    def __init__(
        self,
        *,
        base_url: str | None = None,
        username: str | None = None,
        password: str | SecretStr | None = None,
        endpoint_path: str = DEFAULT_ENDPOINT,
        protocol: Literal["1.0", "2.0"] = "1.0",
        encoding: Literal["form", "json"] = "form",
        allow_raw_sql: bool = False,
        max_retries: int | None = None,
        max_response_bytes: int | None = None,
        allow_insecure_http: bool = False,
        timeout: float | httpx.Timeout | None = None,
        http_client: httpx.Client | httpx.AsyncClient | None = None,
    ) -> None:
        if not base_url or not username or not password:
            raise ConfigurationError("SpiceCSM JSON-RPC needs base_url, username and password")
        if protocol not in ("1.0", "2.0") or encoding not in ("form", "json"):
            raise ConfigurationError("protocol is '1.0' or '2.0'; encoding 'form' or 'json'")
        self.username = username
        self._password = secret(password)
        self.protocol = protocol
        self.encoding = encoding
        self.allow_raw_sql = allow_raw_sql
        self._sessions: SingleFlight[_Session] = SingleFlight("SpiceCSM connect")
        self._ids = itertools.count(1)
        self._id_lock = threading.Lock()
        self._init_engine(
            base_url=base_url.rstrip("/") + "/" + endpoint_path.lstrip("/"),
            auth=None,
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
            max_response_bytes=max_response_bytes,
            allow_insecure_http=allow_insecure_http,
        )
        self._engine.scrubber.add(values=[self._password])
        self.agents: Agents[M] = Agents(self)
        self.companies: Companies[M] = Companies(self)
        self.cases: Cases[M] = Cases(self)
        self.accounts: Accounts[M] = Accounts(self)
        self.objects: Objects[M] = Objects(self)

    # -- the wire -----------------------------------------------------------------------

    def _next_id(self) -> int:
        with self._id_lock:
            return next(self._ids)

    def _envelope(self, method: str, params: Sequence[Any], request_id: int) -> dict[str, Any]:
        envelope: dict[str, Any] = {"method": method, "params": list(params), "id": request_id}
        if self.protocol == "2.0":
            envelope = {"jsonrpc": "2.0", **envelope}
        return envelope

    def _post(
        self, payload: Any, parse: Callable[[httpx.Response], Any], *, idempotent: bool, name: str
    ) -> Call[Any]:
        text = json_text(payload, field="params")
        if self.encoding == "form":
            return Call(
                "POST", "", data={"request": text}, parse=parse, idempotent=idempotent, name=name
            )
        return Call(
            "POST",
            "",
            content=text.encode("utf-8"),
            headers={"Content-Type": "application/json"},
            parse=parse,
            idempotent=idempotent,
            name=name,
        )

    def _rpc(self, method: str, params: Sequence[Any]) -> Call[Any]:
        request_id = self._next_id()
        name = f"SpiceCSM {method}"

        def parse(response: httpx.Response) -> Any:
            return _result(
                _answer(response, name), request_id, response, name, method not in READ_METHODS
            )

        return self._post(
            self._envelope(method, params, request_id),
            parse,
            idempotent=method in READ_METHODS,
            name=name,
        )

    @property
    def session(self) -> SecretStr | None:
        """The session id of the last `connect`, `None` before the first."""
        current = self._sessions.value
        return current.id if current is not None else None

    @property
    def security_level(self) -> Any:
        """The security level `connect` answered, `None` before the first."""
        current = self._sessions.value
        return current.security_level if current is not None else None

    @property
    def sessions_opened(self) -> int:
        """How many `connect` requests this client started, for tests and monitoring."""
        return self._sessions.attempts

    def _registered_session(self, result: Any) -> _Session:
        """The session `connect` opened, made known to the client's scrubber (so that a
        server echoing it in an error text never puts it into an SDK error)."""
        session = _read_session(result)
        self._engine.scrubber.add(values=[session.key])
        return session

    def _session_flow(self, stale: _Session | None = None) -> Generator[Call[Any], Any, _Session]:
        """The current session, or one `connect` shared by every caller that needs one.

        `stale` is a session the server refused as expired: it is replaced, once, however
        many callers report it.
        """
        if stale is not None:
            self._sessions.invalidate(stale)
        session = self._sessions.current()
        if session is None:
            connect = self._rpc("connect", [self.username, self._password.get_secret_value()])
            opened = connect.then(self._registered_session)
            session = yield replace(opened, single_flight=self._sessions)
        return session

    def _refuse_raw_sql(self, methods: Sequence[Any]) -> None:
        # PHP dispatches method names case-insensitively: `Query` and ` QUERY ` are `query`.
        if self.allow_raw_sql:
            return
        if any(isinstance(m, str) and m.strip().casefold() == "query" for m in methods):
            raise RequestValidationError(
                "query sends raw SQL; create the client with allow_raw_sql=True to use it"
            )

    def _call_flow(self, method: str, params: Sequence[Any]) -> Generator[Call[Any], Any, Any]:
        self._refuse_raw_sql([method])
        if not method or not method.replace("_", "").isalnum():
            raise RequestValidationError(f"invalid JSON-RPC method name {method!r}")
        session = yield from self._session_flow()
        try:
            return (yield self._rpc(method, [*params, session.key]))
        except JSONRPCError as error:
            if not _expired(error):
                raise
        session = yield from self._session_flow(stale=session)
        return (yield self._rpc(method, [*params, session.key]))

    def _rows(self, method: str, params: Sequence[Any]) -> Generator[Call[Any], Any, list[Any]]:
        """`method(*params, session)`, its result normalised to a list of rows."""
        return normalise_rows((yield from self._call_flow(method, params)))

    # -- operations ---------------------------------------------------------------------

    @operation
    def connect(self, **options: Unpack[CallOptions]) -> Generator[Call[Any], Any, str]:
        """Open a session (`connect(user, pass)`); returns nothing secret — the session id is
        kept on the client (`client.session`, a `SecretStr`), with `security_level`."""
        yield from self._session_flow(stale=self._sessions.value)
        return str(self.security_level) if self.security_level is not None else ""

    @operation
    def call(
        self, method: str, *params: Any, **options: Unpack[CallOptions]
    ) -> Generator[Call[Any], Any, Any]:
        """Call any API method; the session id is appended to `params`. Returns `result`."""
        return (yield from self._call_flow(method, params))

    @operation
    def check_session(self, **options: Unpack[CallOptions]) -> Generator[Call[Any], Any, bool]:
        """Whether the current session is alive (`checkSession`), without reconnecting."""
        if self.session is None:
            return False
        try:
            result = yield self._rpc("checkSession", [self.session.get_secret_value()])
        except JSONRPCError as error:
            if _expired(error):
                return False
            raise
        return bool(result)

    @operation
    def query(self, sql: str, **options: Unpack[CallOptions]) -> Generator[Call[Any], Any, Any]:
        """Raw SQL (`query(sql, session)`); refused unless the client was made with
        `allow_raw_sql=True`. Returns the server's result as sent."""
        if not isinstance(sql, str) or not sql.strip():
            raise RequestValidationError("query needs the SQL text")
        return (yield from self._call_flow("query", [sql]))

    @operation
    def batch(
        self, calls: Sequence[tuple[str, Sequence[Any]]], **options: Unpack[CallOptions]
    ) -> Generator[Call[Any], Any, list[Any]]:
        """Several calls in one JSON-RPC 2.0 batch; results in the order of `calls`. A failed
        member raises its `JSONRPCError`."""
        if self.protocol != "2.0":
            raise RequestValidationError("batches need protocol='2.0'")
        if not calls:
            return []
        self._refuse_raw_sql([method for method, _ in calls])
        session = (yield from self._session_flow()).key
        ids = [self._next_id() for _ in calls]
        payload = [
            self._envelope(m, [*p, session], i) for (m, p), i in zip(calls, ids, strict=True)
        ]
        idempotent = all(m in READ_METHODS for m, _ in calls)

        def parse(response: httpx.Response) -> list[Any]:
            answers = _answer(response, "SpiceCSM batch")
            if not isinstance(answers, list):
                raise ResponseValidationError(
                    "SpiceCSM batch: expected an array of answers", response=response
                )
            by_id = {str(a.get("id")): a for a in answers if isinstance(a, dict)}
            missing = [i for i in ids if str(i) not in by_id]
            if missing:
                raise JSONRPCError(
                    f"SpiceCSM batch: no answer for ids {missing}", response=response
                )
            return [
                _result(by_id[str(i)], i, response, "SpiceCSM batch", not idempotent) for i in ids
            ]

        results: list[Any] = yield self._post(
            payload, parse, idempotent=idempotent, name="SpiceCSM batch"
        )
        return results

    def __getattr__(self, name: str) -> Callable[..., Any]:
        # rpc.caseLoad(42) is rpc.call("caseLoad", 42). Only SpiceCSM-style names (camelCase, or
        # `query`) qualify, so attribute probes such as `aclose` are not mistaken for API calls.
        if not (_API_NAME.match(name) or name == "query"):
            raise AttributeError(name)
        engine = self._engine
        return lambda *params, **options: engine.run(self._call_flow(name, params), options or None)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.base_url} user={self.username!r}>"


def _answer(response: httpx.Response, name: str) -> Any:
    return read_json(response, name=name)


def _result(answer: Any, request_id: int, response: httpx.Response, name: str, write: bool) -> Any:
    if not isinstance(answer, dict):
        raise ResponseValidationError(
            f"{name}: the answer is not a JSON-RPC object", response=response
        )
    answered = answer.get("id")
    # PHP servers may echo the id as text ("1" for 1): equal after str() is the same id.
    if answered is None or isinstance(answered, bool) or str(answered) != str(request_id):
        raise JSONRPCError(
            f"{name}: answer id {answered!r} does not match request id {request_id}",
            response=response,
            may_have_been_applied=write,
        )
    error = answer.get("error")
    if error:
        if isinstance(error, dict):
            code, message, data = (
                error.get("code"),
                str(error.get("message") or "error"),
                error.get("data"),
            )
        else:
            code, message, data = None, str(error), None
        raise JSONRPCError(
            f"{name} failed: {message}",
            code=code,
            data=data,
            response=response,
            may_have_been_applied=False,
        )
    result = answer.get("result")
    if isinstance(result, dict) and is_error_result(result):
        message = _error_text(result)
        raise SpiceAPIError(
            f"{name} failed: {message}",
            data=result,
            response=response,
            may_have_been_applied=write,
        )
    return result


def is_error_result(result: Any) -> bool:
    """Whether a result is SpiceCSM's error object (`type == "Error"`), which its PHP client
    (`spiceAPIClient::isError`) treats as a failure."""
    return isinstance(result, dict) and result.get("type") == "Error"


def _error_text(result: dict[str, Any]) -> str:
    for key in ("message", "msg", "error", "errorMessage"):
        if isinstance(result.get(key), str) and result[key]:
            return str(result[key])
    return "error"


class SpiceCSMClient(_SpiceCSMClientBase[Sync], SyncClient):
    __doc__ = _SpiceCSMClientBase.__doc__


class AsyncSpiceCSMClient(_SpiceCSMClientBase[Async], AsyncClient):
    __doc__ = _SpiceCSMClientBase.__doc__
