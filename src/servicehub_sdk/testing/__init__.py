"""The sandbox: faithful emulators of the five backends, served on loopback.

- `Sandbox`: run emulators and get clients configured for them.
- `EmulatorServer`, `EmulatedRequest`, `EmulatedResponse`: serve your own emulator apps.
- `EmulatorTransport`: serve an emulator in-process to an httpx client (no socket, no
  thread), faults included; `FakeClock`: time that passes instantly when the SDK waits.
- `Faults` and `Reply`, `Drop`, `Delay`, `Malformed`: inject failures per route.
- `TokenEndpoint`: an OAuth2 token endpoint that counts what it issues.
- a pytest plugin (fixtures `servicehub_sandbox`, `emulator_server`) and
  `python -m servicehub_sdk.testing` to run the sandbox as a process.

The emulators are written from the vendors' documents and never import client code.
"""

from ._clock import FakeClock
from ._faults import (
    Delay,
    Drop,
    Fault,
    Faults,
    Malformed,
    Reply,
)
from ._oauth import IssuedToken, TokenEndpoint
from ._sandbox import (
    BackendEmulator,
    Sandbox,
    register_emulator,
    registered_backends,
)
from ._server import (
    App,
    EmulatedRequest,
    EmulatedResponse,
    EmulatorServer,
)
from ._transport import IN_PROCESS_URL, EmulatorTransport

__all__ = [
    "IN_PROCESS_URL",
    "App",
    "BackendEmulator",
    "Delay",
    "Drop",
    "EmulatedRequest",
    "EmulatedResponse",
    "EmulatorServer",
    "EmulatorTransport",
    "FakeClock",
    "Fault",
    "Faults",
    "IssuedToken",
    "Malformed",
    "Reply",
    "Sandbox",
    "TokenEndpoint",
    "register_emulator",
    "registered_backends",
]

from . import _builtin  # noqa: F401  (registers the built-in emulators)
