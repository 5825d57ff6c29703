"""`FSMClient` and `AsyncFSMClient`: SAP FSM's Crowd Partner API."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, Unpack

import httpx
from pydantic import SecretStr

from .._version import __version__
from ..core._auth import OAuth2ClientCredentials, OAuth2PasswordGrant, OAuth2TokenAuth
from ..core._client import (
    Async,
    AsyncClient,
    ClientBase,
    M,
    Sync,
    SyncClient,
    operation,
)
from ..core._errors import ConfigurationError
from ..core._ratelimit import RateLimit
from ..core._request import CallOptions, Flow
from ._client_context import FSMClientContext
from ._context import (
    DEFAULT_DIRECTORY_URL,
    SERVICE_PATH,
    Configured,
    ContextResolver,
    FSMContext,
)
from ._hashes import SecureHashCache
from ._partners import Partners
from ._secure_hash import SecureHashes

__all__ = [
    "CLUSTERS",
    "DEFAULT_DIRECTORY_URL",
    "DEFAULT_TOKEN_URL",
    "SERVICE_PATH",
    "AsyncFSMClient",
    "FSMClient",
]

DEFAULT_TOKEN_URL = "https://auth.coresuite.com/api/oauth2/v1/token"
CLUSTERS = ("eu", "de", "us")


class _FSMClientBase(ClientBase[M]):
    """SAP Field Service Management Crowd Partner API.

    Authenticates with the OAuth2 password grant (HTTP Basic client auth; `username` is
    `account` for a cloud account or `account/user` for a company user) and takes the
    account, company and cluster from the token answer. With `grant_type="client_credentials"`
    (or a custom `auth=`) give `account_id`, `account_name`, `company_id` and `company_name`;
    the cluster then comes from `cluster=`, `base_url=` or the Directory API.

    The context is resolved once, before the first request is built: the cluster is
    `base_url=` if given, else the token answer's `cluster_url`, else `cluster=`, else the
    Directory API's answer for the account. A cluster URL from an answer is followed only when
    it is https under SAP's FSM domains or in `allowed_cluster_hosts` (else
    `AuthenticationError`): the token and the secure hash go nowhere else.

    Args:
        client_id, client_secret: the OAuth client.
        username, password: a user with ADMINISTRATOR or SUPERUSER rights.
        cluster: `"eu"`, `"de"` or `"us"`; used when the token answer names no cluster.
            The CN cluster is not supported by this API.
        base_url: the Crowd Partner service URL, overriding every other source (proxies,
            sandboxes).
        token_url: the token endpoint (default `https://auth.coresuite.com/api/oauth2/v1/token`).
        directory_url: the Directory API (default `https://ds.coresuite.com/ds/api/directory/v1/`).
        allowed_cluster_hosts: hosts trusted as clusters besides SAP's FSM domains
            (`*.coresuite.com`, `*.coresuite.net`, `*.coresystems.net`, `*.fsm.cloud.sap`);
            they must use https, except loopback hosts.
        client_identifier, client_version: sent as `X-Client-ID` / `X-Client-Version`.
        account_id, account_name, company_id, company_name: the context, when not (only)
            taken from the token; by default the token's first company is used.
        grant_type: `"password"` (default) or `"client_credentials"`.
        auth: any `httpx.Auth` instead of the grants (then configure the context).
        max_retries, timeout, http_client: as for every client.
        max_response_bytes: the largest answer read (64 MiB); a larger one raises
            `ResponseTooLargeError`.
        rate_limit: at most this many requests per second (`RateLimit(10, burst=5)`, or
            `"10/5"`), shared by every thread, task and `with_options` copy; off by default.
            Rate-limit answers slow the client down whether or not it is set.
        allow_insecure_http: allow plain http to hosts other than this machine (credentials
            then cross the network in clear); without it every URL must be https.

    Attributes:
        secure_hash, partners: the resources.
        context: the `FSMContext` in use; `None` until the first call (or
            `resolve_context()`) resolved it.
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
        directory_url: str | None = None,
        allowed_cluster_hosts: Iterable[str] | str | None = None,
        client_identifier: str = "servicehub-sdk",
        client_version: str = __version__,
        account_id: str | int | None = None,
        account_name: str | None = None,
        company_id: str | int | None = None,
        company_name: str | None = None,
        grant_type: Literal["password", "client_credentials"] = "password",
        auth: httpx.Auth | None = None,
        max_retries: int | None = None,
        max_response_bytes: int | None = None,
        rate_limit: RateLimit | str | None = None,
        allow_insecure_http: bool = False,
        timeout: float | httpx.Timeout | None = None,
        http_client: httpx.Client | httpx.AsyncClient | None = None,
    ) -> None:
        if not client_identifier or not client_version:
            raise ConfigurationError("client_identifier and client_version must not be empty")
        configured = Configured(
            account_name=account_name,
            account_id=str(account_id) if account_id is not None else None,
            company_id=str(company_id) if company_id is not None else None,
            company_name=company_name,
            cluster_url=_cluster_url(cluster),
            base_url=base_url,
        )
        strategy = auth or _grant(
            configured, grant_type, client_id, client_secret, username, password, token_url
        )
        resolver = ContextResolver(
            configured,
            grant=strategy if isinstance(strategy, OAuth2PasswordGrant) else None,
            directory_url=directory_url or DEFAULT_DIRECTORY_URL,
            allowed_hosts=_hosts(allowed_cluster_hosts),
        )
        engine = self._open_engine(
            base_url=base_url or "",
            auth=strategy,
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
            max_response_bytes=max_response_bytes,
            rate_limit=rate_limit,
            allow_insecure_http=allow_insecure_http,
            headers={"X-Client-ID": client_identifier, "X-Client-Version": client_version},
            other_urls={"directory_url": directory_url},
        )
        self._context: FSMClientContext = FSMClientContext(
            engine=engine,
            client_name=type(self).__name__,
            resolver=resolver,
            hashes=SecureHashCache(),
        )
        self.secure_hash: SecureHashes[M] = SecureHashes(self._context)
        self.partners: Partners[M] = Partners(self._context)

    @property
    def context(self) -> FSMContext | None:
        """The account, company and service URL in use, once resolved."""
        return self._context.resolver.context

    @operation
    def resolve_context(self, **options: Unpack[CallOptions]) -> Flow[FSMContext]:
        """The `FSMContext` requests are sent with, resolving it when it is not yet known
        (the token request, then the Directory API when the token names no cluster)."""
        return (yield from self._context.resolve())

    def __repr__(self) -> str:
        where = self.context.service_url if self.context else "(cluster not yet resolved)"
        return f"<{type(self).__name__} {where}>"


