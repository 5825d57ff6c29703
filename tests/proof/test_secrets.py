"""No secret of any client reaches a log line (at DEBUG), a repr, an exception message or a
recorded cassette — through successes and failures."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from servicehub_sdk.core import APIConnectionError, RequestValidationError, ServiceHubError
from servicehub_sdk.supportcenter import SupportCenterClient
from servicehub_sdk.testing import (
    EmulatorServer,
    Reply,
    SupportCenterEmulator,
    find_secrets,
    scrubbing_vcr,
)
from servicehub_sdk.testing._cecenter import TOKEN_PATH as CEC_TOKEN_PATH
from servicehub_sdk.testing._fsm import TOKEN_PATH as FSM_TOKEN_PATH
from servicehub_sdk.testing._ssh import TOKEN_PATH as SSH_TOKEN_PATH
from tests.helpers import close, resolve
from tests.proof.backends import BACKENDS, Backend
from tests.realworld.replay import artefact_files

SECRET_KEYS = ("secret", "password", "api_key", "token")


def _secrets(emulator: Any, config: dict[str, Any]) -> list[str]:
    found = [
        str(v)
        for k, v in config.items()
        if any(s in k for s in SECRET_KEYS) and not k.endswith("_url")
    ]
    tokens = getattr(emulator, "tokens", None)
    if tokens is not None:
        found += list(tokens._tokens)
    found += list(getattr(emulator, "customer_tokens", {}))
    found += list(getattr(emulator, "sessions", {}))
    found += list(getattr(emulator, "secure_hashes", {}).values())
    return [s for s in found if s]


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda b: b.name)
async def test_no_secret_anywhere(
    backend: Backend, mode: str, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    caplog.set_level(logging.DEBUG)
    emulator = backend.make_emulator()
    texts: list[str] = []
    recorder = scrubbing_vcr(tmp_path, record_mode="all")
    with EmulatorServer(emulator) as server, recorder.use_cassette("run.yaml"):
        config = emulator.client_config(server.url)
        client = backend.client(emulator, server.url, mode, max_retries=1)
        texts += [repr(client), repr(client.auth), repr(vars(client.auth)) if client.auth else ""]
        await resolve(backend.read(client, emulator))
        await resolve(backend.listing(client, emulator))
        await resolve(backend.write(client, emulator))
        server.faults.add([Reply(503)] * 4, path=backend.api_path)
        for attempt in (backend.read, backend.write):
            try:
                await resolve(attempt(client, emulator))
            except ServiceHubError as exc:
                texts += [
                    str(exc),
                    repr(exc),
                    repr(getattr(exc, "request", None)),
                    repr(getattr(exc, "body", None)),
                ]
        texts.append(repr(client.auth) if client.auth else "")
        await close(client)
    texts += [
        r.getMessage() for r in caplog.records if r.name.startswith(("servicehub_sdk", "httpx"))
    ]
    secrets = _secrets(emulator, config)
    assert secrets
    blob = "\n".join(texts)
    leaked = [s for s in secrets if s in blob]
    assert not leaked, f"secrets in logs/reprs/errors: {leaked}"
    assert find_secrets([tmp_path], secrets) == []


CREDENTIAL_KEY = re.compile(
    r"token|secret|passw|authori[sz]ation|api[_-]?key|session|hash|cookie", re.IGNORECASE
)
NOT_CREDENTIAL_KEY = re.compile(r"type$|expires", re.IGNORECASE)  # token_type, expires_in
CREDENTIAL_TEXT = re.compile(
    r"eyJ[\w-]{8,}\.eyJ[\w-]{8,}"  # a JWT
    r"|\b(?:Bearer|Basic)\s+(?!REDACTED)[\w+/=.-]{12,}"  # an authorization header value
)


def _placeholder(value: str) -> bool:
    # Recordings keep their own obvious test values ("token", "12345", "<token>").
    return "REDACTED" in value or value.startswith("<") or len(value) <= 8


def credentials_in(value: Any, key: str = "") -> list[str]:
    """Credential-looking values in a recorded artefact: under a credential-named key and not a
    placeholder, or shaped like a JWT or an authorization header anywhere."""
    if isinstance(value, dict):
        return [hit for k, v in value.items() for hit in credentials_in(v, str(k))]
    if isinstance(value, list):
        return [hit for item in value for hit in credentials_in(item, key)]
    if not isinstance(value, str):
        return []
    hits = CREDENTIAL_TEXT.findall(value)
    named = CREDENTIAL_KEY.search(key) and not NOT_CREDENTIAL_KEY.search(key)
    if named and not _placeholder(value):
        hits.append(f"{key}={value}")
    return hits


def test_realworld_fixtures_hold_no_credentials() -> None:
    files = artefact_files()
    assert len(files) >= 30
    found = {}
    for file in files:
        content = file.read_text("utf-8")
        data = json.loads(content) if file.suffix == ".json" else content
        if hits := credentials_in(data):
            found[file.name] = hits
    assert found == {}
    assert credentials_in({"access_token": "9f8e7d6c5b4a39281706f5e4"}) != []
    assert credentials_in({"note": "Authorization: Bearer abcdefghijklmnop123"}) != []


def _with_newlines(config: dict[str, Any]) -> dict[str, Any]:
    """The configuration with every secret as read from a file: a trailing newline."""
    return {
        k: f"{v}\n" if any(s in k for s in SECRET_KEYS) and not k.endswith("_url") else v
        for k, v in config.items()
    }


TOKEN_PATHS = {"ssh": SSH_TOKEN_PATH, "fsm": FSM_TOKEN_PATH, "cecenter": CEC_TOKEN_PATH}
HOSTILE_TOKEN = "eyJ-ISSUED-TOKEN-7c1f\r\nX-Injected: 1"


def _error_texts(exc: BaseException) -> list[str]:
    texts = [str(exc), repr(exc), repr(getattr(exc, "body", None))]
    texts.append(repr(vars(exc)))
    cause: BaseException | None = exc
    while cause is not None:
        texts += [str(cause), repr(cause.args)]
        cause = cause.__cause__ or cause.__context__
    return texts


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda b: b.name)
async def test_secrets_with_newlines_work_and_never_show(
    backend: Backend, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Secrets read from files (trailing newline) are used stripped; a token with CR/LF from
    the identity provider is refused without being repeated in any message or log."""
    caplog.set_level(logging.DEBUG)
    emulator = backend.make_emulator()
    texts: list[str] = []
    with EmulatorServer(emulator) as server:
        config = _with_newlines(emulator.client_config(server.url))
        cls = backend.sync_client if mode == "sync" else backend.async_client
        client = cls(**config, max_retries=0)
        texts += [repr(client), repr(client.auth)]
        await resolve(backend.read(client, emulator))
        await resolve(backend.write(client, emulator))
        await close(client)
        if backend.name in TOKEN_PATHS:
            server.faults.add(
                [
                    Reply(
                        200,
                        {"Content-Type": "application/json"},
                        json.dumps({"access_token": HOSTILE_TOKEN, "expires_in": 3600}),
                    )
                ],
                path=TOKEN_PATHS[backend.name],
            )
            fresh = cls(**config, max_retries=0)
            with pytest.raises(ServiceHubError) as caught:
                await resolve(backend.read(fresh, emulator))
            texts += _error_texts(caught.value)
            await close(fresh)
    texts += [
        r.getMessage() for r in caplog.records if r.name.startswith(("servicehub_sdk", "httpx"))
    ]
    secrets = [s.strip() for s in _secrets(emulator, config)] + ["ISSUED-TOKEN"]
    blob = "\n".join(texts)
    leaked = [s for s in secrets if s in blob]
    assert not leaked, f"secrets in logs/reprs/errors: {leaked}"


