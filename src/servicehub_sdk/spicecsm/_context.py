"""`SpiceCSMContext`: the JSON-RPC session a SpiceCSM client and its resources share.

`connect(user, pass)` opens a session; every later call carries the session id as its last
positional parameter, after the call's own arguments. The context holds what that needs
(credentials, envelope settings, the session, the request ids) and describes calls as flows
the client's engine runs: `call()` for a result as sent, `rows()` for a result read as typed
rows, `page()` for a listing's one page. It sends nothing itself.
"""

from __future__ import annotations

import functools
import itertools
import threading
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field, replace
from types import GenericAlias, MappingProxyType
from typing import Any, Literal, TypeVar

import httpx
import pydantic
from pydantic import SecretStr

from ..core._boundary import json_text
from ..core._context import ClientContext
from ..core._errors import (
    AuthenticationError,
    JSONRPCError,
    RequestValidationError,
    ResponseValidationError,
)
from ..core._jsonbody import read_json
from ..core._pagination import Page
from ..core._request import Call, Flow
from ..core._singleflight import SingleFlight
from ._models import Row

__all__ = [
    "EXPIRED_CODES",
    "READ_METHODS",
    "RequestIds",
    "SpiceAPIError",
    "SpiceAuthenticationError",
    "SpiceCSMContext",
    "expired",
    "is_error_result",
    "normalise_rows",
    "read_of",
    "read_result",
    "read_rows",
]

READ_METHODS = frozenset(
    {"connect", "checkSession", "caseLoad", "accountLoad", "agentList", "companyList", "load"}
)
EXPIRED_CODES = frozenset({-32001, 401})

_FORM = MappingProxyType({"Content-Type": "application/x-www-form-urlencoded"})
_JSON = MappingProxyType({"Content-Type": "application/json"})

_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~")
_FORM_BYTES = tuple(
    bytes([octet]) if octet in _UNRESERVED else b"+" if octet == 0x20 else b"%%%02X" % octet
    for octet in range(256)
)
"""Each byte as `urllib.parse.quote_plus` writes it (the encoding httpx's `data=` uses)."""


def _form_value(text: str) -> bytes:
    """`text` encoded for a form body: `quote_plus(text).encode("ascii")`, from a table in
    one pass of C instead of `quote_plus`'s per-byte Python. A lone surrogate raises
    `UnicodeEncodeError`, as there."""
    return b"".join(map(_FORM_BYTES.__getitem__, text.encode("utf-8")))


R = TypeVar("R", bound=Row)
T = TypeVar("T")


class SpiceAPIError(JSONRPCError):
    """SpiceCSM answered a call with its error object (`{"type": "Error", ...}`) as the
    result. `data` holds that object."""


class SpiceAuthenticationError(JSONRPCError, AuthenticationError):
    """SpiceCSM refused `connect(user, pass)`: wrong user name or password, or no session in
    the answer. Both a `JSONRPCError` (`code`, `data`) and an `AuthenticationError`, as the
    other backends raise for refused credentials (`status_code` 401)."""

    response: httpx.Response

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        code: int | str | None = None,
        data: Any = None,
    ) -> None:
        AuthenticationError.__init__(
            self,
            message,
            response=response,
            code=code,
            backend_message=message,
            status_code=401,
            may_have_been_applied=False,
        )
        self.data = data


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


def is_error_result(result: Any) -> bool:
    """Whether a result is SpiceCSM's error object (`type == "Error"`), which its PHP client
    (`spiceAPIClient::isError`) treats as a failure."""
    return isinstance(result, dict) and result.get("type") == "Error"


@dataclass(frozen=True, slots=True)
class _Session:
    """What `connect` answered: the session id (secret) and the user's security level."""

    id: SecretStr
    security_level: Any = None

    @property
    def key(self) -> str:
        """The session id as sent, last positional parameter of every call."""
        return self.id.get_secret_value()


def expired(error: JSONRPCError) -> bool:
    """Whether an error says the session expired (SpiceCSM then wants a new `connect`)."""
    return error.code in EXPIRED_CODES or "session" in error.message.lower()


