"""Every place a request is written down knows the client's actual secrets: a custom key
header, a key in the query, a session id, and the values themselves wherever a server echoes
them — cassettes, httpx's own log, SDK errors (message, body, attached request), reprs; and
cassettes written before can be cleaned."""

from __future__ import annotations

import json
import logging
import pickle
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from servicehub_sdk.cli._profiles import Profile
from servicehub_sdk.core import JSONRPCError, NotFoundError
from servicehub_sdk.testing import find_secrets, scrubbing_vcr
from tests.helpers import close, resolve
from tests.proof.mock import ORIGIN, http_client, supportcenter

KEY = "TECHKEY-0123456789abcdef"
SESSION = "sess-9f8e7d6c5b4a"
PASSWORD = "spice-pass-31337"

PRIORITIES = {
    "response_status": [{"status_code": 2000, "status": "success"}],
    "priorities": [{"id": "1", "name": "High"}],
    "list_info": {"has_more_rows": False},
}


def _ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=PRIORITIES)


async def _record(mode: str, tmp_path: Path, **settings: Any) -> str:
    recorder = scrubbing_vcr(tmp_path, record_mode="all")
    with recorder.use_cassette("run.yaml"):
        client = supportcenter(mode, _ok, **settings)
        try:
            await resolve(client.admin.priorities.list().to_list())
        finally:
            await close(client)
    return (tmp_path / "run.yaml").read_text()


async def test_cassette_drops_a_key_sent_in_the_query(mode: str, tmp_path: Path) -> None:
    text = await _record(mode, tmp_path, key_in="query")
    assert KEY not in text
    assert "TECHNICIAN_KEY=REDACTED" in text


async def test_cassette_drops_a_custom_key_header(mode: str, tmp_path: Path) -> None:
    text = await _record(mode, tmp_path, auth_header="X-Technician-Token")
    assert KEY not in text
    assert "x-technician-token" in text.lower()


async def test_httpx_request_log_never_prints_the_key(
    mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="httpx")
    client = supportcenter(mode, _ok, key_in="query")
    try:
        await resolve(client.admin.priorities.list().to_list())
    finally:
        await close(client)
    lines = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    if not lines and tuple(int(p) for p in httpx.__version__.split(".")[:2]) < (0, 24):
        pytest.skip("httpx before 0.24 writes no request log line")
    assert any("HTTP Request: GET" in line for line in lines)
    assert not any(KEY in line for line in lines)


async def test_errors_keep_a_scrubbed_request(mode: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        # The server echoes what it was sent, key included.
        return httpx.Response(
            404, json={"response_status": {"status_code": 4007, "message": f"no {request.url}"}}
        )

    client = supportcenter(mode, handler, key_in="query", max_retries=0)
    try:
        with pytest.raises(NotFoundError) as caught:
            await resolve(client.requests.get("7"))
    finally:
        await close(client)
    error = caught.value
    assert error.request is not None
    texts = [str(error), repr(error), repr(error.request), str(error.request.url)]
    texts += [json.dumps(error.body), repr(error.details), repr(error.response.request.url)]
    texts += [repr(pickle.loads(pickle.dumps(error)).__dict__)]
    assert not [t for t in texts if KEY in t]


def _spice_handler(request: httpx.Request) -> httpx.Response:
    form = parse_qs(request.content.decode())
    call = json.loads(form["request"][0])
    if call["method"] == "connect":
        return httpx.Response(
            200, json={"id": call["id"], "result": {"session": SESSION}, "error": None}
        )
    echoed = ", ".join(map(str, call["params"]))
    return httpx.Response(
        200,
        json={
            "id": call["id"],
            "result": None,
            "error": {"code": 7, "message": f"bad parameters ({echoed})", "data": call["params"]},
        },
    )


async def test_a_server_echoing_the_session_id_does_not_put_it_into_the_error(
    mode: str,
) -> None:
    from servicehub_sdk.spicecsm import AsyncSpiceCSMClient, SpiceCSMClient

    cls = SpiceCSMClient if mode == "sync" else AsyncSpiceCSMClient
    client = cls(
        base_url=ORIGIN,
        username="agent",
        password=PASSWORD,
        max_retries=0,
        http_client=http_client(mode, _spice_handler),
    )
    try:
        with pytest.raises(JSONRPCError) as caught:
            await resolve(client.call("caseLoad", {"caseID": 1}))
    finally:
        await close(client)
    error = caught.value
    texts = [str(error), repr(error), repr(error.data), repr(vars(error))]
    assert "bad parameters" in str(error)
    assert not [t for t in texts if SESSION in t or PASSWORD in t]


def test_profile_repr_shows_no_secret() -> None:
    profile = Profile(
        "default",
        Path("config.toml"),
        {"supportcenter": {"base_url": "https://scp.example.com", "api_key": KEY}},
    )
    assert KEY not in repr(profile)
    assert "scp.example.com" in repr(profile)


def test_cassettes_written_before_are_cleaned(tmp_path: Path) -> None:
    from servicehub_sdk.testing import scrub_cassettes

    cassette = tmp_path / "old.yaml"
    cassette.write_text(
        "interactions:\n"
        "- request:\n"
        "    body: null\n"
        "    headers:\n"
        f"      X-Technician-Token: [{KEY}]\n"
        "    method: GET\n"
        f"    uri: https://scp.example.com/api/v3/requests?TECHNICIAN_KEY={KEY}\n"
        "  response:\n"
        "    body:\n"
        f'      string: \'{{"message": "bad key {KEY}"}}\'\n'
        "    headers: {}\n"
        "    status: {code: 401, message: Unauthorized}\n"
        "version: 1\n"
    )
    assert find_secrets([tmp_path], [KEY])
    assert scrub_cassettes([tmp_path], secrets=[KEY]) == [cassette]
    assert find_secrets([tmp_path], [KEY]) == []
    assert scrub_cassettes([tmp_path], secrets=[KEY]) == []  # nothing left to clean


async def test_a_token_the_client_received_is_removed_from_server_text(mode: str) -> None:
    from servicehub_sdk.core import BadRequestError
    from servicehub_sdk.ssh import AsyncSSHClient, SSHClient

    token = "issued-token-5f4e3d2c1b"

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            return httpx.Response(200, json={"access_token": token, "expires_in": 3600})
        echoed = request.headers["authorization"]
        return httpx.Response(400, json={"message": f"bad request with {echoed}"})

    cls = SSHClient if mode == "sync" else AsyncSSHClient
    client = cls(
        api_key="ssh-api-key-123456",
        client_id="c",
        client_secret="ssh-client-secret-123456",
        base_url=f"{ORIGIN}/graphql",
        token_url=f"{ORIGIN}/token",
        max_retries=0,
        http_client=http_client(mode, handler),
    )
    try:
        with pytest.raises(BadRequestError) as caught:
            await resolve(client.request("POST", "", json={"query": "{ x }"}))
    finally:
        await close(client)
    error = caught.value
    assert "bad request with Bearer REDACTED" in str(error)
    assert token not in repr(vars(error)) + json.dumps(error.body)
