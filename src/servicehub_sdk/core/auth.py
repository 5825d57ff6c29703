"""Authentication strategies, each an `httpx.Auth` that works with sync and async clients.

- `ApiKeyHeader`, `BearerToken`: a fixed header.
- `OAuth2ClientCredentials`, `OAuth2PasswordGrant`: a token fetched from a token endpoint
  (request built and signed by authlib), cached, refreshed before it expires, fetched once
  however many threads or tasks need it at the same moment, and refreshed exactly once when
  the server answers 401.
- `AllOf(...)`: several at once (Secure Service Hub needs an API key *and* a bearer token).

Token requests go through the same `httpx` client as the API calls, so proxies, certificates
and event hooks configured there apply to them too.
"""

from __future__ import annotations

import asyncio
import ipaddress
import threading
import time
import weakref
from collections.abc import AsyncGenerator, Generator, Iterable, Mapping
from typing import Any, Literal

import httpx
from pydantic import SecretStr

from . import deadline
from .boundary import credential, header_credential, received_credential
from .errors import (
    AuthenticationError,
    ConfigurationError,
    ResponseValidationError,
)
from .http import DEFAULT_TIMEOUT, status_error
from .jsonbody import read_json
from .redaction import REDACTED

__all__ = [
    "AllOf",
    "ApiKeyHeader",
    "BearerToken",
    "HeaderAuth",
    "OAuth2ClientCredentials",
    "OAuth2PasswordGrant",
    "OAuth2TokenAuth",
    "Token",
    "require_secure_url",
    "secret",
]

ClientAuthMethod = Literal["basic", "body"]


def secret(value: str | SecretStr) -> SecretStr:
    """`value` as a `SecretStr`, stripped of surrounding whitespace (a trailing newline from a
    file or a mounted secret); one with a control character inside is refused
    (`ConfigurationError`, never repeating it)."""
    return credential(value)


def require_secure_url(url: str | httpx.URL, what: str = "token endpoint") -> httpx.URL:
    """`url`, refused unless it is https or points at a loopback host."""
    parsed = httpx.URL(str(url))
    if parsed.scheme == "https":
        return parsed
    host = parsed.host
    loopback = host == "localhost"
    if not loopback:
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
    if parsed.scheme == "http" and loopback:
        return parsed
    raise ConfigurationError(f"the {what} must use https (got {parsed.scheme}://{host})")


class HeaderAuth(httpx.Auth):
    """A strategy that only sets headers: no round trips of its own."""

    def apply(self, request: httpx.Request) -> None:
        raise NotImplementedError

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self.apply(request)
        yield request


class ApiKeyHeader(HeaderAuth):
    """Sends a key in a header: `ApiKeyHeader("api-key", key)` → `api-key: <key>`."""

    def __init__(self, name: str, key: str | SecretStr, *, prefix: str | None = None) -> None:
        if not name:
            raise ConfigurationError("the API key header needs a name")
        self.key = header_credential(key, what=f"the API key for header {name!r}")
        if not self.key.get_secret_value():
            raise ConfigurationError(f"the API key for header {name!r} is empty")
        self.name = name
        self.prefix = prefix

    def apply(self, request: httpx.Request) -> None:
        value = self.key.get_secret_value()
        request.headers[self.name] = f"{self.prefix} {value}" if self.prefix else value

    def __repr__(self) -> str:
        return f"ApiKeyHeader(name={self.name!r}, key={REDACTED})"


class BearerToken(HeaderAuth):
    """Sends a fixed `Authorization: Bearer <token>`."""

    def __init__(self, token: str | SecretStr) -> None:
        self.token = header_credential(token, what="the bearer token")

    def apply(self, request: httpx.Request) -> None:
        request.headers["Authorization"] = f"Bearer {self.token.get_secret_value()}"

    def __repr__(self) -> str:
        return f"BearerToken(token={REDACTED})"


class Token:
    """A token endpoint's answer: the access token (secret) and every other field it sent.

    Attributes:
        access_token: the token, as a `SecretStr`.
        token_type: usually `Bearer`.
        expires_at: `time.monotonic()` deadline, or `None` when the answer gave no lifetime.
        fields: every other field of the answer (`scope`, FSM's `cluster_url`, `companies`…),
            without `access_token`, `refresh_token` and `id_token`.
    """

    _SECRET_FIELDS = frozenset({"access_token", "refresh_token", "id_token", "accessToken"})

    def __init__(self, data: Mapping[str, Any], *, received_at: float | None = None) -> None:
        access = data.get("access_token") or data.get("accessToken")
        if not isinstance(access, str) or not access:
            raise ValueError("the token answer has no access_token")
        self.access_token = SecretStr(received_credential(access, what="the access token"))
        self.token_type = str(data.get("token_type") or "Bearer")
        self.fields = {k: v for k, v in data.items() if k not in self._SECRET_FIELDS}
        now = time.monotonic() if received_at is None else received_at
        lifetime = _number(data.get("expires_in"))
        self.lifetime = lifetime
        self.expires_at = now + lifetime if lifetime is not None else None

    def get(self, name: str, default: Any = None) -> Any:
        """A field of the token answer (never the token itself)."""
        return self.fields.get(name, default)

    def expires_within(self, seconds: float, now: float | None = None) -> bool:
        """Whether the token expires within `seconds` from now."""
        if self.expires_at is None:
            return False
        return (time.monotonic() if now is None else now) >= self.expires_at - seconds

    def __repr__(self) -> str:
        return f"Token(token_type={self.token_type!r}, access_token={REDACTED}, fields={self.fields!r})"


