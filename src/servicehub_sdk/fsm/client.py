"""`CrowdPartnerClient` and `AsyncCrowdPartnerClient`: SAP FSM's Crowd Partner API."""

from __future__ import annotations

from typing import Any, Literal

import httpx
from pydantic import SecretStr

from .._version import __version__
from ..core.auth import AllOf
from ..core.client import Async, AsyncClient, ClientBase, M, Sync, SyncClient
from ..core.errors import ConfigurationError
from .context import (
    CLUSTER_HOST,
    FsmClientCredentials,
    FsmContext,
    FsmContextHeaders,
    FsmPasswordGrant,
)
from .models import SecureHash
from .partners import Partners, SecureHashes

__all__ = [
    "CLUSTERS",
    "DEFAULT_TOKEN_URL",
    "SERVICE_PATH",
    "AsyncCrowdPartnerClient",
    "CrowdPartnerClient",
]

DEFAULT_TOKEN_URL = "https://auth.coresuite.com/api/oauth2/v1/token"
SERVICE_PATH = "/cloud-crowd-service/api/crowd-partner/v1/"
CLUSTERS = ("eu", "de", "us")
Cluster = Literal["eu", "de", "us"]


class _CrowdPartnerClient(ClientBase[M]):
    """SAP Field Service Management Crowd Partner API.

    Authenticates with the OAuth2 password grant (HTTP Basic client auth; `username` is
    `account` for a cloud account or `account/user` for a company user) and takes the
    account, company and cluster from the token answer. With `grant_type="client_credentials"`
    give `account_id`, `account_name`, `company_id`, `company_name` and `cluster` instead.

    Args:
        client_id, client_secret: the OAuth client.
        username, password: a user with ADMINISTRATOR or SUPERUSER rights.
        cluster: `"eu"`, `"de"` or `"us"`; used when the token answer names no cluster.
            The CN cluster is not supported by this API.
        base_url: the Crowd Partner service URL, overriding everything (sandboxes).
        token_url: the token endpoint (default `https://auth.coresuite.com/api/oauth2/v1/token`).
        client_identifier, client_version: sent as `X-Client-ID` / `X-Client-Version`.
        account_id, account_name, company_id, company_name: the context, when not (only)
            taken from the token; by default the token's first company is used.
        grant_type: `"password"` (default) or `"client_credentials"`.
        auth: any `httpx.Auth` instead of the grants (then configure the context).
        max_retries, timeout, http_client: as for every client.

    Attributes:
        secure_hash, partners: the resources.
        context: the account/company/cluster in use (filled once the token is known).
    """

    env_prefix = "SERVICEHUB_FSM_"

    def __init__(
        self,
        *,
        client_id: str | None = None,
        client_secret: str | SecretStr | None = None,
        username: str | None = None,
        password: str | SecretStr | None = None,
        cluster: str | None = None,
        base_url: str | None = None,
        token_url: str | None = None,
        client_identifier: str = "servicehub-sdk",
        client_version: str = __version__,
        account_id: str | int | None = None,
        account_name: str | None = None,
        company_id: str | int | None = None,
        company_name: str | None = None,
        grant_type: Literal["password", "client_credentials"] = "password",
        auth: httpx.Auth | None = None,
        max_retries: int | None = None,
        timeout: float | httpx.Timeout | None = None,
        http_client: httpx.Client | httpx.AsyncClient | None = None,
    ) -> None:
        cluster_url = _cluster_url(cluster)
        self.context = FsmContext(
            account_name=account_name,
            account_id=str(account_id) if account_id is not None else None,
            company_id=str(company_id) if company_id is not None else None,
            company_name=company_name,
            cluster_url=cluster_url,
        )
        if not client_identifier or not client_version:
            raise ConfigurationError("client_identifier and client_version must not be empty")
        self._secure_hash: SecureHash | None = None
        self._init_engine(
            base_url=base_url or f"https://{CLUSTER_HOST}{SERVICE_PATH}",
            auth=self._auth(
                auth, grant_type, client_id, client_secret, username, password, token_url
            ),
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
            headers={"X-Client-ID": client_identifier, "X-Client-Version": client_version},
        )
        if not base_url:
            # Once the token names the cluster, later requests go there directly.
            engine = self._engine
            self.context.on_cluster = lambda url: _rebase(engine, url)
        self.secure_hash: SecureHashes[M] = SecureHashes(self)
        self.partners: Partners[M] = Partners(self)

    def _auth(
        self,
        auth: httpx.Auth | None,
        grant_type: str,
        client_id: str | None,
        client_secret: str | SecretStr | None,
        username: str | None,
        password: str | SecretStr | None,
        token_url: str | None,
    ) -> httpx.Auth:
        if auth is not None:
            return AllOf(FsmContextHeaders(self.context), auth)
        if not (client_id and client_secret):
            raise ConfigurationError("SAP FSM needs client_id and client_secret (or auth=...)")
        url = token_url or DEFAULT_TOKEN_URL
        if grant_type == "password":
            if not (username and password):
                raise ConfigurationError("the password grant needs username and password")
            return FsmPasswordGrant(
                url, client_id, client_secret, username, password, context=self.context
            )
        if grant_type == "client_credentials":
            missing = [
                name
                for name, value in (
                    ("account_id", self.context.account_id),
                    ("account_name", self.context.account_name),
                    ("company_id", self.context.company_id),
                    ("company_name", self.context.company_name),
                )
                if not value
            ]
            if missing:
                raise ConfigurationError(
                    "a client-credentials token carries no account or company: configure "
                    + ", ".join(missing)
                )
            return FsmClientCredentials(
                url, client_id, client_secret, client_auth="basic", context=self.context
            )
        raise ConfigurationError("grant_type must be 'password' or 'client_credentials'")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.base_url}>"


def _rebase(engine: Any, cluster_url: str) -> None:
    if engine.base_url.host == CLUSTER_HOST:
        engine.base_url = httpx.URL(cluster_url.rstrip("/") + SERVICE_PATH)


def _cluster_url(cluster: str | None) -> str | None:
    if cluster is None:
        return None
    name = cluster.strip().lower()
    if name == "cn":
        raise ConfigurationError("the CN (China) cluster is not supported by the Crowd Partner API")
    if name not in CLUSTERS:
        raise ConfigurationError(f"cluster must be one of {', '.join(CLUSTERS)}, got {cluster!r}")
    return f"https://{name}.coresuite.com"


class CrowdPartnerClient(_CrowdPartnerClient[Sync], SyncClient):
    __doc__ = _CrowdPartnerClient.__doc__


class AsyncCrowdPartnerClient(_CrowdPartnerClient[Async], AsyncClient):
    __doc__ = _CrowdPartnerClient.__doc__
