"""The sandbox: faithful emulators of the five backends, served on loopback.

- `Sandbox`: run emulators and get clients configured for them.
- `EmulatorServer`, `EmulatedRequest`, `EmulatedResponse`: serve your own emulator apps.
- `EmulatorTransport`: serve an emulator in-process to an httpx client (no socket, no
  thread), faults included; `FakeClock`: time that passes instantly when the SDK waits.
- `Faults` and `Reply`, `Drop`, `Delay`, `Malformed`: inject failures per route;
  `RateLimitBucket` (`faults.rate_limit(per_second, burst)`): 429s beyond a token bucket.
- `TokenEndpoint`: an OAuth2 token endpoint that counts what it issues.
- the emulators themselves: `SSHEmulator`, `FSMEmulator`, `SupportCenterEmulator`,
  `CECenterEmulator`, `SpiceCSMEmulator` (each imported when first named), and `SpiceDriver`,
  which plays SpiceCSM toward your web-call endpoint.
- `scrubbing_vcr`, `scrub_body`, `scrub_cassettes`, `find_secrets`: cassettes that keep
  secrets out.
- a pytest plugin (fixtures `servicehub_sandbox`, `emulator_server`) and
  `python -m servicehub_sdk.testing` to run the sandbox as a process.

The emulators are written from the vendors' documents and never import client code. The
sandbox runs every backend of `servicehub_sdk.backends` whose spec names an emulator.
"""

from typing import TYPE_CHECKING, Any

from ._cassettes import find_secrets, scrub_body, scrub_cassettes, scrubbing_vcr
from ._clock import FakeClock
from ._faults import (
    Delay,
    Drop,
    Fault,
    Faults,
    Malformed,
    RateLimitBucket,
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

_EMULATORS = {
    "CECenterEmulator": ("._cecenter", "CECenterEmulator"),
    "DriverError": ("._spicecsm", "DriverError"),
    "FSMEmulator": ("._fsm", "FSMEmulator"),
    "SSHEmulator": ("._ssh", "SSHEmulator"),
    "SSHRefusal": ("._ssh", "Refusal"),
    "SSHVariant": ("._ssh", "Variant"),
    "SSH_REFUSALS": ("._ssh", "REFUSALS"),
    "SSH_VARIANTS": ("._ssh", "VARIANTS"),
    "SpiceCSMEmulator": ("._spicecsm", "SpiceCSMEmulator"),
    "SpiceDriver": ("._spicecsm", "SpiceDriver"),
    "SupportCenterEmulator": ("._supportcenter", "SupportCenterEmulator"),
}
"""Names imported on first use (module, name there): the emulators' imports are heavy."""

__all__ = [
    "IN_PROCESS_URL",
    "SSH_REFUSALS",
    "SSH_VARIANTS",
    "App",
    "BackendEmulator",
    "CECenterEmulator",
    "Delay",
    "DriverError",
    "Drop",
    "EmulatedRequest",
    "EmulatedResponse",
    "EmulatorServer",
    "EmulatorTransport",
    "FSMEmulator",
    "FakeClock",
    "Fault",
    "Faults",
    "IssuedToken",
    "Malformed",
    "RateLimitBucket",
    "Reply",
    "SSHEmulator",
    "SSHRefusal",
    "SSHVariant",
    "Sandbox",
    "SpiceCSMEmulator",
    "SpiceDriver",
    "SupportCenterEmulator",
    "TokenEndpoint",
    "find_secrets",
    "register_emulator",
    "registered_backends",
    "scrub_body",
    "scrub_cassettes",
    "scrubbing_vcr",
]

if TYPE_CHECKING:
    from ._cecenter import CECenterEmulator
    from ._fsm import FSMEmulator
    from ._spicecsm import DriverError, SpiceCSMEmulator, SpiceDriver
    from ._ssh import REFUSALS as SSH_REFUSALS
    from ._ssh import VARIANTS as SSH_VARIANTS
    from ._ssh import Refusal as SSHRefusal
    from ._ssh import SSHEmulator
    from ._ssh import Variant as SSHVariant
    from ._supportcenter import SupportCenterEmulator


def __getattr__(name: str) -> Any:
    if name in _EMULATORS:
        from importlib import import_module

        module, attribute = _EMULATORS[name]
        return getattr(import_module(module, __name__), attribute)
    raise AttributeError(f"module 'servicehub_sdk.testing' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