class OAuth2TokenAuth(httpx.Auth):
    """Base of the token strategies: caching, refresh, single-flight fetch, 401 retry.

    Subclasses say which grant they use through `grant_params()`.

    Attributes:
        token: the current `Token`, `None` before the first fetch.
        tokens_fetched: how many token requests succeeded, for tests and monitoring.
    """

    def __init__(
        self,
        token_url: str | httpx.URL,
        client_id: str,
        client_secret: str | SecretStr,
        *,
        scope: str | Iterable[str] | None = None,
        extra_params: Mapping[str, str] | None = None,
        client_auth: ClientAuthMethod = "body",
        refresh_leeway: float = 60.0,
    ) -> None:
        if not client_id:
            raise ConfigurationError("client_id is required for the OAuth2 token request")
        if client_auth not in ("basic", "body"):
            raise ConfigurationError("client_auth must be 'basic' or 'body'")
        self.token_url = require_secure_url(token_url)
        self.client_id = credential(client_id, what="client_id").get_secret_value()
        self.client_secret = secret(client_secret)
        self.scope = scope if isinstance(scope, str) or scope is None else " ".join(scope)
        self.extra_params = dict(extra_params or {})
        self.client_auth = client_auth
        self.refresh_leeway = refresh_leeway
        self.token: Token | None = None
        self.tokens_fetched = 0
        self._thread_lock = threading.Lock()
        self._loop_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    # -- what subclasses and backends customise ------------------------------------------

    def grant_params(self) -> dict[str, str]:
        """The grant's own form fields (`grant_type` and, for passwords, the credentials)."""
        raise NotImplementedError

    def token_received(self, token: Token) -> None:
        """Called with every new token; backends read extra answer fields here."""

    # -- sans-I/O pieces -------------------------------------------------------------------

    def needs_token(self, token: Token | None) -> bool:
        if token is None:
            return True
        leeway = self.refresh_leeway
        if token.lifetime is not None:
            leeway = min(leeway, token.lifetime / 2)
        return token.expires_within(leeway)

    def build_token_request(self) -> httpx.Request:
        """The token request, encoded and signed by authlib."""
        from authlib.oauth2.auth import ClientAuth
        from authlib.oauth2.rfc6749.parameters import prepare_token_request

        params = dict(self.grant_params())
        if self.scope:
            params["scope"] = self.scope
        params.update(self.extra_params)
        grant_type = params.pop("grant_type")
        body = prepare_token_request(grant_type, **params)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        }
        method = "client_secret_basic" if self.client_auth == "basic" else "client_secret_post"
        signer = ClientAuth(self.client_id, self.client_secret.get_secret_value(), method)
        url, headers, body = signer.prepare("POST", str(self.token_url), headers, body)
        return httpx.Request(
            "POST",
            url,
            headers=headers,
            content=body.encode("utf-8"),
            extensions={"timeout": deadline.request_timeouts(DEFAULT_TIMEOUT)},
        )

    def accept_token_response(self, response: httpx.Response) -> Token:
        """Read the token answer, or raise the matching SDK error."""
        if response.status_code >= 400:
            error = status_error(
                response, name=f"token request to {self.token_url}", before_request=True
            )
            if response.status_code in (400, 401):
                promoted = AuthenticationError(
                    error.message,
                    response=response,
                    body=error.body,
                    code=error.code,
                    backend_message=error.backend_message,
                    details=error.details,
                    may_have_been_applied=False,
                )
                promoted.before_request = True
                raise promoted
            raise error
        body = read_json(
            response, name=f"token request to {self.token_url}", expect=dict, before_request=True
        )
        try:
            token = Token(body)
        except ValueError as exc:
            unreadable = ResponseValidationError(
                f"token request to {self.token_url}: {exc}", response=response
            )
            unreadable.before_request = True
            unreadable.may_have_been_applied = False
            unreadable.raw = ""  # the answer may hold a token, however malformed
            raise unreadable from None
        self.token = token
        self.tokens_fetched += 1
        self.token_received(token)
        return token

    def authorize(self, request: httpx.Request, token: Token) -> httpx.Request:
        request.headers["Authorization"] = f"Bearer {token.access_token.get_secret_value()}"
        return request

    def invalidate(self) -> None:
        """Forget the current token: the next request fetches a new one."""
        self.token = None

    # -- the two flows -------------------------------------------------------------------

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        token = self.token
        if token is None or self.needs_token(token):
            with self._thread_lock:
                token = self.token
                if token is None or self.needs_token(token):
                    answer = yield self.build_token_request()
                    answer.read()
                    token = self.accept_token_response(answer)
        response = yield self.authorize(request, token)
        if response.status_code != 401:
            return
        with self._thread_lock:
            if self.token is token or self.token is None:
                answer = yield self.build_token_request()
                answer.read()
                token = self.accept_token_response(answer)
            else:
                token = self.token
        yield self.authorize(request, token)

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = self.token
        if token is None or self.needs_token(token):
            async with self._loop_lock():
                token = self.token
                if token is None or self.needs_token(token):
                    answer = yield self.build_token_request()
                    await answer.aread()
                    token = self.accept_token_response(answer)
        response = yield self.authorize(request, token)
        if response.status_code != 401:
            return
        async with self._loop_lock():
            if self.token is token or self.token is None:
                answer = yield self.build_token_request()
                await answer.aread()
                token = self.accept_token_response(answer)
            else:
                token = self.token
        yield self.authorize(request, token)

    def _loop_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self._loop_locks.get(loop)
        if lock is None:
            with self._thread_lock:
                lock = self._loop_locks.setdefault(loop, asyncio.Lock())
        return lock

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(token_url={str(self.token_url)!r}, "
            f"client_id={self.client_id!r}, client_secret={REDACTED})"
        )


