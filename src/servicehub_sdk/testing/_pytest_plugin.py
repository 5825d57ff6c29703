"""pytest fixtures for testing code that uses the SDK against the sandbox.

- `servicehub_sandbox`: one `Sandbox` with every built-in backend, shared by the session.
- `servicehub_env`: that sandbox's settings as `SERVICEHUB_<BACKEND>_*` variables for one
  test, so code that calls `Client.from_env()` reaches the sandbox unchanged.
- `emulator_server`: a factory serving your own emulator app on loopback for one test.

Registered through the `pytest11` entry point; importing this module is cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ._sandbox import Sandbox
    from ._server import App, EmulatorServer


@pytest.fixture(scope="session")
def servicehub_sandbox() -> Iterator[Sandbox]:
    """Every built-in emulator on loopback for the whole test session."""
    from ._sandbox import Sandbox

    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def servicehub_env(servicehub_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    """`servicehub_sandbox`, with its settings in the environment until the test ends."""
    for name, value in servicehub_sandbox.environ().items():
        monkeypatch.setenv(name, value)
    return servicehub_sandbox


@pytest.fixture
def emulator_server() -> Iterator[Callable[[App], EmulatorServer]]:
    """`emulator_server(app)` serves `app` on loopback until the test ends."""
    from ._server import EmulatorServer

    started: list[EmulatorServer] = []

    def serve(app: App) -> EmulatorServer:
        server = EmulatorServer(app).start()
        started.append(server)
        return server

    yield serve
    for server in started:
        server.stop()
