"""The two executors: one sync, one async, running `Call` descriptions over httpx.

Everything that is not I/O (building the request, deciding on retries, mapping errors, parsing,
logging) lives in `_Engine` and is shared; `SyncEngine` and `AsyncEngine` only send, sleep and
drive operation generators.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import platform
import time
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Generic, Self, TypedDict, TypeVar, Unpack, cast

import httpx
import tenacity

from .._version import __version__
from . import _deadline as deadline
from ._attempt_timer import AttemptTimer
from ._base_url import describe_endpoint
from ._boundary import check_call, describe_transport_error
from ._clock import Clock, current_clock
from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ClientClosedError,
    ConfigurationError,
    EventLoopError,
    RateLimitError,
    ResponseValidationError,
    ServiceHubError,
    status_error_class,
)
from ._jsonbody import body_or_text
from ._limits import (
    DEFAULT_MAX_RESPONSE_BYTES,
    check_max_response_bytes,
    read_limited,
    read_limited_async,
)
from ._ratelimit import LIMITER_EXTENSION, RateLimit, RateLimiter
from ._redaction import Scrubber, redact_url
from ._request import USE_CLIENT_AUTH, Call, CallOptions, Flow
from ._retry import (
    RetryPolicy,
    check_max_retries,
    never_sent,
    parse_retry_after,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "POOL_LIMITS",
    "AsyncEngine",
    "EngineSettings",
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

POOL_LIMITS = httpx.Limits(max_connections=8, max_keepalive_connections=8, keepalive_expiry=5.0)
"""The connections of an async client the SDK creates itself (no `http_client=`): 8 slots of
one connection each, kept alive for 5 s between calls. Its transport (`AdmittingTransport`)
lends each request a slot of its own and holds the others back, first come first served:
httpx's async pool checks every connection each time a request comes or goes, and hands one
idle connection to several requests that then retry, so the more requests one pool holds, the
more each costs (docs/performance.md, "Fan-out"). For more calls in flight, against slow
servers, pass `http_client=AiohttpClient()` or an `httpx.AsyncClient` of your own; a client
passed as `http_client=` is used exactly as given."""

_RETRYING = tenacity.Retrying()
"""The owner tenacity's retry states name; the strategies asked are the call's `RetryPolicy`."""

_PARSED_URLS = 256
"""How many parsed request URLs a client keeps (`_Engine.url_for`)."""

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


class EngineSettings(TypedDict, total=False):
    """What an engine is configured with, besides its `httpx` client (see `_Engine`)."""

    base_url: str | httpx.URL
    auth: httpx.Auth | None
    timeout: float | httpx.Timeout | None
    retry: RetryPolicy | None
    headers: Mapping[str, str] | None
    error_decoder: ErrorDecoder
    max_response_bytes: int
    scrubber: Scrubber | None
    rate_limit: RateLimit | None


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


def response_body(response: httpx.Response, *, before_request: bool = False) -> Any:
    """An error answer's body: JSON when it is JSON, its text when it is text.

    A body that claims to be JSON but cannot be decoded raises `ResponseValidationError`.
    """
    return body_or_text(response, before_request=before_request)


def status_error(
    response: httpx.Response,
    decoder: ErrorDecoder = decode_error,
    *,
    name: str | None = None,
    before_request: bool = False,
) -> APIStatusError:
    """The `APIStatusError` subclass for an error response, with everything attached.

    Raises `ResponseValidationError` instead when the error body claims to be JSON and cannot
    be decoded.
    """
    body = response_body(response, before_request=before_request)
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


class _Engine(Generic[C]):
    """Configuration and the I/O-free half of executing a `Call`."""

    base_url_source: str | None = None
    """Where `base_url` came from (`"environment variable SERVICEHUB_SSH_BASE_URL"`…), named
    in connection errors; `None` when the backend found the URL itself."""

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
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        scrubber: Scrubber | None = None,
        clock: Clock | None = None,
        rate_limit: RateLimit | None = None,
    ) -> None:
        self.http_client: C = http_client
        self.owns_client = owns_client
        self.base_url = httpx.URL(str(base_url)) if base_url else httpx.URL("")
        self._base_text = str(self.base_url).rstrip("/")
        self._urls: dict[str, httpx.URL] = {}
        """Parsed request URLs by their text (`url_for`), shared with `derive` copies."""
        self.auth = auth
        self.timeout = _as_timeout(timeout)
        self.retry = retry or RetryPolicy()
        self.headers = {"User-Agent": user_agent(), **(headers or {})}
        self.error_decoder = error_decoder
        self.max_response_bytes = check_max_response_bytes(max_response_bytes)
        self.scrubber = scrubber or Scrubber()
        """What this client must never write down (its auth's and sessions' secrets)."""
        self.scrubber.watch(auth)
        self.clock = clock or current_clock()
        """Where retry waits and attempt deadlines take their time (the real clock unless a
        test installs another)."""
        self.limiter = RateLimiter(
            rate_limit, clock=self.clock.monotonic, name=self.base_url.host or "client"
        )
        """The client's token bucket, shared by its threads, tasks and `derive` copies; with
        no `rate_limit` it only slows down after the server's rate-limit answers."""
        # Only a connection pool the SDK created is wrapped; a user's client is left as given.
        self.deadline_enforced = owns_client and deadline.install(http_client)
        """Whether the connection pool enforces attempt deadlines on every network operation."""

    def derive(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        headers: Mapping[str, str] | None = None,
        retry: RetryPolicy | None = None,
        max_response_bytes: int | None = None,
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
            clone.retry = replace(clone.retry, max_retries=check_max_retries(max_retries))
        if headers:
            clone.headers = {**self.headers, **headers}
        if max_response_bytes is not None:
            clone.max_response_bytes = check_max_response_bytes(max_response_bytes)
        return clone

    @property
    def timeout(self) -> httpx.Timeout:
        return self._timeout

    @timeout.setter
    def timeout(self, value: httpx.Timeout) -> None:
        self._timeout = value
        self._budget = _budget(value)

    def url_for(self, url: str) -> httpx.URL:
        """`url` resolved against the base URL and parsed by httpx, once per distinct URL.

        An `httpx.URL` is immutable and httpx reuses a parsed one as it is, so the URLs a
        client sends again and again (a GraphQL or JSON-RPC endpoint, a listing) are parsed
        and validated once per client instead of once per call. The same text always parses
        the same; an invalid URL raises `httpx.InvalidURL` as before and is not kept.
        """
        if not url.startswith(("http://", "https://")):
            url = f"{self._base_text}/{url.lstrip('/')}" if url else self._base_text
        parsed = self._urls.get(url)
        if parsed is None:
            parsed = httpx.URL(url)
            if len(self._urls) >= _PARSED_URLS:
                self._urls.clear()  # many distinct ids: keep the memory bounded
            self._urls[url] = parsed
        return parsed

    def build_request(self, call: Call[Any], options: CallOptions | None) -> httpx.Request:
        headers = dict(self.headers)
        if call.headers:
            headers.update(call.headers)
        if options and "extra_headers" in options:
            headers.update(options["extra_headers"])
        check_call(call, headers)
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
        request.extensions[LIMITER_EXTENSION] = self.limiter  # for its auth's token requests
        return request

    def limit_for(self, call: Call[Any]) -> int:
        """The most bytes the answer to `call` may have: its own bound (a download's) or the
        client's `max_response_bytes`."""
        return call.max_response_bytes or self.max_response_bytes

    def auth_for(self, call: Call[Any]) -> Any:
        auth = self.auth if call.auth is USE_CLIENT_AUTH else call.auth
        if auth is None and call.auth is USE_CLIENT_AUTH:
            return httpx.USE_CLIENT_DEFAULT
        return auth

    def call_settings(self, options: CallOptions | None) -> tuple[RetryPolicy, float | None]:
        """The retry policy and the per-attempt time budget (seconds) of one call."""
        if not options:
            return self.retry, self._budget
        policy = self.retry
        if "max_retries" in options:
            policy = replace(policy, max_retries=check_max_retries(options["max_retries"]))
        budget = _budget(_as_timeout(options["timeout"])) if "timeout" in options else self._budget
        return policy, budget

    def start_attempt(
        self, budget: float | None, ends: float | None
    ) -> deadline.DeadlineToken | None:
        """Check the client can send, and set the attempt's deadline: `budget` seconds from
        now, and no later than the whole call's end (`ends`, `RetryPolicy.total_timeout`)."""
        if self.http_client.is_closed:
            raise ClientClosedError(
                "this client was closed (by close() or at the end of its `with` block); "
                "create a new client to send more requests"
            )
        if budget is None:
            return None if ends is None else deadline.within(ends, self.clock)
        attempt_ends = self.clock.monotonic() + budget
        return deadline.within(
            attempt_ends if ends is None else min(attempt_ends, ends), self.clock
        )

    def rate_wait(self, call: Call[Any], ends: float | None) -> float:
        """Take the attempt's token from the client's rate limiter: the seconds to wait before
        sending. Waiting counts toward `total_timeout` (`ends`): a wait that would outlast it
        raises `APITimeoutError` at once instead."""
        wait = self.limiter.reserve()
        if wait > 0 and ends is not None and self.clock.monotonic() + wait > ends:
            what = call.name or f"{call.method} request"
            raise APITimeoutError(
                f"{what}: the client's rate limit would hold it {wait:.1f} s, "
                "past the call's total_timeout"
            )
        return wait

    def next_try(
        self,
        state: tenacity.RetryCallState | None,
        error: ServiceHubError,
        call: Call[Any],
        policy: RetryPolicy,
        ends: float | None,
    ) -> tenacity.RetryCallState | None:
        """Record the failed attempt and ask the policy's tenacity strategies whether to try
        again; the state (with `upcoming_sleep` to wait first) or `None` to give up."""
        self.scrubber.error(error)  # before it can be logged, raised or kept
        if isinstance(error, RateLimitError):
            self.limiter.rate_limited()  # adaptive: with or without a configured limit
        if state is None:
            state = tenacity.RetryCallState(_RETRYING, None, (), {})
        else:
            state.prepare_for_next_attempt()
        state.set_exception((type(error), error, error.__traceback__))
        if not policy.retry(idempotent=call.is_idempotent)(state):
            return None
        state.upcoming_sleep = policy.wait(state)
        if policy.stop(state) or (
            ends is not None and self.clock.monotonic() + state.upcoming_sleep >= ends
        ):
            return None
        state.idle_for += state.upcoming_sleep
        _log_retry(state, error)
        return state

    def log_request(self, request: httpx.Request) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "request %s %s headers=%s",
                request.method,
                self.scrubber.url(request.url),
                self.scrubber.headers(request.headers.multi_items()),
            )

    def log_response(self, response: httpx.Response, started: float) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            request = response.request
            logger.debug(
                "response %s %s -> %d in %.1f ms headers=%s",
                request.method,
                self.scrubber.url(request.url),
                response.status_code,
                (time.perf_counter() - started) * 1000,
                self.scrubber.headers(response.headers.multi_items()),
            )

    def transport_error(
        self, exc: httpx.TransportError, call: Call[Any], sent: httpx.Request | None = None
    ) -> ServiceHubError:
        request = _request_or_none(exc)
        what = call.name or (
            f"{request.method} {redact_url(request.url)}" if request is not None else call.url
        )
        cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
        kind = "timed out" if cls is APITimeoutError else "could not be completed"
        # A failure on another request than the one sent happened on the token endpoint.
        token_endpoint = request is not None and sent is not None and request is not sent
        where = ""
        if request is not None:
            source = None if token_endpoint else self.base_url_source
            endpoint = describe_endpoint(request.url, source)
            where = f" [{'token endpoint' if token_endpoint else 'API'} {endpoint}]"
        sent_out = not never_sent(exc) and not token_endpoint
        error = cls(
            f"{what} {kind}{where}: {describe_transport_error(exc, request)}"
            + ("" if sent_out else " (the request was never sent)"),
            request=request,
            may_have_been_applied=sent_out and not call.is_idempotent,
        )
        error.before_request = token_endpoint
        error.note_request_id(None, sent)
        return error

    def result(
        self, call: Call[T], response: httpx.Response, responses: list[httpx.Response] | None
    ) -> T:
        """The parsed answer of a successful exchange, its error raised otherwise; the answer
        is added to `responses` (a pager's) once read."""
        captured = _captured.get()
        if captured is not None:
            captured.append(response)
        if response.status_code >= 400:
            raise status_error(response, self.error_decoder, name=call.name)
        try:
            value = call.parse(response)
            if responses is not None:
                responses.append(response)
            return value
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

    def execute(
        self,
        call: Call[T],
        options: CallOptions | None = None,
        responses: list[httpx.Response] | None = None,
    ) -> T:
        """Send `call`, retrying as the policy says, and return its parsed answer (also
        added to `responses` when given; not for a call through a `SingleFlight`).

        Each attempt runs under the call's timeout as a deadline; its failure (an SDK error,
        whether from the transport, the status or the body) goes to the retry strategies.
        """
        if call.single_flight is not None:
            alone = call.replace(single_flight=None)
            return call.single_flight.run(lambda: self.execute(alone, options))
        policy, budget = self.call_settings(options)
        ends = policy.ends(self.clock)
        state: tenacity.RetryCallState | None = None
        while True:
            wait = self.rate_wait(call, ends)
            if wait > 0:
                self.clock.sleep(wait)
            try:
                return self._attempt(call, options, budget, ends, responses)
            except ServiceHubError as error:
                state = self.next_try(state, error, call, policy, ends)
                if state is None:
                    raise
            self.clock.sleep(state.upcoming_sleep)

    def _attempt(
        self,
        call: Call[T],
        options: CallOptions | None,
        budget: float | None,
        ends: float | None,
        responses: list[httpx.Response] | None,
    ) -> T:
        request = self.build_request(call, options)
        token = self.start_attempt(budget, ends)
        started = time.perf_counter()
        self.log_request(request)
        try:
            response = self.http_client.send(
                request, auth=self.auth_for(call), follow_redirects=False, stream=True
            )
            read_limited(
                response, self.limit_for(call), name=call.name, idempotent=call.is_idempotent
            )
        except httpx.TransportError as exc:
            raise self.transport_error(exc, call, request) from exc
        finally:
            if token is not None:
                deadline.reset(token)
        self.log_response(response, started)
        return self.result(call, response, responses)

    def run(
        self,
        flow: Flow[T] | Call[T],
        options: CallOptions | None = None,
        responses: list[httpx.Response] | None = None,
    ) -> T:
        """Drive an operation: a single `Call`, or a generator of calls. The answer of every
        call it makes, but those through a `SingleFlight`, is added to `responses`."""
        if isinstance(flow, Call):
            return self.execute(flow, options, responses)
        value: Any = None
        error: ServiceHubError | None = None
        while True:
            try:
                call = flow.send(value) if error is None else flow.throw(error)
            except StopIteration as stop:
                return cast(T, stop.value)
            try:
                value, error = self.execute(call, options, responses), None
            except ServiceHubError as exc:
                value, error = None, exc

    def close(self) -> None:
        if self.owns_client:
            self.http_client.close()


