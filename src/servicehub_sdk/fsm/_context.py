"""The account/company/cluster every Crowd Partner request names, resolved before it is built.

Crowd Partner requests name the account and company in `X-Account-*`/`X-Company-*` headers
and go to the account's cluster. The v1 token answer carries all three (`account`,
`account_id`, `companies`, `cluster_url`); a client-credentials token carries none, so they are
configured, and the cluster is then looked up in SAP's Directory API
(`GET https://ds.coresuite.com/ds/api/directory/v1/accounts/{accountName}` →
`{"accountName", "clusterName", "URL"}`).

`ContextResolver` describes the exchanges needed (the token request, the directory lookup) as
`Call`s; once they are answered, `FSMContext` builds each request with its real headers and URL.
Where the cluster comes from, in order: `base_url=`, the token's `cluster_url`, `cluster=`, the
directory.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import quote

import httpx

from ..core._auth import OAuth2TokenAuth, Token
from ..core._errors import AuthenticationError, ConfigurationError, ResponseValidationError
from ..core._jsonbody import read_json
from ..core._request import Call, Flow
from ..core._singleflight import SingleFlight
from ._origin import trusted_cluster_url

__all__ = [
    "DEFAULT_DIRECTORY_URL",
    "SERVICE_PATH",
    "ContextResolver",
    "FSMContext",
]

SERVICE_PATH = "/cloud-crowd-service/api/crowd-partner/v1/"
DEFAULT_DIRECTORY_URL = "https://ds.coresuite.com/ds/api/directory/v1/"


@dataclass(frozen=True)
class FSMContext:
    """The account, company and Crowd Partner service URL requests are sent with.

    Attributes:
        account_id, account_name, company_id, company_name: sent as `X-Account-ID`,
            `X-Account-Name`, `X-Company-ID`, `X-Company-Name` on every call (SAP's partner
            portal sends ids on every call; the document asks for names on the listing).
        service_url: `{cluster}/cloud-crowd-service/api/crowd-partner/v1/`.
    """

    account_id: str
    account_name: str
    company_id: str
    company_name: str
    service_url: str

    def url(self, path: str) -> str:
        """The absolute URL of a service path such as `partners/secure-hash`."""
        return self._base + path.lstrip("/")

    def headers(self) -> dict[str, str]:
        """The account and company headers (a new dict)."""
        return dict(self.account_headers)

    @cached_property
    def account_headers(self) -> Mapping[str, str]:
        """The account and company headers, built once per context (do not change them)."""
        return {
            "X-Account-ID": self.account_id,
            "X-Account-Name": self.account_name,
            "X-Company-ID": self.company_id,
            "X-Company-Name": self.company_name,
        }

    @cached_property
    def _base(self) -> str:
        return self.service_url.rstrip("/") + "/"


@dataclass
class Configured:
    """What the user configured; `None` where the token or the directory must say."""

    account_id: str | None = None
    account_name: str | None = None
    company_id: str | None = None
    company_name: str | None = None
    cluster_url: str | None = None
    base_url: str | None = None


class ContextResolver:
    """Works out the `FSMContext` from configuration, the token answer and the directory.

    Args:
        configured: the user's settings.
        grant: the token strategy whose answer names account, companies and cluster (the
            password grant); `None` when the token carries none of them.
        directory_url: the Directory API base.
        allowed_hosts: hosts trusted as clusters besides SAP's FSM domains.
    """

    def __init__(
        self,
        configured: Configured,
        *,
        grant: OAuth2TokenAuth | None,
        directory_url: str,
        allowed_hosts: frozenset[str],
    ) -> None:
        self.configured = configured
        self.grant = grant
        self.directory_url = directory_url.rstrip("/") + "/"
        self.allowed_hosts = allowed_hosts
        self.context: FSMContext | None = None
        self._from_token: dict[str, str] = {}
        self._token_read = grant is None
        self._token_flight: SingleFlight[Token] | None = (
            SingleFlight(f"token request to {grant.token_url}") if grant is not None else None
        )
        self._directory_cluster: str | None = None

    # -- the exchanges ----------------------------------------------------------------------

    def next_call(self) -> Call[Any] | None:
        """The next exchange needed before requests can be built; `None` once resolved."""
        if self.context is not None:
            return None
        if not self._token_read:
            assert self.grant is not None
            grant = self.grant
            return Call(
                "POST",
                str(grant.token_url),
                auth=_TokenRequest(grant),
                idempotent=True,
                parse=lambda response: self._read_token(_current(grant), response),
                name=f"token request to {grant.token_url}",
                single_flight=self._token_flight,  # N cold calls at once: one token request
            )
        if self._cluster() is None:
            return self._directory_call()
        self.context = self._finish()
        return None

    def resolve(self) -> Flow[FSMContext]:
        """An operation flow ending with the context (no exchange once it is known)."""
        while (call := self.next_call()) is not None:
            yield call
        assert self.context is not None
        return self.context

    # -- reading the answers ------------------------------------------------------------------

    def _read_token(self, token: Token, response: httpx.Response) -> Token:
        fields: dict[str, str] = {}
        if token.get("account"):
            fields["account_name"] = str(token.get("account"))
        if token.get("account_id") is not None:
            fields["account_id"] = str(token.get("account_id"))
        if token.get("cluster_url") and not self.configured.base_url:  # base_url overrides it
            fields["cluster_url"] = self._trusted(
                str(token.get("cluster_url")), "the token answer's cluster_url", response
            )
        companies = token.get("companies")
        if isinstance(companies, list) and companies:
            chosen = self._choose([c for c in companies if isinstance(c, Mapping)])
            fields["company_id"] = str(chosen.get("id"))
            fields["company_name"] = str(chosen.get("name"))
        self._from_token = fields
        self._token_read = True
        return token

    def _choose(self, companies: list[Mapping[str, Any]]) -> Mapping[str, Any]:
        wanted_id, wanted_name = self.configured.company_id, self.configured.company_name
        if wanted_id:
            match = [c for c in companies if str(c.get("id")) == wanted_id]
            if not match:
                raise ConfigurationError(
                    f"company_id {wanted_id} is not among the token's companies"
                )
            return match[0]
        if wanted_name:
            match = [c for c in companies if c.get("name") == wanted_name]
            if not match:
                raise ConfigurationError(
                    f"company {wanted_name!r} is not among the token's companies"
                )
            return match[0]
        return companies[0]

    def _trusted(self, url: str, source: str, response: httpx.Response) -> str:
        try:
            return trusted_cluster_url(url, self.allowed_hosts)
        except ValueError as exc:
            raise AuthenticationError(
                f"{source} {exc}: the token is not sent there", response=response
            ) from None

    def _cluster(self) -> str | None:
        return (
            self.configured.base_url
            or self._from_token.get("cluster_url")
            or self.configured.cluster_url
            or self._directory_cluster
        )

    def _value(self, name: str) -> str | None:
        value: str | None = self._from_token.get(name) or getattr(self.configured, name)
        return value

    def _directory_call(self) -> Call[None]:
        account = self._value("account_name")
        if not account:
            raise ConfigurationError(
                "the account's cluster is unknown: pass cluster=, base_url= or account_name= "
                "(for the directory lookup); the token answer had no cluster_url"
            )

        def parse(response: httpx.Response) -> None:
            body = read_json(response, expect=dict)
            url = body.get("URL")
            if not isinstance(url, str) or not url:
                raise ResponseValidationError(
                    f"the directory's answer for account {account!r} has no URL", response=response
                )
            self._directory_cluster = self._trusted(url, "the Directory API's URL", response)

        return Call(
            "GET",
            self.directory_url + "accounts/" + quote(account, safe=""),
            auth=None,
            parse=parse,
            name="FSM Directory API GET accounts/{accountName}",
        )

    def _finish(self) -> FSMContext:
        names = ("account_id", "account_name", "company_id", "company_name")
        values = {name: value for name in names if (value := self._value(name))}
        missing = [name for name in names if name not in values]
        if missing:
            raise ConfigurationError(
                "the token answer does not name the account or company: configure "
                + ", ".join(missing)
            )
        cluster = self._cluster()
        assert cluster is not None
        base = self.configured.base_url
        service_url = base if base else cluster.rstrip("/") + SERVICE_PATH
        return FSMContext(
            account_id=values["account_id"],
            account_name=values["account_name"],
            company_id=values["company_id"],
            company_name=values["company_name"],
            service_url=service_url,
        )


def _current(grant: OAuth2TokenAuth | None) -> Token:
    assert grant is not None
    assert grant.token is not None
    return grant.token


class _TokenRequest(httpx.Auth):
    """Sends the grant's token request in place of the call's request; the grant keeps the
    token for the requests that follow (and raises `AuthenticationError` on a refusal)."""

    requires_response_body = True

    def __init__(self, grant: OAuth2TokenAuth) -> None:
        self.grant = grant

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        response = yield self.grant.build_token_request()
        self.grant.accept_token_response(response)
