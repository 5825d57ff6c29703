"""Shared machinery of every backend: auth, the HTTP engines, errors, paging and models.

Nothing here knows a vendor; each backend package builds on these pieces.
"""

from .auth import (
    AllOf,
    ApiKeyHeader,
    BearerToken,
    CachedTokenAuth,
    OAuth2ClientCredentials,
    OAuth2PasswordGrant,
    OAuth2TokenAuth,
    Token,
)
from .client import Async, AsyncClient, ClientBase, Resource, Sync, SyncClient, operation, paged
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    GraphQLError,
    JsonRpcError,
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
from .http import DEFAULT_TIMEOUT, AsyncEngine, SyncEngine, capture_responses
from .models import ServiceHubModel, validate_input
from .pagination import AsyncPager, Page, PageData, Pager, counter_pages
from .request import Call, CallOptions, ListOptions
from .retry import RetryPolicy

__all__ = [
    "DEFAULT_TIMEOUT",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AllOf",
    "ApiKeyHeader",
    "Async",
    "AsyncClient",
    "AsyncEngine",
    "AsyncPager",
    "AuthenticationError",
    "BadRequestError",
    "BearerToken",
    "CachedTokenAuth",
    "Call",
    "CallOptions",
    "ClientBase",
    "ConfigurationError",
    "ConflictError",
    "GraphQLError",
    "JsonRpcError",
    "ListOptions",
    "NotFoundError",
    "OAuth2ClientCredentials",
    "OAuth2PasswordGrant",
    "OAuth2TokenAuth",
    "Page",
    "PageData",
    "Pager",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestValidationError",
    "Resource",
    "ResponseValidationError",
    "RetryPolicy",
    "ServerError",
    "ServiceHubError",
    "ServiceHubModel",
    "Sync",
    "SyncClient",
    "SyncEngine",
    "Token",
    "UnprocessableError",
    "capture_responses",
    "counter_pages",
    "operation",
    "paged",
    "validate_input",
]
