"""Client and resource bases: one definition of every operation serves sync and async.

A resource method is written once, as a function that returns a `Call` (one exchange) or a
generator of `Call`s (several), decorated with `@operation`; or, for listings, as a function
returning the first page's `Call`, decorated with `@paged`. Reached through a sync client it
runs and returns the result; through an async client it returns a coroutine (or `AsyncPager`).

```python
class Customers(Resource[M]):
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
import typing
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import replace
from typing import Any, ClassVar, Concatenate, Generic, ParamSpec, Self, TypeVar, overload

import httpx

from ._boundary import check_transport_security
from ._environment import env_value
from ._errors import ConfigurationError
from ._guidance import checked_keywords, environment_hint
from ._http import (
    AsyncEngine,
    ErrorDecoder,
    Flow,
    SyncEngine,
    capture_responses,
    decode_error,
)
from ._limits import DEFAULT_MAX_RESPONSE_BYTES
from ._pagination import AsyncPager, Page, Pager
from ._request import CALL_OPTION_KEYS, Call, CallOptions
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


class ClientBase(Generic[M]):
    """What sync and async clients share: configuration, `with_options`, `from_env`.

    Backends subclass it once (generic in `M`) and then pair it with `SyncClient` or
    `AsyncClient`. Subclasses set `env_prefix` for `from_env()`.
    """

    env_prefix: ClassVar[str] = "SERVICEHUB_"
    _engine: Any

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # A wrong argument names the public class and the closest parameter.
        super().__init_subclass__(**kwargs)
        if "__init__" in cls.__dict__:
            setattr(cls, "__init__", checked_keywords(cls.__dict__["__init__"]))  # noqa: B010

    def _init_engine(
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
    ) -> None:
        check_transport_security(base_url, auth, allow_insecure_http, other_urls)
        policy = retry or RetryPolicy()
        if max_retries is not None:
            policy = replace(policy, max_retries=check_max_retries(max_retries))
        engine_cls, client_cls = self._engine_types()
        if http_client is not None and not isinstance(http_client, client_cls):
            raise ConfigurationError(
                f"{type(self).__name__} needs an {client_cls.__module__}.{client_cls.__name__}, "
                f"got {type(http_client).__name__}"
            )
        owns = http_client is None
        self._engine = engine_cls(
            http_client=http_client if http_client is not None else client_cls(),
            owns_client=owns,
            base_url=base_url,
            auth=auth,
            timeout=timeout,
            retry=policy,
            headers=headers,
            error_decoder=error_decoder,
            max_response_bytes=max_response_bytes or DEFAULT_MAX_RESPONSE_BYTES,
        )

    def _engine_types(self) -> tuple[type[Any], type[Any]]:
        raise NotImplementedError

    @property
    def base_url(self) -> httpx.URL:
        """The URL every relative path is resolved against."""
        url: httpx.URL = self._engine.base_url
        return url

    @property
    def auth(self) -> httpx.Auth | None:
        """The authentication strategy in use."""
        auth: httpx.Auth | None = self._engine.auth
        return auth

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
        clone._engine = self._engine.derive(
            timeout=timeout,
            max_retries=max_retries,
            headers=headers,
            retry=retry,
            max_response_bytes=max_response_bytes,
        )
        for name, value in vars(clone).items():
            if isinstance(value, Resource):
                setattr(clone, name, value._rebind(clone))
        return clone

    capture_responses = staticmethod(capture_responses)

    @classmethod
    def from_env(cls, **overrides: Any) -> Self:
        """A client configured from `<env_prefix><PARAMETER>` environment variables.

        Every constructor parameter can be given as an upper-case variable, e.g.
        `SERVICEHUB_SSH_API_KEY` for `api_key`; keyword arguments win over the environment.
        Values are read by the parameter's type: flags as `true`/`false` (`1`/`0`, `yes`/`no`,
        `on`/`off`), `max_retries` and other counts as integers, `timeout` as seconds, lists
        comma-separated. A missing setting is reported by its variable's name.
        """
        import inspect

        params = inspect.signature(cls.__init__).parameters
        variables = {
            name: f"{cls.env_prefix}{name.upper()}"
            for name in params
            if name not in ("self", "http_client", "auth") and name not in overrides
        }
        kwargs: dict[str, Any] = {}
        for name, variable in variables.items():
            raw = os.environ.get(variable)
            if raw is None or raw == "":
                continue
            kwargs[name] = env_value(raw, variable, params[name].annotation)
        found = [variables[name] for name in kwargs]
        kwargs.update(overrides)
        try:
            return cls(**kwargs)
        except ConfigurationError as exc:
            message = environment_hint(str(exc), cls.__name__, cls.env_prefix, variables, found)
            raise type(exc)(message) from None


class SyncClient(ClientBase[Sync]):
    """A blocking client: a context manager that closes the connections it opened."""

    _engine: SyncEngine

    def _engine_types(self) -> tuple[type[Any], type[Any]]:
        return SyncEngine, httpx.Client

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

    _engine: AsyncEngine

    def _engine_types(self) -> tuple[type[Any], type[Any]]:
        return AsyncEngine, httpx.AsyncClient

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


class Resource(Generic[M]):
    """A family of operations of one backend (`hub.customers`, `scp.requests`…)."""

    def __init__(self, client: ClientBase[M]) -> None:
        self._client: ClientBase[M] = client

    def _rebind(self, client: ClientBase[M]) -> Self:
        clone = copy.copy(self)
        clone._client = client
        for name, value in vars(clone).items():
            if isinstance(value, Resource) and name != "_client":
                setattr(clone, name, value._rebind(client))
        return clone

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {type(self._client).__name__}>"


class Operation(Generic[P, T]):
    """Descriptor made by `@operation`: runs the described exchange(s) on access."""

    def __init__(self, fn: Callable[Concatenate[Any, P], Call[T] | Flow[T]]) -> None:
        self.fn = fn
        functools.update_wrapper(self, fn)  # type: ignore[arg-type]
        self._signatures = _Signatures(fn, sync=_result_of, async_=_coroutine_of)

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(
        self, obj: Resource[Sync] | ClientBase[Sync], owner: type[Any]
    ) -> Callable[P, T]: ...
    @overload
    def __get__(
        self, obj: Resource[Async] | ClientBase[Async], owner: type[Any]
    ) -> Callable[P, Coroutine[Any, Any, T]]: ...
    def __get__(self, obj: Any, owner: type[Any]) -> Any:
        if obj is None:
            return self
        fn = self.fn
        engine = _engine_of(obj)
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

    def __init__(self, fn: Callable[Concatenate[Any, P], Call[Page[T]]]) -> None:
        self.fn = fn
        functools.update_wrapper(self, fn)  # type: ignore[arg-type]
        self._signatures = _Signatures(
            fn, sync=lambda r: _pager_of(Pager, r), async_=lambda r: _pager_of(AsyncPager, r)
        )

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(self, obj: Resource[Sync], owner: type[Any]) -> Callable[P, Pager[T]]: ...
    @overload
    def __get__(self, obj: Resource[Async], owner: type[Any]) -> Callable[P, AsyncPager[T]]: ...
    def __get__(self, obj: Any, owner: type[Any]) -> Any:
        if obj is None:
            return self
        engine = _engine_of(obj)
        is_async = isinstance(engine, AsyncEngine)

        def bound(*args: Any, **kwargs: Any) -> Any:
            progress = bool(kwargs.pop("progress", False))
            options = _pop_options(kwargs)
            return self.pager(engine, obj, args, kwargs, options, progress)

        signatures = self._signatures
        return _named_after(
            bound, self.fn, signatures.for_async() if is_async else signatures.for_sync()
        )

    def pager(
        self,
        engine: Any,
        obj: Any,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        options: CallOptions | None,
        progress: bool,
    ) -> Any:
        """The pager of one listing (subclasses describe listings otherwise)."""
        pager_cls = AsyncPager if isinstance(engine, AsyncEngine) else Pager
        first = self.fn(obj, *args, **kwargs)
        return pager_cls(engine, first, options, progress=progress, backend=_backend_of(obj))


def operation(fn: Callable[Concatenate[Any, P], Call[T] | Flow[T]]) -> Operation[P, T]:
    """Make a resource method out of a function describing its exchange(s)."""
    return Operation(fn)


def paged(fn: Callable[Concatenate[Any, P], Call[Page[T]]]) -> PagedOperation[P, T]:
    """Make a listing method out of a function describing its first page."""
    return PagedOperation(fn)


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
    bound.__signature__ = signature  # type: ignore[attr-defined]
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
    """What a `Call[T]` or a flow `Generator[Call, Any, T]` produces: `T` (`Any` if unknown)."""
    origin = typing.get_origin(declared)
    args = typing.get_args(declared)
    if origin is Call and args:
        return args[0]
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


def _backend_of(obj: Any) -> str:
    """The name of the client a resource belongs to (`SupportCenterClient`), for errors."""
    return type(obj if isinstance(obj, ClientBase) else obj._client).__name__


def _engine_of(obj: Any) -> Any:
    return obj._engine if isinstance(obj, ClientBase) else obj._client._engine


def _pop_options(kwargs: dict[str, Any]) -> CallOptions | None:
    if not kwargs:
        return None
    options = {k: kwargs.pop(k) for k in CALL_OPTION_KEYS & kwargs.keys()}
    return options or None  # type: ignore[return-value]


def _options(options: Mapping[str, Any]) -> CallOptions | None:
    unknown = set(options) - CALL_OPTION_KEYS
    if unknown:
        raise TypeError(f"unexpected keyword arguments: {', '.join(sorted(unknown))}")
    return dict(options) or None  # type: ignore[return-value]


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
