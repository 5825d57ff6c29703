"""Contract: representative v3 exchanges replay exactly (method, URL, query, form body, key)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from servicehub_sdk.supportcenter import AsyncSupportCenterClient, Criteria, SupportCenterClient
from servicehub_sdk.testing import find_secrets, scrubbing_vcr
from tests.helpers import collect, resolve

CASSETTES = Path(__file__).with_name("cassettes")
KEY = "example-technician-key-1234"


def key_header(live: Any, recorded: Any) -> None:
    assert live.headers.get("authtoken"), "the API key header is missing"
    assert live.headers.get("Accept") == "application/vnd.manageengine.v3+json"


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_representative_exchanges(mode: str) -> None:
    recorder = scrubbing_vcr(
        CASSETTES,
        match_on=["method", "scheme", "host", "port", "path", "query", "scrubbed_body", "key"],
    )
    recorder.register_matcher("key", key_header)
    cls = SupportCenterClient if mode == "sync" else AsyncSupportCenterClient
    scp: Any = cls(base_url="https://scp.example.com:8080", api_key=KEY, max_retries=0)
    with recorder.use_cassette("representative.yaml") as cassette:
        created = await resolve(
            scp.requests.create(
                {
                    "subject": "Printer offline",
                    "description": "Floor 2",
                    "requester": {"name": "Jane Doe"},
                    "priority": "High",
                }
            )
        )
        fetched = await resolve(scp.requests.get(created.id))
        listed = await collect(scp.requests.list(search=Criteria("status.name").is_("Open")))
        closed = await resolve(
            scp.requests.close(
                created.id,
                {
                    "requester_ack_resolution": True,
                    "closure_comments": "Replaced toner",
                    "closure_code": "Success",
                },
            )
        )
        assert cassette.all_played
    await resolve(scp.close())
    assert fetched.requester.email_id == "jane@customer.example"
    assert [r.id for r in listed] == ["101"] and closed.status.name == "Closed"


def test_cassette_holds_no_key() -> None:
    assert find_secrets([CASSETTES], [KEY]) == []