class OAuth2ClientCredentials(OAuth2TokenAuth):
    """OAuth2 client-credentials grant (`grant_type=client_credentials`).

    The client authenticates in the form body by default (`client_auth="body"`, what Azure AD
    B2C and YaaS expect); `client_auth="basic"` sends HTTP Basic instead.
    """

    def __init__(
        self,
        token_url: str | httpx.URL,
        client_id: str,
        client_secret: str | SecretStr,
        scope: str | Iterable[str] | None = None,
        extra_params: Mapping[str, str] | None = None,
        *,
        client_auth: ClientAuthMethod = "body",
        refresh_leeway: float = 60.0,
    ) -> None:
        super().__init__(
            token_url,
            client_id,
            client_secret,
            scope=scope,
            extra_params=extra_params,
            client_auth=client_auth,
            refresh_leeway=refresh_leeway,
        )

    def grant_params(self) -> dict[str, str]:
        return {"grant_type": "client_credentials"}


class OAuth2PasswordGrant(OAuth2TokenAuth):
    """OAuth2 resource-owner password grant (`grant_type=password`), HTTP Basic client auth
    by default (what SAP FSM expects)."""

    def __init__(
        self,
        token_url: str | httpx.URL,
        client_id: str,
        client_secret: str | SecretStr,
        username: str,
        password: str | SecretStr,
        client_auth: ClientAuthMethod = "basic",
        *,
        scope: str | Iterable[str] | None = None,
        extra_params: Mapping[str, str] | None = None,
        refresh_leeway: float = 60.0,
    ) -> None:
        super().__init__(
            token_url,
            client_id,
            client_secret,
            scope=scope,
            extra_params=extra_params,
            client_auth=client_auth,
            refresh_leeway=refresh_leeway,
        )
        self.username = credential(username or "", what="username").get_secret_value()
        if not self.username:
            raise ConfigurationError("username is required for the password grant")
        self.password = secret(password)

    def grant_params(self) -> dict[str, str]:
        return {
            "grant_type": "password",
            "username": self.username,
            "password": self.password.get_secret_value(),
        }


class AllOf(httpx.Auth):
    """Several strategies on every request: any number of header strategies and at most one
    token strategy. `AllOf(ApiKeyHeader("api-key", key), OAuth2ClientCredentials(...))`.

    The header strategies' headers go on the API requests only, never on token requests, so
    an API key is not sent to the identity provider.
    """

    def __init__(self, *strategies: httpx.Auth) -> None:
        self.headers = [s for s in strategies if isinstance(s, HeaderAuth)]
        others = [s for s in strategies if not isinstance(s, HeaderAuth)]
        if len(others) > 1:
            raise ConfigurationError("AllOf takes at most one strategy that makes round trips")
        self.flow: httpx.Auth | None = others[0] if others else None
        self.requires_response_body = bool(self.flow and self.flow.requires_response_body)
        self.strategies = strategies

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        for strategy in self.headers:
            strategy.apply(request)
        if self.flow is None:
            yield request
        else:
            yield from self.flow.sync_auth_flow(request)

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        for strategy in self.headers:
            strategy.apply(request)
        if self.flow is None:
            yield request
            return
        flow = self.flow.async_auth_flow(request)
        next_request = await flow.__anext__()
        while True:
            response = yield next_request
            try:
                next_request = await flow.asend(response)
            except StopAsyncIteration:
                return

    def __repr__(self) -> str:
        return f"AllOf({', '.join(map(repr, self.strategies))})"


def _number(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None