class _OwnHeaderAuth(httpx.Auth):
    """A caller's own auth strategy, setting a header after the SDK's checks ran."""

    def __init__(self, value: str) -> None:
        self.value = value

    def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
        request.headers["X-Own-Token"] = self.value
        yield request


@pytest.mark.parametrize("secret_value", ["sk-live-0123456789\n", "sk-live-01234\r\n56789"])
@pytest.mark.parametrize("where", ["extra_headers", "own auth"])
def test_header_errors_never_quote_the_value(secret_value: str, where: str) -> None:
    """A header value HTTP cannot carry is refused before sending (`extra_headers`) or, when a
    caller's own auth sets it, described but never quoted — in the SDK's message and in every
    exception it was raised from (h11 quotes the value)."""
    with EmulatorServer(SupportCenterEmulator(seed=1)) as server:
        if where == "own auth":
            client = SupportCenterClient(
                base_url=server.url, auth=_OwnHeaderAuth(secret_value), max_retries=0
            )
            expected: type[ServiceHubError] = APIConnectionError
            options = {}
        else:
            client = SupportCenterClient(base_url=server.url, api_key="valid-key", max_retries=0)
            expected = RequestValidationError
            options = {"extra_headers": {"X-Forwarded-Token": secret_value}}
        with pytest.raises(expected) as caught:
            client.requests.list(**options).first()
        client.close()
    blob = "\n".join(_error_texts(caught.value))
    assert "sk-live" not in blob
    if where == "own auth":
        assert "not allowed in an HTTP header" in str(caught.value)


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda b: b.name)
def test_cli_output_never_shows_a_secret(
    backend: Backend, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The CLI, configured from the environment with newline-bearing secrets, works; with a
    line break inside a secret it refuses to start, without printing the secret."""
    from typer.testing import CliRunner

    from servicehub_sdk.cli._app import app

    prefix = backend.name.upper()
    command = {
        "ssh": ["ssh", "customers", "list", "--limit", "1"],
        "fsm": ["fsm", "partners", "list", "--limit", "1"],
        "supportcenter": ["supportcenter", "requests", "list", "--limit", "1"],
        "cecenter": ["cecenter", "service-tickets", "list", "--limit", "1"],
        "spicecsm": ["spicecsm", "agents", "list"],
    }[backend.name]
    emulator = backend.make_emulator()
    monkeypatch.setenv("SERVICEHUB_CONFIG", str(tmp_path / "none.toml"))
    with EmulatorServer(emulator) as server:
        config = emulator.client_config(server.url)
        secrets = _secrets(emulator, config)
        for key, value in _with_newlines(config).items():
            monkeypatch.setenv(f"SERVICEHUB_{prefix}_{key.upper()}", str(value))
        works = CliRunner().invoke(app, ["-v", *command])
        assert works.exit_code == 0, works.output
        for key, value in config.items():
            if any(s in key for s in SECRET_KEYS) and not key.endswith("_url"):
                monkeypatch.setenv(f"SERVICEHUB_{prefix}_{key.upper()}", f"{value}\r\nX: 1")
        refused = CliRunner().invoke(app, ["-v", *command])
        assert refused.exit_code != 0
    secrets = [s for s in {*secrets, *_secrets(emulator, config)} if s]
    output = works.output + refused.output
    leaked = [s for s in secrets if s in output]
    assert not leaked, f"secrets in CLI output: {leaked}"
