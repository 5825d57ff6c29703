"""Loopback servers that accept a connection and then stall: silent, or trickling bytes.

Threads, not the event loop, so that a blocking client in an async test still meets them.
Each connection is held for at most `hold` seconds.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from types import TracebackType
from typing import Literal, Self

Behaviour = Literal["silent", "trickle"]

_TRICKLE = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"


class StallingServer:
    """`with StallingServer("trickle", every=0.1) as server: server.url`."""

    def __init__(self, behaviour: Behaviour, *, every: float = 0.1, hold: float = 15.0) -> None:
        self.behaviour = behaviour
        self.every = every
        self.hold = hold
        self.connections = 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> Self:
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=2)
        self._listener.close()

    def accepted(self, count: int, *, within: float = 5.0) -> int:
        """The connections accepted, once there are `count` or `within` seconds passed: on a
        busy machine the accepting thread may run after the client already gave up."""
        ends = time.monotonic() + within
        while self.connections < count and time.monotonic() < ends:
            time.sleep(0.01)
        return self.connections

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(connection,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, connection: socket.socket) -> None:
        ends = time.monotonic() + self.hold
        with connection:
            connection.settimeout(0.05)
            with contextlib.suppress(OSError):
                connection.recv(65536)
            data = _TRICKLE + b"[" * 100000
            sent = 0
            while not self._stop.is_set() and time.monotonic() < ends:
                if self.behaviour == "trickle":
                    try:
                        connection.sendall(data[sent : sent + 1])
                    except OSError:
                        return
                    sent += 1
                self._stop.wait(self.every)
