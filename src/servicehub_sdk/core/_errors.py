"""One exception hierarchy for every backend, rooted at `ServiceHubError`.

The core's classes are defined here; the few a backend adds (`NotRunError`, `SpiceAPIError`…)
subclass them, and `servicehub_sdk` exports them all. The whole tree, generated from the
classes, is on the Errors page (docs/concepts/errors.md).

Every error says whether the request *may have been applied* by the server, so that a caller
can tell a safe-to-repeat failure from one that needs a look before trying again.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pydantic_core
from pydantic_core import PydanticCustomError

from ._redaction import REDACTED, bounded, is_secret_name, redact_mapping

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "EventLoopError",
    "GraphQLError",
    "InputFileError",
    "InputValidationError",
    "JSONRPCError",
    "NotFoundError",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestValidationError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "ServerError",
    "ServiceHubError",
    "UnprocessableError",
    "UnsupportedOperationError",
    "request_id_of",
    "request_of",
    "status_error_class",
]


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
"""Methods that only read: a failure of one of them has applied nothing."""


class ServiceHubError(Exception):
    """Base class of every error the SDK raises.

    Attributes:
        message: a one-line human readable description.
        request: the `httpx.Request` concerned, when there was one.
        may_have_been_applied: `True` when the server may have carried the request out
            (e.g. a timeout after a create was sent); `False` when it provably did not.
    """

    may_have_been_applied: bool = False
    before_request: bool = False
    """`True` when raised before the request itself was sent (e.g. while fetching a token)."""
    request_id: str | None = None
    """The vendor's id of the exchange, to quote to its support: from the answer's
    `X-Request-ID`, `X-Correlation-ID`, `X-Vcap-Request-Id` or `Request-Id` header, else the
    `X-Request-ID` the SDK sent (FSM); `None` when neither side named one. Shown in the
    message as `[request id …]`."""

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request | None = None,
        may_have_been_applied: bool | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.request = request
        if may_have_been_applied is not None:
            self.may_have_been_applied = may_have_been_applied

    def note_request_id(
        self, response: httpx.Response | None = None, request: httpx.Request | None = None
    ) -> None:
        """Take the exchange's request id (see `request_id`) and show it in the message."""
        found = request_id_of(response, request)
        if found is None or self.request_id is not None:
            return
        self.request_id = found
        self.add_to_message(f"[request id {found}]", separator=" ")

    def add_to_message(self, text: str, *, separator: str = "; ") -> None:
        """Append `text` (what to check, an id to quote) to the message."""
        self.message = f"{self.message}{separator}{text}"
        self.args = (self.message, *self.args[1:])

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle the error's facts, never the live request and response it holds.

        The class, message, status, code, body, details and `may_have_been_applied` travel
        (bodies with secret-looking fields redacted); `request` and `response` arrive as
        `None`, so that neither credentials nor a token request's history ride along, and the
        error unpickles in another process (a `ProcessPoolExecutor` worker's failure).
        """
        state = {
            name: None
            if name in _LIVE or isinstance(value, _LIVE_TYPES)
            else _portable(name, value)
            for name, value in vars(self).items()
        }
        if self.before_request and "raw" in state:
            state["raw"] = ""  # a token endpoint's answer
        return (_rebuild, (type(self), self.message, state))


class ConfigurationError(ServiceHubError, ValueError):
    """The client is not configured well enough to send anything."""


class InputFileError(ConfigurationError):
    """An input file is not what it claims to be (not UTF-8, not JSON, malformed CSV…).

    The message names `path:line` and what is wrong; nothing of the file has been used.

    Attributes:
        path: the file.
        line: the line the problem is on (1-based), `None` when it concerns the whole file.
        problem: what is wrong, without the location.
    """

    def __init__(self, path: str, line: int | None, problem: str) -> None:
        super().__init__(f"{path}:{line}: {problem}" if line is not None else f"{path}: {problem}")
        self.path = path
        self.line = line
        self.problem = problem


class ClientClosedError(ConfigurationError):
    """The client was used after `close()` (or after its `with` block ended)."""


class EventLoopError(ConfigurationError):
    """An async client was used from another event loop than the one it first ran in.

    Its pooled connections belong to that loop; create the client inside the loop that uses
    it (`async with Client(...) as client:` in the coroutine you run).
    """


class Problems(list[dict[str, Any]]):
    """The problems of a `RequestValidationError`: a list of `{"loc": (...), "msg": "...",
    "type": "..."}` dicts, which can also be called as pydantic's `ValidationError.errors()`
    is (`error.errors()` returns the same list), so code written for either keeps working."""

    def __call__(self, **_: Any) -> list[dict[str, Any]]:
        return list(self)


class RequestValidationError(ServiceHubError, ValueError):
    """Input was refused before anything was sent.

    Attributes:
        errors: one dict per problem, `{"loc": (...), "msg": "..."}` as pydantic reports them
            (also callable: `errors()` returns the same list, as on a pydantic error).
    """

    def __init__(self, message: str, *, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message, may_have_been_applied=False)
        self.errors: Problems = Problems(errors or [])


# `errors` is a list here and a method on pydantic's class; `Problems` is both (a list that
# answers `errors()`), which mypy cannot see.
class InputValidationError(  # type: ignore[misc]
    RequestValidationError, pydantic_core.ValidationError
):
    """An input model was built with data it refuses: an unknown (misspelt) field, a missing
    required one, a value of the wrong type or out of range.

    Raised by `Model(...)`, `Model.model_validate(...)` and every method that takes the
    model or a mapping for it. It is at once a `ServiceHubError`, a `ValueError` and a
    pydantic `ValidationError` (a real subclass, not a look-alike), so `except ServiceHubError`,
    `except ValueError` and `except pydantic.ValidationError` all catch it. The message names
    each field and, for an unknown one, the closest field the model has
    (`invalid CustomerInput: externl_id: unknown field (did you mean 'external_id'?)`);
    values are never shown in it, and secret-looking fields' values are replaced in `errors`.

    Attributes:
        model: the model's class name (pydantic's `title`).
        errors: the problems, as `RequestValidationError.errors`; `errors(include_url=False)`
            and the other pydantic arguments also work, as on any `ValidationError`.
    """

    def __init__(
        self,
        title: str,
        line_errors: list[Any],
        input_type: str = "python",
        hide_input: bool = False,
    ) -> None:
        # pydantic-core's `__new__` has taken `title` and `line_errors`; this only adds the
        # SDK's side: the one-line message and the problems as a list.
        problems: list[dict[str, Any]] = [
            dict(p) for p in pydantic_core.ValidationError.errors(self, include_url=False)
        ]
        lines = "; ".join(
            f"{'.'.join(map(str, p['loc'])) or '(input)'}: {p['msg']}" for p in problems
        )
        RequestValidationError.__init__(self, f"invalid {title}: {lines}", errors=problems)
        self.model = title
        self.errors = _PydanticProblems(self, problems)

    @classmethod
    def from_pydantic(
        cls,
        error: pydantic_core.ValidationError,
        *,
        hints: dict[tuple[Any, ...], str] | None = None,
    ) -> InputValidationError:
        """The SDK's error for a pydantic one: the same problems, unknown fields worded
        `unknown field (did you mean 'x'?)` with the hint `hints` gives for its location, secret-looking
        fields' values replaced."""
        hints = hints or {}
        line_errors: list[Any] = []
        for problem in error.errors(include_url=False):
            loc = tuple(problem["loc"])
            value = redact_mapping(problem.get("input"))
            if any(isinstance(part, str) and is_secret_name(part) for part in loc):
                value = REDACTED
            if problem["type"] == "extra_forbidden":
                close = hints.get(loc)
                kind: Any = PydanticCustomError(
                    "extra_forbidden",
                    "unknown field ({hint})" if close else "unknown field",
                    {"hint": close} if close else None,
                )
            else:
                kind = PydanticCustomError(problem["type"], _escape(problem["msg"]))
            line_errors.append({"type": kind, "loc": loc, "input": value})
        built = cls.from_exception_data(error.title, line_errors)
        assert isinstance(built, cls)
        return built

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its model name and problems, values left out."""
        lines = [
            {"type": PydanticCustomError(p["type"], _escape(p["msg"])), "loc": tuple(p["loc"])}
            for p in self.errors
        ]
        return (_rebuild_input_error, (type(self), self.model, lines))


class _PydanticProblems(Problems):
    """`errors` of an `InputValidationError`: pydantic's own `errors(...)` when called."""

    def __init__(self, owner: InputValidationError, problems: list[dict[str, Any]]) -> None:
        super().__init__(problems)
        self._owner = owner

    def __call__(self, **kwargs: Any) -> list[dict[str, Any]]:
        return [dict(p) for p in pydantic_core.ValidationError.errors(self._owner, **kwargs)]


