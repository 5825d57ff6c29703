"""Shared machinery of every backend: auth, the HTTP engines, errors, paging and models.

Nothing here knows a vendor; each backend package builds on these pieces.
`AiohttpClient` (extra `aiohttp`) is imported when first named.
"""

from typing import TYPE_CHECKING, Any

from ._admission import ConnectionSlotsClient
from ._auth import (
    AllOf,
    APIKeyHeader,
    BearerToken,
    CachedTokenAuth,
    OAuth2ClientCredentials,
    OAuth2PasswordGrant,
    OAuth2TokenAuth,
    Token,
)
from ._client import (
    Async,
    AsyncClient,
    ClientBase,
    Resource,
    Sync,
    SyncClient,
    operation,
    paged,
)
from ._context import ClientContext
from ._errors import (
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
    UnsupportedOperationError,
)
from ._extras import MissingExtraError
from ._flows import (
    BoundStep,
    Listing,
    Runner,
    Steps,
    Together,
    engine_of,
    listing,
    run_steps,
    run_steps_async,
    step,
    together,
)
from ._http import (
    DEFAULT_TIMEOUT,
    AsyncEngine,
    SyncEngine,
    capture_responses,
)
from ._models import InputModel, ServiceHubModel, validate_input
from ._pagination import (
    AsyncPager,
    Page,
    PageData,
    Pager,
    counter_pages,
)
from ._ratelimit import RateLimit
from ._request import Call, CallOptions, Flow, ListOptions, Step, flow_of
from ._retry import RetryPolicy

__all__ = [
    "DEFAULT_TIMEOUT",
    "APIConnectionError",
    "APIKeyHeader",
    "APIStatusError",
    "APITimeoutError",
    "AiohttpClient",
    "AllOf",
    "Async",
    "AsyncClient",
    "AsyncEngine",
    "AsyncPager",
    "AuthenticationError",
    "BadRequestError",
    "BearerToken",
    "BoundStep",
    "CachedTokenAuth",
    "Call",
    "CallOptions",
    "ClientBase",
    "ClientClosedError",
    "ClientContext",
    "ConfigurationError",
    "ConflictError",
    "ConnectionSlotsClient",
    "EventLoopError",
    "Flow",
    "GraphQLError",
    "InputFileError",
    "InputModel",
    "InputValidationError",
    "JSONRPCError",
    "ListOptions",
    "Listing",
    "MissingExtraError",
    "NotFoundError",
    "OAuth2ClientCredentials",
    "OAuth2PasswordGrant",
    "OAuth2TokenAuth",
    "Page",
    "PageData",
    "Pager",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimit",
    "RateLimitError",
    "RequestValidationError",
    "Resource",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "RetryPolicy",
    "Runner",
    "ServerError",
    "ServiceHubError",
    "ServiceHubModel",
    "Step",
    "Steps",
    "Sync",
    "SyncClient",
    "SyncEngine",
    "Together",
    "Token",
    "UnprocessableError",
    "UnsupportedOperationError",
    "capture_responses",
    "counter_pages",
    "engine_of",
    "flow_of",
    "listing",
    "operation",
    "paged",
    "run_steps",
    "run_steps_async",
    "step",
    "together",
    "validate_input",
]

if TYPE_CHECKING:
    from ._aiohttp_client import AiohttpClient


def __getattr__(name: str) -> Any:
    if name == "AiohttpClient":  # its extra is optional: import it only when asked for
        from ._aiohttp_client import AiohttpClient

        return AiohttpClient
    raise AttributeError(f"module 'servicehub_sdk.core' has no attribute {name!r}")
