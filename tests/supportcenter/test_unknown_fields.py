"""SupportCenter Plus input refuses unknown fields before sending, as the server does (4001)."""

from __future__ import annotations

from typing import Any

import pytest

from servicehub_sdk import RequestValidationError, ServiceHubError
from servicehub_sdk.supportcenter import (
    ClosureInfo,
    NoteInput,
    RequesterInput,
    RequestInput,
    TimeSpentInput,
    WorklogInput,
)
from servicehub_sdk.testing import EmulatorTransport, SupportCenterEmulator
from tests.helpers import resolve


async def test_a_misspelt_field_is_refused_with_the_closest_name_and_nothing_is_sent(
    scp: Any, server: EmulatorTransport, emulator: SupportCenterEmulator
) -> None:
    before = dict(emulator.records["requests"])
    with pytest.raises(RequestValidationError) as caught:
        await resolve(scp.requests.create({"subject": "x", "prioritty": "High"}))
    assert "prioritty" in str(caught.value) and "did you mean 'priority'?" in str(caught.value)
    assert server.requests("POST") == 0
    assert emulator.records["requests"] == before


async def test_an_update_with_a_misspelt_field_is_refused(
    scp: Any, new_request: Any, server: EmulatorTransport
) -> None:
    sent = server.requests("PUT")
    with pytest.raises(ServiceHubError, match="did you mean 'urgency'"):
        await resolve(scp.requests.update(new_request.id, {"urgncy": "Urgent"}))
    assert server.requests("PUT") == sent


async def test_custom_fields_go_in_udf_fields(
    scp: Any, emulator: SupportCenterEmulator, server: EmulatorTransport
) -> None:
    with pytest.raises(RequestValidationError, match="custom fields go in udf_fields"):
        await resolve(scp.requests.create({"subject": "x", "udf_sline_301": "A-17"}))
    assert server.requests("POST") == 0
    wire = RequestInput(subject="x", udf_fields={"udf_sline_301": "A-17"}).to_wire()
    assert wire == {"subject": "x", "udf_fields": {"udf_sline_301": "A-17"}}


def test_every_documented_request_field_is_accepted() -> None:
    fields = {
        "subject": "s",
        "description": "d",
        "requester": "Jane",
        "callback_url": "https://example.com/cb",
        "status": "Open",
        "priority": "High",
        "urgency": "Urgent",
        "level": "Tier 1",
        "mode": "E-Mail",
        "category": "Hardware",
        "subcategory": "Laser",
        "item": "Optics",
        "group": "Field",
        "technician": 7,
        "template": "Default",
        "site": "Berlin",
        "impact": "High",
        "request_type": "Incident",
        "account": "Acme",
        "product": "Laser 5000",
        "udf_fields": {"udf_pick_1": "a"},
        "email_ids_to_notify": ["a@example.com"],
    }
    wire = RequestInput.model_validate(fields).to_wire()
    assert set(wire) == set(fields)
    assert wire["priority"] == {"name": "High"} and wire["technician"] == {"id": "7"}


@pytest.mark.parametrize(
    ("model", "data", "wrong"),
    [
        (RequestInput, {"subject": "x", "descripton": "y"}, "description"),
        (NoteInput, {"description": "x", "show_to_requestor": True}, "show_to_requester"),
        (WorklogInput, {"owner": "Rep", "time_spent": {"hours": 1, "minuts": 5}}, "minutes"),
        (RequesterInput, {"name": "Jane", "email": "j@example.com"}, "email_id"),
        (ClosureInfo, {"closure_comment": "done"}, "closure_comments"),
        (TimeSpentInput, {"hours": 1, "minutes": 0, "secs": 3}, None),
    ],
)
def test_every_input_model_refuses_unknown_fields(
    model: Any, data: dict[str, Any], wrong: str | None
) -> None:
    with pytest.raises(RequestValidationError) as caught:
        model.model_validate(data)
    assert "unknown field" in str(caught.value)
    if wrong:
        assert f"did you mean {wrong!r}?" in str(caught.value)


def test_answers_stay_tolerant() -> None:
    from servicehub_sdk.supportcenter import Note, Request

    request = Request.model_validate({"id": "1", "display_id": "R-1", "udf_fields": {"a": 1}})
    assert request.model_extra == {"display_id": "R-1", "udf_fields": {"a": 1}}
    assert Note.model_validate({"id": "2", "new_field": True}).model_extra == {"new_field": True}
