"""CECenter Mashup against the emulator, sync and async."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from servicehub_sdk.cecenter import ServiceTicket, TicketQuery, localized, next_link
from servicehub_sdk.cecenter._client import decode_yaas_error
from servicehub_sdk.core import (
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RequestValidationError,
)
from servicehub_sdk.testing import CECenterEmulator, EmulatorServer
from tests.cecenter.conftest import client_class
from tests.helpers import close, collect, resolve

TICKET = {
    "type": "SERVICE_REQUEST",
    "shortDescription": "My tv does not work",
    "productId": "P-001",
    "createdBy": "SYSTEM",
}


async def test_tickets_page_with_link_headers(
    cec: Any, emulator: CECenterEmulator, alice: str, server: EmulatorServer
) -> None:
    mine = [t for t in emulator.tickets.values() if t["customerId"] == alice]
    pager = cec.service_tickets.list(page_size=10)
    tickets = await collect(pager)
    assert len(tickets) == len(mine) > 30
    assert {t.customer_id for t in tickets} == {alice}
    assert (
        server.requests("GET", "/hybris/cecentermashup/v1/sandboxtenant/serviceTickets")
        == (len(mine) + 9) // 10
    )
    first = (
        await resolve(pager.pages().__anext__())
        if hasattr(pager.pages(), "__anext__")
        else next(pager.pages())
    )
    assert first.total == len(mine)


async def test_query_and_sort(cec: Any, emulator: CECenterEmulator, alice: str) -> None:
    found = await collect(
        cec.service_tickets.list(
            q=TicketQuery().eq("status", "OPEN").eq("priority", "HIGH"),
            sort=["creationDateTime:desc"],
        )
    )
    expected = [
        t
        for t in emulator.tickets.values()
        if t["customerId"] == alice and t["status"] == "OPEN" and t["priority"] == "HIGH"
    ]
    assert len(found) == len(expected)
    stamps = [t.creation_date_time for t in found]
    assert stamps == sorted(stamps, reverse=True)


@pytest.mark.parametrize(
    ("field", "instead"),
    [
        ("productName", "productId"),
        ("statusDescription", "status"),
        ("customerEmail", "customerId"),
    ],
)
async def test_transient_fields_are_refused_with_the_persisted_one(
    cec: Any, server: EmulatorServer, field: str, instead: str
) -> None:
    with pytest.raises(RequestValidationError, match=f"'{instead}'"):
        TicketQuery().eq(field, "x")
    with pytest.raises(RequestValidationError, match=f"'{instead}'"):
        await collect(cec.service_tickets.list(sort=[f"{field}:asc"]))
    with pytest.raises(RequestValidationError, match=f"'{instead}'"):
        await collect(cec.service_tickets.list(q=f'{field}:"x"'))
    assert server.requests("GET") == 0


async def test_page_size_limit(cec: Any) -> None:
    with pytest.raises(RequestValidationError, match="64"):
        await collect(cec.service_tickets.list(page_size=65))


async def test_create_get_update_delete(cec: Any, alice: str, emulator: CECenterEmulator) -> None:
    created = await resolve(cec.service_tickets.create({**TICKET, "customerId": alice}))
    assert created.id and created.id in emulator.tickets
    fetched = await resolve(cec.service_tickets.get(created.id))
    assert localized(fetched.type_description) == "Service request"
    updated = await resolve(
        cec.service_tickets.update(
            created.id, {"shortDescription": "My tv remote does not work", "status": "CONFIRMED"}
        )
    )
    assert updated.short_description == "My tv remote does not work"
    assert updated.status == "CONFIRMED" and updated.product_id == TICKET.get("productId")
    with pytest.raises(RequestValidationError, match=r"OPEN|CONFIRMED"):
        await resolve(cec.service_tickets.update(created.id, {"status": "CLOSED"}))
    await resolve(cec.service_tickets.delete(created.id))
    with pytest.raises(NotFoundError):
        await resolve(cec.service_tickets.get(created.id))
    assert emulator.writes == {"serviceTickets": 1, "update": 1, "delete": 1}


async def test_customers_are_isolated(cec: Any, emulator: CECenterEmulator, alice: str) -> None:
    bobs = next(t for t in emulator.tickets.values() if t["customerId"] != alice)
    with pytest.raises(NotFoundError):
        await resolve(cec.service_tickets.get(bobs["id"]))
    with pytest.raises(PermissionDeniedError):
        await resolve(cec.service_tickets.create({**TICKET, "customerId": bobs["customerId"]}))
    with pytest.raises(NotFoundError):
        await resolve(cec.service_tickets.delete(bobs["id"]))
    assert bobs["id"] in emulator.tickets


async def test_ticket_input_is_validated(cec: Any, server: EmulatorServer) -> None:
    with pytest.raises(RequestValidationError):
        await resolve(cec.service_tickets.create({"type": "SERVICE_REQUEST"}))
    assert server.requests() == 0


async def test_types_statuses_logs_transcripts(cec: Any, alice: str) -> None:
    types = await collect(cec.service_ticket_types.list())
    assert {t.code for t in types} >= {"SERVICE_REQUEST", "INCIDENT"}
    statuses = await collect(cec.service_ticket_statuses.list())
    assert localized(statuses[0].description) == "Open"
    log = await resolve(
        cec.interaction_logs.create(
            {"customerId": alice, "type": "TICKET_CREATED", "description": "via SDK"}
        )
    )
    assert log.id
    assert [entry.id for entry in await collect(cec.interaction_logs.list())] == [log.id]
    with pytest.raises(RequestValidationError):
        await resolve(cec.interaction_logs.create({"type": "x"}))
    transcript = await resolve(cec.chat_transcripts.get("chat-1"))
    assert transcript.messages[0]["text"] == "Hello?"
    with pytest.raises(NotFoundError):
        await resolve(cec.chat_transcripts.get("chat-404"))


async def test_signup_and_login(cec: Any) -> None:
    customer = await resolve(cec.customers.signup("erin@sandbox.example", "erin-password"))
    assert customer.id
    with pytest.raises(ConflictError) as caught:
        await resolve(cec.customers.signup("erin@sandbox.example", "again"))
    assert caught.value.code == "conflict_resource"
    login = await resolve(cec.customers.login("erin@sandbox.example", "erin-password"))
    erin = cec.with_customer(token=login.access_token)
    assert await collect(erin.service_tickets.list()) == []
    with pytest.raises(AuthenticationError) as bad:
        await resolve(cec.customers.login("erin@sandbox.example", "wrong"))
    assert bad.value.code == "insufficient_credentials"
    with pytest.raises(PermissionDeniedError):
        await resolve(cec.customers.login("locked@sandbox.example", "locked-password"))


async def test_customer_login_once_and_again_after_401(
    mode: str, config: dict[str, Any], emulator: CECenterEmulator
) -> None:
    cec = client_class(mode)(**config)
    if mode == "async":
        await asyncio.gather(
            *(collect(cec.service_tickets.list(page_size=5), limit=1) for _ in range(20))
        )
    else:
        for _ in range(5):
            cec.service_tickets.list(page_size=5).first()
    assert cec.customer_auth.logins == 1
    emulator.customer_tokens.clear()
    await collect(cec.service_tickets.list(page_size=5), limit=1)
    assert cec.customer_auth.logins == 2
    await close(cec)


async def test_missing_scope_is_insufficient_permissions(mode: str, config: dict[str, Any]) -> None:
    cec = client_class(mode)(**config, scopes=["hybris.serviceticket_view"])
    with pytest.raises(PermissionDeniedError) as caught:
        await collect(cec.service_ticket_types.list())
    assert caught.value.code == "insufficient_permissions"
    await close(cec)


async def test_tickets_need_a_customer(mode: str, config: dict[str, Any]) -> None:
    agent_only = {k: v for k, v in config.items() if not k.startswith("customer_")}
    cec = client_class(mode)(**agent_only)
    assert await collect(cec.service_ticket_types.list())
    with pytest.raises(ConfigurationError, match="customer-scoped"):
        await collect(cec.service_tickets.list())
    await close(cec)


def test_link_header_parsing() -> None:
    assert (
        next_link('<https://x/a?pageNumber=2>; rel="next", <https://x/a?pageNumber=1>; rel="prev"')
        == "https://x/a?pageNumber=2"
    )
    assert next_link("<https://x/a?pageNumber=3>; rel='next'") == "https://x/a?pageNumber=3"
    assert next_link("<https://x/a>; rel=next") == "https://x/a"
    assert next_link('<https://x/a>; rel="prev"') is None
    assert next_link(None) is None and next_link("garbage") is None


def test_error_decoding_variants() -> None:
    info = decode_yaas_error(
        {
            "status": "400",
            "type": "validation_violation",
            "message": "Invalid",
            "moreinfo": "u",
            "details": [{"field": "pageSize", "type": "invalid_value", "message": "too big"}],
        }
    )
    assert info.code == "validation_violation" and "pageSize: too big" in (info.message or "")
    assert (
        decode_yaas_error(
            {"status": 404, "type": "element_resource_non_existing", "message": "gone"}
        ).message
        == "gone"
    )


def test_timestamps_and_localized_text() -> None:
    ticket = ServiceTicket.model_validate(
        {"creationDateTime": "2016-11-22T06:23:02.000+0000", "typeDescription": {"de": "Anfrage"}}
    )
    assert (
        ticket.creation_date_time is not None and ticket.creation_date_time.utcoffset() is not None
    )
    assert localized(ticket.type_description, "en") == "Anfrage"


def test_configuration() -> None:
    cls = client_class("sync")
    cec = cls(tenant="t", client_id="c", client_secret="s", api_url="https://api.eu.yaas.io")
    assert str(cec.base_url) == "https://api.eu.yaas.io/hybris/cecentermashup/v1/t/"
    assert "hybris.tenant=t" in (cec.auth.scope or "")  # type: ignore[union-attr]
    with pytest.raises(ConfigurationError):
        cls(client_id="c", client_secret="s")
    with pytest.raises(ConfigurationError):
        cls(tenant="t", client_id="c", client_secret="s", customer_email="a@b")
