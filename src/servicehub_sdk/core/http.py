"""The two executors: one sync, one async, running `Call` descriptions over httpx.

Everything that is not I/O (building the request, deciding on retries, mapping errors, parsing,
logging) lives in `_Engine` and is shared; `SyncEngine` and `AsyncEngine` only send, sleep and
drive operation generators.
"""

from __future__ import annotations

import contextvars
import logging
import platform
import time
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, replace
from typing import Any, Generic, Self, TypeVar

import httpx
import tenacity

from .._version import __version__
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    RateLimitError,
    ResponseValidationError,
    ServiceHubError,
    status_error_class,
)
from .redaction import redact_headers, redact_url
from .request import USE_CLIENT_AUTH, Call, CallOptions
from .retry import RetryDecision, RetryPolicy, never_sent, parse_retry_after

__all__ = [
    "DEFAULT_TIMEOUT",
    "AsyncEngine",
    "ErrorInfo",
    "Flow",
    "SyncEngine",
    "decode_error",
    "status_error",
    "user_agent",
]

logger = logging.getLogger("servicehub_sdk")

T = TypeVar("T")
C = TypeVar("C", httpx.Client, httpx.AsyncClient)

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)

Flow = Generator[Call[Any], Any, T]
"""An operation of several exchanges: a generator yielding `Call`s and receiving their results."""

_captured: contextvars.ContextVar[list[httpx.Response] | None] = contextvars.ContextVar(
    "servicehub_sdk_captured", default=None
)


def user_agent() -> str:
    """`servicehub-sdk/<version> python/<version> httpx/<version>`."""
    return (
        f"servicehub-sdk/{__version__} python/{platform.python_version()} httpx/{httpx.__version__}"
    )


@dataclass(frozen=True, slots=True)
class ErrorInfo:
    """What a backend's error body says: its code, message and details."""

    code: str | int | None = None
    message: str | None = None
    details: list[Any] | None = None
    status: int | None = None
    """The HTTP status the failure stands for, when the body says more than the status line
    (an error inside an HTTP 200 envelope, a backend code that means 404)."""


ErrorDecoder = Callable[[Any], ErrorInfo]


def decode_error(body: Any) -> ErrorInfo:
    """Read the common error body shapes (`message`, OAuth2 `error`/`error_description`)."""
    if not isinstance(body, Mapping):
        text = str(body).strip() if body else None
        return ErrorInfo(message=text[:500] if text else None)
    message = next(
        (
            body[k]
            for k in ("message", "error_description", "detail", "error", "msg")
            if isinstance(body.get(k), str)
        ),
        None,
    )
    code = next((body[k] for k in ("code", "error", "type") if body.get(k) is not None), None)
    details = body.get("details")
    return ErrorInfo(
        code=code if isinstance(code, (str, int)) else None,
        message=message,
        details=details if isinstance(details, list) else None,
    )


def response_body(response: httpx.Response) -> Any:
    """The body parsed as JSON when it is JSON, else its text."""
    try:
        return response.json()
    except ValueError:
        return response.text


def status_error(
    response: httpx.Response,
    decoder: ErrorDecoder = decode_error,
    *,
    name: str | None = None,
    before_request: bool = False,
) -> APIStatusError:
    """The `APIStatusError` subclass for an error response, with everything attached."""
    body = response_body(response)
    try:
        info = decoder(body)
    except Exception:  # a decoder must never hide the real error
        info = ErrorInfo()
    request = response.request
    what = name or f"{request.method} {redact_url(request.url)}"
    message = f"{what} failed with HTTP {response.status_code}"
    if info.message:
        message += f": {info.message}"
    if info.code is not None and str(info.code) != info.message:
        message += f" ({info.code})"
    status = info.status or response.status_code
    cls = status_error_class(status)
    kwargs: dict[str, Any] = {
        "response": response,
        "body": body,
        "code": info.code,
        "backend_message": info.message,
        "details": info.details,
        "status_code": status if response.status_code < 400 else response.status_code,
    }
    if before_request:
        kwargs["may_have_been_applied"] = False
    if cls is RateLimitError:
        kwargs["retry_after"] = parse_retry_after(response.headers.get("retry-after"))
    error = cls(message, **kwargs)
    error.before_request = before_request
    return error


