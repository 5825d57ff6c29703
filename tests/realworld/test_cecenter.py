"""CECenter Mashup against SAP's own YaaS clients' recordings (wishlist service, Node.js client,
storefront)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from servicehub_sdk.cecenter import AsyncCECenterClient, CECenterClient
from servicehub_sdk.core import BadRequestError
from tests.helpers import collect, resolve
from tests.realworld.replay import Replay, answer, client_on, form, json_body, kept, load

BACKEND = "cecenter"
TOKEN = "POST /hybris/oauth2/v1/token"
LOGIN = "POST /hybris/customer/v1/mytenant/login"
TICKETS = "/hybris/cecentermashup/v1/mytenant/serviceTickets"
LOGS = "/hybris/cecentermashup/v1/mytenant/interactionLogs"


def served(replay: Replay, route: str, *names: str) -> None:
    replay.serve(route, BACKEND, *names)


@pytest.fixture
def replay() -> Replay:
    replay = Replay({})
    served(replay, TOKEN, "token_wishlist_stub")
    served(replay, LOGIN, "customer_login")
    return replay


@pytest.fixture
async def cec(mode: str, replay: Replay) -> AsyncIterator[Any]:
    async with client_on(
        replay,
        mode,
        (CECenterClient, AsyncCECenterClient),
        tenant="mytenant",
        client_id="REDACTED-CLIENT-ID",
        client_secret="REDACTED-CLIENT-SECRET",
        customer_email="some@email.com",
        customer_password="REDACTED-PASSWORD",
    ) as client:
        yield client


async def test_token_with_empty_type_and_scope_is_used_as_bearer(cec: Any, replay: Replay) -> None:
    served(replay, LOGS, "list_with_hybris_count")
    logs = await collect(cec.interaction_logs.list())
    assert len(logs) == 5 and kept(logs[0])["testName"] == "Julian"
    [listing] = replay.sent(LOGS)
    assert listing.headers["Authorization"] == "Bearer token"


async def test_token_request_is_the_yaas_client_credentials_form(cec: Any, replay: Replay) -> None:
    served(replay, LOGS, "list_with_hybris_count")
    await collect(cec.interaction_logs.list())
    [token] = replay.sent(TOKEN)
    recorded = load(BACKEND, "token_wishlist_stub").first.request
    sent = form(token)
    assert set(recorded["form_keys"]) <= set(sent)
    assert sent["grant_type"] == "client_credentials"
    assert "hybris.tenant=mytenant" in sent["scope"].split()


async def test_listing_asks_for_and_reads_the_count(cec: Any, replay: Replay) -> None:
    served(replay, LOGS, "list_with_hybris_count")
    pages = cec.interaction_logs.list().pages()
    first = await anext(pages) if hasattr(pages, "__anext__") else next(pages)
    assert first.total == 5
    [listing] = replay.sent(LOGS)
    recorded = load(BACKEND, "list_with_hybris_count").first.request["query"]
    assert listing.url.params["pageNumber"] == recorded["pageNumber"]
    assert listing.url.params["totalCount"] == recorded["totalCount"]


async def test_customer_login_token_carries_the_ticket_calls(cec: Any, replay: Replay) -> None:
    replay.routes[TICKETS] = answer(200, body=[])
    assert await collect(cec.service_tickets.list()) == []
    [login] = replay.sent(LOGIN)
    recorded = load(BACKEND, "customer_login").first.request["json"]
    assert set(json_body(login)) == set(recorded) == {"email", "password"}
    [tickets] = replay.sent(TICKETS)
    assert tickets.headers["Authorization"] == "Bearer 12345"


async def test_created_id_is_read_from_the_body(cec: Any, replay: Replay) -> None:
    served(replay, TICKETS, "document_create_location")
    ticket = await resolve(
        cec.service_tickets.create(
            {"type": "COMPLAINT", "customer_id": "C1", "short_description": "Spindle noise"}
        )
    )
    assert ticket.id == "415-2"
    assert kept(ticket)["link"] == "http://myLink.com"


async def test_business_error_keeps_type_and_details(cec: Any, replay: Replay) -> None:
    served(replay, LOGS, "error_business_error")
    with pytest.raises(BadRequestError) as raised:
        await collect(cec.interaction_logs.list())
    error = raised.value
    assert error.code == "business_error"
    assert [d["type"] for d in error.details] == [
        "coupon_order_total_too_low",
        "backing_service_unavailable",
    ]
    assert "The order value is too low for this coupon." in str(error)


async def test_refused_customer_login_stops_before_the_ticket_call(
    cec: Any, replay: Replay
) -> None:
    served(replay, LOGIN, "error_login_details_only")
    replay.routes[TICKETS] = answer(200, body=[])
    with pytest.raises(BadRequestError) as raised:
        await collect(cec.service_tickets.list())
    assert raised.value.body == load(BACKEND, "error_login_details_only").body
    assert replay.sent(TICKETS) == []
