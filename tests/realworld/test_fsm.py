"""SAP FSM crowd partners against SAP's own partner-portal recordings and fsm-sdk's token mock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from servicehub_sdk.core import AuthenticationError
from servicehub_sdk.fsm import AsyncFSMClient, FSMClient
from tests.helpers import collect
from tests.realworld.replay import Replay, client_on, form, kept, load

BACKEND = "fsm"
PARTNERS = "GET /cloud-crowd-service/api/crowd-partner/v1/partners"
TOKEN = "POST /api/oauth2/v1/token"


def served(replay: Replay, route: str, *names: str) -> None:
    replay.serve(route, BACKEND, *names)


@pytest.fixture
def replay() -> Replay:
    replay = Replay({})
    served(replay, TOKEN, "token_portal_login")
    return replay


@pytest.fixture
async def fsm(mode: str, replay: Replay) -> AsyncIterator[Any]:
    async with client_on(
        replay,
        mode,
        (FSMClient, AsyncFSMClient),
        client_id="partner-portal",
        client_secret="REDACTED-CLIENT-SECRET",
        username="core-corey/partner-admin",
        password="REDACTED-PASSWORD",
        token_url="https://ds.example.com/api/oauth2/v1/token",
        base_url="https://eu.coresuite.com/cloud-crowd-service/api/crowd-partner/v1/",
        client_identifier="partner-portal",
        client_version="1.0.0",
    ) as client:
        yield client


async def test_partner_answer_is_read_as_sent(fsm: Any, replay: Replay) -> None:
    served(replay, PARTNERS, "partners_list")
    [partner] = await collect(fsm.partners.list())
    assert partner.id == "456" and partner.name == "A Company Ltd."
    assert kept(partner)["syncStatus"] == "IN_CLOUD"
    assert kept(partner)["remarks"] == "A solid partner"
    assert partner.address.number == "571" and partner.address.zip_code == "74002"
    [area] = partner.service_areas
    assert area.latitude == 14545454 and area.radius.value == 20
    assert partner.contacts[0].role == "PARTNER_ADMIN"


async def test_partner_without_service_area(fsm: Any, replay: Replay) -> None:
    served(replay, PARTNERS, "partners_list_null_area")
    [partner] = await collect(fsm.partners.list())
    assert partner.id == "456" and partner.service_areas == []
    assert partner.contacts[0].email_address == "email@example.com"


async def test_partner_put_answer_is_read(fsm: Any, replay: Replay) -> None:
    # The answer SAP's portal test gives to PUT partners/{id}: one partner in `results`.
    served(replay, PARTNERS, "partner_update")
    [partner] = await collect(fsm.partners.list())
    assert partner.id == "1" and partner.service_areas[0].google_place_id == "fsdg32jkfdg"


async def test_partner_contact_answer_is_read(fsm: Any, replay: Replay) -> None:
    served(replay, "/contacts", "partner_contacts")
    [contact] = await collect(fsm.partners.contacts("1").list())
    assert contact.first_name == "First" and contact.role is None
    assert kept(contact)["officePhone"] == "123456"


async def test_token_request_is_the_portal_password_grant(fsm: Any, replay: Replay) -> None:
    served(replay, PARTNERS, "partners_list_null_area")
    await collect(fsm.partners.list())
    [token] = replay.sent(TOKEN)
    recorded = load(BACKEND, "token_portal_login").first.request
    sent = form(token)
    assert sent["grant_type"] == recorded["form"]["grant_type"] == "password"
    assert sent["username"] == recorded["form"]["username"]
    assert token.headers["Authorization"].startswith("Basic ")


async def test_crowd_calls_carry_the_client_headers(fsm: Any, replay: Replay) -> None:
    served(replay, PARTNERS, "partners_list_null_area")
    await collect(fsm.partners.list())
    [listing] = replay.sent(PARTNERS)
    recorded = load(BACKEND, "partners_list_null_area").first.request["headers"]
    assert listing.headers["X-Client-ID"] == recorded["X-Client-ID"]
    assert listing.headers["X-Client-Version"] == recorded["X-Client-Version"]
    assert listing.headers["Authorization"] == "tokenType REDACTED" or listing.headers[
        "Authorization"
    ].endswith(" REDACTED")


@pytest.mark.parametrize(
    ("token", "account_id", "company_id"),
    [("token_portal_login", "1", "2"), ("token_fsm_sdk_mock", "-1", "-1")],
)
async def test_every_crowd_call_names_account_and_company_ids(
    fsm: Any, replay: Replay, token: str, account_id: str, company_id: str
) -> None:
    served(replay, TOKEN, token)
    served(replay, PARTNERS, "partners_list_null_area")
    await collect(fsm.partners.list())
    [listing] = replay.sent(PARTNERS)
    assert listing.headers["X-Account-Id"] == account_id
    assert listing.headers["X-Company-Id"] == company_id


@pytest.mark.parametrize("name", ["token_expired_credentials", "token_unauthorized_client"])
async def test_refused_token_is_an_authentication_error(
    fsm: Any, replay: Replay, name: str
) -> None:
    served(replay, TOKEN, name)
    served(replay, PARTNERS, "partners_list_null_area")
    with pytest.raises(AuthenticationError) as raised:
        await collect(fsm.partners.list())
    assert raised.value.code == load(BACKEND, name).body["error"]
    assert replay.sent(PARTNERS) == []
