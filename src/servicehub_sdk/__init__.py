"""servicehub-sdk: one typed SDK for five service platforms.

Import the backend you need; importing this package loads none of them:

```python
from servicehub_sdk.ssh import SSHClient
```

The error hierarchy is re-exported here so `except servicehub_sdk.NotFoundError` works for
every backend.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "GraphQLError",
    "JSONRPCError",
    "NotFoundError",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestValidationError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "ServerError",
    "ServiceHubError",
    "UnprocessableError",
    "__version__",
]

if TYPE_CHECKING:
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
        ResponseTooLargeError,
        ResponseValidationError,
        ServerError,
        ServiceHubError,
        UnprocessableError,
    )


def __getattr__(name: str) -> Any:
    if name in __all__:
        from .core import _errors as errors

        return getattr(errors, name)
    raise AttributeError(f"module 'servicehub_sdk' has no attribute {name!r}")
