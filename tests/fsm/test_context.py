"""Where FSM requests go and what they name: token, configured cluster, Directory API, and the
check that keeps the token and secure hash on SAP's FSM hosts. Sync and async."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from servicehub_sdk.core import AuthenticationError, ConfigurationError
from servicehub_sdk.testing import EmulatorServer, FSMEmulator
from servicehub_sdk.testing._fsm import (
    ACCOUNT_ID,
    CLIENT_ID,
    CLIENT_SECRET,
    COMPANIES,
    DIRECTORY_PATH,
    PREFIX,
    TOKEN_PATH,
)
from tests.fsm.conftest import client_class
from tests.helpers import close, collect, resolve

TOKEN_URL = "https://auth.coresuite.com/api/oauth2/v1/token"
CREDENTIALS = {"client_id": "c", "client_secret": "s", "username": "acme/admin", "password": "p"}


class FakeFSM:
    """A transport answering the token request with `cluster_url` and every other request
    with an empty partner page; it records where each request went."""

    def __init__(self, cluster_url: str | None, directory_url: str | None = None) -> None:
        self.cluster_url = cluster_url
        self.directory_url = directory_url
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        if request.url.path == TOKEN_PATH:
            token: dict[str, Any] = {
                "access_token": "t",
                "token_type": "bearer",
                "expires_in": 3600,
                "account": "acme",
                "account_id": 7,
                "companies": [{"id": 8, "name": "Acme"}],
            }
            if self.cluster_url is not None:
                token["cluster_url"] = self.cluster_url
            return httpx.Response(200, json=token)
        if request.url.path.startswith(DIRECTORY_PATH):
            return httpx.Response(
                200, json={"accountName": "acme", "clusterName": "x", "URL": self.directory_url}
            )
        return httpx.Response(200, json={"results": [], "last": True})

    def hosts(self) -> list[str]:
        return [r.url.host for r in self.seen]

    def http(self, mode: str) -> Any:
        transport: Any = httpx.MockTransport(self)
        return (
            httpx.Client(transport=transport)
            if mode == "sync"
            else httpx.AsyncClient(transport=transport)
        )


async def listed(mode: str, fake: FakeFSM, **config: Any) -> Any:
    fsm = client_class(mode)(**{**CREDENTIALS, **config}, http_client=fake.http(mode))
    try:
        await collect(fsm.partners.list())
    finally:
        await close(fsm)
    return fsm


async def test_the_token_cluster_beats_the_configured_one(mode: str) -> None:
    fake = FakeFSM("https://de.coresuite.com")
    fsm = await listed(mode, fake, cluster="eu")
    assert fake.hosts() == ["auth.coresuite.com", "de.coresuite.com"]
    assert (
        fsm.context.service_url
        == "https://de.coresuite.com/cloud-crowd-service/api/crowd-partner/v1/"
    )


async def test_the_configured_cluster_serves_when_the_token_names_none(mode: str) -> None:
    fake = FakeFSM(None)
    await listed(mode, fake, cluster="us")
    assert fake.hosts() == ["auth.coresuite.com", "us.coresuite.com"]


async def test_base_url_beats_the_token(mode: str) -> None:
    fake = FakeFSM("https://de.coresuite.com")
    await listed(mode, fake, base_url="https://proxy.internal.example/crowd/")
    assert fake.hosts() == ["auth.coresuite.com", "proxy.internal.example"]
    assert fake.seen[-1].url.path == "/crowd/partners"


async def test_the_directory_names_the_cluster_when_the_token_does_not(mode: str) -> None:
    fake = FakeFSM(None, directory_url="https://au.fsm.cloud.sap")
    await listed(mode, fake)
    directory = fake.seen[1]
    assert str(directory.url) == "https://ds.coresuite.com/ds/api/directory/v1/accounts/acme"
    assert "Authorization" not in directory.headers  # the token goes nowhere but the cluster
    assert fake.hosts()[-1] == "au.fsm.cloud.sap"


@pytest.mark.parametrize(
    ("cluster_url", "why"),
    [
        ("http://eu.coresuite.com", "must use https"),
        ("https://attacker.example", "not under an SAP FSM domain"),
        ("https://eu.coresuite.com.attacker.example", "not under an SAP FSM domain"),
        ("https://coresuite.com@attacker.example", "names no plain host"),
        ("https://user:pw@eu.coresuite.com", "names no plain host"),
    ],
)
async def test_an_untrusted_token_cluster_gets_no_credentials(
    mode: str, cluster_url: str, why: str
) -> None:
    fake = FakeFSM(cluster_url)
    with pytest.raises(AuthenticationError, match=why) as caught:
        await listed(mode, fake)
    assert "cluster_url" in str(caught.value)
    assert fake.hosts() == ["auth.coresuite.com"]


async def test_an_untrusted_directory_answer_gets_no_credentials(mode: str) -> None:
    fake = FakeFSM(None, directory_url="http://eu.coresuite.com")
    with pytest.raises(AuthenticationError, match="Directory API"):
        await listed(mode, fake)
    assert fake.hosts() == ["auth.coresuite.com", "ds.coresuite.com"]


@pytest.mark.parametrize(
    "cluster_url",
    ["https://eu.coresuite.net", "https://us.coresystems.net", "https://eu.fsm.cloud.sap:443"],
)
async def test_fsm_domains_are_trusted(mode: str, cluster_url: str) -> None:
    fake = FakeFSM(cluster_url)
    await listed(mode, fake)
    assert fake.hosts()[-1] == httpx.URL(cluster_url).host


async def test_an_allowed_host_is_trusted_over_https_only(mode: str) -> None:
    fake = FakeFSM("https://fsm-gateway.corp.example")
    await listed(mode, fake, allowed_cluster_hosts=["fsm-gateway.corp.example"])
    assert fake.hosts()[-1] == "fsm-gateway.corp.example"
    plain = FakeFSM("http://fsm-gateway.corp.example")
    with pytest.raises(AuthenticationError, match="https"):
        await listed(mode, plain, allowed_cluster_hosts="fsm-gateway.corp.example")


async def test_the_sandbox_directory_resolves_the_cluster(
    mode: str, config: dict[str, Any], emulator: FSMEmulator, server: EmulatorServer
) -> None:
    emulator.token_names_cluster = False
    fsm = client_class(mode)(**config)
    assert len(await collect(fsm.partners.list(size=60))) == 120
    assert server.requests("GET", DIRECTORY_PATH + "accounts/sandbox") == 1
    assert fsm.context.service_url == server.url + PREFIX
    await close(fsm)


async def test_client_credentials_find_the_cluster_in_the_directory(
    mode: str, config: dict[str, Any], server: EmulatorServer
) -> None:
    fsm = client_class(mode)(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        grant_type="client_credentials",
        token_url=config["token_url"],
        directory_url=config["directory_url"],
        allowed_cluster_hosts=config["allowed_cluster_hosts"],
        account_id=ACCOUNT_ID,
        account_name="sandbox",
        company_id=COMPANIES[0]["id"],
        company_name=COMPANIES[0]["name"],
    )
    created = await resolve(fsm.secure_hash.create())
    assert created.company_id == str(COMPANIES[0]["id"])
    assert server.requests("GET", DIRECTORY_PATH + "accounts/sandbox") == 1
    await close(fsm)


async def test_without_cluster_or_account_name_the_error_says_what_to_configure(
    mode: str,
) -> None:
    fsm = client_class(mode)(auth=httpx.BasicAuth("u", "p"), account_id=1, company_id=2)
    with pytest.raises(ConfigurationError, match="account_name"):
        await resolve(fsm.resolve_context())
    await close(fsm)


async def test_context_is_resolved_before_requests_are_built(
    mode: str, config: dict[str, Any]
) -> None:
    fsm = client_class(mode)(**config)
    assert fsm.context is None
    context = await resolve(fsm.resolve_context())
    assert context.headers() == {
        "X-Account-ID": "284",
        "X-Account-Name": "sandbox",
        "X-Company-ID": "957",
        "X-Company-Name": "SandboxDemoDE",
    }
    # A listing described now carries the real URL and headers, no placeholders.
    pager = fsm.partners.list(size=5)
    first = pager._first
    assert first.url == context.url("partners")
    assert first.headers["X-Account-ID"] == "284"
    await close(fsm)


def test_the_emulator_directory_answers_like_sap(
    server: EmulatorServer, emulator: FSMEmulator
) -> None:
    emulator.cluster_url = server.url
    answer = httpx.get(server.url + DIRECTORY_PATH + "accounts/sandbox")
    assert json.loads(answer.content) == {
        "accountName": "sandbox",
        "clusterName": "sandbox",
        "URL": server.url,
    }
    assert httpx.get(server.url + DIRECTORY_PATH + "accounts/other").status_code == 404
