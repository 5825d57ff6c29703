"""The backend registry: every backend declared once, as a `BackendSpec`.

The CLI, the sandbox, the Airflow provider and the design notes read `servicehub_sdk.backends`
instead of listing backends themselves. The built-in backends and any third-party package
declare their spec under the `servicehub_sdk.backends` entry-point group:

```toml
[project.entry-points."servicehub_sdk.backends"]
acme = "acme_servicehub._spec:SPEC"
```

or call `servicehub_sdk.register_backend(SPEC)` at run time. Everything a spec points at that
needs an extra (client classes, emulator, Airflow hook) is given as a `"module:attribute"` path
and imported only when used, so reading the registry imports no client code.
"""

from __future__ import annotations

import importlib
import re
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

__all__ = [
    "ENTRY_POINT_GROUP",
    "BackendSpec",
    "ResourceCommands",
    "backends",
    "load_object",
    "register_backend",
    "unregister_backend",
]

ENTRY_POINT_GROUP = "servicehub_sdk.backends"

Ref = Any
"""An object, or its `"module:attribute"` path (imported on first use)."""

_NONE_HINT = "is servicehub-sdk installed? (`pip install -e .` refreshes a checkout's entry points)"
_NAME = re.compile(r"[a-z][a-z0-9]*\Z")


def load_object(ref: Ref) -> Any:
    """`ref` itself, or the object its `"module:attribute"` path names."""
    if not isinstance(ref, str):
        return ref
    module, _, attr = ref.partition(":")
    if not module or not attr:
        raise ValueError(f"expected 'module:attribute', got {ref!r}")
    target: Any = importlib.import_module(module)
    for part in attr.split("."):
        target = getattr(target, part)
    return target


@dataclass(frozen=True)
class ResourceCommands:
    """`servicehub <backend> <resource> list|get|watch`: the everyday calls of one resource.

    Attributes:
        resource: the command's name (`customers`, `service-cases`…).
        noun: what it lists, for the help (`Secure Service Hub customers`).
        list: `(client) -> the listing`: a `Pager` (the CLI reads the pages it needs and
            reports the total the server sends) or any iterable of items, read lazily.
        get: `(client, id) -> item`, or `None` when the resource has no `get` command.
        id_help: the help of `get`'s argument.
        changes: `(client) -> the resource` whose `changes()` the `watch` command follows
            through a change feed, or `None` when the resource lists no changes.
    """

    resource: str
    noun: str
    list: Callable[[Any], Iterable[Any]]
    get: Callable[[Any, str], Any] | None = None
    id_help: str = "The id."
    changes: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class BackendSpec:
    """Everything the SDK knows about one backend, declared once.

    Attributes:
        name: the backend's name in the CLI, the environment, profiles and the sandbox
            (`ssh`, `fsm`, …): lower-case letters and digits.
        display_name: the product's name (`Secure Service Hub`).
        description: one line for help texts (`symmedia Secure Service Hub (GraphQL)`).
        settings: the client constructor's parameters that can be configured (from
            `SERVICEHUB_<NAME>_<SETTING>` variables, profiles, connections).
        sync_client, async_client: the client classes, or their `"module:Class"` paths.
        emulator: the sandbox's emulator factory `(seed, **options) -> BackendEmulator`, or
            its `"module:function"` path; `None` when the sandbox cannot run the backend.
        cli_commands: the everyday commands `servicehub <name> …` (or their path).
        airflow_conn_type: the Airflow connection type (`servicehub_<name>`).
        airflow_hook: the Airflow hook's `"module:Class"` path.
        airflow_form: the connection form (an `airflow.ConnectionForm`, or its path).
        help_desk: the help desk adapter class (`servicehub_sdk.helpdesk.Adapter`, or its
            path) that `HelpDesk(client)` uses and service cases are linked through; `None`
            for backends that hold no tickets.
    """

    name: str
    display_name: str
    description: str = ""
    settings: tuple[str, ...] = ()
    sync_client: Ref = None
    async_client: Ref = None
    emulator: Ref = None
    cli_commands: Ref = field(default=())
    airflow_conn_type: str | None = None
    airflow_hook: str | None = None
    airflow_form: Ref = None
    help_desk: Ref = None

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(
                f"backend name {self.name!r}: use lower-case letters and digits (e.g. 'acme')"
            )

    @property
    def env_prefix(self) -> str:
        """`SERVICEHUB_<NAME>_`: the prefix of the backend's environment variables."""
        return f"SERVICEHUB_{self.name.upper()}_"

    def client_class(self, *, asynchronous: bool = False) -> Any:
        """The sync (or async) client class, imported now."""
        ref = self.async_client if asynchronous else self.sync_client
        if ref is None:
            kind = "async" if asynchronous else "sync"
            raise LookupError(f"backend {self.name!r} declares no {kind} client")
        return load_object(ref)

    def emulator_factory(self) -> Callable[..., Any]:
        """The emulator factory, imported now."""
        if self.emulator is None:
            raise LookupError(f"backend {self.name!r} has no sandbox emulator")
        factory: Callable[..., Any] = load_object(self.emulator)
        return factory

    def commands(self) -> tuple[ResourceCommands, ...]:
        """The everyday CLI commands."""
        return tuple(load_object(self.cli_commands) or ())