def _last_outcome(retry_state: tenacity.RetryCallState) -> Any:
    assert retry_state.outcome is not None
    return retry_state.outcome.result()


class _Engine(Generic[C]):
    """Configuration and the I/O-free half of executing a `Call`."""

    def __init__(
        self,
        *,
        http_client: C,
        owns_client: bool,
        base_url: str | httpx.URL = "",
        auth: httpx.Auth | None = None,
        timeout: float | httpx.Timeout | None = None,
        retry: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
        error_decoder: ErrorDecoder = decode_error,
    ) -> None:
        self.http_client: C = http_client
        self.owns_client = owns_client
        self.base_url = httpx.URL(str(base_url)) if base_url else httpx.URL("")
        self._base_text = str(self.base_url).rstrip("/")
        self.auth = auth
        self.timeout = _as_timeout(timeout)
        self.retry = retry or RetryPolicy()
        self.headers = {"User-Agent": user_agent(), **(headers or {})}
        self.error_decoder = error_decoder

    def derive(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        headers: Mapping[str, str] | None = None,
        retry: RetryPolicy | None = None,
    ) -> Self:
        """A copy sharing the connection pool (which it does not own) with other settings."""
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone.owns_client = False
        if timeout is not None:
            clone.timeout = _as_timeout(timeout)
        if retry is not None:
            clone.retry = retry
        if max_retries is not None:
            clone.retry = _with_retries(clone.retry, max_retries)
        if headers:
            clone.headers = {**self.headers, **headers}
        return clone

    def url_for(self, url: str) -> str:
        """`url` resolved against the base URL (parsed once, by httpx, when sent)."""
        if url.startswith(("http://", "https://")):
            return url
        return f"{self._base_text}/{url.lstrip('/')}" if url else self._base_text

    def build_request(self, call: Call[Any], options: CallOptions | None) -> httpx.Request:
        headers = dict(self.headers)
        if call.headers:
            headers.update(call.headers)
        if options and "extra_headers" in options:
            headers.update(options["extra_headers"])
        timeout = self.timeout
        if options and "timeout" in options:
            timeout = _as_timeout(options["timeout"])
        request: httpx.Request = self.http_client.build_request(
            call.method,
            self.url_for(call.url),
            params=call.params,
            headers=headers,
            json=call.json,
            data=call.data,
            files=call.files,
            content=call.content,
            timeout=timeout,
        )
        return request

    def auth_for(self, call: Call[Any]) -> Any:
        auth = self.auth if call.auth is USE_CLIENT_AUTH else call.auth
        if auth is None and call.auth is USE_CLIENT_AUTH:
            return httpx.USE_CLIENT_DEFAULT
        return auth

    def policy(self, options: CallOptions | None) -> RetryPolicy:
        if options and "max_retries" in options:
            return _with_retries(self.retry, options["max_retries"])
        return self.retry

    def retrying_kwargs(self, call: Call[Any], options: CallOptions | None) -> dict[str, Any]:
        policy = self.policy(options)
        decision = RetryDecision(policy, idempotent=call.is_idempotent)
        return {
            "stop": tenacity.stop_after_attempt(policy.max_retries + 1),
            "retry": decision,
            "wait": decision.wait,
            "before_sleep": _log_retry,
            "retry_error_callback": _last_outcome,
            "reraise": True,
        }

    def log_request(self, request: httpx.Request, attempt_started: float) -> None:
        del attempt_started
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "request %s %s headers=%s",
                request.method,
                redact_url(request.url),
                redact_headers(request.headers.multi_items()),
            )

    def log_response(self, response: httpx.Response, started: float) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            request = response.request
            logger.debug(
                "response %s %s -> %d in %.1f ms headers=%s",
                request.method,
                redact_url(request.url),
                response.status_code,
                (time.perf_counter() - started) * 1000,
                redact_headers(response.headers.multi_items()),
            )

    def transport_error(self, exc: httpx.TransportError, call: Call[Any]) -> ServiceHubError:
        request = _request_or_none(exc)
        what = call.name or (
            f"{request.method} {redact_url(request.url)}" if request is not None else call.url
        )
        cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
        kind = "timed out" if cls is APITimeoutError else "could not be completed"
        sent = not never_sent(exc)
        return cls(
            f"{what} {kind}: {type(exc).__name__}: {exc}"
            + ("" if sent else " (the request was never sent)"),
            request=request,
            may_have_been_applied=sent and not call.is_idempotent,
        )

    def result(self, call: Call[T], response: httpx.Response) -> T:
        captured = _captured.get()
        if captured is not None:
            captured.append(response)
        if response.status_code >= 400:
            raise status_error(response, self.error_decoder, name=call.name)
        try:
            return call.parse(response)
        except ServiceHubError:
            raise
        except Exception as exc:
            errors: list[dict[str, Any]] = []
            if hasattr(exc, "errors") and callable(exc.errors):
                try:
                    errors = [
                        {
                            "loc": tuple(e.get("loc", ())),
                            "msg": e.get("msg", ""),
                            "type": e.get("type"),
                        }
                        for e in exc.errors()
                    ]
                except Exception:
                    errors = []
            what = call.name or f"{response.request.method} {redact_url(response.request.url)}"
            raise ResponseValidationError(
                f"{what}: the answer could not be read ({type(exc).__name__}: {_first_line(exc)})",
                response=response,
                errors=errors,
            ) from exc


