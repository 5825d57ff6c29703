"""The transport of an async client the SDK creates: httpx's own, one connection per slot.

httpx's async connection pool checks every connection each time a request enters or leaves
it, and hands one idle connection to every request that arrives before the first starts
using it; all but one then retry. The more requests the pool holds, the more each costs
(docs/performance.md, "Fan-out"). `AdmittingTransport` never lets two requests meet in one
pool: it keeps `limits.max_connections` slots of a single connection each, and gives each
request a slot of its own (the one freed last, whose connection is warmest). The others
wait, first come first served, as they would have waited inside the pool, under the
request's pool timeout. A slot lends its connection directly (`OneConnection`), on asyncio's
own streams (`_asyncio_net`), with none of the queueing, locks and cancel scopes a shared
pool needs. Token requests take a slot like any other (one to another host replaces the
slot's idle connection); a call waiting for another's token holds no slot. A client passed
as `http_client=` is used exactly as given; `ConnectionSlotsClient` is this transport with
as many slots as the caller chooses, to pass in.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from typing import Any, Protocol, cast

import httpcore
import httpx

from . import _deadline as deadline
from ._asyncio_net import AsyncioBackend
from ._cookies import read_cookies_when_set
from ._errors import ConfigurationError

__all__ = ["AdmittingTransport", "ConnectionSlotsClient"]


class _Pool(Protocol):
    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response: ...

    async def aclose(self) -> None: ...


class AdmittingTransport(httpx.AsyncHTTPTransport):
    """`httpx.AsyncHTTPTransport` over `limits.max_connections` slots of one connection each;
    a request holds its slot until its answer is closed (read whole, or not)."""

    def __init__(self, *, limits: httpx.Limits, verify: Any = True, cert: Any = None) -> None:
        one = httpx.Limits(
            max_connections=1, max_keepalive_connections=1, keepalive_expiry=limits.keepalive_expiry
        )
        super().__init__(limits=one, verify=verify, cert=cert)
        ssl_context = getattr(self._pool, "_ssl_context", None)  # one TLS context for all slots
        self._pool = Slots(
            [
                OneConnection(
                    ssl_context=ssl_context,
                    max_connections=1,
                    max_keepalive_connections=1,
                    keepalive_expiry=limits.keepalive_expiry,
                    network_backend=cast("httpcore.AsyncNetworkBackend", AsyncioBackend()),
                )
                for _ in range(limits.max_connections or 1)
            ]
        )


class ConnectionSlotsClient(httpx.AsyncClient):
    """The `httpx.AsyncClient` an async client creates for itself, with as many connection
    slots as you choose; pass it as `http_client=` to any async client.

    At most `max_connections` requests are on the wire at once, each on a connection of its
    own; the others wait their turn, first come first served, no longer than the request's
    pool timeout (then `APITimeoutError`, the request never sent). Every connect, read and
    write is bounded by the call's timeout. Like any client passed in, it is yours: close it
    (`async with`) after the SDK clients that use it.

    Args:
        max_connections: the number of slots (default 8, what a client creates for itself).
        keepalive_expiry: seconds an idle connection is kept (default 5; `None`: no limit).
        verify: TLS verification, as `httpx.AsyncClient` takes it.
        cert: a client certificate, as `httpx.AsyncClient` takes it.
        **kwargs: anything else `httpx.AsyncClient` takes (`event_hooks`, `headers`, …),
            but not `transport`, `limits` or `http2`.
    """

    def __init__(
        self,
        max_connections: int = 8,
        *,
        keepalive_expiry: float | None = 5.0,
        verify: Any = True,
        cert: Any = None,
        **kwargs: Any,
    ) -> None:
        if isinstance(max_connections, bool) or not isinstance(max_connections, int):
            raise ConfigurationError(
                f"max_connections must be a whole number of connections, got {max_connections!r}"
            )
        if max_connections < 1:
            raise ConfigurationError(f"max_connections must be at least 1, got {max_connections}")
        taken = sorted({"transport", "limits", "http2"} & kwargs.keys())
        if taken:
            raise ConfigurationError(
                f"ConnectionSlotsClient sets {', '.join(taken)} itself; "
                "use httpx.AsyncClient for a transport of your own"
            )
        limits = httpx.Limits(
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=keepalive_expiry,
        )
        transport = AdmittingTransport(limits=limits, verify=verify, cert=cert)
        super().__init__(transport=transport, verify=verify, cert=cert, **kwargs)
        read_cookies_when_set(self)
        deadline.install(self)


class OneConnection(httpcore.AsyncConnectionPool):
    """A slot's pool: one connection, lent to one request at a time (`Slots` sees to that), so
    none of httpcore's queueing. The connection is reused while it is idle, unexpired, not
    closed or written to by the server, and for the same origin; else it is closed and
    replaced."""

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        # The connection lent, kept apart from httpcore's own list (whose name changed
        # between httpcore releases).
        self._lent: list[httpcore.AsyncConnectionInterface] = []

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        if request.url.scheme not in (b"http", b"https"):
            return await super().handle_async_request(request)  # httpcore's own answer
        origin = request.url.origin
        connection = await self._connection_for(origin)
        try:
            return await connection.handle_async_request(request)
        except httpcore.ConnectionNotAvailable:  # closed just as it was lent: open another
            connection = await self._connection_for(origin)
        return await connection.handle_async_request(request)

    async def _connection_for(self, origin: httpcore.Origin) -> httpcore.AsyncConnectionInterface:
        for connection in self._lent:
            if (
                connection.can_handle_request(origin)
                and connection.is_idle()
                and not connection.is_closed()
                and not connection.has_expired()
            ):
                return connection
        stale, self._lent = self._lent, []
        for connection in stale:
            await connection.aclose()
        connection = self.create_connection(origin)
        self._lent = [connection]
        return connection

    async def aclose(self) -> None:
        lent, self._lent = self._lent, []
        for connection in lent:
            await connection.aclose()
        await super().aclose()


class Slots(httpcore.AsyncConnectionPool):
    """Connection pools of one connection each, lent to one request at a time: the slot freed
    last first, the requests waiting first served first. A connection pool itself only as
    httpx sees it (`handle_async_request`, `aclose`): it opens no connection of its own."""

    def __init__(self, slots: list[Any]) -> None:
        super().__init__(max_connections=1)
        self.slots: list[_Pool] = slots
        self._free = list(range(len(slots)))[::-1]  # a stack of indices into `slots`
        self._waiting: deque[asyncio.Future[int]] = deque()

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        slot = await self._take(request)
        try:
            response = await self.slots[slot].handle_async_request(request)
        except BaseException:
            self._give_back(slot)
            raise
        response.stream = _Releasing(response.stream, self, slot)
        return response

    async def aclose(self) -> None:
        for pool in self.slots:
            await pool.aclose()

    async def _take(self, request: httpcore.Request) -> int:
        """A free slot, waiting as httpx waits for a connection: no longer than the request's
        pool timeout or what is left of the attempt's deadline (`httpcore.PoolTimeout`, which
        httpx raises as `httpx.PoolTimeout`: the request was never sent)."""
        if self._free:  # none waiting then: a freed slot goes to the first waiting request
            return self._free.pop()
        timeouts = request.extensions.get("timeout", {})
        limits = [t for t in (timeouts.get("pool"), deadline.remaining()) if t is not None]
        loop = asyncio.get_running_loop()
        turn: asyncio.Future[int] = loop.create_future()
        self._waiting.append(turn)
        timer = loop.call_later(min(limits), _too_late, turn) if limits else None
        try:
            return await turn
        except BaseException:
            if turn.done() and not turn.cancelled() and turn.exception() is None:
                self._give_back(turn.result())  # handed over just as the wait was cancelled
            elif turn in self._waiting:  # not already passed over by `_give_back`
                self._waiting.remove(turn)
            raise
        finally:
            if timer is not None:
                timer.cancel()

    def _give_back(self, slot: int) -> None:
        while self._waiting:
            turn = self._waiting.popleft()
            if not turn.done():
                turn.set_result(slot)
                return
        self._free.append(slot)


def _too_late(turn: asyncio.Future[int]) -> None:
    if not turn.done():
        turn.set_exception(httpcore.PoolTimeout("no connection of the pool became free in time"))


class _Releasing:
    """An answer's body that gives its slot back, once, when closed."""

    def __init__(self, stream: Any, slots: Slots, slot: int) -> None:
        self._stream = stream
        self._slots: Slots | None = slots
        self._slot = slot

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self._stream:
            yield part

    async def aclose(self) -> None:
        try:
            if hasattr(self._stream, "aclose"):
                await self._stream.aclose()
        finally:
            slots, self._slots = self._slots, None
            if slots is not None:
                slots._give_back(self._slot)
