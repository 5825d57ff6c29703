"""The network under the SDK's own async pool: connections on asyncio itself, with httpcore's
errors and timeouts, against servers on loopback."""

from __future__ import annotations

import asyncio
import datetime
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpcore
import pytest

from servicehub_sdk.core import _deadline as deadline
from servicehub_sdk.core._asyncio_net import AsyncioBackend, AsyncioStream
from tests.core.demo import AsyncDemoClient

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def serving(handler: Handler, context: ssl.SSLContext | None = None) -> AsyncIterator[int]:
    server = await asyncio.start_server(handler, "127.0.0.1", 0, ssl=context)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()


async def connect(port: int, timeout: float | None = 5.0) -> AsyncioStream:
    return await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=timeout)


async def test_reads_what_arrived_in_parts_and_then_the_end() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"hello " + await reader.readexactly(5))
        await writer.drain()
        writer.close()

    async with serving(handler) as port:
        stream = await connect(port)
        await stream.write(b"world", timeout=5)
        received = b""
        while part := await stream.read(4, timeout=5):
            assert len(part) <= 4
            received += part
        assert received == b"hello world"
        assert await stream.read(4, timeout=5) == b""  # the end stays the end
        assert stream.get_extra_info("is_readable") is True  # closed: not to be reused
        with pytest.raises(httpcore.WriteError):
            await stream.write(b"more", timeout=5)
        await stream.aclose()


async def test_a_silent_server_is_a_read_timeout_and_the_stream_can_be_read_again() -> None:
    release = asyncio.Event()

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await release.wait()
        writer.write(b"late")
        await writer.drain()
        writer.close()

    async with serving(handler) as port:
        stream = await connect(port)
        assert stream.get_extra_info("is_readable") is False
        with pytest.raises(httpcore.ReadTimeout):
            await stream.read(10, timeout=0)
        with pytest.raises(httpcore.ReadTimeout):
            await stream.read(10, timeout=0.01)
        reading = asyncio.create_task(stream.read(10, timeout=5))
        await asyncio.sleep(0)
        reading.cancel()  # a cancelled read leaves nothing behind
        with pytest.raises(asyncio.CancelledError):
            await reading
        release.set()
        assert await stream.read(10, timeout=5) == b"late"
        await stream.aclose()


async def test_a_large_answer_arrives_whole_though_read_slowly() -> None:
    body = bytes(range(256)) * 8192  # 2 MiB, more than is buffered before reading pauses

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(body)
        await writer.drain()
        writer.close()

    async with serving(handler) as port:
        stream = await connect(port)
        for _ in range(20):
            await asyncio.sleep(0)  # let it pile up unread
        parts = []
        while part := await stream.read(65536, timeout=5):
            parts.append(part)
        assert b"".join(parts) == body
        await stream.aclose()


async def test_a_refused_connection_is_a_connect_error() -> None:
    async with serving(lambda r, w: asyncio.sleep(0)) as port:
        pass  # the port is free again
    with pytest.raises(httpcore.ConnectError):
        await connect(port)


def _certificate(tmp_path: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A server context with a self-signed certificate for 127.0.0.1, and a client context
    trusting it."""
    pytest.importorskip("cryptography")
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cafile=str(cert_file))
    return server, client


async def test_tls_is_negotiated_over_the_connection(tmp_path: Path) -> None:
    server_context, client_context = _certificate(tmp_path)

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"secret " + await reader.readexactly(2))
        await writer.drain()
        writer.close()

    async with serving(handler, server_context) as port:
        plain = await connect(port)
        stream = await plain.start_tls(client_context, "127.0.0.1", timeout=5)
        assert stream.get_extra_info("ssl_object") is not None
        await stream.write(b"ok", timeout=5)
        received = b""
        while part := await stream.read(100, timeout=5):
            received += part
        assert received == b"secret ok"
        await stream.aclose()

        untrusting = ssl.create_default_context()  # does not know the certificate
        plain = await connect(port)
        with pytest.raises(httpcore.ConnectError):
            await plain.start_tls(untrusting, "127.0.0.1", timeout=5)


async def test_the_sdks_async_pool_runs_on_asyncio_with_deadlines() -> None:
    client = AsyncDemoClient("http://127.0.0.1:9")
    for pool in client._engine.http_client._transport._pool.slots:
        wrapped = pool._network_backend
        assert isinstance(wrapped, deadline._AsyncBackend)
        assert isinstance(wrapped._backend, AsyncioBackend)
    await client.close()


async def test_a_large_answer_over_tls_read_slowly_arrives_whole(tmp_path: Path) -> None:
    """More than the high-water mark waits unread over TLS: reading pauses, and resumes on
    the same (TLS) transport as it is read, never stalling."""
    server_context, client_context = _certificate(tmp_path)
    size = 2 * 1024 * 1024

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readexactly(2)
        writer.write(b"x" * size)
        await writer.drain()
        writer.close()

    async with serving(handler, server_context) as port:
        plain = await connect(port)
        stream = await plain.start_tls(client_context, "127.0.0.1", timeout=5)
        await stream.write(b"go", timeout=5)
        for _ in range(200):  # until the client stops reading the socket
            if stream._protocol.reading_paused:
                break
            await asyncio.sleep(0.01)
        assert stream._protocol.reading_paused
        received = 0
        while part := await stream.read(65536, timeout=5):
            received += len(part)
        assert received == size
        await stream.aclose()
