"""What real v3 servers send beyond the document, sync and async: error classes from the HTTP
status, 4012 missing fields, `request_note` answers, long digit-string ids, `{value,
display_value}` times, `null` lookups, extra fields; resolution edit; the key in the query.

Answer shapes follow the public recordings of ServiceDesk Plus v3 answers in the Cortex XSOAR
ServiceDeskPlus integration (`Packs/ServiceDeskPlus/Integrations/ServiceDeskPlus/test_data/
response_constants.py` in demisto/content).
"""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest

from servicehub_sdk.core import (
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    NotFoundError,
    PermissionDeniedError,
    RequestValidationError,
    UnprocessableError,
)
from servicehub_sdk.supportcenter import Time, missing_fields
from servicehub_sdk.testing import EmulatorServer, Reply, SupportCenterEmulator
from servicehub_sdk.testing._supportcenter import API_KEY
from tests.helpers import close, collect, resolve
from tests.supportcenter.conftest import client_class

RECORDED_REQUEST = {
    "request": {
        "subject": "Create request test",
        "resolution": None,
        "mode": {"name": "E-Mail", "id": "123640000000006665"},
        "id": "123640000000240013",
        "group": {"site": None, "deleted": False, "name": "Network", "id": "123640000000006681"},
        "requester": {
            "email_id": None,
            "is_technician": False,
            "name": "First Last",
            "id": "123640000000244019",
            "department": None,
        },
        "created_time": {"display_value": "Jun 24, 2020 03:05 PM", "value": "1593000300533"},
        "last_updated_time": {"display_value": "Jun 24, 2020 03:05 PM", "value": "1593000300679"},
        "priority": {"color": "#ff0000", "name": "High", "id": "123640000000006805"},
        "status": {"in_progress": True, "internal_name": "Onhold", "name": "On Hold"},
        "display_id": "102",
        "udf_fields": {},
        "technician": None,
        "site": None,
        "category": None,
        "due_by_time": None,
    },
    "response_status": {"status_code": 2000, "status": "success"},
}


def _json(status: int, body: Any) -> Reply:
    return Reply(status, headers={"Content-Type": "application/json"}, body=json.dumps(body))


async def test_http_401_with_4022_is_an_authentication_error(
    mode: str, config: dict[str, Any]
) -> None:
    scp = client_class(mode)(**{**config, "api_key": "wrong"})
    with pytest.raises(AuthenticationError) as caught:
        await resolve(scp.requests.get(1))
    assert caught.value.status_code == 401 and caught.value.code == 4022
    assert "Invalid API Key" in str(caught.value)
    await close(scp)


async def test_http_403_with_4002_is_permission_denied(
    scp: Any, emulator: SupportCenterEmulator, new_request: Any
) -> None:
    emulator.locked_fields = {"priority"}
    with pytest.raises(PermissionDeniedError) as caught:
        await resolve(scp.requests.update(new_request.id, {"priority": "Low"}))
    assert caught.value.status_code == 403 and caught.value.code == 4002
    assert "priority: Cannot give value for priority" in str(caught.value)


async def test_http_404_with_4007_is_not_found(scp: Any) -> None:
    with pytest.raises(NotFoundError) as caught:
        await resolve(scp.requests.get("123640000000999999"))
    assert caught.value.status_code == 404 and caught.value.code == 4007


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        (401, 4022, AuthenticationError),
        (403, 4002, PermissionDeniedError),
        (404, 4007, NotFoundError),
        (400, 4007, BadRequestError),  # the status line decides, whatever the code says
    ],
)
async def test_http_status_decides_over_the_body_code(
    scp: Any, server: EmulatorServer, status: int, code: int, error: type[Exception]
) -> None:
    body = {
        "response_status": {
            "status_code": code,
            "status": "failed",
            "messages": [{"type": "failed", "message": "refused"}],
        }
    }
    server.faults.add(_json(status, body))
    with pytest.raises(error) as caught:
        await resolve(scp.requests.get(1, max_retries=0))
    assert type(caught.value) is error
    assert getattr(caught.value, "code", None) == code


async def test_4012_inside_a_generic_4000_envelope_names_the_fields(
    scp: Any, server: EmulatorServer
) -> None:
    body = {
        "response_status": {
            "status_code": 4000,
            "status": "failed",
            "messages": [
                {"status_code": 4012, "type": "failed", "fields": ["subcategory", "requester"]}
            ],
        }
    }
    server.faults.add(_json(200, body))
    with pytest.raises(UnprocessableError) as caught:
        await resolve(scp.requests.create({"subject": "x"}, max_retries=0))
    assert caught.value.code == 4012
    assert "subcategory, requester" in str(caught.value)
    assert missing_fields(caught.value) == ["subcategory", "requester"]


