"""The harness itself: server, faults, token endpoint, sandbox registry, cassettes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from servicehub_sdk import unregister_backend
from servicehub_sdk.testing import (
    BackendEmulator,
    Delay,
    Drop,
    EmulatedRequest,
    EmulatedResponse,
    EmulatorServer,
    EmulatorTransport,
    FakeClock,
    Malformed,
    Reply,
    Sandbox,
    TokenEndpoint,
    find_secrets,
    register_emulator,
    scrub_body,
    scrubbing_vcr,
)
from tests.core.demo import DemoApp
from tests.helpers import close, resolve


def echo(request: EmulatedRequest) -> EmulatedResponse:
    return EmulatedResponse.json(
        {"method": request.method, "path": request.path, "body": request.body.decode()}
    )


def test_server_serves_and_counts() -> None:
    with EmulatorServer(echo) as server:
        response = httpx.post(f"{server.url}/a?x=1", content=b"hi")
        assert response.json() == {"method": "POST", "path": "/a", "body": "hi"}
        assert server.requests("POST", "/a") == 1


def test_random_faults_are_seeded_and_bounded() -> None:
    with EmulatorServer(echo) as server:
        rule = server.faults.random(0.5, [Reply(503)], seed=3, limit=4)
        statuses = [httpx.get(f"{server.url}/x").status_code for _ in range(40)]
        assert statuses.count(503) == 4 == rule.injected


def test_emulator_exception_is_a_500() -> None:
    def broken(request: EmulatedRequest) -> EmulatedResponse:
        raise RuntimeError("bug")

    with EmulatorServer(broken) as server:
        assert httpx.get(server.url).status_code == 500


def test_token_endpoint_grants() -> None:
    endpoint = TokenEndpoint(clients={"c": "s"}, users={"u": "p"}, lifetime=60)
    with EmulatorServer(endpoint) as server:
        ok = httpx.post(
            server.url,
            data={"grant_type": "client_credentials", "client_id": "c", "client_secret": "s"},
        )
        assert ok.status_code == 200
        assert ok.json()["expires_in"] == 60
        basic = httpx.post(
            server.url,
            data={"grant_type": "password", "username": "u", "password": "p"},
            auth=("c", "s"),
        )
        assert basic.status_code == 200
        bad = httpx.post(
            server.url,
            data={"grant_type": "password", "username": "u", "password": "x"},
            auth=("c", "s"),
        )
        assert bad.status_code == 400
        assert bad.json()["error"] == "invalid_grant"
        assert endpoint.issued == 2


def test_sandbox_registry_config_and_clients() -> None:
    register_emulator(
        "echotest",
        lambda seed: BackendEmulator("echotest", echo, lambda url: {"base_url": url}),
        client_module="tests.core.demo",
        sync_client="DemoClient",
        async_client="AsyncDemoClient",
    )
    try:
        with Sandbox(["echotest"]) as sandbox:
            assert sandbox.config("echotest") == {"base_url": sandbox.url("echotest")}
            client = sandbox.client("echotest", auth=None)
            assert client.request("GET", "hello").json()["path"] == "/hello"
            assert sandbox.server("echotest").requests() == 1
    finally:
        unregister_backend("echotest")
    with pytest.raises(ValueError, match="unknown sandbox backend"):
        Sandbox(["nope"])


def test_scrub_body_forms_json_and_nested_json() -> None:
    form = scrub_body(b"grant_type=password&username=u&password=p4ss&client_secret=s3c")
    assert form is not None
    assert b"p4ss" not in form
    assert b"s3c" not in form
    assert b"username=u" in form
    body = scrub_body('{"access_token": "t0k3n-value", "expires_in": 5}')
    assert body is not None
    assert "t0k3n-value" not in body
    assert "expires_in" in body
    nested = scrub_body('request={"method":"connect","params":["u","pw"],"session":"abc"}')
    assert nested is not None
    assert "abc" not in nested


def test_scrubbing_vcr_records_nothing_secret(tmp_path: Path) -> None:
    endpoint = TokenEndpoint(clients={"cid": "top-secret-value"})
    recorder = scrubbing_vcr(tmp_path, record_mode="all")
    with EmulatorServer(endpoint) as server, recorder.use_cassette("token.yaml"):
        response = httpx.post(
            server.url,
            data={
                "grant_type": "client_credentials",
                "client_id": "cid",
                "client_secret": "top-secret-value",
            },
            headers={"Authorization": "Bearer should-not-appear"},
        )
        token = response.json()["access_token"]
    assert find_secrets([tmp_path], ["top-secret-value", token, "should-not-appear"]) == []
    assert "REDACTED" in (tmp_path / "token.yaml").read_text()
    json.dumps({})  # keeps the import used for readability of the fixture above


# -- EmulatorTransport and FakeClock -------------------------------------------------------


async def test_the_in_process_transport_fails_as_the_loopback_server_does(mode: str) -> None:
    app = DemoApp()
    app.public = True
    with FakeClock() as clock:
        served = EmulatorTransport(app)
    served.faults.add(
        [Drop(), Reply(503, body="busy"), Malformed(), Delay(5.0), Delay(50.0)], path="/items"
    )
    http: Any = served.client() if mode == "sync" else served.async_client()
    url = f"{served.url}/items/3"
    with pytest.raises(httpx.RemoteProtocolError):
        await resolve(http.get(url))
    busy = await resolve(http.get(url))
    assert (busy.status_code, busy.text) == (503, "busy")
    assert (await resolve(http.get(url))).text == '{"data": {"trunc'
    assert (await resolve(http.get(url, timeout=10))).json()["id"] == 3  # 5 s: in time
    with pytest.raises(httpx.ReadTimeout):
        await resolve(http.post(f"{served.url}/items", json={"name": "late"}, timeout=10))
    assert clock.sleeps == [5.0, 10.0]  # waited on the fake clock, up to the read timeout
    assert app.created == 1  # the late answer was still handled, as by a real server
    assert served.requests("GET", "/items/3") == 4
    assert (await resolve(http.get(f"{served.url}/items/a%2Fb"))).status_code == 500
    assert served.requests("GET", "/items/a%2Fb") == 1  # the path as sent, still encoded
    await close(http)


def test_a_loopback_server_and_its_transport_share_faults_and_counts() -> None:
    app = DemoApp()
    app.public = True
    with EmulatorServer(app) as server:
        served = server.transport()
        server.faults.add(Reply(502), path="/items/1")
        with served.client() as http:
            assert http.get(f"{served.url}/items/1").status_code == 502
        assert httpx.get(f"{server.url}/items/1").status_code == 200
        assert server.requests("GET", "/items/1") == served.requests() == 2
