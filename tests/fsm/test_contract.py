"""Contract: requests match the examples of SAP's Crowd Partner document (replayed cassette).

Bodies are compared as JSON; `zipCode` is compared as text because the SDK sends postal codes
as strings (the document types them Integer, but codes like `01067` need text).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from servicehub_sdk.fsm import AsyncFSMClient, FSMClient
from servicehub_sdk.testing import find_secrets, scrub_body, scrubbing_vcr
from tests.fsm.make_cassette import BODY, PARTNER_ID
from tests.helpers import collect, resolve

CASSETTES = Path(__file__).with_name("cassettes")
CREDENTIALS = {
    "client_id": "test",
    "client_secret": "secret",
    "username": "cym/manager",
    "password": "passwordExample123",
}
CONTEXT_HEADERS = (
    "X-Account-ID",
    "X-Account-Name",
    "X-Company-ID",
    "X-Company-Name",
    "X-Client-ID",
    "X-Client-Version",
)


def _normalise(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: (str(v) if k == "zipCode" and v is not None else _normalise(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    return value


def documented(live: Any, recorded: Any) -> None:
    recorded_body = (
        recorded.body.decode() if isinstance(recorded.body, bytes) else (recorded.body or "")
    )
    if recorded_body.lstrip().startswith("{"):
        try:
            live_json = json.loads(live.body)
        except (TypeError, ValueError):
            raise AssertionError("the live body is not JSON") from None
        assert _normalise(live_json) == _normalise(json.loads(recorded_body))
    else:
        assert scrub_body(live.body or b"") == scrub_body(recorded.body or b"")
    if "/crowd-partner/" in live.uri:
        for name in CONTEXT_HEADERS:
            assert live.headers.get(name), f"{name} missing"
        if live.uri.endswith("/dispatch/accept"):
            assert live.headers.get("X-Secure-Hash")
    else:
        assert live.headers["Authorization"].startswith("Basic ")


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_documented_examples_replay(mode: str) -> None:
    recorder = scrubbing_vcr(
        CASSETTES, match_on=["method", "scheme", "host", "port", "path", "query", "documented"]
    )
    recorder.register_matcher("documented", documented)
    cls = FSMClient if mode == "sync" else AsyncFSMClient
    fsm: Any = cls(**CREDENTIALS, max_retries=0)
    with recorder.use_cassette("documented_examples.yaml") as cassette:
        secure = await resolve(fsm.secure_hash.create())
        await resolve(fsm.secure_hash.get())
        partners = (
            await resolve(fsm.partners.list().to_list())
            if mode == "async"
            else fsm.partners.list().to_list()
        )
        addresses = await collect(fsm.partners.addresses(PARTNER_ID).list())
        contacts = await collect(fsm.partners.contacts(PARTNER_ID).list())
        areas = await collect(fsm.partners.service_areas(PARTNER_ID).list())
        created = await resolve(fsm.partners.create(BODY))
        updated = await resolve(fsm.partners.replace(PARTNER_ID, BODY))
        assert cassette.all_played
    await resolve(fsm.close())
    assert fsm.context.service_url == (
        "https://et.dev.coresuite.com/cloud-crowd-service/api/crowd-partner/v1/"
    )
    assert fsm.context.account_id == "284" and fsm.context.company_name == "SBODemoCH"
    assert secure.company_id == "957"
    assert partners[0].name == "Coresystems Partner Solutions"
    assert addresses[0].zip_code == "81667" and contacts[0].role == "PARTNER_ADMIN"
    assert areas[0].radius.value == 15.5
    assert created.id == PARTNER_ID and updated.service_areas[0].google_place_id


def test_cassette_holds_no_secret() -> None:
    assert find_secrets([CASSETTES], ["passwordExample123", "dGVzdDpzZWNyZXQ="]) == []
