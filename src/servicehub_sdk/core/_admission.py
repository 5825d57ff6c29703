"""The transport of an async client the SDK creates: httpx's own, with an admission in front.

httpx's async connection pool checks every connection each time a request enters or leaves
it, and hands one idle connection to every request that arrives before the first starts
using it; all but one then retry. The more requests the pool holds, the more each costs
(docs/performance.md, "Fan-out"). `AdmittingTransport` lets no more requests into the pool
than it has connections; the others wait, first come first served, as they would have waited
inside the pool, under the request's pool timeout. Token requests count like any other; a
call waiting for another's token holds no place. A client passed as `http_client=` is used
exactly as given.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx

from . import _deadline as deadline

__all__ = ["AdmittingTransport"]


class AdmittingTransport(httpx.AsyncHTTPTransport):
    """`httpx.AsyncHTTPTransport` letting at most `limits.max_connections` requests into its
    pool at once; a place is given back when the answer is closed (read whole, or not)."""

    def __init__(self, *, limits: httpx.Limits) -> None:
        super().__init__(limits=limits)
        self.admission = asyncio.Semaphore(limits.max_connections or 1)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await _admitted(self.admission, request)
        try:
            response = await super().handle_async_request(request)
        except BaseException:
            self.admission.release()
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _Releasing(response.stream, self.admission)
        return response


class _Releasing(httpx.AsyncByteStream):
    """An answer's body that gives its place back, once, when closed."""

    def __init__(self, stream: httpx.AsyncByteStream, admission: asyncio.Semaphore) -> None:
        self._stream = stream
        self._admission: asyncio.Semaphore | None = admission

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self._stream:
            yield part

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            admission, self._admission = self._admission, None
            if admission is not None:
                admission.release()


async def _admitted(admission: asyncio.Semaphore, request: httpx.Request) -> None:
    """Take a place, waiting as httpx waits for a connection: no longer than the request's
    pool timeout or what is left of the attempt's deadline (`httpx.PoolTimeout`: the request
    was never sent)."""
    if not admission.locked():
        await admission.acquire()  # a free place: taken without suspending
        return
    timeouts = request.extensions.get("timeout", {})
    limits = [t for t in (timeouts.get("pool"), deadline.remaining()) if t is not None]
    try:
        async with asyncio.timeout(min(limits) if limits else None):
            await admission.acquire()
    except TimeoutError:
        raise httpx.PoolTimeout(
            "no connection of the pool became free in time", request=request
        ) from None
