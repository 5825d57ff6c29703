"""Client and resource bases: one definition of every operation serves sync and async.

A resource method is written once, as a function that returns a `Call` (one exchange) or a
flow, a generator of `Call`s (several), decorated with `@operation`; or, for listings, as a
function returning how the first page is fetched, decorated with `@paged`. Reached through a
sync client it runs and returns the result; through an async client it returns a coroutine
(or `AsyncPager`).

Every resource receives its client's `ClientContext` (`Resource(context)`, kept as
`self._context`); the descriptors run operations on `self._context.engine`.

```python
class Customers(Resource[M, ClientContext]):
    @operation
    def get(self, external_id: str, **options: Unpack[CallOptions]) -> Call[Customer]:
        return Call("GET", f"customers/{external_id}", parse=...)
```
"""

from __future__ import annotations

import copy
import functools
import inspect
import os
import types
import typing
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import replace
from typing import (
    Any,
    ClassVar,
    Concatenate,
    Generic,
    ParamSpec,
    Self,
    TypeVar,
    Unpack,
    cast,
    overload,
)

import httpx
from typing_extensions import TypeVar as DefaultedTypeVar

from ._admission import ConnectionSlotsClient
from ._base_url import (
    base_url_from,
    building_with,
    check_base_url,
    source_of_client_being_built,
    url_source,
)
from ._boundary import check_transport_security
from ._context import ClientContext
from ._cookies import read_cookies_when_set
from ._environment import env_value
from ._errors import ConfigurationError
from ._guidance import checked_keywords, environment_hint
from ._http import (
    POOL_LIMITS,
    AsyncEngine,
    EngineSettings,
    ErrorDecoder,
    SyncEngine,
    capture_responses,
    decode_error,
)
from ._limits import DEFAULT_MAX_RESPONSE_BYTES
from ._logging import configure_from_env
from ._pagination import AsyncPager, Page, Pager
from ._ratelimit import RateLimit
from ._request import CALL_OPTION_KEYS, Call, CallOptions, Flow, Step
from ._retry import RetryPolicy, check_max_retries

__all__ = [
    "Async",
    "AsyncClient",
    "ClientBase",
    "Resource",
    "Sync",
    "SyncClient",
    "operation",
    "paged",
]

P = ParamSpec("P")
T = TypeVar("T")


class Sync:
    """Type marker: a resource reached through a blocking client."""


class Async:
    """Type marker: a resource reached through an async client."""


M = TypeVar("M", bound=Sync | Async)
C = DefaultedTypeVar("C", bound=ClientContext, default=ClientContext)
"""The context type a resource receives: `Resource[M]` is `Resource[M, ClientContext]`."""


