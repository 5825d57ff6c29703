"""SupportCenter Plus against recorded ServiceDesk Plus v3 answers and other v3 clients' shapes."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from servicehub_sdk.core import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PermissionDeniedError,
    ServiceHubError,
)
from servicehub_sdk.supportcenter import AsyncSupportCenterClient, SupportCenterClient
from tests.helpers import resolve
from tests.realworld.replay import Replay, answer, client_on, kept, load

BACKEND = "supportcenter"
KEY = "REDACTED-TECHNICIAN-KEY"


@pytest.fixture
def replay() -> Replay:
    return Replay({})


@pytest.fixture
async def scp(mode: str, replay: Replay) -> AsyncIterator[Any]:
    classes = (SupportCenterClient, AsyncSupportCenterClient)
    config = {"base_url": "https://sdp.example.com", "api_key": KEY}
    async with client_on(replay, mode, classes, **config) as client:
        yield client


def served(replay: Replay, route: str, *names: str) -> None:
    replay.serve(route, BACKEND, *names)


def input_data(request: httpx.Request) -> Any:
    """The decoded `input_data`, wherever the request carries it (form field or query)."""
    fields = parse_qs(request.content.decode("utf-8"))
    raw = fields.get("input_data", [None])[0] or request.url.params.get("input_data")
    assert raw is not None, f"no input_data in {request.method} {request.url}"
    return json.loads(raw)


async def test_created_request_is_read_with_its_extras(scp: Any, replay: Replay) -> None:
    served(replay, "POST /api/v3/requests", "request_create")
    created = await resolve(scp.requests.create({"subject": "Create request test"}))
    assert created.id == "123456789"
    assert created.status.name == "On Hold" and created.category is None
    assert created.created_time.display_value == "Jun 24, 2020 03:05 PM"
    assert kept(created)["display_id"] == "102"
    assert kept(created)["last_updated_time"]["display_value"] == "Jun 24, 2020 03:05 PM"
    [sent] = replay.sent("POST /api/v3/requests")
    assert sent.headers["authtoken"] == KEY
    assert input_data(sent) == {"request": {"subject": "Create request test"}}


async def test_fetched_request_keeps_long_digit_ids(scp: Any, replay: Replay) -> None:
    served(replay, "GET /api/v3/requests/123640000000240013", "request_get")
    request = await resolve(scp.requests.get("123640000000240013"))
    assert request.id == "123640000000240013"
    assert request.requester.id == "123640000000244019" and request.requester.email_id is None
    assert kept(request)["created_by"]["is_technician"] is True


async def test_list_pages_until_has_more_rows_is_false(scp: Any, replay: Replay) -> None:
    served(replay, "GET /api/v3/requests", "requests_list", "requests_fetch")
    pages = [page async for page in _pages(scp.requests.list())]
    ids = [r.id for page in pages for r in page.items]
    assert ids == [
        "123640000000215007",
        "123640000000216003",
        "123640000000217001",
        "1234",
        "5678",
        "0912",
    ]
    assert len(replay.sent("GET /api/v3/requests")) == 2
    assert "cost_per_hour" in kept(pages[0].items[0].technician)


async def _pages(pager: Any) -> AsyncIterator[Any]:
    if hasattr(pager, "__aiter__"):
        async for page in pager.pages():
            yield page
    else:
        for page in pager.pages():
            yield page


@pytest.mark.parametrize(
    ("name", "content"),
    [("resolution", "changing resolution from demisto"), ("resolution_empty", None)],
)
async def test_resolution_answers(scp: Any, replay: Replay, name: str, content: str | None) -> None:
    served(replay, "/resolutions", name)
    resolution = await resolve(scp.requests.resolution("123640000000240013").get())
    assert resolution.content == content
    if content is None:
        assert resolution.submitted_by is None and resolution.submitted_on is None
    else:
        assert resolution.submitted_on.display_value == "Jun 9, 2020 05:32 PM"


async def test_success_envelope_without_entity(scp: Any, replay: Replay) -> None:
    served(replay, "/link_requests", "link_request")
    response = await resolve(scp.request("POST", "requests/123640000000240013/link_requests"))
    assert response.json()["response_status"]["messages"][0]["status_code"] == 2000


ERRORS = [
    pytest.param("error_4022_invalid_key", AuthenticationError, 4022),
    pytest.param("error_4002_forbidden", PermissionDeniedError, 4002),
    pytest.param("error_4007_not_found", NotFoundError, 4007),
    pytest.param("error_4012_fields", BadRequestError, 4012),
    pytest.param("error_4012_inside_4000", BadRequestError, 4012),
]


@pytest.mark.parametrize(("name", "error", "code"), ERRORS)
async def test_error_answers_map_by_http_status(
    scp: Any, replay: Replay, name: str, error: type[APIStatusError], code: int
) -> None:
    served(replay, "/api/v3/requests", name)
    with pytest.raises(error) as raised:
        await resolve(scp.requests.get("123640000000240013"))
    assert raised.type is error
    assert raised.value.status_code == load(BACKEND, name).first.response["status"]
    assert int(raised.value.code) == code


@pytest.mark.parametrize(
    ("name", "error"),
    [
        pytest.param("error_4022_invalid_key", AuthenticationError),
        pytest.param("error_4002_forbidden", PermissionDeniedError),
        pytest.param("error_4007_not_found", NotFoundError),
    ],
)
async def test_codes_inside_http_200_decide(
    scp: Any, replay: Replay, name: str, error: type[APIStatusError]
) -> None:
    replay.routes["/api/v3/requests"] = answer(200, body=load(BACKEND, name).body)
    with pytest.raises(error):
        await resolve(scp.requests.get("123640000000240013"))


@pytest.mark.parametrize("name", ["error_4012_fields", "error_4012_inside_4000"])
async def test_mandatory_field_failure_names_the_fields(
    scp: Any, replay: Replay, name: str
) -> None:
    served(replay, "/api/v3/requests", name)
    fields = load(BACKEND, name).body["response_status"]["messages"][0]["fields"]
    with pytest.raises(BadRequestError) as raised:
        await resolve(scp.requests.create({"subject": "Spindle noise"}))
    assert all(field in str(raised.value) for field in fields)
    assert raised.value.may_have_been_applied is False


async def test_note_is_sent_as_request_note(mode: str, replay: Replay) -> None:
    """ServiceDesk-Plus-family servers take notes under `request_note` (`note_key=`); the
    default stays the document's `note`."""
    served(replay, "/notes", "note_add")
    sent_shape = load(BACKEND, "note_add").first.request["input_data"]
    classes = (SupportCenterClient, AsyncSupportCenterClient)
    config = {"base_url": "https://sdp.example.com", "api_key": KEY, "note_key": "request_note"}
    async with client_on(replay, mode, classes, **config) as scp:
        with contextlib.suppress(ServiceHubError):  # the answer is checked on its own below
            await resolve(scp.requests.notes("42").create({"description": "<note text>"}))
    [sent] = replay.sent("POST /api/v3/requests/42/notes")
    assert set(input_data(sent)) == set(sent_shape) == {"request_note"}


async def test_note_answer_under_request_note_is_read(scp: Any, replay: Replay) -> None:
    served(replay, "/notes", "note_add")
    note = await resolve(scp.requests.notes("42").create({"description": "<note text>"}))
    assert note.id == "MOCK-NOTE-1700000000000"
    assert note.show_to_requester is True
