"""`Sandbox`: every backend's emulator on loopback, and clients configured to reach them.

```python
from servicehub_sdk.testing import Sandbox

with Sandbox(backends=["ssh"]) as sb:
    with sb.client("ssh") as hub:
        print(hub.customers.list().first())
```

The emulators implement the vendors' wire formats on their own. The sandbox runs the backends
of the registry (`servicehub_sdk.backends`) that declare an emulator, hands a client its
configuration (URLs, sandbox-only credentials) and, for convenience, builds one from the class
the backend's spec names; it never shares wire code with the clients.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .._backends import BackendSpec, backends, register_backend
from ..core._extras import require_extra
from ._faults import Faults
from ._server import App, EmulatorServer

__all__ = ["BackendEmulator", "Sandbox", "register_emulator", "registered_backends"]


@dataclass
class BackendEmulator:
    """One backend's emulator as the sandbox runs it.

    Attributes:
        name: the backend's name (`ssh`, `fsm`, …).
        app: the emulator app to serve.
        client_config: given the served base URL, the keyword arguments of the backend's
            client constructor that reach this emulator.
        state: the emulator's store, for tests that look behind the API.
        credentials: sandbox-only credentials, printed by the sandbox command.
    """

    name: str
    app: App
    client_config: Callable[[str], dict[str, Any]]
    state: Any = None
    credentials: dict[str, str] = field(default_factory=dict)


EmulatorFactory = Callable[..., BackendEmulator]


def register_emulator(
    name: str,
    factory: str | EmulatorFactory,
    *,
    client_module: str | None = None,
    sync_client: str | None = None,
    async_client: str | None = None,
) -> None:
    """Give backend `name` an emulator `Sandbox` can run (a view of `register_backend`).

    A registered backend gets `factory` as its spec's emulator; an unknown name is registered
    as a minimal backend. A new backend is better declared whole, as a `BackendSpec`.

    Args:
        name: the backend's name.
        factory: a callable `(seed, **options) -> BackendEmulator`, or its `"module:function"` path
            (imported only when a sandbox starts that backend).
        client_module: the module `Sandbox.client()` finds the client classes in.
        sync_client: the sync client class's name in `client_module`.
        async_client: the async client class's name in `client_module`.
    """
    sync = f"{client_module}:{sync_client}" if client_module and sync_client else None
    asynchronous = f"{client_module}:{async_client}" if client_module and async_client else None
    current = backends.get(name)
    if current is None:
        current = BackendSpec(name=name, display_name=name)
    register_backend(
        dataclasses.replace(
            current,
            emulator=factory,
            sync_client=sync or current.sync_client,
            async_client=asynchronous or current.async_client,
        ),
        replace=True,
    )


def registered_backends() -> list[str]:
    """The names of the backends a `Sandbox` can run: the registered ones with an emulator."""
    return [name for name, spec in backends.items() if spec.emulator is not None]


def _spec(name: str | BackendSpec) -> BackendSpec:
    return name if isinstance(name, BackendSpec) else backends[name]


class Sandbox:
    """Run emulators on 127.0.0.1 in background threads.

    Args:
        backends: the backends to run, by name (or `BackendSpec`); every registered backend
            with an emulator by default.
        seed: seed of the emulators' generated data (same seed, same data).
        faults: a fault profile name applied to every backend (`"flaky"`, `"slow"`…).
        port: serve the backends on consecutive ports from this one (free ports by default).
        emulator_options: keyword arguments for a backend's emulator, by backend name, e.g.
            `{"ssh": {"variant": "symmedia", "introspection": False}}`.
    """

    def __init__(
        self,
        backends: Iterable[str | BackendSpec] | None = None,
        *,
        seed: int = 0,
        faults: str | None = None,
        port: int | None = None,
        emulator_options: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        require_extra("sandbox", "graphql", "lxml", feature="Sandbox")
        names = [
            b.name if isinstance(b, BackendSpec) else b
            for b in (registered_backends() if backends is None else backends)
        ]
        unknown = [n for n in names if n not in registered_backends()]
        if unknown:
            known = ", ".join(registered_backends()) or "none"
            raise ValueError(f"unknown sandbox backend(s) {unknown}; known: {known}")
        self.names = names
        self.seed = seed
        self.fault_profile = faults
        self.port = port
        self.emulator_options = {k: dict(v) for k, v in (emulator_options or {}).items()}
        self.emulators: dict[str, BackendEmulator] = {}
        self.servers: dict[str, EmulatorServer] = {}

    def start(self) -> Sandbox:
        try:
            for index, name in enumerate(self.names):
                if name in self.servers:
                    continue
                make: EmulatorFactory = _spec(name).emulator_factory()
                emulator = make(self.seed, **self.emulator_options.get(name, {}))
                port = self.port + index if self.port else 0
                server = EmulatorServer(emulator.app, faults=Faults(), port=port)
                if self.fault_profile:
                    server.faults.profile(self.fault_profile, seed=self.seed)
                server.start()
                self.emulators[name] = emulator
                self.servers[name] = server
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()
        self.servers.clear()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _running(self, name: str) -> EmulatorServer:
        if name not in self.servers:
            raise KeyError(f"backend {name!r} is not running in this sandbox ({self.names})")
        return self.servers[name]

    def url(self, name: str) -> str:
        """The base URL the emulator of `name` is served at."""
        return self._running(name).url

    def server(self, name: str) -> EmulatorServer:
        """The server of `name`: its `faults` and request counts."""
        return self._running(name)

    def emulator(self, name: str) -> BackendEmulator:
        """The emulator of `name`, with its `state`."""
        self._running(name)
        return self.emulators[name]

    def config(self, name: str) -> dict[str, Any]:
        """Keyword arguments for the client constructor of `name` that reach the emulator."""
        return self.emulator(name).client_config(self.url(name))

    def environ(self, names: Iterable[str] | None = None) -> dict[str, str]:
        """The `SERVICEHUB_<BACKEND>_<PARAMETER>` variables that point `from_env()` here.

        ```python
        os.environ.update(sb.environ())  # or monkeypatch.setenv per item in tests
        hub = SSHClient.from_env()  # reaches the sandbox's Secure Service Hub
        ```
        """
        return {
            f"{_spec(name).env_prefix}{key.upper()}": str(value)
            for name in (self.servers if names is None else names)
            for key, value in self.config(name).items()
        }

    def client(self, name: str, **overrides: Any) -> Any:
        """A sync client of `name` configured for the emulator (`overrides` win)."""
        return _spec(name).client_class()(**{**self.config(name), **overrides})

    def async_client(self, name: str, **overrides: Any) -> Any:
        """An async client of `name` configured for the emulator (`overrides` win)."""
        spec = _spec(name)
        return spec.client_class(asynchronous=True)(**{**self.config(name), **overrides})

    def __getattr__(self, attr: str) -> Any:
        # sb.ssh_url, sb.ssh_client(), sb.ssh_async_client()
        for suffix, getter in (
            ("_async_client", self.async_client),
            ("_client", self.client),
            ("_url", self.url),
        ):
            if attr.endswith(suffix) and attr[: -len(suffix)] in backends:
                name = attr[: -len(suffix)]
                if suffix == "_url":
                    return getter(name)
                return lambda **kw: getter(name, **kw)
        raise AttributeError(attr)

    def describe(self) -> list[dict[str, Any]]:
        """Per backend: name, URL, client configuration (sandbox credentials included)."""
        return [
            {"backend": name, "url": self.url(name), "config": self.config(name)}
            for name in self.servers
        ]
