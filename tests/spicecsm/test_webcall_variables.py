"""Web-call variables as SpiceCSM posts them, through `WebCallApp.handle` (sync) and
`handle_async`: `ModileString` is kept, unknown variables are kept, `caseXML` values are plain
text as in the document's example (never percent-decoded), account XML stays decoded."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

import pytest

from servicehub_sdk.spicecsm import (
    DEFAULT_PATHS,
    AccountData,
    CaseTicket,
    CaseUpdate,
    SearchRequest,
    WebCallApp,
    parse_case_xml,
    parse_search_form,
    render_case_xml,
)

SECRET = "int-pass-S3cr3t"
FORM = "application/x-www-form-urlencoded"
CASE_XML = (
    '<?xml version="1.0" ?><tickets><ticket cid="6344" id="7906" tier="1" '
    'date="1/27/06 1:27:51 PM" status="In Progress" sid="2" issue="Browsing" '
    'agent="Doe, John" aname="" journal="13:28:41 - adding a second ticket for case dump '
    'testing %41 and 100%" email="" article="" treepath="" events=""/></tickets>'
)


def _post(mode: str, app: WebCallApp, call: str, variables: dict[str, str]) -> tuple[int, bytes]:
    body = urlencode({"intUser": "spice", "intPass": SECRET, **variables}).encode()
    path = DEFAULT_PATHS[call]
    if mode == "sync":
        status, answer, _ = app.handle("POST", path, FORM, body)
    else:
        status, answer, _ = asyncio.run(app.handle_async("POST", path, FORM, body))
    return status, answer


@pytest.fixture
def seen() -> list[Any]:
    return []


@pytest.fixture
def app(seen: list[Any]) -> WebCallApp:
    def search(request: SearchRequest) -> list[dict[str, str]]:
        seen.append(request)
        return []

    def case_update(update: CaseUpdate) -> None:
        seen.append(update)

    def account_update(account: AccountData) -> None:
        seen.append(account)

    return WebCallApp(
        int_user="spice",
        int_pass=SECRET,
        on_search=search,
        on_case_update=case_update,
        on_account_update=account_update,
    )


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_modile_string_is_kept(mode: str, app: WebCallApp, seen: list[Any]) -> None:
    status, _ = _post(mode, app, "search", {"ModileString": "555-0100", "LastName": "Doe"})
    assert status == 200
    assert seen[-1].mobile == "555-0100" and seen[-1].last_name == "Doe"


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_unknown_variables_are_kept_secrets_not_shown(
    mode: str, app: WebCallApp, seen: list[Any]
) -> None:
    status, _ = _post(
        mode, app, "search", {"Brand": "2", "PortalPassword": "hunter2", "LastName": "Doe"}
    )
    assert status == 200
    request = seen[-1]
    assert request.model_extra == {"Brand": "2", "PortalPassword": "hunter2"}
    assert "hunter2" not in repr(request) and "intPass" not in request.model_extra


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_case_xml_is_plain_text(mode: str, app: WebCallApp, seen: list[Any]) -> None:
    status, _ = _post(mode, app, "case_update", {"Userkey": "jdoe", "caseXML": CASE_XML})
    assert status == 200
    ticket = seen[-1].tickets[0]
    assert ticket.journal == (
        "13:28:41 - adding a second ticket for case dump testing %41 and 100%"
    )
    assert ticket.agent == "Doe, John" and ticket.date_raw == "1/27/06 1:27:51 PM"


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_account_xml_stays_percent_decoded(mode: str, app: WebCallApp, seen: list[Any]) -> None:
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><userdata><user userkey="johnd" status="Active"/>'
        '<contacts><contact firstname="John" aone="123%20Fake%20St%2E" '
        'pemail="johnd%40xyz%2Enet"/></contacts></userdata>'
    )
    status, _ = _post(mode, app, "account_update", {"userXML": xml})
    assert status == 200
    contact = seen[-1].contacts[0]
    assert contact.aone == "123 Fake St." and contact.pemail == "johnd@xyz.net"


def test_case_xml_round_trip_and_opt_in_decoding() -> None:
    ticket = CaseTicket(cid="1", journal="50% done, %41 stays")
    xml = render_case_xml([ticket])
    assert b'journal="50% done, %41 stays"' in xml
    assert parse_case_xml(xml)[0].journal == "50% done, %41 stays"
    encoded = render_case_xml([ticket], percent_encoded=True)
    assert parse_case_xml(encoded, percent_decoded=True)[0].journal == "50% done, %41 stays"


def test_search_form_keeps_documented_and_corrected_spellings() -> None:
    assert parse_search_form({"Modile": "1"}).mobile == "1"
    assert parse_search_form({"Mobile": "2"}).mobile == "2"
    assert parse_search_form({"ModileString": "3"}).mobile == "3"
