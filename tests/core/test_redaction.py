"""No secret reaches a log line, a repr or an exception message."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from servicehub_sdk.core import AllOf, APIKeyHeader, OAuth2ClientCredentials, OAuth2PasswordGrant
from servicehub_sdk.core._redaction import REDACTED, redact_headers, redact_url
from servicehub_sdk.testing import EmulatorServer, Reply
from tests.core.demo import AsyncDemoClient, DemoApp, DemoClient
from tests.helpers import close, resolve

SECRETS = ["demo-secret", "wonderland", "K3Y-abcdef-0123"]


async def test_no_secret_in_logs_reprs_or_errors(
    mode: str, server: EmulatorServer, app: DemoApp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="servicehub_sdk")
    password = OAuth2PasswordGrant(
        f"{server.url}/token", "demo-client", "demo-secret", "alice", "wonderland"
    )
    auth = AllOf(APIKeyHeader("api-key", "K3Y-abcdef-0123"), password)
    cls = DemoClient if mode == "sync" else AsyncDemoClient
    client = cls(server.url, auth=auth)
    texts: list[str] = [repr(auth), repr(password), repr(client)]
    await resolve(client.items.get(1))
    assert password.token is not None
    issued = password.token.access_token.get_secret_value()
    texts.append(repr(password.token))
    server.faults.add([Reply(503)] * 3, path="/items/2")
    for item_id in (2, 404_404):
        try:
            await resolve(client.items.get(item_id))
        except Exception as exc:
            texts += [str(exc), repr(exc), repr(getattr(exc, "request", None))]
    texts += [record.getMessage() for record in caplog.records]
    assert any("REDACTED" in t for t in texts)
    blob = "\n".join(texts)
    for secret in [*SECRETS, issued]:
        assert secret not in blob
    await close(client)


def test_redact_headers_is_an_allowlist() -> None:
    headers = {"Content-Type": "application/json", "X-New-Vendor-Key": "s3cret", "authtoken": "t"}
    assert redact_headers(headers) == {
        "Content-Type": "application/json",
        "X-New-Vendor-Key": REDACTED,
        "authtoken": REDACTED,
    }


def test_redact_url() -> None:
    url = "https://user:pw@host/path?api_key=abc&page=2&session=xyz"
    cleaned = redact_url(url)
    assert "abc" not in cleaned
    assert "xyz" not in cleaned
    assert "pw" not in cleaned
    assert "page=2" in cleaned


def test_client_credentials_repr_hides_secret() -> None:
    auth: Any = OAuth2ClientCredentials("https://h/t", "id", "very-secret")
    assert "very-secret" not in repr(auth)
    assert "very-secret" not in str(vars(auth))