def _grant(
    configured: Configured,
    grant_type: str,
    client_id: str | None,
    client_secret: str | SecretStr | None,
    username: str | None,
    password: str | SecretStr | None,
    token_url: str | None,
) -> OAuth2TokenAuth:
    if not (client_id and client_secret):
        raise ConfigurationError("SAP FSM needs client_id and client_secret (or auth=...)")
    url = token_url or DEFAULT_TOKEN_URL
    if grant_type == "password":
        if not (username and password):
            raise ConfigurationError("the password grant needs username and password")
        return OAuth2PasswordGrant(
            url, client_id, client_secret, username, password, client_auth="basic"
        )
    if grant_type == "client_credentials":
        missing = [
            name
            for name in ("account_id", "account_name", "company_id", "company_name")
            if not getattr(configured, name)
        ]
        if missing:
            raise ConfigurationError(
                "a client-credentials token carries no account or company: configure "
                + ", ".join(missing)
            )
        return OAuth2ClientCredentials(url, client_id, client_secret, client_auth="basic")
    raise ConfigurationError("grant_type must be 'password' or 'client_credentials'")


def _hosts(hosts: Iterable[str] | str | None) -> frozenset[str]:
    if hosts is None:
        return frozenset()
    if isinstance(hosts, str):  # from the environment: comma separated
        hosts = hosts.split(",")
    return frozenset(h.strip().lower() for h in hosts if h.strip())


def _cluster_url(cluster: str | None) -> str | None:
    if cluster is None:
        return None
    name = cluster.strip().lower()
    if name == "cn":
        raise ConfigurationError("the CN (China) cluster is not supported by the Crowd Partner API")
    if name not in CLUSTERS:
        raise ConfigurationError(f"cluster must be one of {', '.join(CLUSTERS)}, got {cluster!r}")
    return f"https://{name}.coresuite.com"


class FSMClient(_FSMClientBase[Sync], SyncClient):
    __doc__ = _FSMClientBase.__doc__


class AsyncFSMClient(_FSMClientBase[Async], AsyncClient):
    __doc__ = _FSMClientBase.__doc__