class SyncEngine(_Engine[httpx.Client]):
    """Runs calls and operation flows with a blocking `httpx.Client`."""

    def execute(self, call: Call[T], options: CallOptions | None = None) -> T:
        """Send `call` with retries, map failures to SDK errors, and parse the answer."""
        if call.single_flight is not None:
            alone = replace(call, single_flight=None)
            return call.single_flight.run(lambda: self.execute(alone, options))
        first: httpx.Response | Exception
        try:
            first = self._attempt(call, options)
        except Exception as exc:
            first = exc
        if isinstance(first, httpx.Response) and first.status_code < 400:
            return self.result(call, first)  # the usual case: no retry machinery needed
        replay = _Replay(first)
        retrying = tenacity.Retrying(sleep=time.sleep, **self.retrying_kwargs(call, options))
        try:
            response: httpx.Response = retrying(
                lambda: replay.take() or self._attempt(call, options)
            )
        except httpx.TransportError as exc:
            raise self.transport_error(exc, call) from exc
        return self.result(call, response)

    def _attempt(self, call: Call[Any], options: CallOptions | None) -> httpx.Response:
        request = self.build_request(call, options)
        started = time.perf_counter()
        self.log_request(request, started)
        response = self.http_client.send(request, auth=self.auth_for(call))
        self.log_response(response, started)
        return response

    def run(self, flow: Flow[T] | Call[T], options: CallOptions | None = None) -> T:
        """Drive an operation: a single `Call`, or a generator of calls."""
        if isinstance(flow, Call):
            return self.execute(flow, options)
        value: Any = None
        error: ServiceHubError | None = None
        while True:
            try:
                call = flow.send(value) if error is None else flow.throw(error)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]
            try:
                value, error = self.execute(call, options), None
            except ServiceHubError as exc:
                value, error = None, exc

    def close(self) -> None:
        if self.owns_client:
            self.http_client.close()


