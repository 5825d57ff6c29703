"""Authentication strategies, each an `httpx.Auth` that works with sync and async clients.

- `APIKeyHeader`, `BearerToken`: a fixed header.
- `OAuth2ClientCredentials`, `OAuth2PasswordGrant`: a token fetched from a token endpoint
  (request built and signed by authlib), cached, refreshed before it expires, fetched once
  however many threads or tasks need it at the same moment (a failure shared by all of them,
  then a short back-off), and refreshed exactly once when the server answers 401.
- `CachedTokenAuth`: the base of those, for backends whose token comes from another kind of
  round trip (CECenter's customer login).
- `AllOf(...)`: several at once (Secure Service Hub needs an API key *and* a bearer token).

Token requests go through the same `httpx` client as the API calls, so proxies, certificates
and event hooks configured there apply to them too.
"""

from __future__ import annotations

import abc
import ipaddress
import math
import weakref
from collections.abc import AsyncGenerator, Generator, Iterable, Mapping
from typing import Any, Literal

import httpx
from pydantic import SecretStr

from ._boundary import credential, header_credential, received_credential
from ._clock import Clock, current_clock
from ._errors import (
    AuthenticationError,
    ConfigurationError,
    ResponseValidationError,
)
from ._http import DEFAULT_TIMEOUT, status_error
from ._jsonbody import read_json
from ._ratelimit import LIMITER_EXTENSION, limiter_of
from ._redaction import REDACTED, Scrubber, is_secret_name, secret_values_of
from ._singleflight import SingleFlight

