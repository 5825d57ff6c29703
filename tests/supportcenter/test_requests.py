"""Requests and everything on them, against the emulator, sync and async."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from servicehub_sdk.core import (
    BadRequestError,
    NotFoundError,
    RequestValidationError,
)
from servicehub_sdk.supportcenter import Criteria, Request, missing_fields
from servicehub_sdk.testing import (
    EmulatedRequest,
    EmulatedResponse,
    EmulatorServer,
    SupportCenterEmulator,
)
from tests.helpers import close, collect, resolve
from tests.supportcenter.conftest import client_class


async def test_list_pages_through_300_requests(scp: Any, server: EmulatorServer) -> None:
    requests = await collect(scp.requests.list(row_count=100))
    assert len(requests) == 300 and all(isinstance(r, Request) for r in requests)
    assert server.requests("GET", "/api/v3/requests") == 3
    assert requests[0].created_time.value.tzinfo is not None
    assert requests[0].created_time.display_value


async def test_search_sort_and_fields(scp: Any, emulator: SupportCenterEmulator) -> None:
    search = Criteria("status.name").is_("Open") & (
        Criteria("priority.name").is_("High") | Criteria("priority.name").is_("Low")
    )
    found = await collect(
        scp.requests.list(search=search, sort="-subject", fields=["subject", "status", "priority"])
    )
    expected = [
        r
        for r in emulator.records["requests"].values()
        if r["status"]["name"] == "Open" and r["priority"]["name"] in ("High", "Low")
    ]
    assert len(found) == len(expected) > 0
    assert {r.status.name for r in found} == {"Open"}
    subjects = [r.subject for r in found]
    assert subjects == sorted(subjects, reverse=True)
    assert all(r.description is None for r in found)


async def test_row_count_is_checked_before_sending(scp: Any, server: EmulatorServer) -> None:
    with pytest.raises(RequestValidationError, match="row_count"):
        await collect(scp.requests.list(row_count=101))
    assert server.requests() == 0


async def test_create_get_update_delete(
    scp: Any, new_request: Any, emulator: SupportCenterEmulator
) -> None:
    assert new_request.priority.name == "High" and new_request.status.name == "Open"
    fetched = await resolve(scp.requests.get(new_request.id))
    assert fetched.subject == "Spindle noise"
    updated = await resolve(
        scp.requests.update(
            new_request.id, {"subject": "Spindle noise (loud)", "urgency": "Urgent"}
        )
    )
    assert updated.urgency.name == "Urgent"
    await resolve(scp.requests.delete(new_request.id))
    with pytest.raises(NotFoundError):
        await resolve(scp.requests.get(new_request.id))
    assert emulator.writes["add request"] == 1 and emulator.writes["delete request"] == 1


async def test_move_to_trash_mode(mode: str, config: dict[str, Any]) -> None:
    scp = client_class(mode)(**config, delete_mode="move_to_trash")
    created = await resolve(scp.requests.create({"subject": "trash me"}))
    await resolve(scp.requests.delete(created.id))
    with pytest.raises(NotFoundError):
        await resolve(scp.requests.get(created.id))
    await close(scp)


async def test_subject_is_required_and_lookups_are_checked(scp: Any) -> None:
    with pytest.raises(RequestValidationError, match="subject"):
        await resolve(scp.requests.create({"description": "no subject"}))
    with pytest.raises(BadRequestError) as caught:
        await resolve(scp.requests.create({"subject": "x", "priority": "Galactic"}))
    assert caught.value.code == 4001
    assert caught.value.details[0]["field"] == "priority"


async def test_close_with_closure_info(
    scp: Any, new_request: Any, emulator: SupportCenterEmulator
) -> None:
    closed = await resolve(
        scp.requests.close(
            new_request.id,
            {
                "requester_ack_resolution": True,
                "requester_ack_comments": "ok",
                "closure_comments": "Replaced bearing",
                "closure_code": "Success",
            },
        )
    )
    assert closed.status.name == "Closed"
    assert emulator.records["requests"][new_request.id]["closure_info"]["closure_code"] == {
        "name": "Success"
    }
    with pytest.raises(RequestValidationError):
        await resolve(scp.requests.close(new_request.id, {"closure_code": 5}))


async def test_pickup_assign_reply_notifications_conversations(scp: Any, new_request: Any) -> None:
    picked = await resolve(scp.requests.pickup(new_request.id))
    assert picked.technician.name == "Rep 1"
    assigned = await resolve(
        scp.requests.assign(new_request.id, technician="Rep 2", group="Spare Parts")
    )
    assert assigned.technician.name == "Rep 2" and assigned.group.name == "Spare Parts"
    with pytest.raises(RequestValidationError):
        await resolve(scp.requests.assign(new_request.id))
    sent = await resolve(
        scp.requests.reply(new_request.id, "We are on it", to=["user1@customer.example"])
    )
    assert sent.description == "We are on it"
    notifications = await collect(scp.requests.notifications(new_request.id).list())
    assert [n.id for n in notifications] == [sent.id]
    assert (await resolve(scp.requests.notifications(new_request.id).get(sent.id))).type == "reply"
    conversations = await collect(scp.requests.conversations(new_request.id).list())
    assert conversations[-1].description == "We are on it"


async def test_notes_crud(scp: Any, new_request: Any) -> None:
    notes = scp.requests.notes(new_request.id)
    note = await resolve(
        notes.create({"description": "Checked on site", "show_to_requester": True})
    )
    assert (await resolve(notes.get(note.id))).show_to_requester is True
    changed = await resolve(notes.update(note.id, {"description": "Checked twice"}))
    assert changed.description == "Checked twice"
    assert len(await collect(notes.list())) == 1
    await resolve(notes.delete(note.id))
    assert await collect(notes.list()) == []
    with pytest.raises(RequestValidationError):
        await resolve(notes.create({"description": ""}))


async def test_worklogs_crud_and_validation(scp: Any, new_request: Any) -> None:
    worklogs = scp.requests.worklogs(new_request.id)
    log = await resolve(
        worklogs.create(
            {"owner": "Rep 1", "time_spent": {"hours": 1, "minutes": 30}, "description": "Repair"}
        )
    )
    assert log.time_spent.hours == 1 and log.owner.name == "Rep 1"
    await resolve(
        worklogs.update(log.id, {"owner": "Rep 1", "time_spent": {"hours": 2, "minutes": 0}})
    )
    assert (await resolve(worklogs.get(log.id))).time_spent.hours == 2
    for bad in (
        {"time_spent": {"hours": 1, "minutes": 0}},
        {"owner": "Rep 1"},
        {"owner": "Rep 1", "time_spent": {"hours": 1, "minutes": 75}},
    ):
        with pytest.raises(RequestValidationError):
            await resolve(worklogs.create(bad))
    await resolve(worklogs.delete(log.id))


async def test_missing_mandatory_value_from_the_server(scp: Any, new_request: Any) -> None:
    with pytest.raises(BadRequestError) as caught:  # HTTP 400 decides; 4012 is the code
        await resolve(
            scp.request(
                "POST",
                f"requests/{new_request.id}/worklogs",
                data={"input_data": '{"worklog": {"description": "x"}}'},
            )
        )
    assert caught.value.code == 4012
    assert "owner, time_spent" in str(caught.value)
    assert missing_fields(caught.value) == ["owner", "time_spent"]


async def test_extra_wrapper_key_is_refused(scp: Any) -> None:
    with pytest.raises(BadRequestError) as caught:
        await resolve(
            scp.request(
                "POST", "requests", data={"input_data": '{"request": {"subject": "x"}, "note": {}}'}
            )
        )
    assert (
        caught.value.backend_message is not None
        and "EXTRA_KEY_FOUND_IN_JSON" in caught.value.backend_message
    )


async def test_attachments(
    scp: Any, new_request: Any, tmp_path: Path, mode: str, config: dict[str, Any]
) -> None:
    attachments = scp.requests.attachments(new_request.id)
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4 sandbox")
    uploaded = await resolve(attachments.upload(report))
    assert uploaded[0].name == "report.pdf" and uploaded[0].content_type == "application/pdf"
    await resolve(attachments.upload(b"raw bytes", "log.txt"))
    listed = await collect(attachments.list())
    assert [a.name for a in listed] == ["report.pdf", "log.txt"]
    assert await resolve(attachments.download(uploaded[0].id)) == b"%PDF-1.4 sandbox"
    small = client_class(mode)(**config, max_upload_bytes=4)
    with pytest.raises(RequestValidationError, match="larger"):
        await resolve(small.requests.attachments(new_request.id).upload(report))
    await close(small)


async def test_resolution_get_and_create(scp: Any, new_request: Any) -> None:
    resolution = scp.requests.resolution(new_request.id)
    with pytest.raises(NotFoundError, match="has no resolution"):
        await resolve(resolution.get())
    await resolve(resolution.create("Replaced the spindle bearing"))
    assert (await resolve(resolution.get())).content == "Replaced the spindle bearing"
    assert (await resolve(scp.requests.get(new_request.id))).status.name == "Resolved"


async def test_callback_url_is_invoked_on_close(scp: Any, server: EmulatorServer) -> None:
    received: list[EmulatedRequest] = []

    def receiver(request: EmulatedRequest) -> EmulatedResponse:
        received.append(request)
        return EmulatedResponse.json({"ok": True})

    with EmulatorServer(receiver) as alarm:
        created = await resolve(
            scp.requests.create(
                {"subject": "Alarm 17", "callback_url": alarm.url + "/clear?alarm=17"}
            )
        )
        assert created.callback_url.endswith("/clear?alarm=17")
        await resolve(scp.requests.close(created.id, {"closure_comments": "cleared"}))
        deadline = time.monotonic() + 5
        while not received and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
    assert received and received[0].arg("alarm") == "17"
    assert received[0].json()["request"]["id"] == created.id
    with pytest.raises(RequestValidationError):
        await resolve(scp.requests.create({"subject": "x", "callback_url": "ftp://nope"}))
