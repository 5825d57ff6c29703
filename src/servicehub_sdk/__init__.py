"""servicehub-sdk: one typed SDK for five service platforms.

Import the backend you need; importing this package loads none of them:

```python
from servicehub_sdk.ssh import SSHClient
```

The error hierarchy is re-exported here so `except servicehub_sdk.NotFoundError` works for
every backend. `servicehub_sdk.backends` maps each backend's name to its `BackendSpec`;
`register_backend()` adds one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BackendSpec",
    "BadRequestError",
    "ConfigurationError",
    "ConfigurationWarning",
    "ConflictError",
    "GraphQLError",
    "JSONRPCError",
    "NotFoundError",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestValidationError",
    "ResourceCommands",
    "ResponseValidationError",
    "ServerError",
    "ServiceHubError",
    "UnprocessableError",
    "__version__",
    "backends",
    "register_backend",
    "unregister_backend",
]

_REGISTRY = frozenset(
    {"BackendSpec", "ResourceCommands", "backends", "register_backend", "unregister_backend"}
)

if TYPE_CHECKING:
    from ._backends import (
        BackendSpec,
        ResourceCommands,
        backends,
        register_backend,
        unregister_backend,
    )
    from .core._environment import ConfigurationWarning
    from .core._errors import (
        APIConnectionError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        ConfigurationError,
        ConflictError,
        GraphQLError,
        JSONRPCError,
        NotFoundError,
        PaginationError,
        PermissionDeniedError,
        RateLimitError,
        RequestValidationError,
        ResponseValidationError,
        ServerError,
        ServiceHubError,
        UnprocessableError,
    )


def __getattr__(name: str) -> Any:
    if name == "ConfigurationWarning":
        from .core._environment import ConfigurationWarning

        return ConfigurationWarning
    if name in _REGISTRY:
        from . import _backends

        return getattr(_backends, name)
    if name in __all__:
        from .core import _errors as errors

        return getattr(errors, name)
    raise AttributeError(f"module 'servicehub_sdk' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
