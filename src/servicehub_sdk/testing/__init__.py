"""The sandbox: faithful emulators of the five backends, served on loopback.

- `Sandbox`: run emulators and get clients configured for them.
- `EmulatorServer`, `EmulatedRequest`, `EmulatedResponse`: serve your own emulator apps.
- `Faults` and `Reply`, `Drop`, `Delay`, `Malformed`: inject failures per route.
- `TokenEndpoint`: an OAuth2 token endpoint that counts what it issues.
- `scrubbing_vcr`, `scrub_cassettes`, `find_secrets`: cassettes without secrets.
- a pytest plugin (fixtures `servicehub_sandbox`, `emulator_server`) and
  `python -m servicehub_sdk.testing` to run the sandbox as a process.

The emulators are written from the vendors' documents and never import client code.
"""

from ._cassettes import find_secrets, scrub_cassettes, scrubbing_vcr
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

__all__ = [
    "App",
    "BackendEmulator",
    "Delay",
    "Drop",
    "EmulatedRequest",
    "EmulatedResponse",
    "EmulatorServer",
    "Fault",
    "Faults",
    "IssuedToken",
    "Malformed",
    "Reply",
    "Sandbox",
    "TokenEndpoint",
    "find_secrets",
    "register_emulator",
    "registered_backends",
    "scrub_cassettes",
    "scrubbing_vcr",
]

from . import _builtin  # noqa: F401  (registers the built-in emulators)
