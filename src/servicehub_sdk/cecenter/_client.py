"""`CECenterClient` and `AsyncCECenterClient`: SAP hybris CECenter Mashup on YaaS."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import replace
from typing import Any, Self

import httpx
from pydantic import SecretStr

from ..core._auth import BearerToken, OAuth2ClientCredentials
from ..core._client import (
    Async,
    AsyncClient,
    ClientBase,
    M,
    Sync,
    SyncClient,
)
from ..core._errors import ConfigurationError
from ..core._http import ErrorInfo, decode_error
from ..core._ratelimit import RateLimit
from ._auth import CustomerLoginAuth
from ._chat_transcripts import ChatTranscripts
from ._context import CECenterContext
from ._customers import Customers
from ._interaction_logs import InteractionLogs
from ._links import ForeignLinks
from ._service_ticket_statuses import ServiceTicketStatuses
from ._service_ticket_types import ServiceTicketTypes
from ._service_tickets import ServiceTickets

__all__ = [
    "DEFAULT_API_URL",
    "DEFAULT_SCOPES",
    "AsyncCECenterClient",
    "CECenterClient",
    "decode_yaas_error",
]

DEFAULT_API_URL = "https://api.yaas.io"
DEFAULT_SCOPES = (
    "hybris.customer_read",
    "hybris.customer_create",
    "hybris.product_read_unpublished",
    "hybris.product_create",
    "hybris.product_publish",
    "hybris.serviceticket_view",
    "hybris.serviceticket_manage",
    "hybris.serviceticket_configuration_view",
    "hybris.interactionlog_manage",
)


def decode_yaas_error(body: Any) -> ErrorInfo:
    """YaaS errors: `{status, type, message, moreInfo, details[{field, type, message}]}`."""
    if isinstance(body, dict) and ("type" in body or "status" in body) and "message" in body:
        details = body.get("details") if isinstance(body.get("details"), list) else None
        text = str(body.get("message"))
        if details:
            text += (
                " ("
                + "; ".join(
                    f"{d.get('field', '')}: {d.get('message', '')}".strip(": ")
                    for d in details
                    if isinstance(d, dict)
                )
                + ")"
            )
        return ErrorInfo(code=body.get("type"), message=text, details=details)
    return decode_error(body)


class _CECenterClientBase(ClientBase[M]):
    """SAP hybris CECenter Mashup (YaaS).

    Agent-style calls (ticket types and statuses, interaction logs, chat transcripts, signup,
    login) use the client-credentials token; service tickets are customer-scoped and use the
    customer's token, from `customer_email`/`customer_password` (logged in on first use) or
    `customer_token`.

    Args:
        tenant: the YaaS tenant (project id).
        client_id, client_secret: the API client.
        scopes: requested scopes; `hybris.tenant=<tenant>` is added. Default: the tutorial's.
        api_url: `https://api.yaas.io` (or a regional host such as `https://api.eu.yaas.io`).
        base_url: the mashup URL, default `{api_url}/hybris/cecentermashup/v1/{tenant}`.
        token_url: default `{api_url}/hybris/oauth2/v1/token`.
        customer_url: the customer service, default `{api_url}/hybris/customer/v1/{tenant}`.
        customer_email, customer_password, customer_token: the customer for tickets.
        auth: any `httpx.Auth` instead of the client-credentials token.
        max_retries, timeout, http_client: as for every client.
        max_response_bytes: the largest answer read (64 MiB); a larger one raises
            `ResponseTooLargeError`.
        rate_limit: at most this many requests per second (`RateLimit(10, burst=5)`, or
            `"10/5"`), shared by every thread, task and `with_options` copy; off by default.
            Rate-limit answers slow the client down whether or not it is set.
        allow_insecure_http: allow plain http to hosts other than this machine (credentials
            then cross the network in clear); without it every URL must be https.
        foreign_links: what a listing does with a `Link: rel="next"` on another origin than
            `base_url`: `"refuse"` (default: the listing stops with `ResponseValidationError`
            when that page is asked for) or `"follow_without_credentials"`.
    """

    env_prefix = "SERVICEHUB_CECENTER_"

    def __init__(
        self,
        *,
        tenant: str | None = None,
        client_id: str | None = None,
        client_secret: str | SecretStr | None = None,
        scopes: Iterable[str] = DEFAULT_SCOPES,
        api_url: str = DEFAULT_API_URL,
        base_url: str | None = None,
        token_url: str | None = None,
        customer_url: str | None = None,
        customer_email: str | None = None,
        customer_password: str | SecretStr | None = None,
        customer_token: str | SecretStr | None = None,
        auth: httpx.Auth | None = None,
        max_retries: int | None = None,
        max_response_bytes: int | None = None,
        rate_limit: RateLimit | str | None = None,
        allow_insecure_http: bool = False,
        timeout: float | httpx.Timeout | None = None,
        http_client: httpx.Client | httpx.AsyncClient | None = None,
        foreign_links: ForeignLinks = "refuse",
    ) -> None:
        if foreign_links not in ("refuse", "follow_without_credentials"):
            raise ConfigurationError("foreign_links is 'refuse' or 'follow_without_credentials'")
        if not tenant:
            raise ConfigurationError("CECenter Mashup needs the tenant")
        api = api_url.rstrip("/")
        if auth is None:
            if not (client_id and client_secret):
                raise ConfigurationError(
                    "CECenter Mashup needs client_id and client_secret (or auth=...)"
                )
            scope_list = [
                s
                for s in (scopes.split() if isinstance(scopes, str) else scopes)
                if not s.startswith("hybris.tenant=")
            ]
            # `token_type=Bearer` is part of the tutorial's token request, so it is sent too.
            auth = OAuth2ClientCredentials(
                token_url or f"{api}/hybris/oauth2/v1/token",
                client_id,
                client_secret,
                [f"hybris.tenant={tenant}", *scope_list],
                {"token_type": "Bearer"},
            )
        self.tenant = tenant
        customer_service = (customer_url or f"{api}/hybris/customer/v1/{tenant}").rstrip("/")
        engine = self._open_engine(
            base_url=(base_url or f"{api}/hybris/cecentermashup/v1/{tenant}").rstrip("/") + "/",
            auth=auth,
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
            max_response_bytes=max_response_bytes,
            rate_limit=rate_limit,
            allow_insecure_http=allow_insecure_http,
            headers={"Accept": "application/json"},
            error_decoder=decode_yaas_error,
            other_urls={"customer_url": customer_service},
        )
        customer_auth: httpx.Auth | None = None
        if customer_token:
            customer_auth = BearerToken(customer_token)
        elif customer_email or customer_password:
            if not (customer_email and customer_password):
                raise ConfigurationError("give both customer_email and customer_password")
            customer_auth = CustomerLoginAuth(
                f"{customer_service}/login", customer_email, customer_password, auth
            )
        engine.scrubber.watch(customer_auth)
        self._set_context(
            CECenterContext(
                engine=engine,
                client_name=type(self).__name__,
                customer_auth=customer_auth,
                customer_url=customer_service,
                foreign_links=foreign_links,
            )
        )

    def _set_context(self, context: CECenterContext) -> None:
        self._context: CECenterContext = context
        self.service_tickets: ServiceTickets[M] = ServiceTickets(context)
        self.service_ticket_types: ServiceTicketTypes[M] = ServiceTicketTypes(context)
        self.service_ticket_statuses: ServiceTicketStatuses[M] = ServiceTicketStatuses(context)
        self.interaction_logs: InteractionLogs[M] = InteractionLogs(context)
        self.chat_transcripts: ChatTranscripts[M] = ChatTranscripts(context)
        self.customers: Customers[M] = Customers(context)

    @property
    def customer_auth(self) -> httpx.Auth | None:
        """The customer's token strategy (service tickets), `None` when acting for none."""
        return self._context.customer_auth

    @property
    def foreign_links(self) -> ForeignLinks:
        """What is done with a `Link: rel="next"` to another origin (see `foreign_links=`)."""
        return self._context.foreign_links

    def with_customer(
        self,
        *,
        email: str | None = None,
        password: str | SecretStr | None = None,
        token: str | SecretStr | None = None,
    ) -> Self:
        """A client sharing this one's connections and client token, acting for a customer."""
        if token:
            customer_auth: httpx.Auth = BearerToken(token)
        elif email and password:
            customer_auth = CustomerLoginAuth(
                f"{self._context.customer_url}/login", email, password, self.auth or httpx.Auth()
            )
        else:
            raise ConfigurationError("with_customer needs email and password, or token")
        clone = copy.copy(self)
        engine = self._context.engine.derive()
        engine.scrubber.watch(customer_auth)
        clone._set_context(replace(self._context, engine=engine, customer_auth=customer_auth))
        return clone

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.base_url}>"


class CECenterClient(_CECenterClientBase[Sync], SyncClient):
    __doc__ = _CECenterClientBase.__doc__


class AsyncCECenterClient(_CECenterClientBase[Async], AsyncClient):
    __doc__ = _CECenterClientBase.__doc__
