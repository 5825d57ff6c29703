"""A generic OAuth2 token endpoint (RFC 6749 client-credentials and password grants).

Emulators mount it at their vendor's token path and check the bearer tokens it issued.
It counts the tokens it issues, so tests can prove single-flight fetching and refreshes.
"""

from __future__ import annotations

import base64
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._server import EmulatedRequest, EmulatedResponse

__all__ = ["IssuedToken", "TokenEndpoint"]


@dataclass
class IssuedToken:
    """What the endpoint remembers about a token it issued."""

    value: str
    client_id: str
    grant_type: str
    username: str | None
    scopes: frozenset[str]
    expires_at: float
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def expired(self) -> bool:
        return time.time() >= self.expires_at


ExtraFields = Callable[[IssuedToken], Mapping[str, Any]]


class TokenEndpoint:
    """An emulated token endpoint: call it with a token request, get the RFC 6749 answer.

    Args:
        clients: `client_id -> client_secret`.
        users: `username -> password` for the password grant.
        lifetime: seconds a token lives (`expires_in`).
        grant_types: the grants accepted.
        client_auth: where client credentials may come from: `"basic"`, `"body"` or both.
        extra_fields: adds vendor fields to the answer (FSM's `cluster_url`, B2C's
            `expires_on`…), given the token being issued.
        allowed_scopes: when given, requested scopes outside it are refused (`invalid_scope`).
        user_check: refuses a user by returning an error description (e.g. a missing role).
    """

    def __init__(
        self,
        *,
        clients: Mapping[str, str],
        users: Mapping[str, str] | None = None,
        lifetime: float = 3600,
        grant_types: Iterable[str] = ("client_credentials", "password"),
        client_auth: Iterable[str] = ("basic", "body"),
        extra_fields: ExtraFields | None = None,
        allowed_scopes: Iterable[str] | None = None,
        user_check: Callable[[str], str | None] | None = None,
    ) -> None:
        self.clients = dict(clients)
        self.users = dict(users or {})
        self.lifetime = lifetime
        self.grant_types = frozenset(grant_types)
        self.client_auth = frozenset(client_auth)
        self.extra_fields = extra_fields
        self.allowed_scopes = frozenset(allowed_scopes) if allowed_scopes is not None else None
        self.user_check = user_check
        self.issued = 0
        self.requests = 0
        self._tokens: dict[str, IssuedToken] = {}
        self._lock = threading.Lock()

    def __call__(self, request: EmulatedRequest) -> EmulatedResponse:
        with self._lock:
            self.requests += 1
        if request.method != "POST":
            return _oauth_error("invalid_request", "the token endpoint takes POST", 405)
        content_type = request.header("content-type", "") or ""
        if "application/x-www-form-urlencoded" not in content_type:
            return _oauth_error("invalid_request", "the body must be form-encoded")
        form = request.form()
        client = self._client_credentials(request, form)
        if isinstance(client, EmulatedResponse):
            return client
        client_id, client_secret = client
        if not secrets.compare_digest(self.clients.get(client_id, "\0"), client_secret):
            return _oauth_error("invalid_client", "Bad client credentials", 401)
        grant_type = form.get("grant_type", "")
        if grant_type not in self.grant_types:
            return _oauth_error(
                "unsupported_grant_type", f"grant_type {grant_type!r} is not supported"
            )
        username = None
        if grant_type == "password":
            username = form.get("username", "")
            password = form.get("password", "")
            known = self.users.get(username)
            if known is None or not secrets.compare_digest(known, password):
                return _oauth_error("invalid_grant", "Bad credentials")
            if self.user_check is not None:
                problem = self.user_check(username)
                if problem:
                    return _oauth_error("invalid_grant", problem)
        scopes = frozenset(form.get("scope", "").split())
        if self.allowed_scopes is not None and not scopes <= self.allowed_scopes:
            unknown = ", ".join(sorted(scopes - self.allowed_scopes))
            return _oauth_error("invalid_scope", f"scope not allowed: {unknown}")
        token = self.issue(client_id, grant_type, username, scopes)
        answer: dict[str, Any] = {
            "access_token": token.value,
            "token_type": "bearer" if grant_type == "password" else "Bearer",
            "expires_in": int(self.lifetime),
        }
        if scopes:
            answer["scope"] = " ".join(sorted(scopes))
        if self.extra_fields is not None:
            extra = dict(self.extra_fields(token))
            token.extra.update(extra)
            answer.update(extra)
        return EmulatedResponse.json(answer, headers={"Cache-Control": "no-store"})

    def issue(
        self,
        client_id: str,
        grant_type: str = "client_credentials",
        username: str | None = None,
        scopes: Iterable[str] = (),
    ) -> IssuedToken:
        """Issue a token directly (for tests that need one without a request)."""
        token = IssuedToken(
            value=secrets.token_urlsafe(24),
            client_id=client_id,
            grant_type=grant_type,
            username=username,
            scopes=frozenset(scopes),
            expires_at=time.time() + self.lifetime,
        )
        with self._lock:
            self._tokens[token.value] = token
            self.issued += 1
        return token

    def check(self, request: EmulatedRequest) -> IssuedToken | None:
        """The valid token of a request's `Authorization: Bearer` header, or `None`."""
        header = request.header("authorization") or ""
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value:
            return None
        token = self._tokens.get(value.strip())
        if token is None or token.expired:
            return None
        return token

    def expire_all(self) -> None:
        """Make every issued token expired (the next API call gets a 401)."""
        with self._lock:
            for token in self._tokens.values():
                token.expires_at = 0.0

    def _client_credentials(
        self, request: EmulatedRequest, form: Mapping[str, str]
    ) -> tuple[str, str] | EmulatedResponse:
        header = request.header("authorization") or ""
        if header.lower().startswith("basic "):
            if "basic" not in self.client_auth:
                return _oauth_error("invalid_client", "HTTP Basic client auth is not accepted", 401)
            try:
                decoded = base64.b64decode(header[6:].strip()).decode("utf-8")
            except ValueError:
                return _oauth_error("invalid_client", "malformed Basic header", 401)
            client_id, _, client_secret = decoded.partition(":")
            return client_id, client_secret
        if "client_id" in form:
            if "body" not in self.client_auth:
                return _oauth_error("invalid_client", "client credentials must use HTTP Basic", 401)
            return form["client_id"], form.get("client_secret", "")
        return _oauth_error("invalid_client", "no client authentication", 401)


def _oauth_error(code: str, description: str, status: int = 400) -> EmulatedResponse:
    return EmulatedResponse.json({"error": code, "error_description": description}, status)