class ClientBase(Generic[M]):
    """What sync and async clients share: configuration, `with_options`, `from_env`.

    Backends subclass it once (generic in `M`) and then pair it with `SyncClient` or
    `AsyncClient`. Subclasses set `env_prefix` for `from_env()`.
    """

    env_prefix: ClassVar[str] = "SERVICEHUB_"
    _context: ClientContext
    """Set once by the backend's constructor: `self._context = Context(engine=..., ...)`."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # A wrong argument names the public class and the closest parameter.
        super().__init_subclass__(**kwargs)
        if "__init__" in cls.__dict__:
            init = _checking_base_url(cls.__dict__["__init__"])
            setattr(cls, "__init__", checked_keywords(init))  # noqa: B010

    def _open_engine(
        self,
        *,
        base_url: str | httpx.URL,
        auth: httpx.Auth | None,
        timeout: float | httpx.Timeout | None,
        max_retries: int | None,
        http_client: httpx.Client | httpx.AsyncClient | None,
        headers: Mapping[str, str] | None = None,
        error_decoder: ErrorDecoder = decode_error,
        retry: RetryPolicy | None = None,
        max_response_bytes: int | None = None,
        allow_insecure_http: bool = False,
        other_urls: Mapping[str, str | None] | None = None,
        rate_limit: RateLimit | str | None = None,
    ) -> SyncEngine | AsyncEngine:
        """The engine of this client (`SyncEngine` for `SyncClient`s, `AsyncEngine` for
        `AsyncClient`s), for the constructor to put into the client's context.

        Refuses plain `http://` for `base_url` and `other_urls` while credentials are sent,
        unless `allow_insecure_http`; answers larger than `max_response_bytes` are refused.
        `rate_limit` (a `RateLimit`, or its text `"10/5"` from the environment or a profile)
        holds requests back to that rate.
        """
        if isinstance(rate_limit, str):
            rate_limit = RateLimit.parse(rate_limit)
        elif rate_limit is not None and not isinstance(rate_limit, RateLimit):
            raise ConfigurationError(
                f"rate_limit must be a RateLimit or text such as '10/5', got {rate_limit!r}"
            )
        configure_from_env()
        check_transport_security(base_url, auth, allow_insecure_http, other_urls)
        policy = retry or RetryPolicy()
        if max_retries is not None:
            policy = replace(policy, max_retries=check_max_retries(max_retries))
        engine = self._new_engine(
            http_client,
            base_url=base_url,
            auth=auth,
            timeout=timeout,
            retry=policy,
            headers=headers,
            error_decoder=error_decoder,
            max_response_bytes=max_response_bytes or DEFAULT_MAX_RESPONSE_BYTES,
            rate_limit=rate_limit,
        )
        engine.base_url_source = source_of_client_being_built()
        return engine

    def _new_engine(
        self,
        http_client: httpx.Client | httpx.AsyncClient | None,
        **settings: Unpack[EngineSettings],
    ) -> SyncEngine | AsyncEngine:
        raise NotImplementedError  # SyncClient and AsyncClient each make their own engine

    def _wrong_http_client(self, wanted: type[Any], given: object) -> ConfigurationError:
        return ConfigurationError(
            f"{type(self).__name__} needs an {wanted.__module__}.{wanted.__name__}, "
            f"got {type(given).__name__}"
        )

    @property
    def _engine(self) -> SyncEngine | AsyncEngine:
        """The engine of the client's context (typed exactly by `SyncClient`/`AsyncClient`)."""
        return self._context.engine

    @property
    def base_url(self) -> httpx.URL:
        """The URL every relative path is resolved against."""
        return self._context.engine.base_url

    @property
    def auth(self) -> httpx.Auth | None:
        """The authentication strategy in use."""
        return self._context.engine.auth

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        headers: Mapping[str, str] | None = None,
        retry: RetryPolicy | None = None,
        max_response_bytes: int | None = None,
    ) -> Self:
        """A client sharing this one's connections and credentials, with other settings.

        ```python
        patient = hub.with_options(timeout=120, max_retries=5)
        ```
        Closing the copy does not close the shared connections.
        """
        clone = copy.copy(self)
        engine = self._context.engine.derive(
            timeout=timeout,
            max_retries=max_retries,
            headers=headers,
            retry=retry,
            max_response_bytes=max_response_bytes,
        )
        clone._context = self._context.with_engine(engine)
        for name, value in vars(clone).items():
            if isinstance(value, Resource):
                setattr(clone, name, value._rebind(clone._context))
        return clone

    capture_responses = staticmethod(capture_responses)

    @classmethod
    def from_env(cls, **overrides: Any) -> Self:
        """A client configured from `<env_prefix><PARAMETER>` environment variables.

        Every constructor parameter can be given as an upper-case variable, e.g.
        `SERVICEHUB_SSH_API_KEY` for `api_key`; keyword arguments win over the environment.
        Values are read by the parameter's type: flags as `true`/`false` (`1`/`0`, `yes`/`no`,
        `on`/`off`), `max_retries` and other counts as integers, `timeout` as seconds, lists
        comma-separated. A missing setting is reported by its variable's name. A set
        `<env_prefix>*` variable that names no parameter (`SERVICEHUB_SSH_BASEURL`) is
        reported with the closest one, as a `ConfigurationWarning`, or as a
        `ConfigurationError` when `SERVICEHUB_STRICT_ENV=1`.
        """
        import inspect

        from ._environment import misspelt_variables, warn_misspelt

        params = inspect.signature(cls.__init__).parameters
        settings = [name for name in params if name not in ("self", "http_client", "auth")]
        variables = {
            name: f"{cls.env_prefix}{name.upper()}" for name in settings if name not in overrides
        }
        misspelt = misspelt_variables(cls.env_prefix, settings, os.environ)
        warn_misspelt(misspelt, cls.__name__, os.environ)
        kwargs: dict[str, Any] = {}
        for name, variable in variables.items():
            raw = os.environ.get(variable)
            if raw is None or raw == "":
                continue
            kwargs[name] = env_value(raw, variable, params[name].annotation)
        found = [variables[name] for name in kwargs]
        from_variable = "base_url" in kwargs
        kwargs.update(overrides)
        try:
            if from_variable:
                with base_url_from(f"environment variable {variables['base_url']}"):
                    return cls(**kwargs)
            return cls(**kwargs)
        except ConfigurationError as exc:
            message = environment_hint(
                str(exc), cls.__name__, cls.env_prefix, variables, found, misspelt
            )
            raise type(exc)(message) from None


