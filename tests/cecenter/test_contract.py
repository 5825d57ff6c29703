"""Contract: the tutorial's requests replay from a cassette (method, URL, query, scrubbed body,
a bearer token on every API call). Which token each call carries is proven by the emulator,
which accepts only customer tokens on tickets and only client tokens elsewhere."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from servicehub_sdk.cecenter import AsyncCECenterClient, CECenterClient
from servicehub_sdk.testing import find_secrets, scrub_body, scrubbing_vcr
from tests.helpers import collect, resolve

CASSETTES = Path(__file__).with_name("cassettes")
SECRET = "clientSecretPlaceholder-value"
PASSWORD = "secret-password-value"


def body(live: Any, recorded: Any) -> None:
    def normal(request: Any) -> Any:
        text = scrub_body(request.body or b"")
        text = text.decode() if isinstance(text, bytes) else text
        try:
            return json.loads(text or "null")
        except ValueError:
            return sorted((text or "").split("&"))

    assert normal(live) == normal(recorded)
    if not live.uri.endswith("/token"):
        assert live.headers.get("Authorization"), "every tutorial call carries a token"


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_tutorial_replay(mode: str) -> None:
    recorder = scrubbing_vcr(
        CASSETTES, match_on=["method", "scheme", "host", "port", "path", "query", "tutorial"]
    )
    recorder.register_matcher("tutorial", body)
    cls = CECenterClient if mode == "sync" else AsyncCECenterClient
    cec: Any = cls(
        tenant="mytenant", client_id="clientIdPlaceholder", client_secret=SECRET, max_retries=0
    )
    with recorder.use_cassette("tutorial.yaml") as cassette:
        customer = await resolve(cec.customers.signup("testme@yaastest.com", PASSWORD))
        customer_cec = cec.with_customer(email="testme@yaastest.com", password=PASSWORD)
        types = await collect(cec.service_ticket_types.list())
        statuses = await collect(cec.service_ticket_statuses.list())
        created = await resolve(
            customer_cec.service_tickets.create(
                {
                    "type": "SERVICE_REQUEST",
                    "status": "OPEN",
                    "customerId": customer.id,
                    "productId": "5a1c2e",
                    "shortDescription": "My tv does not work",
                    "createdBy": "SYSTEM",
                }
            )
        )
        listed = await collect(customer_cec.service_tickets.list())
        existing = await resolve(customer_cec.service_tickets.get(created.id))
        updated = await resolve(
            customer_cec.service_tickets.update(
                existing.id, {"shortDescription": "My tv remote does not work"}
            )
        )
        assert cassette.all_played
    assert types[0].code == "SERVICE_REQUEST" and statuses[0].code == "OPEN"
    assert created.id == "T0001" and listed[0].id == "T0001"
    assert updated.short_description == "My tv remote does not work"


def test_cassette_holds_no_secret() -> None:
    assert find_secrets([CASSETTES], [SECRET, PASSWORD]) == []
