"""Tickets as the service sends them (object classification, language-keyed descriptions,
unknown fields), `update` that keeps what it does not change and returns the ticket, input
models, and one-page pagers. Sync and async."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from servicehub_sdk.cecenter import (
    Classification,
    ServiceTicket,
    ServiceTicketUpdate,
    localized,
)
from servicehub_sdk.core import AsyncPager, Pager, RequestValidationError
from servicehub_sdk.testing import CECenterEmulator, EmulatorServer
from tests.cecenter.conftest import client_class
from tests.helpers import close, collect, resolve

TICKET = {
    "type": "SERVICE_REQUEST",
    "shortDescription": "My tv does not work",
    "productId": "P-001",
    "priority": "HIGH",
    "classification": "HARDWARE",
}


def test_a_ticket_reads_as_sent() -> None:
    ticket = ServiceTicket.model_validate(
        {
            "id": "T1",
            "status": "WAITING_FOR_PARTS",  # tenants configure their own statuses
            "classification": {"code": "HARDWARE", "description": {"de": "Hardware", "en": "HW"}},
            "typeDescription": {"en": "Service request"},
            "creationDateTime": "2016-11-22T06:23:02.000+0000",
            "metadata": {"version": 3},
        }
    )
    assert ticket.classification == Classification(
        code="HARDWARE", description={"de": "Hardware", "en": "HW"}
    )
    assert localized(ticket.classification.description) == "HW"  # type: ignore[union-attr]
    assert ticket.status == "WAITING_FOR_PARTS"
    assert ticket.creation_date_time is not None and ticket.creation_date_time.year == 2016
    assert ticket.model_extra == {"metadata": {"version": 3}}
    plain = ServiceTicket.model_validate({"classification": "HARDWARE"})
    assert plain.classification == Classification(code="HARDWARE")


async def test_listed_tickets_carry_object_classifications(cec: Any) -> None:
    tickets = await collect(cec.service_tickets.list())
    classified = [t for t in tickets if t.classification is not None]
    assert classified
    assert all(localized(t.classification.description) for t in classified)


async def test_update_keeps_unchanged_fields_and_returns_the_ticket(
    cec: Any, alice: str, emulator: CECenterEmulator
) -> None:
    created = await resolve(cec.service_tickets.create({**TICKET, "customerId": alice}))
    updated = await resolve(
        cec.service_tickets.update(created.id, {"shortDescription": "Remote is broken"})
    )
    assert isinstance(updated, ServiceTicket)
    assert updated.short_description == "Remote is broken"
    stored = emulator.tickets[created.id]
    assert stored["productId"] == "P-001" and stored["priority"] == "HIGH"
    assert stored["classification"] == "HARDWARE" and stored["type"] == "SERVICE_REQUEST"
    assert updated.classification.code == "HARDWARE"  # type: ignore[union-attr]


async def test_update_sends_no_transient_field(
    mode: str, config: dict[str, Any], alice: str
) -> None:
    puts: list[httpx.Request] = []

    def record(request: httpx.Request) -> None:
        if request.method == "PUT":
            puts.append(request)

    async def arecord(request: httpx.Request) -> None:
        record(request)

    http: Any = (
        httpx.Client(event_hooks={"request": [record]})
        if mode == "sync"
        else httpx.AsyncClient(event_hooks={"request": [arecord]})
    )
    cec = client_class(mode)(**config, http_client=http)
    created = await resolve(cec.service_tickets.create({**TICKET, "customerId": alice}))
    await resolve(cec.service_tickets.update(created.id, ServiceTicketUpdate(status="CONFIRMED")))
    body = json.loads(puts[0].content)
    assert body["status"] == "CONFIRMED" and body["productId"] == "P-001"
    assert not {"typeDescription", "statusDescription", "customerEmail", "productName"} & set(body)
    assert body["classification"] == {"code": "HARDWARE"}
    await close(http)


async def test_update_input_is_validated_before_sending(cec: Any, server: EmulatorServer) -> None:
    for bad in (
        {"status": "CLOSED"},
        {"shortDescription": ""},
        {"shortDescriptoin": "typo"},
        ServiceTicket(id="T1", short_description="read model"),
    ):
        with pytest.raises(RequestValidationError):
            await resolve(cec.service_tickets.update("T1", bad))
    with pytest.raises(RequestValidationError):
        await resolve(cec.service_tickets.update("", {"status": "OPEN"}))
    assert server.requests() == 0


async def test_lists_are_always_pagers(cec: Any, mode: str) -> None:
    pager_type = Pager if mode == "sync" else AsyncPager
    for listing in (cec.service_ticket_types.list(), cec.service_ticket_statuses.list()):
        assert isinstance(listing, pager_type)
        items = await collect(listing)
        assert items and localized(items[0].description)