_lock = threading.RLock()
_specs: dict[str, BackendSpec] = {}
_loaded = False


def _load_entry_points() -> None:
    global _loaded
    with _lock:
        if _loaded:
            return
        _loaded = True
        for point in entry_points(group=ENTRY_POINT_GROUP):
            try:
                spec = point.load()
            except Exception as exc:  # one broken plug-in must not hide the other backends
                warnings.warn(
                    f"backend entry point {point.name} = {point.value!r} could not be loaded: "
                    f"{type(exc).__name__}: {exc}",
                    RuntimeWarning,
                    stacklevel=3,
                )
                continue
            if not isinstance(spec, BackendSpec):
                raise TypeError(
                    f"entry point {point.name} = {point.value!r} is a "
                    f"{type(spec).__name__}, not a BackendSpec"
                )
            if spec.name != point.name:
                raise ValueError(
                    f"entry point {point.name!r} names the spec of backend {spec.name!r}"
                )
            _specs.setdefault(spec.name, spec)


def register_backend(spec: BackendSpec, *, replace: bool = False) -> BackendSpec:
    """Make a backend known to the CLI, the sandbox and the Airflow provider.

    Registering the same spec again does nothing; another spec under a registered name is a
    `ValueError` unless `replace=True`. Returns `spec`.
    """
    if not isinstance(spec, BackendSpec):
        raise TypeError(f"register_backend() takes a BackendSpec, got {type(spec).__name__}")
    _load_entry_points()
    with _lock:
        current = _specs.get(spec.name)
        if current is not None and current != spec and not replace:
            raise ValueError(
                f"a backend named {spec.name!r} is already registered; pass replace=True"
            )
        _specs[spec.name] = spec
    return spec


def unregister_backend(name: str) -> BackendSpec:
    """Forget backend `name` (until the next process) and return its spec."""
    _load_entry_points()
    with _lock:
        try:
            return _specs.pop(name)
        except KeyError:
            raise KeyError(f"no backend named {name!r} is registered") from None


class _Backends(Mapping[str, BackendSpec]):
    """The registered backends by name, in registration order (read-only)."""

    def __getitem__(self, name: str) -> BackendSpec:
        _load_entry_points()
        try:
            return _specs[name]
        except KeyError:
            known = ", ".join(_specs) or f"none; {_NONE_HINT}"
            raise KeyError(f"no backend named {name!r} (registered: {known})") from None

    def __iter__(self) -> Iterator[str]:
        _load_entry_points()
        return iter(list(_specs))

    def __len__(self) -> int:
        _load_entry_points()
        return len(_specs)

    def __repr__(self) -> str:
        return f"<servicehub_sdk.backends: {', '.join(self)}>"


backends: Mapping[str, BackendSpec] = _Backends()
"""The registered backends, name -> `BackendSpec` (read-only; see `register_backend`)."""