async def test_emulator_names_missing_fields(scp: Any, new_request: Any) -> None:
    with pytest.raises(BadRequestError) as caught:
        await resolve(
            scp.request(
                "POST",
                f"requests/{new_request.id}/worklogs",
                data={"input_data": '{"worklog": {"description": "x"}}'},
            )
        )
    assert caught.value.code == 4012 and missing_fields(caught.value) == ["owner", "time_spent"]


async def test_notes_answered_as_request_note(mode: str) -> None:
    emulator = SupportCenterEmulator(seed=5, note_key="request_note")
    with EmulatorServer(emulator) as server:
        scp = client_class(mode)(**emulator.client_config(server.url))
        created = await resolve(scp.requests.create({"subject": "Spindle noise"}))
        notes = scp.requests.notes(created.id)
        note = await resolve(notes.create({"description": "Checked on site"}))
        assert note.description == "Checked on site" and note.id
        assert (await resolve(notes.get(note.id))).description == "Checked on site"
        changed = await resolve(notes.update(note.id, {"description": "Checked twice"}))
        assert changed.description == "Checked twice"
        assert [n.id for n in await collect(notes.list())] == [note.id]
        await close(scp)


async def test_notes_sent_as_request_note(mode: str) -> None:
    emulator = SupportCenterEmulator(seed=5, note_key="request_note")
    sent: list[httpx.Request] = []

    async def arecord(request: httpx.Request) -> None:
        sent.append(request)

    http: Any = (
        httpx.Client(event_hooks={"request": [sent.append]})
        if mode == "sync"
        else httpx.AsyncClient(event_hooks={"request": [arecord]})
    )
    with EmulatorServer(emulator) as server:
        config = emulator.client_config(server.url)
        scp = client_class(mode)(**config, note_key="request_note", http_client=http)
        created = await resolve(scp.requests.create({"subject": "Spindle noise"}))
        note = await resolve(scp.requests.notes(created.id).create({"description": "On site"}))
        assert note.description == "On site"
        body = json.loads(httpx.QueryParams(sent[-1].content.decode())["input_data"])
        assert set(body) == {"request_note"}
        await close(scp)
    await close(http)
    with pytest.raises(ConfigurationError):
        client_class(mode)(base_url="https://h", api_key="k", note_key="memo")


async def test_recorded_request_reads_whole(scp: Any, server: EmulatorServer) -> None:
    server.faults.add(_json(200, RECORDED_REQUEST))
    request = await resolve(scp.requests.get("123640000000240013"))
    assert request.id == "123640000000240013"
    assert request.requester.id == "123640000000244019" and request.requester.department is None
    assert isinstance(request.created_time, Time)
    assert int(request.created_time.value.timestamp() * 1000) == 1593000300533
    assert request.created_time.display_value == "Jun 24, 2020 03:05 PM"
    assert request.technician is None and request.category is None
    assert request.model_extra["display_id"] == "102"
    assert request.model_extra["last_updated_time"]["value"] == "1593000300679"
    assert request.priority.model_extra["color"] == "#ff0000"


async def test_emulator_serves_realistic_requests(scp: Any) -> None:
    created = await resolve(scp.requests.create({"subject": "Laser power low"}))
    assert created.id.isdigit() and len(created.id) >= 15
    assert created.model_extra["display_id"]
    assert "last_updated_time" in created.model_extra
    assert created.technician is None


async def test_resolution_edit(scp: Any, new_request: Any, server: EmulatorServer) -> None:
    resolution = scp.requests.resolution(new_request.id)
    with pytest.raises(NotFoundError):
        await resolve(resolution.update("nothing to edit yet"))
    await resolve(resolution.create("Replaced the bearing"))
    edited = await resolve(resolution.update("Replaced the bearing and the seal"))
    assert edited.content == "Replaced the bearing and the seal"
    assert (await resolve(resolution.get())).content == "Replaced the bearing and the seal"
    assert server.requests("PUT", f"/api/v3/requests/{new_request.id}/resolutions") == 2


