"""No secret of any client reaches a log line (at DEBUG), a repr, an exception message or a
recorded cassette — through successes and failures."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest

from servicehub_sdk.core import ServiceHubError
from servicehub_sdk.testing import EmulatorServer, Reply
from servicehub_sdk.testing.cassettes import find_secrets, scrubbing_vcr
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