def _escape(message: str) -> str:
    """A rendered message used again as a template: braces doubled."""
    return message.replace("{", "{{").replace("}", "}}")


def _rebuild_input_error(
    cls: type[InputValidationError], title: str, lines: list[Any]
) -> InputValidationError:
    for line in lines:
        line.setdefault("input", None)
    built = cls.from_exception_data(title, lines)
    assert isinstance(built, cls)
    return built


class APIConnectionError(ServiceHubError):
    """The server could not be reached, or the connection broke before an answer came."""


class APITimeoutError(APIConnectionError):
    """The request timed out."""


class APIStatusError(ServiceHubError):
    """The server answered with an error status, or an error inside a success envelope.

    Attributes:
        status_code: the HTTP status (the envelope's mapped status for errors inside HTTP 200).
        response: the `httpx.Response`.
        body: the parsed JSON body, or the text when it is not JSON.
        code: the backend's own error code (`invalid_grant`, `4012`, `validation_violation`…).
        backend_message: the backend's own message, verbatim.
        details: further structured detail the backend gave (field errors, messages).
    """

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: Any = None,
        code: str | int | None = None,
        backend_message: str | None = None,
        details: list[Any] | None = None,
        status_code: int | None = None,
        may_have_been_applied: bool | None = None,
    ) -> None:
        request = request_of(response)
        if may_have_been_applied is None:
            # A server that failed may have done part of the work, unless it was a read.
            may_have_been_applied = (
                response.status_code >= 500 and _method_of(response) not in READ_METHODS
            )
        super().__init__(message, request=request, may_have_been_applied=may_have_been_applied)
        self.response = response
        self.status_code = status_code if status_code is not None else response.status_code
        self.body = bounded(body)  # a body nested 600 deep could not be printed or pickled
        self.code = code
        self.backend_message = backend_message
        self.details = bounded(details or [])
        self.note_request_id(response, request)


