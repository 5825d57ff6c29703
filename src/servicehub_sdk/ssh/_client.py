"""`SSHClient` and `AsyncSSHClient`: the Secure Service Hub GraphQL API."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Unpack

import httpx
from pydantic import SecretStr

from ..core._auth import AllOf, APIKeyHeader, OAuth2ClientCredentials
from ..core._client import (
    Async,
    AsyncClient,
    ClientBase,
    M,
    Sync,
    SyncClient,
    operation,
)
from ..core._errors import ConfigurationError, RequestValidationError
from ..core._ratelimit import RateLimit
from ..core._request import Call, CallOptions, Flow
from ._batch import BatchLimit
from ._context import SSHContext
from ._customer_machines import CustomerMachines
from ._customers import Customers
from ._graphql import decode_gateway_error, read_data
from ._machine_models import MachineModels
from ._schemas import SchemaReport, SchemaState
from ._service_cases import ServiceCases
from ._service_organisations import ServiceOrganisations

__all__ = ["ENVIRONMENTS", "AsyncSSHClient", "Environment", "SSHClient"]


@dataclass(frozen=True)
class Environment:
    """Where an SSH environment's GraphQL API and Azure AD B2C token endpoint are."""

    graphql_url: str
    token_url: str


ENVIRONMENTS: dict[str, Environment] = {
    "production": Environment(
        "https://api.secure-service-hub.com/graphql",
        "https://symcloudplatformb2cprod.b2clogin.com/symcloudplatformb2cprod.onmicrosoft.com"
        "/B2C_1A_SIGNIN/oauth2/v2.0/token",
    ),
    "staging": Environment(
        "https://api-staging.secure-service-hub.com/graphql",
        "https://symcloudplatformb2cstaging.b2clogin.com/symcloudplatformb2cstaging.onmicrosoft.com"
        "/B2C_1A_SIGNIN/oauth2/v2.0/token",
    ),
}