__all__ = [
    "ASSUMED_LIFETIME",
    "APIKeyHeader",
    "AllOf",
    "BearerToken",
    "CachedTokenAuth",
    "HeaderAuth",
    "OAuth2ClientCredentials",
    "OAuth2PasswordGrant",
    "OAuth2TokenAuth",
    "Token",
    "require_secure_url",
    "secret",
    "unreadable_token",
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


class APIKeyHeader(HeaderAuth):
    """Sends a key in a header: `APIKeyHeader("api-key", key)` → `api-key: <key>`."""

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

    def register_secrets(self, scrubber: Scrubber) -> None:
        """Tell a client's scrubber the header name and the key."""
        scrubber.add(headers=[self.name], values=[self.key])

    def __repr__(self) -> str:
        return f"APIKeyHeader(name={self.name!r}, key={REDACTED})"


class BearerToken(HeaderAuth):
    """Sends a fixed `Authorization: Bearer <token>`."""

    def __init__(self, token: str | SecretStr) -> None:
        self.token = header_credential(token, what="the bearer token")

    def apply(self, request: httpx.Request) -> None:
        request.headers["Authorization"] = f"Bearer {self.token.get_secret_value()}"

    def register_secrets(self, scrubber: Scrubber) -> None:
        """Tell a client's scrubber the header and the token."""
        scrubber.add(headers=["Authorization"], values=[self.token])

    def __repr__(self) -> str:
        return f"BearerToken(token={REDACTED})"


ASSUMED_LIFETIME = 60.0
"""Seconds a token is cached when its answer gives no usable `expires_in` (missing, zero,
negative or not a number): long enough not to fetch one per call, short enough to notice."""


class Token:
    """An access token (secret) and every other field its answer sent.

    Attributes:
        access_token: the token, as a `SecretStr`.
        token_type: usually `Bearer`.
        lifetime: seconds it lives from `received_at`, `None` when it lives until refused.
        received_at: when it was received, on the monotonic clock of the strategy that keeps
            it (`servicehub_sdk.core` reads time from one replaceable clock).
        expires_at: `received_at + lifetime`, or `None` without a lifetime.
        fields: every other field of the answer (`scope`, FSM's `cluster_url`, `companies`…),
            never the token itself.
    """

    def __init__(
        self,
        access_token: str | SecretStr,
        *,
        token_type: str = "Bearer",
        lifetime: float | None = None,
        fields: Mapping[str, Any] | None = None,
        received_at: float | None = None,
    ) -> None:
        self.access_token = secret(access_token)
        if not self.access_token.get_secret_value():
            raise ValueError("the access token is empty")
        self.token_type = token_type
        self.fields = dict(fields or {})
        self.lifetime = lifetime
        self.received(current_clock().monotonic() if received_at is None else received_at)

    def received(self, at: float) -> None:
        """Count the token's lifetime from `at` (a monotonic time)."""
        self.received_at = at
        self.expires_at = at + self.lifetime if self.lifetime is not None else None

    _SECRET_FIELDS = frozenset({"access_token", "refresh_token", "id_token"})

    @classmethod
    def from_answer(cls, data: Mapping[str, Any], *, received_at: float | None = None) -> Token:
        """A token endpoint's RFC 6749 answer (`access_token`, `token_type`, `expires_in`).

        An `expires_in` that is missing, zero, negative or not a number counts as
        `ASSUMED_LIFETIME` seconds. Raises `ValueError` when there is no `access_token`.
        """
        access = data.get("access_token")
        if not isinstance(access, str) or not access:
            raise ValueError("the token answer has no access_token")
        access = received_credential(access, what="the access token")
        lifetime = _number(data.get("expires_in"))
        return cls(
            access,
            token_type=str(data.get("token_type") or "Bearer"),
            lifetime=lifetime if lifetime is not None and lifetime > 0 else ASSUMED_LIFETIME,
            fields={k: v for k, v in data.items() if k not in cls._SECRET_FIELDS},
            received_at=received_at,
        )

    def get(self, name: str, default: Any = None) -> Any:
        """A field of the token answer (never the token itself)."""
        return self.fields.get(name, default)

    def expires_within(self, seconds: float, now: float | None = None) -> bool:
        """Whether the token expires within `seconds` from now."""
        if self.expires_at is None:
            return False
        return (current_clock().monotonic() if now is None else now) >= self.expires_at - seconds

    def __repr__(self) -> str:
        return f"Token(token_type={self.token_type!r}, access_token={REDACTED}, fields={self.fields!r})"


class CachedTokenAuth(httpx.Auth, abc.ABC):
    """Base of the strategies that obtain a bearer token by a round trip of their own.

    The token is cached and refreshed before it expires (`refresh_leeway` seconds early, at
    most half its lifetime). Fetching is single-flight (`SingleFlight`): however many
    threads or tasks need a token at the same moment, one request is made and its outcome,
    token or error, is shared; after a failure the next request waits a short back-off. A
    401 from the API makes one refresh (shared the same way) and one retry.

    Subclasses say how to ask (`token_request()`) and how to read the answer
    (`read_token()`). When the token request must itself be authenticated (a customer
    login made with the client's token), `request_auth` does it.

    Attributes:
        tokens_fetched: how many token requests succeeded, for tests and monitoring.
        flight: the `SingleFlight` holding the token (its `attempts` counts every request).
        clock: where expiry and back-off take their time (the clock current when the strategy
            is created, normally the real one).
    """

    def __init__(
        self,
        *,
        name: str,
        refresh_leeway: float = 60.0,
        request_auth: httpx.Auth | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.refresh_leeway = refresh_leeway
        self.request_auth = request_auth
        self.tokens_fetched = 0
        self.clock = clock or current_clock()
        self.flight: SingleFlight[Token] = SingleFlight(name, fresh=self._fresh, clock=self.clock)
        self.scrubbers: weakref.WeakSet[Scrubber] = weakref.WeakSet()
        """The scrubbers of the clients using this strategy: each new token is added to them."""

    def register_secrets(self, scrubber: Scrubber) -> None:
        """Tell a client's scrubber the credentials this strategy holds, its header and the
        token (now and after every refresh); so does `request_auth`."""
        scrubber.add(headers=["Authorization"], values=secret_values_of(self))
        self.scrubbers.add(scrubber)
        if self.token is not None:
            scrubber.add(values=[self.token.access_token])
        if self.request_auth is not None:
            scrubber.watch(self.request_auth)

    # -- what subclasses and backends customise ------------------------------------------

    @abc.abstractmethod
    def token_request(self) -> httpx.Request:
        """The request that obtains a token."""

    @abc.abstractmethod
    def read_token(self, response: httpx.Response) -> Token:
        """The token in `response`, or the matching SDK error raised."""

    def token_received(self, token: Token) -> None:
        """Called with every new token; backends read extra answer fields here."""

    def authorize(self, request: httpx.Request, token: Token) -> httpx.Request:
        request.headers["Authorization"] = f"Bearer {token.access_token.get_secret_value()}"
        return request

    # -- state ---------------------------------------------------------------------------

    @property
    def token(self) -> Token | None:
        """The current token, `None` before the first fetch."""
        return self.flight.value

    def needs_token(self, token: Token | None) -> bool:
        if token is None:
            return True
        leeway = self.refresh_leeway
        if token.lifetime is not None:
            leeway = min(leeway, token.lifetime / 2)
        return token.expires_within(leeway, now=self.clock.monotonic())

    def _fresh(self, token: Token) -> bool:
        return not self.needs_token(token)

    def invalidate(self) -> None:
        """Forget the current token: the next request fetches a new one."""
        self.flight.invalidate()

    def _timed(self, token_request: httpx.Request, trigger: httpx.Request) -> httpx.Request:
        """The token request with its timeout and rate limiter: those of the API request
        that needs it (so that a token request made through another strategy, a customer
        login's, is limited too)."""
        token_request.extensions["timeout"] = trigger.extensions.get(
            "timeout", DEFAULT_TIMEOUT.as_dict()
        )
        limiter = limiter_of(trigger)
        if limiter is not None:
            token_request.extensions[LIMITER_EXTENSION] = limiter
        return token_request

    @staticmethod
    def _rate_wait(trigger: httpx.Request) -> float:
        """A token request is a request like any other: it takes its token from the rate
        limiter of the client whose request needs it (the seconds to wait first)."""
        limiter = limiter_of(trigger)
        return limiter.reserve(measured=False) if limiter is not None else 0.0

    def _accept(self, response: httpx.Response) -> Token:
        token = self.read_token(response)
        token.received(self.clock.monotonic())  # just now, on the clock its expiry is read by
        for scrubber in list(self.scrubbers):
            scrubber.add(values=[token.access_token, *_secret_fields(token.fields)])
        self.tokens_fetched += 1
        self.token_received(token)
        return token

    # -- the two flows: the API request, and one refresh-and-retry on 401 ----------------

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        # A fresh cached token is used without taking the flight's lock (`claim()` would
        # answer the same): only a missing or expiring one goes through the single flight.
        token = self.flight.current()
        if token is None:
            token = yield from self._sync_token(request)
        response = yield self.authorize(request, token)
        if response.status_code != 401:
            return
        self.flight.invalidate(token)
        token = yield from self._sync_token(request)
        yield self.authorize(request, token)

    def _sync_token(
        self, trigger: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, Token]:
        return (yield from self.flight.flow(lambda: self._sync_fetch(trigger)))

    def _sync_fetch(
        self, trigger: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, Token]:
        ask = self._timed(self.token_request(), trigger)
        wait = self._rate_wait(trigger)
        if wait > 0:
            self.clock.sleep(wait)
        if self.request_auth is None:
            answer = yield ask
        else:
            answer = yield from _through(self.request_auth, ask)
        answer.read()
        return self._accept(answer)

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        for refresh in (False, True):
            # A fresh cached token is used without a claim (see `sync_auth_flow`).
            token: Token | None = self.flight.current()
            while token is None:  # `_sync_token`'s steps, inline: async generators can
                claim = self.flight.claim()  # neither delegate to another nor return
                if claim.value is not None:
                    token = claim.value
                elif claim.join is not None:
                    token = await claim.join.wait_async()
                elif claim.lead is None:
                    await self.clock.async_sleep(claim.delay)
                else:
                    try:
                        ask = self._timed(self.token_request(), request)
                        wait = self._rate_wait(request)
                        if wait > 0:
                            await self.clock.async_sleep(wait)
                        if self.request_auth is None:
                            answer = yield ask
                        else:
                            flow = self.request_auth.async_auth_flow(ask)
                            step = await flow.__anext__()
                            while True:
                                answer = yield step
                                try:
                                    step = await flow.asend(answer)
                                except StopAsyncIteration:
                                    break
                        await answer.aread()
                        token = self._accept(answer)
                    except BaseException as error:
                        self.flight.fail(claim.lead, error)
                        raise
                    self.flight.succeed(claim.lead, token)
            response = yield self.authorize(request, token)
            if response.status_code != 401 or refresh:
                return
            self.flight.invalidate(token)


class OAuth2TokenAuth(CachedTokenAuth):
    """Base of the OAuth2 grants: the token request built and signed by authlib.

    Subclasses say which grant they use through `grant_params()`. The client authenticates
    in the form body (`client_auth="body"`, `client_secret_post`) unless told
    `client_auth="basic"` (HTTP Basic, `client_secret_basic`).
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
        self.token_url = require_secure_url(token_url)  # always: allow_insecure_http aside
        super().__init__(name=f"token request to {self.token_url}", refresh_leeway=refresh_leeway)
        self.client_id = credential(client_id, what="client_id").get_secret_value()
        self.client_secret = secret(client_secret)
        self.scope = scope if isinstance(scope, str) or scope is None else " ".join(scope)
        self.extra_params = dict(extra_params or {})
        self.client_auth = client_auth

    @abc.abstractmethod
    def grant_params(self) -> dict[str, str]:
        """The grant's own form fields (`grant_type` and, for passwords, the credentials)."""

    def token_request(self) -> httpx.Request:
        return self.build_token_request()

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
        return httpx.Request("POST", url, headers=headers, content=body.encode("utf-8"))

    def accept_token_response(self, response: httpx.Response) -> Token:
        """Read a token answer to a request sent outside this strategy's own flow (FSM's
        context resolution) and keep the token for the requests that follow."""
        response.read()
        token = self._accept(response)
        self.flight.put(token)
        return token

    def read_token(self, response: httpx.Response) -> Token:
        """Read the token answer, or raise the matching SDK error."""
        if response.status_code >= 400:
            error = status_error(response, name=self.flight.name, before_request=True)
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
        body = read_json(response, name=self.flight.name, expect=dict, before_request=True)
        try:
            return Token.from_answer(body)
        except ValueError as exc:
            raise unreadable_token(f"{self.flight.name}: {exc}", response) from None

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(token_url={str(self.token_url)!r}, "
            f"client_id={self.client_id!r}, client_secret={REDACTED})"
        )


class OAuth2ClientCredentials(OAuth2TokenAuth):
    """OAuth2 client-credentials grant (`grant_type=client_credentials`).

    The client authenticates in the form body by default (`client_auth="body"`);
    `client_auth="basic"` sends HTTP Basic instead.
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
    """OAuth2 resource-owner password grant (`grant_type=password`).

    The client authenticates in the form body by default (`client_auth="body"`), as for
    every grant; `client_auth="basic"` sends HTTP Basic instead.
    """

    def __init__(
        self,
        token_url: str | httpx.URL,
        client_id: str,
        client_secret: str | SecretStr,
        username: str,
        password: str | SecretStr,
        client_auth: ClientAuthMethod = "body",
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
    token strategy. `AllOf(APIKeyHeader("api-key", key), OAuth2ClientCredentials(...))`.

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

    def register_secrets(self, scrubber: Scrubber) -> None:
        """Tell a client's scrubber what every strategy sends."""
        for strategy in self.strategies:
            scrubber.watch(strategy)

    def __repr__(self) -> str:
        return f"AllOf({', '.join(map(repr, self.strategies))})"


def unreadable_token(message: str, response: httpx.Response) -> ResponseValidationError:
    """The error for a token answer without a usable token (raised before the API request)."""
    error = ResponseValidationError(message, response=response)
    error.before_request = True
    error.may_have_been_applied = False
    error.raw = ""  # the answer may hold a token, however malformed
    return error


def _through(
    auth: httpx.Auth, request: httpx.Request
) -> Generator[httpx.Request, httpx.Response, httpx.Response]:
    """Send `request` through another strategy's flow; the last answer."""
    flow = auth.sync_auth_flow(request)
    step = next(flow)
    while True:
        answer = yield step
        try:
            step = flow.send(answer)
        except StopIteration:
            return answer


def _secret_fields(fields: Mapping[str, Any]) -> list[str]:
    """Secret-looking text fields of a token answer besides the token (`refresh_token`)."""
    return [v for k, v in fields.items() if isinstance(v, str) and is_secret_name(k)]


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value) if value is not None else None
    except (TypeError, ValueError, OverflowError):
        return None
    return number if number is None or math.isfinite(number) else None
