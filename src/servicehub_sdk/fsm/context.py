"""The account/company context of FSM requests, and auth strategies that fill it in.

Crowd Partner requests name the account and company in `X-Account-*`/`X-Company-*` headers
and go to the account's cluster. The v1 token answer carries all three (`account`,
`account_id`, `companies`, `cluster_url`); a client-credentials token carries none, so they
must be configured. Requests are described with placeholders that the strategies fill in when
they attach the token.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from ..core.auth import HeaderAuth, OAuth2ClientCredentials, OAuth2PasswordGrant, Token
from ..core.errors import ConfigurationError

__all__ = [
    "ACCOUNT_ID",
    "ACCOUNT_NAME",
    "CLUSTER_HOST",
    "COMPANY_ID",
    "COMPANY_NAME",
    "FsmClientCredentials",
    "FsmContext",
    "FsmContextHeaders",
    "FsmPasswordGrant",
]

ACCOUNT_ID = "{account_id}"
ACCOUNT_NAME = "{account_name}"
COMPANY_ID = "{company_id}"
COMPANY_NAME = "{company_name}"
_CONTEXT_HEADERS = frozenset(
    {b"x-account-id", b"x-account-name", b"x-company-id", b"x-company-name"}
)
_PLACEHOLDERS = {  # b"{account_id}" -> "account_id", the FsmContext field it stands for
    p.encode(): p.strip("{}") for p in (ACCOUNT_ID, ACCOUNT_NAME, COMPANY_ID, COMPANY_NAME)
}
CLUSTER_HOST = "cluster.fsm.invalid"
"""Host of the placeholder base URL, replaced by the account's cluster once it is known."""


@dataclass
class FsmContext:
    """Account, company and cluster the client works in (configured, or from the token)."""

    account_name: str | None = None
    account_id: str | None = None
    company_id: str | None = None
    company_name: str | None = None
    cluster_url: str | None = None

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self.on_cluster: Callable[[str], None] | None = None

    def update_from_token(self, token: Token) -> None:
        """Fill what was not configured from a v1 token answer."""
        with self._lock:
            if token.get("cluster_url") and not self.cluster_url:
                self.cluster_url = str(token.get("cluster_url"))
            if token.get("account") and not self.account_name:
                self.account_name = str(token.get("account"))
            if token.get("account_id") is not None and not self.account_id:
                self.account_id = str(token.get("account_id"))
            companies = token.get("companies") or []
            if not isinstance(companies, list) or not companies:
                return
            chosen = self._choose(companies)
            self.company_id = str(chosen.get("id"))
            self.company_name = str(chosen.get("name"))

    def _choose(self, companies: list[dict[str, Any]]) -> dict[str, Any]:
        if self.company_id:
            match = [c for c in companies if str(c.get("id")) == self.company_id]
            if not match:
                raise ConfigurationError(
                    f"company_id {self.company_id} is not among the token's companies"
                )
            return match[0]
        if self.company_name:
            match = [c for c in companies if c.get("name") == self.company_name]
            if not match:
                raise ConfigurationError(
                    f"company {self.company_name!r} is not among the token's companies"
                )
            return match[0]
        return companies[0]

    def apply(self, request: httpx.Request) -> None:
        """Fill the placeholders of `request`'s headers and route it to the cluster."""
        for raw_name, raw_value in request.headers.raw:
            placeholder = _PLACEHOLDERS.get(raw_value)
            if placeholder is None or raw_name.lower() not in _CONTEXT_HEADERS:
                continue
            value = getattr(self, placeholder)
            name = raw_name.decode("ascii")
            if not value:
                raise ConfigurationError(
                    f"{name} is needed but unknown: configure "
                    f"{placeholder} (a client-credentials token does not carry it)"
                )
            request.headers[name] = str(value)
        if request.url.host == CLUSTER_HOST:
            if not self.cluster_url:
                raise ConfigurationError(
                    "the account's cluster is unknown: pass cluster= or base_url= "
                    "(the token answer had no cluster_url)"
                )
            cluster = httpx.URL(self.cluster_url)
            request.url = request.url.copy_with(
                scheme=cluster.scheme, host=cluster.host, port=cluster.port
            )
            request.headers["Host"] = cluster.netloc.decode("ascii")
            if self.on_cluster is not None:
                self.on_cluster(self.cluster_url)


class _ContextFromToken:
    """Fills the FSM context from each token and into each request the token authorizes."""

    context: FsmContext

    def token_received(self, token: Token) -> None:
        self.context.update_from_token(token)

    def authorize(self, request: httpx.Request, token: Token) -> httpx.Request:
        self.context.apply(request)
        return super().authorize(request, token)  # type: ignore[misc, no-any-return]


class FsmPasswordGrant(_ContextFromToken, OAuth2PasswordGrant):
    """Password grant (HTTP Basic client auth) that also fills in the FSM context."""

    def __init__(self, *args: Any, context: FsmContext, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.context = context


class FsmClientCredentials(_ContextFromToken, OAuth2ClientCredentials):
    """Client-credentials grant; account, company and cluster come from configuration."""

    def __init__(self, *args: Any, context: FsmContext, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.context = context


class FsmContextHeaders(HeaderAuth):
    """For a custom `auth=`: fills the configured context in, before that strategy runs."""

    def __init__(self, context: FsmContext) -> None:
        self.context = context

    def apply(self, request: httpx.Request) -> None:
        self.context.apply(request)
