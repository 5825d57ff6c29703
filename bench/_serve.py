"""Servers in child processes, so that their work does not share the measured process's
interpreter (and its GIL) as a thread would."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from servicehub_sdk.testing import EmulatorServer, Faults

Answers = dict[tuple[str, str], tuple[int, dict[str, str], bytes]]
"""Recorded answers (status, headers, body) by `answer_key`."""

_NOT_RESENT = ("content-length", "transfer-encoding", "content-encoding", "connection")


def answer_key(method: str, path: str, body: bytes) -> tuple[str, str]:
    """What tells answers apart: method and path, and for JSON-RPC the method called."""
    path = path.split("?", 1)[0]
    if path.endswith(".php"):  # JSON-RPC: one endpoint, many methods
        path += "#" + json.loads(httpx.QueryParams(body.decode())["request"])["method"]
    return method, path


def resendable(headers: dict[str, str]) -> dict[str, str]:
    """A recorded answer's headers without those that describe the recorded transfer."""
    return {k: v for k, v in headers.items() if k.lower() not in _NOT_RESENT}


@contextmanager
def _apart(target: Callable[..., None], *args: Any) -> Iterator[str]:
    """Run `target(*args, conn)` in a forked child; yield the URL it sends, stop it after."""
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe()
    process = context.Process(target=target, args=(*args, child), daemon=True)
    process.start()
    try:
        yield parent.recv()
    finally:
        parent.send("stop")
        process.join(timeout=10)
        if process.is_alive():
            process.kill()


def _serve_emulator(app: Any, faults: Faults | None, conn: Any) -> None:
    with EmulatorServer(app, faults=faults) as server:
        if hasattr(app, "client_config"):
            app.client_config(server.url)  # some emulators learn their own URL here (FSM's cluster)
        conn.send(server.url)
        conn.recv()  # until the parent says stop


def served_apart(app: Any, faults: Faults | None = None) -> Any:
    """The URL of emulator `app` served from a child process until the block ends.

    The child gets a copy of `app` (and of `faults`, e.g. a `Delay` on every request) as they
    are at the fork: what the emulator records while serving (counts, writes) stays in the
    child.
    """
    return _apart(_serve_emulator, app, faults)


async def _replay(answers: Answers, conn: Any) -> None:
    async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                fields = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
                length = int(fields.get("content-length", 0))
                body = await reader.readexactly(length) if length else b""
                status, headers, content = answers[answer_key(method, target, body)]
                reply = [f"HTTP/1.1 {status} OK", f"content-length: {len(content)}"]
                reply += [f"{k}: {v}" for k, v in resendable(headers).items()]
                writer.write("\r\n".join(reply).encode() + b"\r\n\r\n" + content)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass  # the client hung up, or the server is stopping
        finally:
            writer.close()

    server = await asyncio.start_server(exchange, "127.0.0.1", 0, backlog=256)
    conn.send(f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}")
    await asyncio.get_running_loop().run_in_executor(None, conn.recv)
    server.close()


def _serve_replay(answers: Answers, conn: Any) -> None:
    asyncio.run(_replay(answers, conn))


def replayed_apart(answers: Answers) -> Any:
    """The URL of a child process answering every request with its recorded answer: an
    asyncio server, so that many concurrent connections cost it little and a fan-out
    measures the client."""
    return _apart(_serve_replay, answers)
