"""One exception hierarchy for every backend, rooted at `ServiceHubError`.

The core's classes are defined here; the few a backend adds (`NotRunError`, `SpiceAPIError`…)
subclass them, and `servicehub_sdk` exports them all. The whole tree, generated from the
classes, is on the Errors page (docs/concepts/errors.md).

Every error says whether the request *may have been applied* by the server, so that a caller
can tell a safe-to-repeat failure from one that needs a look before trying again.
"""

from __future__ import annotations

from typing import Any

import httpx

from ._redaction import bounded, redact_mapping

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


class RequestValidationError(ServiceHubError, ValueError):
    """Input was refused before anything was sent.

    Attributes:
        errors: one dict per problem, `{"loc": (...), "msg": "..."}` as pydantic reports them.
    """

    def __init__(self, message: str, *, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message, may_have_been_applied=False)
        self.errors = errors or []


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


def request_of(response: httpx.Response) -> httpx.Request | None:
    """The request behind a response, or `None` for a response built by hand."""
    try:
        return response.request
    except RuntimeError:
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