class _SSHClientBase(ClientBase[M]):
    """Secure Service Hub (symmedia) GraphQL API.

    Every request carries the `api-key` header **and** an `Authorization: Bearer` token from
    the Azure AD B2C client-credentials flow, fetched and refreshed automatically.

    Args:
        api_key: the long-lived API key symmedia issued.
        client_id, client_secret: the application registered in the SSH portal.
        scope: the OAuth2 scope symmedia gives with the application (sent when set).
        environment: `"production"` or `"staging"`.
        base_url: the GraphQL URL, overriding the environment's (sandboxes, proxies).
        token_url: the token endpoint, overriding the environment's.
        auth: any `httpx.Auth` to use instead of api key + client credentials.
        schema: which schema to build documents against. `None` (the default) asks the
            server by introspection on first use and falls back to the bundled,
            document-derived schema when it refuses; `"bundled"` (or `"document"`) pins the
            bundled schema; any other text is taken as the schema in GraphQL SDL.
        max_retries, timeout, http_client: as for every client.
        max_response_bytes: the largest answer read (64 MiB); a larger one raises
            `ResponseTooLargeError`.
        rate_limit: at most this many requests per second (`RateLimit(10, burst=5)`, or
            `"10/5"`), shared by every thread, task and `with_options` copy; off by default.
            Rate-limit answers slow the client down whether or not it is set.
        allow_insecure_http: allow plain http to hosts other than this machine (credentials
            then cross the network in clear); without it every URL must be https.

    Attributes:
        service_organisations, customers, machine_models, customer_machines, service_cases:
            the resources.
    """

    env_prefix = "SERVICEHUB_SSH_"

    def __init__(
        self,
        *,
        api_key: str | SecretStr | None = None,
        client_id: str | None = None,
        client_secret: str | SecretStr | None = None,
        scope: str | Iterable[str] | None = None,
        environment: Literal["production", "staging"] = "production",
        base_url: str | None = None,
        token_url: str | None = None,
        auth: httpx.Auth | None = None,
        schema: str | None = None,
        max_retries: int | None = None,
        max_response_bytes: int | None = None,
        rate_limit: RateLimit | str | None = None,
        allow_insecure_http: bool = False,
        timeout: float | httpx.Timeout | None = None,
        http_client: httpx.Client | httpx.AsyncClient | None = None,
    ) -> None:
        if environment not in ENVIRONMENTS:
            raise ConfigurationError(
                f"environment must be one of {', '.join(ENVIRONMENTS)}, got {environment!r}"
            )
        env = ENVIRONMENTS[environment]
        if auth is None:
            if not (api_key and client_id and client_secret):
                given = {"api_key": api_key, "client_id": client_id, "client_secret": client_secret}
                missing = ", ".join(name for name, value in given.items() if not value)
                raise ConfigurationError(f"Secure Service Hub needs {missing} (or auth=...)")
            auth = AllOf(
                APIKeyHeader("api-key", api_key),
                OAuth2ClientCredentials(
                    token_url or env.token_url, client_id, client_secret, scope
                ),
            )
        schemas = SchemaState(schema)
        engine = self._open_engine(
            base_url=base_url or env.graphql_url,
            auth=auth,
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
            max_response_bytes=max_response_bytes,
            rate_limit=rate_limit,
            allow_insecure_http=allow_insecure_http,
            error_decoder=decode_gateway_error,
        )
        self._context: SSHContext = SSHContext(
            engine=engine,
            client_name=type(self).__name__,
            schemas=schemas,
            batching=BatchLimit(),
        )
        context = self._context
        self.service_organisations: ServiceOrganisations[M] = ServiceOrganisations(context)
        self.customers: Customers[M] = Customers(context)
        self.machine_models: MachineModels[M] = MachineModels(context)
        self.customer_machines: CustomerMachines[M] = CustomerMachines(context)
        self.service_cases: ServiceCases[M] = ServiceCases(context)

    @operation
    def schema_report(self, **options: Unpack[CallOptions]) -> Flow[SchemaReport]:
        """Which schema the documents are built against and how it differs from the bundled,
        document-derived one.

        Asks the server for its schema (introspection) first when the client has not yet.
        Each difference names a type or root field (`"ServiceCase.priority: String here, Int
        live"`); none means the documents of the vendor document fit.
        """
        plan = yield from self._context.plan()
        return self._context.schemas.summary(plan)

    @operation
    def execute(
        self,
        document: str,
        variables: Mapping[str, Any] | None = None,
        *,
        operation_name: str | None = None,
        **options: Unpack[CallOptions],
    ) -> Call[dict[str, Any]]:
        """Send any GraphQL document; returns its `data`.

        The escape hatch for what the typed resources do not cover. Documents containing a
        mutation are not retried once sent. GraphQL `errors` raise `GraphQLError`.
        """
        from graphql import GraphQLSyntaxError, OperationType, parse
        from graphql.language import OperationDefinitionNode

        try:
            parsed = parse(document)
        except GraphQLSyntaxError as exc:
            raise RequestValidationError(f"invalid GraphQL document: {exc.message}") from None
        mutation = any(
            isinstance(d, OperationDefinitionNode) and d.operation == OperationType.MUTATION
            for d in parsed.definitions
        )
        body: dict[str, Any] = {"query": document}
        if variables is not None:
            body["variables"] = dict(variables)
        if operation_name is not None:
            body["operationName"] = operation_name
        name = f"Secure Service Hub {operation_name or 'document'}"
        return Call(
            "POST",
            "",
            json=body,
            parse=lambda response: read_data(response, name=name, mutation=mutation),
            idempotent=not mutation,
            name=name,
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.base_url}>"


class SSHClient(_SSHClientBase[Sync], SyncClient):
    __doc__ = _SSHClientBase.__doc__


class AsyncSSHClient(_SSHClientBase[Async], AsyncClient):
    __doc__ = _SSHClientBase.__doc__
