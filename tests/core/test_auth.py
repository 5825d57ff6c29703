"""Auth strategies: single-flight token fetch, refresh, 401 retry, composition, https rule."""

from __future__ import annotations

import asyncio
import base64
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from servicehub_sdk.core import (
    AllOf,
    APIKeyHeader,
    AuthenticationError,
    BearerToken,
    ConfigurationError,
    OAuth2ClientCredentials,
    OAuth2PasswordGrant,
    ServerError,
)
from servicehub_sdk.core._auth import ASSUMED_LIFETIME
from servicehub_sdk.testing import EmulatorServer, FakeClock, Reply
from tests.core.conftest import credentials
from tests.core.demo import AsyncDemoClient, DemoApp, DemoClient
from tests.helpers import close, in_threads, resolve


async def test_100_concurrent_async_calls_fetch_one_token(
    server: EmulatorServer, app: DemoApp
) -> None:
    client = AsyncDemoClient(server.url, auth=credentials(server))
    results = await asyncio.gather(*(client.items.get(1 + i % 20) for i in range(100)))
    assert len(results) == 100
    assert app.tokens.issued == 1
    await client.close()


def test_20_threads_fetch_one_token(server: EmulatorServer, app: DemoApp) -> None:
    client = DemoClient(server.url, auth=credentials(server))
    assert not in_threads(20, lambda: client.items.get(1))
    assert app.tokens.issued == 1
    client.close()


async def test_a_401_refreshes_once_and_retries(
    client: Any, app: DemoApp, server: EmulatorServer
) -> None:
    await resolve(client.items.get(1))
    app.tokens.expire_all()
    assert (await resolve(client.items.get(2)))["id"] == 2
    assert app.tokens.issued == 2
    assert server.requests("GET", "/items/2") == 2


async def test_a_persistent_401_refreshes_only_once(
    client: Any, app: DemoApp, server: EmulatorServer
) -> None:
    server.faults.add([Reply(401), Reply(401), Reply(401)], path="/items/1")
    with pytest.raises(AuthenticationError):
        await resolve(client.items.get(1))
    assert app.tokens.issued == 2
    assert server.requests("GET", "/items/1") == 2


async def test_tokens_are_refreshed_before_expiry(
    mode: str, server: EmulatorServer, app: DemoApp, clock: FakeClock
) -> None:
    app.tokens.lifetime = 100  # leeway becomes half the lifetime
    cls = DemoClient if mode == "sync" else AsyncDemoClient
    client = cls(server.url, auth=credentials(server))
    await resolve(client.items.get(1))
    clock.advance(49)
    await resolve(client.items.get(1))
    assert app.tokens.issued == 1  # still fresh: 1 s before the leeway starts
    clock.advance(2)
    await resolve(client.items.get(1))
    assert app.tokens.issued == 2
    assert server.requests("GET", "/items/1") == 3  # no 401 round trip
    await close(client)


async def test_bad_client_secret_is_an_authentication_error(
    mode: str, server: EmulatorServer
) -> None:
    cls = DemoClient if mode == "sync" else AsyncDemoClient
    auth = OAuth2ClientCredentials(f"{server.url}/token", "demo-client", "wrong")
    client = cls(server.url, auth=auth)
    with pytest.raises(AuthenticationError) as caught:
        await resolve(client.items.get(1))
    assert caught.value.code == "invalid_client"
    assert caught.value.before_request is True
    assert caught.value.may_have_been_applied is False
    await close(client)


async def test_token_endpoint_outage_is_retried_even_for_creates(
    client: Any, server: EmulatorServer, app: DemoApp
) -> None:
    server.faults.add([Reply(503)], path="/token")
    created = await resolve(client.items.create("after outage"))
    assert created["name"] == "after outage"
    assert app.created == 1


def test_the_password_grant_authenticates_the_client_in_the_body_by_default() -> None:
    auth = OAuth2PasswordGrant("https://login.example.com/t", "id", "secret", "alice", "pw")
    request = auth.build_token_request()
    assert "Authorization" not in request.headers
    assert b"client_id=id" in request.content


