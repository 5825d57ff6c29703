"""`SpiceCSMClient` and `AsyncSpiceCSMClient`: SpiceCSM's JSON-RPC API.

`connect(user, pass)` opens a session; every later call carries the session id as its last
positional parameter, after the call's own argument, in the shapes of SpiceCSM's PHP client
(`spiceAPIClient`): `agentList(obj|null, session)`, `load(obj, session)`,
`create([obj, …], session)` … The resource families (`agents`, `companies`, `cases`,
`accounts`, `objects`) live in their own modules and reach the session through the client's
`SpiceCSMContext` (`_context.py`). The client connects on first use and once
more when the server says the session expired; however many threads or tasks call at that
moment, one `connect` is sent (each sends the password and may take a licence seat) and the
others wait for its session or share its error.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from typing import Any, Literal, Unpack

import httpx
from pydantic import SecretStr

from ..core._auth import secret
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
from ..core._ratelimit import RateLimit
from ..core._request import Call, CallOptions
from ._accounts import Accounts
from ._agents import Agents
from ._cases import Cases
from ._companies import Companies
from ._context import (
    READ_METHODS,
    SpiceAPIError,
    SpiceAuthenticationError,
    SpiceCSMContext,
    expired,
    is_error_result,
    normalise_rows,
    read_result,
)
from ._objects import Objects

__all__ = [
    "DEFAULT_ENDPOINT",
    "READ_METHODS",
    "AsyncSpiceCSMClient",
    "SpiceAPIError",
    "SpiceAuthenticationError",
    "SpiceCSMClient",
    "is_error_result",
    "normalise_rows",
]

DEFAULT_ENDPOINT = "/api/spiceAPIServer/spiceAPIServer.php"


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
        rate_limit: at most this many requests per second (`RateLimit(10, burst=5)`, or
            `"10/5"`), shared by every thread, task and `with_options` copy; off by default.
            Rate-limit answers slow the client down whether or not it is set.
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
        rate_limit: RateLimit | str | None = None,
        allow_insecure_http: bool = False,
        timeout: float | httpx.Timeout | None = None,
        http_client: httpx.Client | httpx.AsyncClient | None = None,
    ) -> None:
        if not base_url or not username or not password:
            raise ConfigurationError("SpiceCSM JSON-RPC needs base_url, username and password")
        if protocol not in ("1.0", "2.0") or encoding not in ("form", "json"):
            raise ConfigurationError("protocol is '1.0' or '2.0'; encoding 'form' or 'json'")
        engine = self._open_engine(
            base_url=base_url.rstrip("/") + "/" + endpoint_path.lstrip("/"),
            auth=None,
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
            max_response_bytes=max_response_bytes,
            rate_limit=rate_limit,
            allow_insecure_http=allow_insecure_http,
        )
        self._context: SpiceCSMContext = SpiceCSMContext(
            engine=engine,
            client_name=type(self).__name__,
            username=username,
            password=secret(password),
            protocol=protocol,
            encoding=encoding,
            allow_raw_sql=allow_raw_sql,
        )
        context = self._context
        engine.scrubber.add(values=[context.password])
        self.agents: Agents[M] = Agents(context)
        self.companies: Companies[M] = Companies(context)
        self.cases: Cases[M] = Cases(context)
        self.accounts: Accounts[M] = Accounts(context)
        self.objects: Objects[M] = Objects(context)

    @property
    def username(self) -> str:
        """The API user."""
        return self._context.username

    @property
    def protocol(self) -> Literal["1.0", "2.0"]:
        """The JSON-RPC protocol version sent."""
        return self._context.protocol

    @property
    def encoding(self) -> Literal["form", "json"]:
        """How the request travels: the form field `request` or the JSON body."""
        return self._context.encoding

    @property
    def allow_raw_sql(self) -> bool:
        """Whether `query` (raw SQL) may be sent."""
        return self._context.allow_raw_sql

    @property
    def session(self) -> SecretStr | None:
        """The session id of the last `connect`, `None` before the first."""
        return self._context.session

    @property
    def security_level(self) -> Any:
        """The security level `connect` answered, `None` before the first."""
        return self._context.security_level

    @property
    def sessions_opened(self) -> int:
        """How many `connect` requests this client started, for tests and monitoring."""
        return self._context.sessions_opened

    # -- operations ---------------------------------------------------------------------

    @operation
    def connect(self, **options: Unpack[CallOptions]) -> Generator[Call[Any], Any, str]:
        """Open a session (`connect(user, pass)`); returns nothing secret — the session id is
        kept on the client (`client.session`, a `SecretStr`), with `security_level`."""
        yield from self._context.reconnect()
        return str(self.security_level) if self.security_level is not None else ""

    @operation
    def call(
        self, method: str, *params: Any, **options: Unpack[CallOptions]
    ) -> Generator[Call[Any], Any, Any]:
        """Call any API method by its SpiceCSM name (`call("agentExists", login)`): sends
        `method(*params, session)`, connecting first when needed. Returns `result` as sent.

        Methods with a typed wrapper (`agents.list()`, `cases.load()`…) are better called
        through it; an attribute this client does not have raises `AttributeError` and sends
        nothing (there is no `client.caseLoad(...)`)."""
        return (yield from self._context.call(method, params))

    @operation
    def check_session(self, **options: Unpack[CallOptions]) -> Generator[Call[Any], Any, bool]:
        """Whether the current session is alive (`checkSession`), without reconnecting."""
        if self.session is None:
            return False
        try:
            result = yield self._context.request("checkSession", [self.session.get_secret_value()])
        except JSONRPCError as error:
            if expired(error):
                return False
            raise
        return bool(result)

    @operation
    def query(self, sql: str, **options: Unpack[CallOptions]) -> Generator[Call[Any], Any, Any]:
        """Raw SQL (`query(sql, session)`); refused unless the client was made with
        `allow_raw_sql=True`. Returns the server's result as sent."""
        if not isinstance(sql, str) or not sql.strip():
            raise RequestValidationError("query needs the SQL text")
        return (yield from self._context.call("query", [sql]))

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
        self._context.check_raw_sql([method for method, _ in calls])
        session = (yield from self._context.session_flow()).key
        ids = [self._context.next_id() for _ in calls]
        payload = [
            self._context.envelope(m, [*p, session], i)
            for (m, p), i in zip(calls, ids, strict=True)
        ]
        idempotent = all(m in READ_METHODS for m, _ in calls)

        def parse(response: httpx.Response) -> list[Any]:
            answers = read_json(response, name="SpiceCSM batch")
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
                read_result(by_id[str(i)], i, response, "SpiceCSM batch", write=not idempotent)
                for i in ids
            ]

        results: list[Any] = yield self._context.post(
            payload, parse, idempotent=idempotent, name="SpiceCSM batch"
        )
        return results

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.base_url} user={self.username!r}>"


class SpiceCSMClient(_SpiceCSMClientBase[Sync], SyncClient):
    __doc__ = _SpiceCSMClientBase.__doc__


class AsyncSpiceCSMClient(_SpiceCSMClientBase[Async], AsyncClient):
    __doc__ = _SpiceCSMClientBase.__doc__