def _checking_base_url(init: Callable[..., None]) -> Callable[..., None]:
    """`init` refusing a `base_url` without scheme or host before anything else, and telling
    the engine it builds where its `base_url` came from."""

    @functools.wraps(init)
    def checked(self: Any, *args: Any, **kwargs: Any) -> None:
        given = kwargs.get("base_url")
        source = url_source() if given else None
        if given:
            check_base_url(given)
        with building_with(source):
            init(self, *args, **kwargs)

    return checked


class SyncClient(ClientBase[Sync]):
    """A blocking client: a context manager that closes the connections it opened."""

    def _new_engine(
        self,
        http_client: httpx.Client | httpx.AsyncClient | None,
        **settings: Unpack[EngineSettings],
    ) -> SyncEngine:
        if http_client is not None and not isinstance(http_client, httpx.Client):
            raise self._wrong_http_client(httpx.Client, http_client)
        owns = http_client is None
        if http_client is None:
            http_client = httpx.Client()
            read_cookies_when_set(http_client)
        return SyncEngine(http_client=http_client, owns_client=owns, **settings)

    @property
    def _engine(self) -> SyncEngine:
        engine = self._context.engine
        if not isinstance(engine, SyncEngine):  # a context built by another client class
            raise TypeError(f"{type(self).__name__} is run by a {type(engine).__name__}")
        return engine

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
        **options: Any,
    ) -> httpx.Response:
        """Send any request with the client's auth, retries and error mapping.

        The escape hatch for what the typed surface does not cover yet. Returns the raw
        `httpx.Response`; error statuses raise the SDK's errors as usual.
        """
        call = _raw_call(method, url, params, json, data, headers, idempotent)
        return self._engine.execute(call, _options(options))

    def close(self) -> None:
        """Close the connections this client opened (not those of an injected client)."""
        self._engine.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncClient(ClientBase[Async]):
    """An async client: an async context manager that closes the connections it opened."""

    def _new_engine(
        self,
        http_client: httpx.Client | httpx.AsyncClient | None,
        **settings: Unpack[EngineSettings],
    ) -> AsyncEngine:
        if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
            raise self._wrong_http_client(httpx.AsyncClient, http_client)
        owns = http_client is None
        client = http_client or ConnectionSlotsClient(
            POOL_LIMITS.max_connections or 1, keepalive_expiry=POOL_LIMITS.keepalive_expiry
        )
        return AsyncEngine(http_client=client, owns_client=owns, **settings)

    @property
    def _engine(self) -> AsyncEngine:
        engine = self._context.engine
        if not isinstance(engine, AsyncEngine):  # a context built by another client class
            raise TypeError(f"{type(self).__name__} is run by a {type(engine).__name__}")
        return engine

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
        **options: Any,
    ) -> httpx.Response:
        """Send any request with the client's auth, retries and error mapping.

        The escape hatch for what the typed surface does not cover yet. Returns the raw
        `httpx.Response`; error statuses raise the SDK's errors as usual.
        """
        call = _raw_call(method, url, params, json, data, headers, idempotent)
        return await self._engine.execute(call, _options(options))

    async def close(self) -> None:
        """Close the connections this client opened (not those of an injected client)."""
        await self._engine.close()

    aclose = close

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