async def test_password_grant_with_basic_client_auth(
    mode: str, server: EmulatorServer, app: DemoApp
) -> None:
    auth = OAuth2PasswordGrant(
        f"{server.url}/token",
        "demo-client",
        "demo-secret",
        "alice",
        "wonderland",
        client_auth="basic",
    )
    request = auth.build_token_request()
    expected = base64.b64encode(b"demo-client:demo-secret").decode()
    assert request.headers["Authorization"] == f"Basic {expected}"
    assert b"grant_type=password" in request.content
    assert b"client_secret" not in request.content
    cls = DemoClient if mode == "sync" else AsyncDemoClient
    client = cls(server.url, auth=auth)
    await resolve(client.items.get(1))
    assert auth.token is not None
    assert auth.token.get("expires_in") == 3600
    assert auth.token.token_type == "bearer"
    await close(client)


def test_wrong_password_is_an_authentication_error(server: EmulatorServer) -> None:
    auth = OAuth2PasswordGrant(f"{server.url}/token", "demo-client", "demo-secret", "alice", "nope")
    with DemoClient(server.url, auth=auth) as client, pytest.raises(AuthenticationError) as caught:
        client.items.get(1)
    assert caught.value.code == "invalid_grant"


def test_client_credentials_sends_scope_and_body_auth() -> None:
    auth = OAuth2ClientCredentials(
        "https://login.example.com/token",
        "id",
        "secret",
        scope=["a", "b"],
        extra_params={"resource": "r"},
    )
    body = auth.build_token_request().content.decode()
    assert "grant_type=client_credentials" in body
    assert "scope=a+b" in body
    assert "client_id=id" in body
    assert "resource=r" in body


@pytest.mark.parametrize(
    "url", ["http://login.example.com/token", "ftp://x/token", "http://10.0.0.1/token"]
)
def test_token_endpoint_must_be_https(url: str) -> None:
    with pytest.raises(ConfigurationError):
        OAuth2ClientCredentials(url, "id", "secret")


@pytest.mark.parametrize(
    "url",
    [
        "https://login.example.com/t",
        "http://127.0.0.1:8/t",
        "http://localhost/t",
        "http://[::1]:8/t",
    ],
)
def test_https_or_loopback_token_endpoints_are_accepted(url: str) -> None:
    OAuth2ClientCredentials(url, "id", "secret")


async def test_all_of_sends_every_header_but_not_to_the_token_endpoint(
    mode: str, server: EmulatorServer, app: DemoApp
) -> None:
    seen: list[httpx.Request] = []
    auth = AllOf(APIKeyHeader("api-key", "k-123"), credentials(server))
    cls = DemoClient if mode == "sync" else AsyncDemoClient
    hooks: dict[str, Any] = {"request": [seen.append]}
    if mode == "async":

        async def record(request: httpx.Request) -> None:
            seen.append(request)

        hooks = {"request": [record]}
    http_client = (httpx.Client if mode == "sync" else httpx.AsyncClient)(event_hooks=hooks)
    client = cls(server.url, auth=auth, http_client=http_client)
    await resolve(client.request("GET", "echo"))
    assert app.last_headers["api-key"] == "k-123"
    assert app.last_headers["authorization"].startswith("Bearer ")
    token_requests = [r for r in seen if r.url.path == "/token"]
    assert token_requests
    assert all("api-key" not in r.headers for r in token_requests)
    await resolve(http_client.aclose() if mode == "async" else http_client.close())  # type: ignore[union-attr]


def test_all_of_refuses_two_token_strategies() -> None:
    a = OAuth2ClientCredentials("https://a/t", "id", "s")
    b = OAuth2ClientCredentials("https://b/t", "id", "s")
    with pytest.raises(ConfigurationError):
        AllOf(a, b)


def test_header_strategies() -> None:
    request = httpx.Request("GET", "https://x")
    BearerToken("tok").apply(request)
    APIKeyHeader("authtoken", "key").apply(request)
    assert request.headers["Authorization"] == "Bearer tok"
    assert request.headers["authtoken"] == "key"
    with pytest.raises(ConfigurationError):
        APIKeyHeader("api-key", "")


# -- an identity provider outage: bounded attempts, failures shared ----------------------

OUTAGE_RETRIES = 2  # so each caller makes at most three calls of its own


