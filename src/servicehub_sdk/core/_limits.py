"""How large an answer the SDK reads: `max_response_bytes`, checked before a body is read whole.

An answer whose `Content-Length` is above the bound is refused before a byte of its body is
read; one without it (chunked) is counted while it streams in and refused as soon as it
passes the bound. Either way the connection is closed and `ResponseTooLargeError` raised:
never retried, and, for a write, `may_have_been_applied=True` (the server did the work).
The bytes counted are those on the wire (compressed, when the answer is).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx

from ._errors import ConfigurationError, ResponseTooLargeError
from ._redaction import redact_url

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "check_max_response_bytes",
    "read_limited",
    "read_limited_async",
]

DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
"""64 MiB: far above the largest real answer (an SSH schema introspection is a few MB)."""

_READ_ONLY = frozenset({"GET", "HEAD", "OPTIONS"})


def check_max_response_bytes(value: object) -> int:
    """`value` as a byte bound; `ConfigurationError` unless it is an integer above 0."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigurationError(
            f"max_response_bytes must be a whole number of bytes above 0, got {value!r}"
        )
    return value


def too_large(
    response: httpx.Response, limit: int, size: int, *, name: str | None, idempotent: bool
) -> ResponseTooLargeError:
    """The error for an answer above `limit` (`size`: declared, or read so far)."""
    request = response.request
    what = name or f"{request.method} {redact_url(request.url)}"
    return ResponseTooLargeError(
        f"{what}: the answer (HTTP {response.status_code}) is larger than max_response_bytes "
        f"({size} > {limit} bytes); it was not read",
        request=request,
        limit=limit,
        size=size,
        status_code=response.status_code,
        may_have_been_applied=not idempotent and request.method not in _READ_ONLY,
    )


def _declared(response: httpx.Response) -> int | None:
    value = response.headers.get("content-length", "")
    return int(value) if value.strip().isdigit() else None


def read_limited(
    response: httpx.Response, limit: int, *, name: str | None = None, idempotent: bool = True
) -> None:
    """Read a streamed `response` whole, unless it is larger than `limit` bytes.

    Raises:
        ResponseTooLargeError: the response is closed, its body unread (or read in part).
    """
    declared = _declared(response)
    if declared is not None and declared > limit:
        response.close()
        raise too_large(response, limit, declared, name=name, idempotent=idempotent)
    if isinstance(response.stream, httpx.SyncByteStream):
        response.stream = _Counted(response, limit, name, idempotent)
    try:
        response.read()
    except BaseException:  # too large, or the connection broke: give the connection back
        response.close()
        raise


async def read_limited_async(
    response: httpx.Response, limit: int, *, name: str | None = None, idempotent: bool = True
) -> None:
    """`read_limited` for an async response."""
    declared = _declared(response)
    if declared is not None and declared > limit:
        await response.aclose()
        raise too_large(response, limit, declared, name=name, idempotent=idempotent)
    if isinstance(response.stream, httpx.AsyncByteStream):
        response.stream = _AsyncCounted(response, limit, name, idempotent)
    try:
        await response.aread()
    except BaseException:  # too large, or the connection broke: give the connection back
        await response.aclose()
        raise


class _Counted(httpx.SyncByteStream):
    def __init__(
        self, response: httpx.Response, limit: int, name: str | None, idempotent: bool
    ) -> None:
        assert isinstance(response.stream, httpx.SyncByteStream)
        self._inner = response.stream
        self._response = response
        self._limit = limit
        self._name = name
        self._idempotent = idempotent

    def __iter__(self) -> Iterator[bytes]:
        seen = 0
        for chunk in self._inner:
            seen += len(chunk)
            if seen > self._limit:
                raise too_large(
                    self._response, self._limit, seen, name=self._name, idempotent=self._idempotent
                )
            yield chunk

    def close(self) -> None:
        self._inner.close()


class _AsyncCounted(httpx.AsyncByteStream):
    def __init__(
        self, response: httpx.Response, limit: int, name: str | None, idempotent: bool
    ) -> None:
        assert isinstance(response.stream, httpx.AsyncByteStream)
        self._inner = response.stream
        self._response = response
        self._limit = limit
        self._name = name
        self._idempotent = idempotent

    async def __aiter__(self) -> AsyncIterator[bytes]:
        seen = 0
        async for chunk in self._inner:
            seen += len(chunk)
            if seen > self._limit:
                raise too_large(
                    self._response, self._limit, seen, name=self._name, idempotent=self._idempotent
                )
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()
