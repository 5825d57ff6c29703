"""Every Crowd Partner method against the emulator, sync and async."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from servicehub_sdk.core import (
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    NotFoundError,
    RequestValidationError,
)
from servicehub_sdk.fsm import ContactRole, Partner, PartnerInput, RadiusUnit
from servicehub_sdk.testing import EmulatorServer, FSMEmulator
from servicehub_sdk.testing._fsm import CLIENT_ID, CLIENT_SECRET, TOKEN_PATH
from tests.fsm.conftest import client_class
from tests.helpers import close, collect, resolve

NEW_PARTNER = {
    "name": "Coresystems Partner Solutions",
    "address": {
        "city": "Munich",
        "country": "Germany",
        "number": 15,
        "streetName": "Rosenheimer Strasse",
        "zipCode": 81667,
    },
    "contacts": [
        {
            "emailAddress": "john.smith@coresystems-partner.com",
            "firstName": "John",
            "lastName": "Smith",
            "phoneNumber": "+1234567890",
        }
    ],
    "serviceArea": {
        "googlePlaceId": "ChIJrTLr-GyuEmsRBfy61i59si0",
        "latitude": 48.137154,
        "longitude": 11.576124,
        "radius": {"unit": "mi", "value": 15.5},
    },
}


async def test_list_pages_until_last(fsm: Any, server: EmulatorServer) -> None:
    partners = await collect(fsm.partners.list(size=25))
    assert len(partners) == 120
    assert server.requests("GET", "/cloud-crowd-service/api/crowd-partner/v1/partners") == 5


async def test_list_from_a_page_with_sort(fsm: Any) -> None:
    ordered = await collect(fsm.partners.list(page=1, size=50, sort=["name,desc"]))
    assert len(ordered) == 70
    names = [p.name for p in ordered]
    assert names == sorted(names, reverse=True)


async def test_sub_resources(fsm: Any, emulator: FSMEmulator) -> None:
    partner_id = list(emulator.partners)[1]
    addresses = await collect(fsm.partners.addresses(partner_id).list())
    contacts = await collect(fsm.partners.contacts(partner_id).list())
    areas = await collect(fsm.partners.service_areas(partner_id).list())
    assert isinstance(addresses[0].zip_code, str) and isinstance(addresses[0].number, int)
    assert isinstance(contacts[0].role, ContactRole)
    assert isinstance(areas[0].latitude, float) and isinstance(areas[0].radius.unit, RadiusUnit)
    with pytest.raises(NotFoundError):
        await collect(fsm.partners.contacts("no-such-partner").list())


async def test_create_fetches_or_creates_the_secure_hash_once(
    fsm: Any, emulator: FSMEmulator, server: EmulatorServer
) -> None:
    with pytest.raises(NotFoundError):
        await resolve(fsm.secure_hash.get())
    first = await resolve(fsm.partners.create(NEW_PARTNER))
    second = await resolve(fsm.partners.create({**NEW_PARTNER, "name": "Second"}))
    assert first.name == "Coresystems Partner Solutions" and second.name == "Second"
    assert first.address.zip_code == "81667"
    assert first.service_areas[0].radius.value == 15.5
    assert emulator.writes["secure-hash"] == 1
    assert (
        server.requests("GET", "/cloud-crowd-service/api/crowd-partner/v1/partners/secure-hash")
        == 2
    )  # the 404, then the lookup before creating
    assert emulator.writes["dispatch/accept"] == 2


async def test_a_rotated_secure_hash_is_fetched_again(fsm: Any, emulator: FSMEmulator) -> None:
    await resolve(fsm.partners.create(NEW_PARTNER))
    for key in emulator.secure_hashes:
        emulator.secure_hashes[key] = "rotated-hash"
    created = await resolve(fsm.partners.create({**NEW_PARTNER, "name": "After rotation"}))
    assert created.name == "After rotation"
    assert emulator.writes["dispatch/accept"] == 2


async def test_secure_hash_create_and_get(fsm: Any) -> None:
    created = await resolve(fsm.secure_hash.create())
    fetched = await resolve(fsm.secure_hash.get())
    assert created.secure_hash.get_secret_value() == fetched.secure_hash.get_secret_value()
    assert created.account_id == "284" and created.company_id == "957"
    assert "**" in repr(created) and created.secure_hash.get_secret_value() not in repr(created)


async def test_replace_sends_the_whole_record(fsm: Any, emulator: FSMEmulator) -> None:
    partner_id = next(iter(emulator.partners))
    updated = await resolve(fsm.partners.replace(partner_id, {**NEW_PARTNER, "name": "Renamed"}))
    assert updated.id == partner_id and updated.name == "Renamed"
    assert emulator.partners[partner_id]["address"]["streetName"] == "Rosenheimer Strasse"
    with pytest.raises(NotFoundError):
        await resolve(fsm.partners.replace("nope", NEW_PARTNER))


async def test_invalid_partners_are_refused_before_sending(
    fsm: Any, server: EmulatorServer
) -> None:
    for bad in (
        {"address": {"city": "x"}},
        {**NEW_PARTNER, "serviceArea": {"radius": {"unit": "miles", "value": 1}}},
        {**NEW_PARTNER, "serviceArea": {"latitude": 123.0}},
    ):
        with pytest.raises(RequestValidationError):
            await resolve(fsm.partners.create(bad))
    assert server.requests() == 0


def test_service_area_forms_are_both_read_and_the_documented_one_written() -> None:
    single = Partner.model_validate(
        {"name": "x", "serviceArea": {"latitude": 1.5, "longitude": 2.5}}
    )
    listed = Partner.model_validate(
        {"name": "x", "serviceAreas": [{"latitude": 1.5}, {"latitude": 3}]}
    )
    assert len(single.service_areas) == 1 and len(listed.service_areas) == 2
    assert len(single.service_areas) == 1
    one = PartnerInput.model_validate({"name": "x", "serviceArea": {"latitude": 1.5}})
    two = PartnerInput.model_validate(
        {"name": "x", "serviceAreas": [{"latitude": 1.5}, {"latitude": 3}]}
    )
    assert "serviceArea" in one.to_wire() and "serviceAreas" not in one.to_wire()
    assert len(two.to_wire()["serviceAreas"]) == 2
    assert Partner.model_validate({"address": {"zipCode": 1234}}).address.zip_code == "1234"  # type: ignore[union-attr]


async def test_headers_per_method(mode: str, config: dict[str, Any], emulator: FSMEmulator) -> None:
    seen: list[httpx.Request] = []

    async def arecord(request: httpx.Request) -> None:
        seen.append(request)

    http: Any = (
        httpx.Client(event_hooks={"request": [seen.append]})
        if mode == "sync"
        else httpx.AsyncClient(event_hooks={"request": [arecord]})
    )
    fsm = client_class(mode)(
        **config, http_client=http, client_identifier="erp-bridge", client_version="2.1"
    )
    partner_id = next(iter(emulator.partners))
    await resolve(fsm.partners.list(size=500).first())
    await collect(fsm.partners.addresses(partner_id).list())
    await resolve(fsm.partners.create(NEW_PARTNER))
    api = [r for r in seen if "/crowd-partner/" in r.url.path]
    by_path = {(r.method, r.url.path.split("/v1/")[1]): r for r in api}
    for request in api:  # ids and names on every call, the listing included
        assert request.headers["X-Account-ID"] == "284" and request.headers["X-Company-ID"] == "957"
        assert request.headers["X-Account-Name"] == "sandbox"
        assert request.headers["X-Company-Name"] == "SandboxDemoDE"
    assert "X-Secure-Hash" in by_path[("POST", "dispatch/accept")].headers
    assert "X-Secure-Hash" not in by_path[("GET", f"partners/{partner_id}/addresses")].headers
    assert all(
        r.headers["X-Client-ID"] == "erp-bridge" and r.headers["X-Client-Version"] == "2.1"
        for r in api
    )
    assert len({r.headers["X-Request-ID"] for r in api}) == len(api)
    assert all(r.headers["Authorization"].startswith("Bearer ") for r in api)
    token = next(r for r in seen if r.url.path == TOKEN_PATH)
    assert token.headers["Authorization"].startswith("Basic ")
    await close(http)


def test_missing_client_id_header_is_named(server: EmulatorServer, emulator: FSMEmulator) -> None:
    token = emulator.tokens.issue(CLIENT_ID, "password", "sandbox")
    response = httpx.get(
        server.url + "/cloud-crowd-service/api/crowd-partner/v1/partners/secure-hash",
        headers={"Authorization": f"Bearer {token.value}", "X-Client-Version": "1"},
    )
    assert response.status_code == 400 and "X-Client-ID" in response.json()["message"]


async def test_company_choice(mode: str, config: dict[str, Any]) -> None:
    fsm = client_class(mode)(**config, company_name="SandboxDemoCH")
    await resolve(fsm.partners.list(size=5).first())
    assert fsm.context.company_id == "958"
    await close(fsm)
    other = client_class(mode)(**config, company_id=12345)
    with pytest.raises(ConfigurationError, match="12345"):
        await resolve(other.partners.list(size=5).first())
    await close(other)


async def test_user_without_admin_rights_gets_invalid_grant(
    mode: str, config: dict[str, Any]
) -> None:
    fsm = client_class(mode)(
        **{**config, "username": "sandbox/viewer", "password": "sandbox-viewer-password"}
    )
    with pytest.raises(AuthenticationError) as caught:
        await resolve(fsm.secure_hash.get())
    assert caught.value.code == "invalid_grant"
    assert "ADMINISTRATOR or SUPERUSER" in str(caught.value)
    await close(fsm)


async def test_bad_password_keeps_error_and_description(mode: str, config: dict[str, Any]) -> None:
    fsm = client_class(mode)(**{**config, "password": "wrong"})
    with pytest.raises(AuthenticationError) as caught:
        await resolve(fsm.secure_hash.get())
    assert caught.value.body == {"error": "invalid_grant", "error_description": "Bad credentials"}
    await close(fsm)


async def test_client_credentials_with_configured_context(
    mode: str, server: EmulatorServer, emulator: FSMEmulator
) -> None:
    fsm = client_class(mode)(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        grant_type="client_credentials",
        token_url=server.url + TOKEN_PATH,
        base_url=server.url + "/cloud-crowd-service/api/crowd-partner/v1/",
        account_id=284,
        account_name="sandbox",
        company_id=957,
        company_name="SandboxDemoDE",
    )
    assert len(await collect(fsm.partners.list(size=60))) == 120
    await close(fsm)
    with pytest.raises(ConfigurationError, match="account_id"):
        client_class(mode)(client_id="c", client_secret="s", grant_type="client_credentials")


def test_clusters() -> None:
    client = client_class("sync")
    with pytest.raises(ConfigurationError, match="CN"):
        client(client_id="c", client_secret="s", username="u", password="p", cluster="cn")
    with pytest.raises(ConfigurationError, match="cluster must be one of"):
        client_class("sync")(
            client_id="c", client_secret="s", username="u", password="p", cluster="mars"
        )
    client_class("sync")(client_id="c", client_secret="s", username="u", password="p", cluster="US")


def test_token_request_is_the_documented_one() -> None:
    fsm = client_class("sync")(
        client_id="test",
        client_secret="secret",
        username="cym/manager",
        password="passwordExample123",
    )
    request = fsm.auth.build_token_request()
    assert request.headers["Authorization"] == "Basic dGVzdDpzZWNyZXQ="  # the document's own header
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert (
        request.content == b"grant_type=password&username=cym%2Fmanager&password=passwordExample123"
    )


async def test_bad_request_statuses_map(fsm: Any, server: EmulatorServer) -> None:
    context = await resolve(fsm.resolve_context())
    with pytest.raises(BadRequestError):
        await resolve(
            fsm.request(
                "GET", context.url("partners"), params={"page": -1}, headers=context.headers()
            )
        )
