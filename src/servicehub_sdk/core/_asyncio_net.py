"""The network under the connection slots of an async client the SDK creates: asyncio itself.

httpcore reaches asyncio through anyio, which puts every read and write in a cancel scope
and yields to the event loop before it (a whole turn of the loop, even when the answer is
already there). Under many calls in flight that is most of what a request costs beyond
httpx itself (docs/performance.md, "Fan-out"). This backend follows httpcore's network
interface (`AsyncNetworkBackend`, `AsyncNetworkStream`) by shape, on an asyncio protocol: a
read returns what has already arrived without waiting, and a timeout is one timer of the
event loop. Errors are httpcore's (`ConnectError`, `ReadTimeout`…), as anyio's backend
raises them; httpx turns them into its own.
"""

from __future__ import annotations

# ruff: noqa: ASYNC109  (httpcore's network interface takes timeouts as arguments)
import asyncio
import socket
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore

__all__ = ["AsyncioBackend"]

_HIGH_WATER = 256 * 1024
"""Bytes received and not yet read beyond which the socket stops being read."""


class _Protocol(asyncio.Protocol):
    """What has arrived on a connection and not been read yet, and who waits for it."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.received = bytearray()
        self.eof = False
        self.closed = False
        self.lost: Exception | None = None
        """Why the connection was lost, if not closed cleanly."""
        self.waiter: asyncio.Future[None] | None = None
        self.drained: asyncio.Future[None] | None = None
        self.reading_paused = False
        self.writing_paused = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.received += data
        if len(self.received) > _HIGH_WATER and self.transport is not None:
            self.transport.pause_reading()
            self.reading_paused = True
        self._wake()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake()
        return False  # close the transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = self.closed = True
        self.lost = exc
        self._wake()
        drained, self.drained = self.drained, None
        if drained is not None and not drained.done():
            drained.set_result(None)

    def pause_writing(self) -> None:
        self.writing_paused = True

    def resume_writing(self) -> None:
        self.writing_paused = False
        drained, self.drained = self.drained, None
        if drained is not None and not drained.done():
            drained.set_result(None)

    def _wake(self) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)


async def _wait(
    future: asyncio.Future[None], timeout: float | None, error: type[Exception]
) -> None:
    """Wait for `future`; after `timeout` seconds raise `error` instead."""
    if timeout is None:
        await future
        return
    if timeout <= 0:
        future.cancel()
        raise error("timed out")
    timer = asyncio.get_running_loop().call_later(timeout, _expire, future, error)
    try:
        await future
    finally:
        timer.cancel()


def _expire(future: asyncio.Future[None], error: type[Exception]) -> None:
    if not future.done():
        future.set_exception(error("timed out"))


class AsyncioStream:
    """One connection (TCP, Unix or TLS), read and written through `_Protocol`."""

    def __init__(self, transport: asyncio.Transport, protocol: _Protocol) -> None:
        self._transport = transport
        self._protocol = protocol

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        protocol = self._protocol
        if not protocol.received and not protocol.eof:
            waiter = protocol.waiter = asyncio.get_running_loop().create_future()
            await _wait(waiter, timeout, httpcore.ReadTimeout)
        received = protocol.received
        if not received:
            if protocol.lost is not None:
                raise httpcore.ReadError(str(protocol.lost)) from protocol.lost
            return b""
        if len(received) <= max_bytes:
            data = bytes(received)
            received.clear()
        else:
            data = bytes(received[:max_bytes])
            del received[:max_bytes]
        if protocol.reading_paused and len(received) <= _HIGH_WATER // 2:
            protocol.reading_paused = False
            if protocol.transport is not None:
                protocol.transport.resume_reading()
        return data

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        protocol = self._protocol
        if protocol.closed or self._transport.is_closing():
            raise httpcore.WriteError("the connection was closed")
        self._transport.write(buffer)
        if protocol.writing_paused:
            drained = protocol.drained = asyncio.get_running_loop().create_future()
            await _wait(drained, timeout, httpcore.WriteTimeout)
            if protocol.closed:
                raise httpcore.WriteError(str(protocol.lost or "the connection was closed"))

    async def aclose(self) -> None:
        self._transport.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> AsyncioStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                transport = await loop.start_tls(
                    self._transport, self._protocol, ssl_context, server_hostname=server_hostname
                )
        except TimeoutError as exc:
            self._transport.close()
            raise httpcore.ConnectTimeout(str(exc) or "timed out") from exc
        except (OSError, ssl.SSLError, ConnectionError) as exc:
            self._transport.close()
            raise httpcore.ConnectError(str(exc)) from exc
        if transport is None:  # the connection closed during the handshake
            raise httpcore.ConnectError("the connection closed during the TLS handshake")
        # The protocol now reads through TLS: pausing and resuming must both act on the TLS
        # transport (pausing the socket underneath and resuming the TLS layer stalls a large
        # answer for good).
        self._protocol.transport = transport
        return AsyncioStream(transport, self._protocol)

    def get_extra_info(self, info: str) -> Any:
        if info == "ssl_object":
            return self._transport.get_extra_info("ssl_object")
        if info == "client_addr":
            return self._transport.get_extra_info("sockname")
        if info == "server_addr":
            return self._transport.get_extra_info("peername")
        if info == "socket":
            return self._transport.get_extra_info("socket")
        if info == "is_readable":
            protocol = self._protocol
            return bool(protocol.received) or protocol.eof or self._transport.is_closing()
        return None


class AsyncioBackend:
    """Opens `AsyncioStream` connections on the running asyncio event loop."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> AsyncioStream:
        local = None if local_address is None else (local_address, 0)
        return await _connect(
            lambda loop, protocol: loop.create_connection(
                lambda: protocol, host, port, local_addr=local
            ),
            timeout,
            socket_options,
        )

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> AsyncioStream:
        return await _connect(
            lambda loop, protocol: loop.create_unix_connection(lambda: protocol, path),
            timeout,
            socket_options,
        )

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


async def _connect(
    open_: Any, timeout: float | None, socket_options: Iterable[Any] | None
) -> AsyncioStream:
    loop = asyncio.get_running_loop()
    protocol = _Protocol()
    try:
        async with asyncio.timeout(timeout):
            transport, _ = await open_(loop, protocol)
    except TimeoutError as exc:
        raise httpcore.ConnectTimeout(str(exc) or "timed out") from exc
    except OSError as exc:
        raise httpcore.ConnectError(str(exc)) from exc
    sock: socket.socket | None = transport.get_extra_info("socket")
    for option in socket_options or ():
        if sock is not None:
            sock.setsockopt(*option)
    return AsyncioStream(transport, protocol)