class BadRequestError(APIStatusError):
    """400: the server refused the request as malformed or invalid."""


class AuthenticationError(APIStatusError):
    """401, or an OAuth2 token endpoint refusing the credentials."""


class PermissionDeniedError(APIStatusError):
    """403: authenticated, but not allowed."""


class NotFoundError(APIStatusError):
    """404, or a lookup that found nothing."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the current state (duplicates, versions)."""


class UnprocessableError(APIStatusError):
    """422: the server understood the request but refused its content."""


class RateLimitError(APIStatusError):
    """429: too many requests.

    Attributes:
        retry_after: seconds the server asked to wait, when it said so.
    """

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(APIStatusError):
    """5xx: the server failed."""


class GraphQLError(ServiceHubError):
    """A GraphQL answer carried an `errors` array.

    Attributes:
        errors: the errors as sent, each with `message` and, when given, `path`,
            `locations` and `extensions`.
        data: the partial `data` the server sent along, if any.
        response: the HTTP response.
    """

    def __init__(
        self,
        message: str,
        *,
        errors: list[dict[str, Any]],
        data: Any = None,
        response: httpx.Response | None = None,
        may_have_been_applied: bool | None = None,
    ) -> None:
        super().__init__(
            message,
            request=request_of(response) if response is not None else None,
            may_have_been_applied=may_have_been_applied,
        )
        self.errors = bounded(errors)
        self.data = bounded(data)
        self.response = response
        if response is not None:
            self.note_request_id(response, request_of(response))

    @property
    def paths(self) -> list[list[str | int]]:
        """The `path` of every error that has one."""
        return [e["path"] for e in self.errors if isinstance(e.get("path"), list)]


class JSONRPCError(ServiceHubError):
    """A JSON-RPC answer carried an `error` member.

    Attributes:
        code: the error's code, when given.
        data: the error's `data` member, when given.
        response: the HTTP response.
    """

    def __init__(
        self,
        message: str,
        *,
        code: int | str | None = None,
        data: Any = None,
        response: httpx.Response | None = None,
        may_have_been_applied: bool | None = None,
    ) -> None:
        super().__init__(
            message,
            request=request_of(response) if response is not None else None,
            may_have_been_applied=may_have_been_applied,
        )
        self.code = code
        self.data = bounded(data)
        self.response = response
        if response is not None:
            self.note_request_id(response, request_of(response))


class ResponseValidationError(ServiceHubError):
    """The server's answer could not be read: not JSON/XML, or not of the expected shape.

    Attributes:
        response: the HTTP response.
        raw: the body as text, kept whole.
        errors: the validation problems found, when there were some.
    """

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(
            message,
            request=request_of(response),
            may_have_been_applied=_method_of(response) not in READ_METHODS,
        )
        self.response = response
        self.raw = response.text
        self.errors = errors or []
        self.note_request_id(response, request_of(response))