async def test_key_in_query(
    mode: str, config: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[httpx.Request] = []
    http: Any = (
        httpx.Client(event_hooks={"request": [seen.append]})
        if mode == "sync"
        else httpx.AsyncClient(event_hooks={"request": [_async(seen)]})
    )
    scp = client_class(mode)(**config, key_in="query", http_client=http)
    assert len(await collect(scp.admin.levels.list())) == 3
    assert seen[-1].url.params["TECHNICIAN_KEY"] == API_KEY
    assert "authtoken" not in seen[-1].headers
    await close(scp)
    await close(http)

    wrong = "wrong-key-0123456789"
    bad = client_class(mode)(**{**config, "api_key": wrong}, key_in="query")
    with (
        caplog.at_level(logging.DEBUG, logger="servicehub_sdk"),
        pytest.raises(AuthenticationError) as caught,
    ):
        await resolve(bad.requests.list().first())
    assert wrong not in str(caught.value) and wrong not in caplog.text
    assert "TECHNICIAN_KEY=REDACTED" in caplog.text
    await close(bad)


def test_key_in_query_configuration() -> None:
    cls = client_class("sync")
    with pytest.raises(ConfigurationError, match="redacts"):
        cls(base_url="https://h", api_key="k", key_in="query", key_param="tech")
    with pytest.raises(ConfigurationError):
        cls(base_url="https://h", api_key="k", key_in="cookie")
    client = cls(base_url="https://h", api_key="secret-4711", key_in="query")
    assert "secret-4711" not in repr(client._context.engine.auth)


def _async(seen: list[httpx.Request]) -> Any:
    async def record(request: httpx.Request) -> None:
        seen.append(request)

    return record


async def test_every_family_has_its_module_and_list_is_a_pager(
    scp: Any, new_request: Any, mode: str
) -> None:
    from servicehub_sdk.core import AsyncPager, Pager
    from servicehub_sdk.supportcenter import (
        Attachments,
        Conversations,
        CustomModule,
        Notes,
        Notifications,
        Requesters,
        Resolutions,
        SupportReps,
        Worklogs,
    )

    rid = new_request.id
    handles = {
        Notes: scp.requests.notes(rid),
        Worklogs: scp.requests.worklogs(rid),
        Notifications: scp.requests.notifications(rid),
        Conversations: scp.requests.conversations(rid),
        Attachments: scp.requests.attachments(rid),
        SupportReps: scp.support_reps,
        Requesters: scp.requesters,
        CustomModule: scp.custom_module("cm_assets"),
    }
    pager = Pager if mode == "sync" else AsyncPager
    for family, handle in handles.items():
        assert isinstance(handle, family)
        assert family.__module__.startswith("servicehub_sdk.supportcenter.")
        assert family.__module__ != "servicehub_sdk.supportcenter._entities"
        assert isinstance(handle.list(), pager)
    assert isinstance(scp.requests.resolution(rid), Resolutions)
    assert isinstance(scp.requests.list(), pager)
    await resolve(scp.requests.attachments(rid).upload(b"log", "log.txt"))
    assert [a.name for a in await collect(scp.requests.attachments(rid).list())] == ["log.txt"]


VARIANT_REQUEST = {
    "request": {
        "id": 123640000000240013,
        "status": "Open",
        "priority": 3,
        "requester": "jane@customer.example",
        "created_time": "1593000300533",
        "due_by_time": {"value": "", "display_value": ""},
        "resolved_time": {"display_value": "Jun 24, 2020 03:05 PM"},
    },
    "response_status": {"status_code": 2000, "status": "success"},
}
VARIANT_WORKLOG = {
    "worklog": {
        "id": "7",
        "time_spent": {"hours": "75", "minutes": "90"},
        "owner": None,
        "start_time": 1593000300533,
    },
    "response_status": {"status_code": 2000, "status": "success"},
}


async def test_answer_variants_are_read_not_refused(
    scp: Any, server: EmulatorServer, new_request: Any
) -> None:
    server.faults.add(_json(200, VARIANT_REQUEST))
    request = await resolve(scp.requests.get("123640000000240013"))
    assert request.id == "123640000000240013"
    assert request.status.name == "Open" and request.priority.id == "3"
    assert request.requester.email_id == "jane@customer.example"
    assert int(request.created_time.value.timestamp() * 1000) == 1593000300533
    assert request.due_by_time.value is None
    assert request.resolved_time.display_value == "Jun 24, 2020 03:05 PM"
    server.faults.add(_json(200, VARIANT_WORKLOG))
    worklog = await resolve(scp.requests.worklogs(new_request.id).get("7"))
    assert (worklog.time_spent.hours, worklog.time_spent.minutes) == (75, 90)
    assert worklog.owner is None and worklog.start_time.value is not None
    with pytest.raises(RequestValidationError):  # what is sent is still checked
        await resolve(
            scp.requests.worklogs(new_request.id).create(
                {"owner": "Rep 1", "time_spent": {"hours": 1, "minutes": 90}}
            )
        )