class Resource(Generic[M, C]):
    """A family of operations of one backend (`hub.customers`, `scp.requests`…).

    Made with the client's context (`Customers(context)`), which it keeps as `_context`:
    the engine that runs its operations and the backend's typed state.
    """

    def __init__(self, context: C) -> None:
        self._context: C = context

    def _rebind(self, context: ClientContext) -> Self:
        """This resource (and the resources it holds) on another context of the same
        backend state: what `with_options` gives its copy."""
        clone = copy.copy(self)
        clone._context = cast(C, context)
        for name, value in vars(clone).items():
            if isinstance(value, Resource):
                setattr(clone, name, value._rebind(context))
        return clone

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._context.client_name}>"


class Operation(Generic[P, T]):
    """Descriptor made by `@operation`: runs the described exchange(s) on access."""

    def __init__(self, fn: Callable[Concatenate[Any, P], Call[T] | Flow[T]]) -> None:
        self.fn = fn
        _wrap(self, fn)
        self._signatures = _Signatures(fn, sync=_result_of, async_=_coroutine_of)

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(
        self, obj: Resource[Sync, Any] | ClientBase[Sync], owner: type[Any]
    ) -> Callable[P, T]: ...
    @overload
    def __get__(
        self, obj: Resource[Async, Any] | ClientBase[Async], owner: type[Any]
    ) -> Callable[P, Coroutine[Any, Any, T]]: ...
    def __get__(self, obj: Any, owner: type[Any]) -> Any:
        if obj is None:
            return self
        fn = self.fn
        context: ClientContext = obj._context
        engine = context.engine
        if isinstance(engine, AsyncEngine):

            async def run_async(*args: Any, **kwargs: Any) -> Any:
                options = _pop_options(kwargs)
                return await engine.run(fn(obj, *args, **kwargs), options)

            return _named_after(run_async, fn, self._signatures.for_async())

        def run(*args: Any, **kwargs: Any) -> Any:
            options = _pop_options(kwargs)
            return engine.run(fn(obj, *args, **kwargs), options)

        return _named_after(run, fn, self._signatures.for_sync())


class PagedOperation(Generic[P, T]):
    """Descriptor made by `@paged`: returns a `Pager` (sync) or `AsyncPager` (async)."""

    def __init__(self, fn: Callable[Concatenate[Any, P], Step[Page[T]]]) -> None:
        self.fn = fn
        _wrap(self, fn)
        self._signatures = _Signatures(
            fn, sync=lambda r: _pager_of(Pager, r), async_=lambda r: _pager_of(AsyncPager, r)
        )

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(self, obj: Resource[Sync, Any], owner: type[Any]) -> Callable[P, Pager[T]]: ...
    @overload
    def __get__(
        self, obj: Resource[Async, Any], owner: type[Any]
    ) -> Callable[P, AsyncPager[T]]: ...
    def __get__(self, obj: Any, owner: type[Any]) -> Any:
        if obj is None:
            return self
        context: ClientContext = obj._context
        is_async = isinstance(context.engine, AsyncEngine)

        def bound(*args: Any, **kwargs: Any) -> Any:
            progress = bool(kwargs.pop("progress", False))
            options = _pop_options(kwargs)
            return self.pager(context.engine, obj, args, kwargs, options, progress)

        signatures = self._signatures
        return _named_after(
            bound, self.fn, signatures.for_async() if is_async else signatures.for_sync()
        )

    def pager(
        self,
        engine: SyncEngine | AsyncEngine,
        obj: Any,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        options: CallOptions | None,
        progress: bool,
    ) -> Pager[T] | AsyncPager[T]:
        """The pager of one listing."""
        first = self.fn(obj, *args, **kwargs)
        backend = obj._context.client_name
        if isinstance(engine, AsyncEngine):
            return AsyncPager(engine, first, options, progress=progress, backend=backend)
        return Pager(engine, first, options, progress=progress, backend=backend)


def operation(fn: Callable[Concatenate[Any, P], Call[T] | Flow[T]]) -> Operation[P, T]:
    """Make a resource method out of a function describing its exchange(s)."""
    return Operation(fn)


def paged(fn: Callable[Concatenate[Any, P], Step[Page[T]]]) -> PagedOperation[P, T]:
    """Make a listing method out of a function describing its first page (a `Call`, or a
    function starting a flow; see `counter_pages`)."""
    return PagedOperation(fn)