class ResponseTooLargeError(ServiceHubError):
    """The answer is larger than the client's `max_response_bytes` (or a download's own
    bound): refused before it was read whole, by its `Content-Length` or while reading it.

    Never retried. The server did answer, so for a write `may_have_been_applied` is `True`.

    Attributes:
        limit: the bound in bytes.
        size: the declared size, or the bytes read when the bound was passed.
        status_code: the HTTP status of the answer.
    """

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request | None,
        limit: int,
        size: int,
        status_code: int,
        may_have_been_applied: bool,
    ) -> None:
        super().__init__(message, request=request, may_have_been_applied=may_have_been_applied)
        self.limit = limit
        self.size = size
        self.status_code = status_code


_LIVE = frozenset({"request", "response"})
_LIVE_TYPES = (httpx.Request, httpx.Response, httpx.Client, httpx.AsyncClient, httpx.Auth)


def _portable(name: str, value: Any) -> Any:
    if name in ("body", "details", "data", "errors"):
        return redact_mapping(value)
    return value


def _rebuild(cls: type[ServiceHubError], message: str, state: dict[str, Any]) -> ServiceHubError:
    """An unpickled error: built without `__init__` (which needs a live response)."""
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class PaginationError(ResponseValidationError):
    """A listing whose pages never lead to its end: the next page asked for is one already
    fetched, a page repeats one read before it, or empty pages keep claiming more.

    Raised after every item of the valid pages before was yielded.

    Attributes:
        backend: the client the listing belongs to (`SupportCenterClient`, ...).
        page: the 1-based number of the page at fault (the one that repeats, or the last
            empty one); `response` is the answer of the page before it or of that page.
    """

    def __init__(self, message: str, *, response: httpx.Response, backend: str, page: int) -> None:
        super().__init__(message, response=response)
        self.backend = backend
        self.page = page
        self.may_have_been_applied = False


class UnsupportedOperationError(ServiceHubError, NotImplementedError):
    """The vendor cannot do this operation (or not with the client's settings); nothing was
    sent. Raised by help desks (`desk.supports()` tells beforehand) and by resources such as
    SpiceCSM's `cases.changes()` without raw SQL.

    Attributes:
        backend: the backend's name (`cecenter`).
        operation: the operation (`close`).
        nearest: the vendor's nearest way to get there, in words.
    """

    def __init__(
        self, backend: str, operation: str, nearest: str, *, what: str = "help desks"
    ) -> None:
        super().__init__(f"{backend} {what} cannot {operation}: {nearest}")
        self.backend = backend
        self.operation = operation
        self.nearest = nearest


def request_of(response: httpx.Response) -> httpx.Request | None:
    """The request behind a response, or `None` for a response built by hand."""
    try:
        return response.request
    except RuntimeError:
        return None


RESPONSE_REQUEST_ID_HEADERS = (
    "x-request-id",
    "x-correlation-id",
    "x-vcap-request-id",
    "request-id",
)
"""Where vendors name an exchange in their answers: SAP's Cloud Foundry router
(`X-Vcap-Request-Id`, FSM and CECenter), common gateways (`X-Request-ID`,
`X-Correlation-ID`, `Request-Id`)."""

_PRINTABLE_ID = re.compile(r"[A-Za-z0-9._:/+=@-]{1,128}")


def request_id_of(
    response: httpx.Response | None = None, request: httpx.Request | None = None
) -> str | None:
    """The vendor's id of an exchange: from the answer's headers, else the `X-Request-ID`
    the request carried. Only short, plain values are taken (nothing that could drive a
    terminal)."""
    sources: list[tuple[httpx.Headers, tuple[str, ...]]] = []
    if response is not None:
        sources.append((response.headers, RESPONSE_REQUEST_ID_HEADERS))
    if request is not None:
        sources.append((request.headers, ("x-request-id",)))
    for headers, names in sources:
        for name in names:
            value = str(headers.get(name, "")).strip()
            if _PRINTABLE_ID.fullmatch(value):
                return value
    return None


def _method_of(response: httpx.Response) -> str:
    request = request_of(response)
    return request.method if request is not None else "GET"


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableError,
    429: RateLimitError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The exception class for an HTTP status code."""
    if status_code >= 500:
        return ServerError
    return _BY_STATUS.get(status_code, APIStatusError)
