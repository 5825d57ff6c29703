"""A deadline for one attempt of a call, enforced on every connect, read and write.

httpx's timeouts bound each network operation on its own: a server that trickles a byte just
inside the read timeout, or a token request sent without a timeout, keeps a call alive for as
long as it likes. The engines set the attempt's deadline in a context variable; the network
layer installed on the connection pool clamps every connect, TLS handshake, read and write to
the time that remains, and token requests made inside the attempt take their timeouts from it.

The wrappers follow httpcore's network interface (`NetworkBackend`, `NetworkStream`) by shape,
without subclassing, so that older httpcore releases import this module too.
"""

from __future__ import annotations

# ruff: noqa: ASYNC109  (httpcore's network interface takes timeouts as arguments)
import contextvars
import logging
import select
import sys
import warnings
from collections.abc import Iterable
from typing import Any, TypeVar

import httpcore
import httpx

from ._clock import SYSTEM_CLOCK, Clock

__all__ = [
    "DeadlineToken",
    "DeadlineWarning",
    "current_deadline",
    "install",
    "installed",
    "remaining",
    "request_timeouts",
    "reset",
    "within",
]

E = TypeVar("E", bound=Exception)

logger = logging.getLogger("servicehub_sdk")

# The attempt's deadline and the clock it is measured on.
_deadline: contextvars.ContextVar[tuple[float, Clock] | None] = contextvars.ContextVar(
    "servicehub_sdk_deadline", default=None
)

DeadlineToken = contextvars.Token[tuple[float, Clock] | None]
"""What `within` returns, to hand back to `reset`."""


def within(ends: float, clock: Clock = SYSTEM_CLOCK) -> DeadlineToken:
    """Set the current deadline, a `clock.monotonic()` value; returns the token to reset it."""
    return _deadline.set((ends, clock))


def reset(token: DeadlineToken) -> None:
    """Restore the deadline that was current before `within`."""
    _deadline.reset(token)


def current_deadline() -> float | None:
    """The deadline of the attempt in progress (on its clock's `monotonic()`), if any."""
    current = _deadline.get()
    return None if current is None else current[0]


def remaining() -> float | None:
    """Seconds left before the current deadline (never negative), `None` without one."""
    current = _deadline.get()
    if current is None:
        return None
    ends, clock = current
    return max(0.0, ends - clock.monotonic())


def request_timeouts(default: httpx.Timeout) -> dict[str, float | None]:
    """The `timeout` extension for a request made inside an attempt (a token request): what
    remains of the attempt's deadline for every phase, or the `default` phases outside one."""
    left = remaining()
    if left is None:
        return default.as_dict()
    return dict.fromkeys(("connect", "read", "write", "pool"), left)


def _clamp(timeout: float | None, error: type[E]) -> float | None:
    current = _deadline.get()
    if current is None:
        return timeout
    ends, clock = current
    left = ends - clock.monotonic()
    if left <= 0:
        raise error("the call's timeout elapsed")
    return left if timeout is None else min(timeout, left)


class _Stream:
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> _Stream:
        return _Stream(
            self._stream.start_tls(
                ssl_context, server_hostname, _clamp(timeout, httpcore.ConnectTimeout)
            )
        )

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _AsyncStream:
    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream
        socket = stream.get_extra_info("socket")
        self._socket = socket if callable(getattr(socket, "fileno", None)) else None

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, _clamp(timeout, httpcore.ReadTimeout))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, _clamp(timeout, httpcore.WriteTimeout))

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> _AsyncStream:
        return _AsyncStream(
            await self._stream.start_tls(
                ssl_context, server_hostname, _clamp(timeout, httpcore.ConnectTimeout)
            )
        )

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable" and self._socket is not None:
            # Asked of every idle connection each time a request enters or leaves the pool;
            # anyio answers it by rebuilding all of the socket's attributes (a system call).
            return _readable(self._socket)
        return self._stream.get_extra_info(info)


def _readable(sock: Any) -> bool:
    """Whether `sock` has something to read (a closed socket counts as readable), as httpcore
    decides it: an idle connection the server has closed or written to cannot be reused."""
    fd = sock.fileno()
    if fd < 0:
        return True
    if sys.platform == "win32" or not hasattr(select, "poll"):
        return bool(select.select([fd], [], [], 0)[0])
    poll = select.poll()
    poll.register(fd, select.POLLIN)
    return bool(poll.poll(0))