class AsyncEngine(_Engine[httpx.AsyncClient]):
    """Runs calls and operation flows with an `httpx.AsyncClient`."""

    async def execute(self, call: Call[T], options: CallOptions | None = None) -> T:
        """Send `call` with retries, map failures to SDK errors, and parse the answer."""
        if call.single_flight is not None:
            alone = replace(call, single_flight=None)
            return await call.single_flight.run_async(lambda: self.execute(alone, options))
        first: httpx.Response | Exception
        try:
            first = await self._attempt(call, options)
        except Exception as exc:
            first = exc
        if isinstance(first, httpx.Response) and first.status_code < 400:
            return self.result(call, first)  # the usual case: no retry machinery needed
        replay = _Replay(first)

        async def attempt() -> httpx.Response:
            return replay.take() or await self._attempt(call, options)

        retrying = tenacity.AsyncRetrying(**self.retrying_kwargs(call, options))
        try:
            response: httpx.Response = await retrying(attempt)
        except httpx.TransportError as exc:
            raise self.transport_error(exc, call) from exc
        return self.result(call, response)

    async def _attempt(self, call: Call[Any], options: CallOptions | None) -> httpx.Response:
        request = self.build_request(call, options)
        started = time.perf_counter()
        self.log_request(request, started)
        response = await self.http_client.send(request, auth=self.auth_for(call))
        self.log_response(response, started)
        return response

    async def run(self, flow: Flow[T] | Call[T], options: CallOptions | None = None) -> T:
        """Drive an operation: a single `Call`, or a generator of calls."""
        if isinstance(flow, Call):
            return await self.execute(flow, options)
        value: Any = None
        error: ServiceHubError | None = None
        while True:
            try:
                call = flow.send(value) if error is None else flow.throw(error)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]
            try:
                value, error = await self.execute(call, options), None
            except ServiceHubError as exc:
                value, error = None, exc

    async def close(self) -> None:
        if self.owns_client:
            await self.http_client.aclose()


class _Replay:
    """Hands the outcome of an attempt already made to tenacity as its first attempt."""

    def __init__(self, outcome: httpx.Response | Exception) -> None:
        self._outcome: httpx.Response | Exception | None = outcome

    def take(self) -> httpx.Response | None:
        outcome, self._outcome = self._outcome, None
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


class CapturedResponses(list[httpx.Response]):
    """The `httpx.Response` of every call made inside a `capture_responses()` block."""

    @property
    def last(self) -> httpx.Response:
        """The most recent response."""
        if not self:
            raise IndexError("no response was captured")
        return self[-1]


class capture_responses:
    """Collect the raw `httpx.Response` of every call made in the block (thread/task local).

    ```python
    with capture_responses() as seen:
        hub.customers.get(external_id="C-1")
    print(seen.last.headers)
    ```
    """

    def __init__(self) -> None:
        self.responses = CapturedResponses()
        self._token: contextvars.Token[list[httpx.Response] | None] | None = None

    def __enter__(self) -> CapturedResponses:
        self._token = _captured.set(self.responses)
        return self.responses

    def __exit__(self, *exc_info: object) -> None:
        if self._token is not None:
            _captured.reset(self._token)

    async def __aenter__(self) -> CapturedResponses:
        return self.__enter__()

    async def __aexit__(self, *exc_info: object) -> None:
        self.__exit__()


def _log_retry(retry_state: tenacity.RetryCallState) -> None:
    outcome = retry_state.outcome
    if outcome is None or not logger.isEnabledFor(logging.INFO):
        return
    reason = (
        f"{type(outcome.exception()).__name__}"
        if outcome.failed
        else f"HTTP {outcome.result().status_code}"
    )
    wait = retry_state.next_action.sleep if retry_state.next_action else 0.0
    logger.info(
        "retrying after %s (attempt %d) in %.2f s", reason, retry_state.attempt_number, wait
    )


def _as_timeout(value: float | httpx.Timeout | None) -> httpx.Timeout:
    if value is None:
        return DEFAULT_TIMEOUT
    if isinstance(value, httpx.Timeout):
        return value
    return httpx.Timeout(value, connect=min(value, DEFAULT_TIMEOUT.connect or value))


def _with_retries(policy: RetryPolicy, max_retries: int) -> RetryPolicy:
    from dataclasses import replace

    return replace(policy, max_retries=max(0, max_retries))


def _request_or_none(exc: httpx.TransportError) -> httpx.Request | None:
    try:
        return exc.request
    except RuntimeError:
        return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else ""
