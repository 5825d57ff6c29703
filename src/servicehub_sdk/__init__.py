"""servicehub-sdk: one typed SDK for five service platforms.

Import the backend you need; importing this package loads none of them:

```python
from servicehub_sdk.ssh import SSHClient
```

Every error class of the SDK is re-exported here, so `except servicehub_sdk.NotFoundError`
works for every backend. A backend's own errors (`NotRunError`, `SpiceAPIError`…) load that
backend when first named. `servicehub_sdk.backends` maps each backend's name to its
`BackendSpec`; `register_backend()` adds one.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__

_ERRORS = {
    "APIConnectionError": ".core._errors",
    "APIStatusError": ".core._errors",
    "APITimeoutError": ".core._errors",
    "AppliedWithoutResult": ".ssh._batch",
    "AuthenticationError": ".core._errors",
    "BadRequestError": ".core._errors",
    "ClientClosedError": ".core._errors",
    "ConfigurationError": ".core._errors",
    "ConflictError": ".core._errors",
    "EventLoopError": ".core._errors",
    "FeedVersionError": ".feeds._store_sql",
    "GraphQLError": ".core._errors",
    "InputFileError": ".core._errors",
    "JSONRPCError": ".core._errors",
    "JournalVersionError": ".integrations._journal",
    "MappingError": ".integrations._mapping",
    "LeaseLostError": ".feeds._change",
    "MissingExtraError": ".core._extras",
    "NotASchema": ".ssh._schemas",
    "NotFoundError": ".core._errors",
    "NotRunError": ".ssh._batch",
    "PaginationError": ".core._errors",
    "PermissionDeniedError": ".core._errors",
    "RateLimitError": ".core._errors",
    "InputValidationError": ".core._errors",
    "RequestValidationError": ".core._errors",
    "ResponseTooLargeError": ".core._errors",
    "ResponseValidationError": ".core._errors",
    "ServerError": ".core._errors",
    "ServiceHubError": ".core._errors",
    "SpiceAPIError": ".spicecsm._client",
    "SpiceAuthenticationError": ".spicecsm._context",
    "TicketNotFoundError": ".helpdesk._errors",
    "UnprocessableError": ".core._errors",
    "UnsupportedOperationError": ".core._errors",
    "XMLError": ".spicecsm._xml",
}
"""Every error class of the SDK and the module defining it, imported on first use."""

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AppliedWithoutResult",
    "AuthenticationError",
    "BackendSpec",
    "BadRequestError",
    "ClientClosedError",
    "ConfigurationError",
    "ConfigurationWarning",
    "ConflictError",
    "DeadlineWarning",
    "EventLoopError",
    "FeedVersionError",
    "GraphQLError",
    "InputFileError",
    "InputValidationError",
    "JSONRPCError",
    "JournalVersionError",
    "LeaseLostError",
    "MappingError",
    "MissingExtraError",
    "NotASchema",
    "NotFoundError",
    "NotRunError",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestValidationError",
    "ResourceCommands",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "ServerError",
    "ServiceHubError",
    "SpiceAPIError",
    "SpiceAuthenticationError",
    "TicketNotFoundError",
    "UnprocessableError",
    "UnsupportedOperationError",
    "XMLError",
    "__version__",
    "backends",
    "register_backend",
    "unregister_backend",
]

_LAZY = {
    **dict.fromkeys(
        ("BackendSpec", "ResourceCommands", "backends", "register_backend", "unregister_backend"),
        "._backends",
    ),
    "ConfigurationWarning": ".core._environment",
    "DeadlineWarning": ".core._deadline",
}
"""The backend registry and configuration warnings, imported on first use."""

if TYPE_CHECKING:
    from ._backends import (
        BackendSpec,
        ResourceCommands,
        backends,
        register_backend,
        unregister_backend,
    )
    from .core._deadline import DeadlineWarning
    from .core._environment import ConfigurationWarning
    from .core._errors import (
        APIConnectionError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        ClientClosedError,
        ConfigurationError,
        ConflictError,
        EventLoopError,
        GraphQLError,
        InputFileError,
        InputValidationError,
        JSONRPCError,
        NotFoundError,
        PaginationError,
        PermissionDeniedError,
        RateLimitError,
        RequestValidationError,
        ResponseTooLargeError,
        ResponseValidationError,
        ServerError,
        ServiceHubError,
        UnprocessableError,
    )
    from .core._extras import MissingExtraError
    from .feeds._change import LeaseLostError
    from .feeds._store_sql import FeedVersionError
    from .integrations._journal import JournalVersionError
    from .spicecsm._client import SpiceAPIError
    from .spicecsm._context import SpiceAuthenticationError
    from .spicecsm._xml import XMLError
    from .ssh._batch import AppliedWithoutResult, NotRunError
    from .ssh._schemas import NotASchema


def __getattr__(name: str) -> Any:
    module = _ERRORS.get(name) or _LAZY.get(name)
    if module is not None:
        return getattr(import_module(module, __name__), name)
    raise AttributeError(f"module 'servicehub_sdk' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