class _Backend:
    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> _Stream:
        timeout = _clamp(timeout, httpcore.ConnectTimeout)
        return _Stream(
            self._backend.connect_tcp(host, port, timeout, local_address, *_given(socket_options))
        )

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> _Stream:
        timeout = _clamp(timeout, httpcore.ConnectTimeout)
        return _Stream(self._backend.connect_unix_socket(path, timeout, *_given(socket_options)))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _AsyncBackend:
    def __init__(self, backend: httpcore.AsyncNetworkBackend) -> None:
        self._backend = backend

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> _AsyncStream:
        timeout = _clamp(timeout, httpcore.ConnectTimeout)
        stream = await self._backend.connect_tcp(
            host, port, timeout, local_address, *_given(socket_options)
        )
        return _AsyncStream(stream)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> _AsyncStream:
        timeout = _clamp(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(
            await self._backend.connect_unix_socket(path, timeout, *_given(socket_options))
        )

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


def _given(socket_options: Iterable[Any] | None) -> tuple[Iterable[Any], ...]:
    """`socket_options` as an argument only when there are some: httpcore before 0.17 takes
    no such parameter."""
    return () if socket_options is None else (socket_options,)


class DeadlineWarning(RuntimeWarning):
    """Attempt deadlines cannot be enforced on an httpx transport's connection pool."""


def install(client: httpx.Client | httpx.AsyncClient) -> bool:
    """Enforce deadlines on `client`'s standard transports (its own and its proxy mounts).

    The engines call it for the clients they create, never for one the user passed in.
    Transports that are not httpx's `HTTPTransport`/`AsyncHTTPTransport` (a `MockTransport`,
    an in-process emulator, aiohttp) are left alone: there each phase is still bounded by its
    own timeout. A standard transport whose connection pool no longer looks as this module
    expects (httpx or httpcore renamed what it wraps) is left alone too, and reported with a
    `DeadlineWarning` and a log line, rather than silently losing the deadline.

    Returns whether the client's main transport enforces deadlines.
    """
    transports = [getattr(client, "_transport", None), *getattr(client, "_mounts", {}).values()]
    main = False
    for index, transport in enumerate(transports):
        if not isinstance(transport, (httpx.HTTPTransport, httpx.AsyncHTTPTransport)):
            continue
        pools = _pools(transport)
        backends: list[Any] = [getattr(pool, "_network_backend", None) for pool in pools]
        if not pools or None in backends:
            _cannot_install(transport)
            continue
        for pool, backend in zip(pools, backends, strict=True):
            if not isinstance(backend, (_Backend, _AsyncBackend)):
                wrapper = (
                    _Backend(backend)
                    if isinstance(transport, httpx.HTTPTransport)
                    else _AsyncBackend(backend)
                )
                pool._network_backend = wrapper
        main = main or index == 0
    return main


def _pools(transport: object) -> list[Any]:
    """The connection pools of `transport`: its one pool, or each of its slots' (the
    transport of an async client the SDK creates)."""
    pool = getattr(transport, "_pool", None)
    if pool is None:
        return []
    slots = getattr(pool, "slots", None)
    return list(slots) if isinstance(slots, list) else [pool]


def installed(client: httpx.Client | httpx.AsyncClient) -> bool:
    """Whether `client`'s main transport enforces attempt deadlines."""
    pools = _pools(getattr(client, "_transport", None))
    return bool(pools) and all(
        isinstance(getattr(pool, "_network_backend", None), (_Backend, _AsyncBackend))
        for pool in pools
    )


def _cannot_install(transport: object) -> None:
    message = (
        f"attempt deadlines cannot be enforced on {type(transport).__name__} with "
        f"httpx {httpx.__version__} and httpcore {httpcore.__version__} (its connection pool "
        "has no network backend where one was expected): each network operation is still "
        "bounded by its own timeout, but not the attempt as a whole"
    )
    logger.warning(message)
    warnings.warn(message, DeadlineWarning, stacklevel=3)