class RequestIds:
    """The ids of one client's JSON-RPC requests: 1, 2, 3 … however many threads send."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def next(self) -> int:
        """An id not used before."""
        with self._lock:
            return next(self._ids)


@dataclass(frozen=True, kw_only=True)
class SpiceCSMContext(ClientContext):
    """SpiceCSM's JSON-RPC envelope and session, shared by a client, its copies
    (`with_options`: same session, other engine) and its resources.

    Attributes:
        username, password: the API user `connect` sends.
        protocol: `"1.0"` (no `jsonrpc` member) or `"2.0"`.
        encoding: `"form"` (the form field `request`) or `"json"` (the body).
        allow_raw_sql: whether `query` (raw SQL) may be sent.
        sessions: the session `connect` opened, fetched by one caller at a time.
        request_ids: the ids requests are sent with.
    """

    username: str
    password: SecretStr = field(repr=False)
    protocol: Literal["1.0", "2.0"] = "1.0"
    encoding: Literal["form", "json"] = "form"
    allow_raw_sql: bool = False
    sessions: SingleFlight[_Session] = field(
        default_factory=lambda: SingleFlight("SpiceCSM connect"), repr=False
    )
    request_ids: RequestIds = field(default_factory=RequestIds, repr=False)

    # -- state ----------------------------------------------------------------------------

    @property
    def session(self) -> SecretStr | None:
        """The session id of the last `connect`, `None` before the first."""
        current = self.sessions.value
        return current.id if current is not None else None

    @property
    def security_level(self) -> Any:
        """The security level `connect` answered, `None` before the first."""
        current = self.sessions.value
        return current.security_level if current is not None else None

    @property
    def sessions_opened(self) -> int:
        """How many `connect` requests were started."""
        return self.sessions.attempts

    def next_id(self) -> int:
        """A request id not used before on this session."""
        return self.request_ids.next()

    # -- the wire -------------------------------------------------------------------------

    def envelope(self, method: str, params: Sequence[Any], request_id: int) -> dict[str, Any]:
        """`{"method", "params", "id"}` (with `"jsonrpc": "2.0"` under protocol 2.0)."""
        envelope: dict[str, Any] = {"method": method, "params": list(params), "id": request_id}
        if self.protocol == "2.0":
            envelope = {"jsonrpc": "2.0", **envelope}
        return envelope

    def post(
        self, payload: Any, parse: Callable[[httpx.Response], T], *, idempotent: bool, name: str
    ) -> Call[T]:
        """The POST carrying `payload`: as the form field `request`, or as the JSON body.

        `payload` is checked once, where it becomes JSON text (`json_text`); the body then
        goes as bytes, the form encoded here exactly as httpx encodes `data={"request":
        text}`, so that no second pass walks the text again."""
        text = json_text(payload, field="params")
        if self.encoding == "form":
            content, kind = b"request=" + _form_value(text), _FORM
        else:
            content, kind = text.encode("utf-8"), _JSON
        return Call(
            "POST",
            "",
            content=content,
            headers=kind,
            parse=parse,
            idempotent=idempotent,
            name=name,
        )

    def request(
        self, method: str, params: Sequence[Any], read: Callable[[Any], Any] | None = None
    ) -> Call[Any]:
        """One JSON-RPC exchange, `method(*params)` as given (no session added); the
        `result` of its answer, or what `read` makes of it while the answer is read."""
        request_id = self.next_id()
        name = f"SpiceCSM {method}"

        def parse(response: httpx.Response) -> Any:
            result = read_result(
                read_json(response, name=name),
                request_id,
                response,
                name,
                write=method not in READ_METHODS,
            )
            return result if read is None else read(result)

        return self.post(
            self.envelope(method, params, request_id),
            parse,
            idempotent=method in READ_METHODS,
            name=name,
        )

    # -- flows ----------------------------------------------------------------------------

    def session_flow(self, stale: _Session | None = None) -> Generator[Call[Any], Any, _Session]:
        """The current session, or one `connect` shared by every caller that needs one.

        `stale` is a session the server refused as expired: it is replaced, once, however
        many callers report it.
        """
        if stale is not None:
            self.sessions.invalidate(stale)
        session = self.sessions.current()
        if session is None:
            connect = self._connect_call()
            session = yield replace(connect, single_flight=self.sessions)
        return session

    def reconnect(self) -> Generator[Call[Any], Any, _Session]:
        """A new session, replacing the current one."""
        return (yield from self.session_flow(stale=self.sessions.value))

    def _connect_call(self) -> Call[_Session]:
        call = self.request("connect", [self.username, self.password.get_secret_value()])
        parse = call.parse

        def read_session(response: httpx.Response) -> _Session:
            try:
                result = parse(response)
            except JSONRPCError as error:
                raise SpiceAuthenticationError(
                    error.message, response=response, code=error.code, data=error.data
                ) from None
            session = result.get("session") if isinstance(result, dict) else None
            if not session:
                raise SpiceAuthenticationError(
                    "SpiceCSM connect returned no session", response=response
                )
            key = SecretStr(str(session))
            # Known to the scrubber, so that a server echoing it never puts it into an error.
            self.engine.scrubber.add(values=[key])
            return _Session(key, result.get("security_level"))

        return call.with_parse(read_session)

    def check_raw_sql(self, methods: Sequence[Any]) -> None:
        """Refuse `query` (raw SQL) unless `allow_raw_sql` was given."""
        # PHP dispatches method names case-insensitively: `Query` and ` QUERY ` are `query`.
        if self.allow_raw_sql:
            return
        if any(isinstance(m, str) and m.strip().casefold() == "query" for m in methods):
            raise RequestValidationError(
                "query sends raw SQL; create the client with allow_raw_sql=True to use it"
            )

    def call(
        self,
        method: str,
        params: Sequence[Any],
        read: Callable[[Any], T] | None = None,
    ) -> Flow[T]:
        """`method(*params, session)`: connects first when there is no session, and once
        more when the server says it expired. Returns the `result` as sent, or as `read`
        makes it (`read` runs while the answer is read, so its failures are
        `ResponseValidationError`s)."""
        self.check_method(method)
        return self._call_flow(method, params, read)

    def check_method(self, method: str) -> None:
        """Refuse a method name that is not one (`RequestValidationError`), and `query`
        unless raw SQL is allowed."""
        if type(method) is str and method in READ_METHODS:  # SpiceCSM's own reads: names
            return
        self.check_raw_sql([method])
        if not isinstance(method, str) or not method.replace("_", "").isalnum():
            raise RequestValidationError(f"invalid JSON-RPC method name {method!r}")

    def _call_flow(
        self, method: str, params: Sequence[Any], read: Callable[[Any], T] | None
    ) -> Flow[T]:
        session = self.sessions.current()
        if session is None:
            session = yield from self.session_flow()
        result: T
        try:
            result = yield self._reading(method, [*params, session.key], read)
            return result
        except JSONRPCError as error:
            if isinstance(error, SpiceAuthenticationError) or not expired(error):
                raise
        session = yield from self.session_flow(stale=session)
        result = yield self._reading(method, [*params, session.key], read)
        return result

    def _reading(
        self, method: str, params: Sequence[Any], read: Callable[[Any], T] | None
    ) -> Call[Any]:
        return self.request(method, params, read)

    def rows(self, method: str, params: Sequence[Any], row: type[R]) -> Flow[list[R]]:
        """`method(*params, session)`, its result as a list of `row`s (`[]` for
        `{"msg": "no results"}`, a lone object as a list of one)."""
        return self.call(method, params, read=read_of(row))

    def page(self, method: str, params: Sequence[Any], row: type[R]) -> Callable[[], Flow[Page[R]]]:
        """A listing's one page: `rows()` started afresh on every iteration of its pager.
        The method is checked now, when the listing is made."""
        self.check_method(method)

        def flow() -> Flow[Page[R]]:
            return Page(items=(yield from self._call_flow(method, params, read_of(row))))

        return flow


def read_of(row: type[R]) -> Callable[[Any], list[R]]:
    """What reads a result as a list of `row`s."""
    return lambda result: read_rows(result, row)


def read_rows(result: Any, row: type[R]) -> list[R]:
    """A result's rows as `row` models; a row that is not an object is refused."""
    rows = normalise_rows(result)
    try:
        return _rows_of(row).validate_python(rows)
    except pydantic.ValidationError as exc:
        raise ValueError(f"a {row.__name__} row could not be read: {exc}") from None


@functools.cache
def _rows_of(row: type[R]) -> pydantic.TypeAdapter[list[R]]:
    """What validates a list of `row`s in one pass of pydantic-core, made once per row type."""
    rows: Any = GenericAlias(list, (row,))  # list[row], which mypy reads as a type
    return pydantic.TypeAdapter(rows)


def read_result(
    answer: Any, request_id: int, response: httpx.Response, name: str, *, write: bool
) -> Any:
    """The `result` of one JSON-RPC answer, or its error raised: `JSONRPCError` for an
    `error` member or an answer to another id, `SpiceAPIError` for SpiceCSM's error object."""
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
        raise SpiceAPIError(
            f"{name} failed: {_error_text(result)}",
            data=result,
            response=response,
            may_have_been_applied=write,
        )
    return result


def _error_text(result: dict[str, Any]) -> str:
    for key in ("message", "msg", "error", "errorMessage"):
        if isinstance(result.get(key), str) and result[key]:
            return str(result[key])
    return "error"