def _wrap(descriptor: object, fn: Callable[..., Any]) -> None:
    """`functools.update_wrapper` for a descriptor: `fn`'s name, docstring and attributes."""
    for attribute in functools.WRAPPER_ASSIGNMENTS:
        if hasattr(fn, attribute):
            setattr(descriptor, attribute, getattr(fn, attribute))
    vars(descriptor).update(vars(fn))
    setattr(descriptor, "__wrapped__", fn)  # noqa: B010 - read by inspect.unwrap


def _named_after(
    bound: Callable[..., Any], fn: Callable[..., Any], signature: inspect.Signature
) -> Callable[..., Any]:
    """`bound` with `fn`'s name, docstring and the signature users call it with (`help()`,
    `inspect.signature`, notebooks' `?`): without `self`, returning the result, not the `Call`.

    Bound on every attribute access, so only what introspection reads is set (the signature
    is made once per operation): the cost of `functools.wraps` here was a measurable share of
    a call.
    """
    bound.__name__ = fn.__name__
    bound.__qualname__ = fn.__qualname__
    bound.__doc__ = fn.__doc__
    setattr(bound, "__signature__", signature)  # noqa: B010 - functions have no such slot
    return bound


class _Signatures:
    """The public signatures of an operation, computed once, on first request."""

    def __init__(
        self,
        fn: Callable[..., Any],
        *,
        sync: Callable[[Any], Any],
        async_: Callable[[Any], Any],
    ) -> None:
        self._fn = fn
        self._returns = {"sync": sync, "async": async_}
        self._made: dict[str, inspect.Signature] = {}

    def for_sync(self) -> inspect.Signature:
        return self._made.get("sync") or self._make("sync")

    def for_async(self) -> inspect.Signature:
        return self._made.get("async") or self._make("async")

    def _make(self, mode: str) -> inspect.Signature:
        try:
            signature = inspect.signature(self._fn, eval_str=True)
            declared: Any = signature.return_annotation
        except (NameError, TypeError, SyntaxError):
            signature = inspect.signature(self._fn)
            declared = inspect.Signature.empty
        parameters = list(signature.parameters.values())[1:]  # without `self`
        result = self._returns[mode](_produced(declared))
        made = signature.replace(parameters=parameters, return_annotation=result)
        self._made[mode] = made
        return made


def _produced(declared: Any) -> Any:
    """What a `Call[T]`, a flow `Generator[Call, Any, T]` or a `Step[T]` produces: `T` (`Any`
    if unknown)."""
    origin = typing.get_origin(declared)
    args = typing.get_args(declared)
    if origin is Call and args:
        return args[0]
    if origin in (typing.Union, types.UnionType):  # a `Step`: a Call, or a flow's function
        return next((found for a in args if (found := _produced(a)) is not Any), Any)
    if origin is not None and len(args) == 3 and getattr(origin, "__name__", "") == "Generator":
        return args[2]
    return Any


def _result_of(produced: Any) -> Any:
    return produced


def _coroutine_of(produced: Any) -> Any:
    return Coroutine[Any, Any, produced]


def _pager_of(pager: type[Any], produced: Any) -> Any:
    page_args = typing.get_args(produced)  # Page[T]
    return pager[page_args[0]] if page_args else pager[Any]


def _pop_options(kwargs: dict[str, Any]) -> CallOptions | None:
    if not kwargs:
        return None
    options = {k: kwargs.pop(k) for k in CALL_OPTION_KEYS & kwargs.keys()}
    return cast(CallOptions, options) if options else None


def _options(options: Mapping[str, Any]) -> CallOptions | None:
    unknown = set(options) - CALL_OPTION_KEYS
    if unknown:
        raise TypeError(f"unexpected keyword arguments: {', '.join(sorted(unknown))}")
    return cast(CallOptions, dict(options)) if options else None


def _raw_call(
    method: str,
    url: str,
    params: Mapping[str, Any] | None,
    json: Any,
    data: Mapping[str, Any] | None,
    headers: Mapping[str, str] | None,
    idempotent: bool | None,
) -> Call[httpx.Response]:
    return Call(
        method.upper(),
        url,
        parse=lambda response: response,
        params=params,
        json=json,
        data=data,
        headers=headers,
        idempotent=idempotent,
    )