class AsyncEngine(_Engine[httpx.AsyncClient]):
    """Runs calls and operation flows with an `httpx.AsyncClient`."""

    def __init__(
        self,
        *,
        http_client: httpx.AsyncClient,
        owns_client: bool,
        **settings: Unpack[EngineSettings],
    ) -> None:
        super().__init__(http_client=http_client, owns_client=owns_client, **settings)
        self._first_loop: list[weakref.ref[asyncio.AbstractEventLoop] | None] = [None]
        self._attempt_timer = AttemptTimer()

    async def execute(
        self,
        call: Call[T],
        options: CallOptions | None = None,
        responses: list[httpx.Response] | None = None,
    ) -> T:
        """Send `call`, retrying as the policy says, and return its parsed answer (also
        added to `responses` when given; not for a call through a `SingleFlight`).

        Each attempt runs under the call's timeout as a deadline; its failure (an SDK error,
        whether from the transport, the status or the body) goes to the retry strategies.
        """
        if call.single_flight is not None:
            alone = call.replace(single_flight=None)
            return await call.single_flight.run_async(lambda: self.execute(alone, options))
        policy, budget = self.call_settings(options)
        ends = policy.ends(self.clock)
        state: tenacity.RetryCallState | None = None
        while True:
            wait = self.rate_wait(call, ends)
            if wait > 0:
                await self.clock.async_sleep(wait)
            try:
                return await self._attempt(call, options, budget, ends, responses)
            except ServiceHubError as error:
                state = self.next_try(state, error, call, policy, ends)
                if state is None:
                    raise
            await self.clock.async_sleep(state.upcoming_sleep)

    async def _attempt(
        self,
        call: Call[T],
        options: CallOptions | None,
        budget: float | None,
        ends: float | None,
        responses: list[httpx.Response] | None,
    ) -> T:
        self._check_loop()
        request = self.build_request(call, options)
        token = self.start_attempt(budget, ends)
        started = time.perf_counter()
        self.log_request(request)
        try:
            if token is None or self.deadline_enforced:
                response = await self._receive(call, request)
            else:  # a transport of its own (aiohttp…): bound the attempt from outside
                bound = self._attempt_timer.start(deadline.remaining())
                cancelled = False
                try:
                    response = await self._receive(call, request)
                except asyncio.CancelledError:
                    cancelled = True
                    raise
                finally:
                    if self._attempt_timer.finish(bound, cancelled):
                        raise TimeoutError("the call's timeout elapsed")
        except httpx.TransportError as exc:
            raise self.transport_error(exc, call, request) from exc
        except TimeoutError as exc:
            elapsed = httpx.ReadTimeout("the call's timeout elapsed", request=request)
            raise self.transport_error(elapsed, call, request) from exc
        finally:
            if token is not None:
                deadline.reset(token)
        self.log_response(response, started)
        return self.result(call, response, responses)

    async def _receive(self, call: Call[Any], request: httpx.Request) -> httpx.Response:
        """Send `request` and read its answer, unless larger than the call's bound."""
        response = await self.http_client.send(
            request, auth=self.auth_for(call), follow_redirects=False, stream=True
        )
        limit = self.limit_for(call)
        await read_limited_async(response, limit, name=call.name, idempotent=call.is_idempotent)
        return response

    def _check_loop(self) -> None:
        loop = asyncio.get_running_loop()
        first = self._first_loop[0]
        if first is None:
            self._first_loop[0] = weakref.ref(loop)  # shared with every `with_options` copy
        elif first() is not loop:
            raise EventLoopError(
                "this async client was first used in another event loop (an earlier "
                "asyncio.run(), another thread's loop) and its connections belong to that "
                "loop; create the client inside the event loop that uses it, e.g. "
                "`async with Client(...) as client:` in the coroutine you run"
            )

    async def run(
        self,
        flow: Flow[T] | Call[T],
        options: CallOptions | None = None,
        responses: list[httpx.Response] | None = None,
    ) -> T:
        """Drive an operation: a single `Call`, or a generator of calls. The answer of every
        call it makes, but those through a `SingleFlight`, is added to `responses`."""
        if isinstance(flow, Call):
            return await self.execute(flow, options, responses)
        value: Any = None
        error: ServiceHubError | None = None
        while True:
            try:
                call = flow.send(value) if error is None else flow.throw(error)
            except StopIteration as stop:
                return cast(T, stop.value)
            try:
                value, error = await self.execute(call, options, responses), None
            except ServiceHubError as exc:
                value, error = None, exc

    async def close(self) -> None:
        if self.owns_client:
            await self.http_client.aclose()


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


def _log_retry(state: tenacity.RetryCallState, error: ServiceHubError) -> None:
    if logger.isEnabledFor(logging.INFO):
        reason = type(error).__name__
        if isinstance(error, APIStatusError):
            reason += f" (HTTP {error.status_code})"
        logger.info(
            "retrying after %s (attempt %d) in %.2f s",
            reason,
            state.attempt_number,
            state.upcoming_sleep,
        )


def _as_timeout(value: float | httpx.Timeout | None) -> httpx.Timeout:
    if value is None:
        return DEFAULT_TIMEOUT
    if isinstance(value, httpx.Timeout):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ConfigurationError(f"timeout must be a number of seconds above 0, got {value!r}")
    return httpx.Timeout(value, connect=min(value, DEFAULT_TIMEOUT.connect or value))


def _budget(timeout: httpx.Timeout) -> float | None:
    """The deadline of one attempt: the longest of the timeout's phases (`None`: unbounded)."""
    phases = [v for v in timeout.as_dict().values() if v is not None]
    return max(phases) if phases else None


def _request_or_none(exc: httpx.TransportError) -> httpx.Request | None:
    try:
        return exc.request
    except RuntimeError:
        return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else ""