def _outage_client(mode: str, server: EmulatorServer) -> tuple[Any, OAuth2ClientCredentials]:
    server.faults.random(1.0, [Reply(503)], path="/token")
    auth = credentials(server)
    auth.flight.backoff_base = 0.2  # the default is 0.5 s; the bound is the same
    cls = DemoClient if mode == "sync" else AsyncDemoClient
    return cls(server.url, auth=auth, max_retries=OUTAGE_RETRIES), auth


@pytest.mark.loopback  # callers must meet while the token request is in flight
def test_20_threads_during_a_token_outage_make_a_bounded_number_of_attempts(
    server: EmulatorServer,
) -> None:
    client, auth = _outage_client("sync", server)
    errors = in_threads(20, lambda: client.items.get(1))
    client.close()
    assert len(errors) == 20
    assert all(isinstance(e, ServerError) and e.before_request for e in errors)
    # one attempt per wave of retries, not one per caller (was 60: 20 callers x 3 calls)
    assert server.requests("POST", "/token") == auth.flight.attempts
    assert auth.flight.attempts <= 4 * (OUTAGE_RETRIES + 1)  # a few waves, more under load
    assert server.requests("GET", "/items/1") == 0


@pytest.mark.loopback  # callers must meet while the token request is in flight
async def test_100_tasks_during_a_token_outage_make_a_bounded_number_of_attempts(
    server: EmulatorServer,
) -> None:
    client, auth = _outage_client("async", server)
    results = await asyncio.gather(
        *(client.items.get(1) for _ in range(100)), return_exceptions=True
    )
    await client.close()
    assert all(isinstance(r, ServerError) and r.before_request for r in results)
    assert server.requests("POST", "/token") == auth.flight.attempts
    assert auth.flight.attempts <= 4 * (OUTAGE_RETRIES + 1)  # a few waves, more under load


@pytest.mark.loopback  # callers must meet while the token request is in flight
async def test_callers_waiting_on_a_failed_token_request_share_its_error(
    mode: str, server: EmulatorServer, app: DemoApp
) -> None:
    slow_refusal = Reply(400, body='{"error": "invalid_client"}', delay=0.3)
    server.faults.add(slow_refusal, path="/token")  # the others arrive while it runs
    auth = credentials(server)
    cls = DemoClient if mode == "sync" else AsyncDemoClient
    client = cls(server.url, auth=auth, max_retries=0)
    if mode == "sync":
        with ThreadPoolExecutor(8) as pool:
            futures = [pool.submit(client.items.get, 1) for _ in range(8)]
        outcomes: list[Any] = [f.exception() for f in futures]
    else:
        outcomes = await asyncio.gather(
            *(client.items.get(1) for _ in range(8)), return_exceptions=True
        )
    assert all(isinstance(o, AuthenticationError) for o in outcomes)
    assert server.requests("POST", "/token") == 1
    # after the back-off (0.5 s), the next caller tries again and succeeds
    assert (await resolve(client.items.get(1)))["id"] == 1
    assert app.tokens.issued == 1
    await close(client)


@pytest.mark.parametrize("expires_in", [0, -5, None, "soon", "nan", True])
async def test_a_token_without_a_usable_lifetime_is_cached_a_short_minimum(
    mode: str, server: EmulatorServer, app: DemoApp, expires_in: Any
) -> None:
    app.tokens.extra_fields = lambda token: {"expires_in": expires_in}
    auth = credentials(server)
    cls = DemoClient if mode == "sync" else AsyncDemoClient
    client = cls(server.url, auth=auth)
    for item in range(1, 6):
        await resolve(client.items.get(item))
    assert app.tokens.issued == 1
    assert auth.token is not None and auth.token.lifetime == ASSUMED_LIFETIME
    await close(client)


async def test_the_token_request_uses_the_api_calls_timeout(
    mode: str, server: EmulatorServer
) -> None:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> None:
        seen.append(request)

    async def arecord(request: httpx.Request) -> None:
        seen.append(request)

    cls = DemoClient if mode == "sync" else AsyncDemoClient
    http_client = (
        httpx.Client(event_hooks={"request": [record]})
        if mode == "sync"
        else httpx.AsyncClient(event_hooks={"request": [arecord]})
    )
    client = cls(server.url, auth=credentials(server), http_client=http_client, timeout=7)
    await resolve(client.items.get(1))
    token_request = next(r for r in seen if r.url.path == "/token")
    assert token_request.extensions["timeout"]["read"] == 7
    await close(http_client)
