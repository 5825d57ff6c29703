"""Encoding, XML rendering and parsing: the document's examples, round-trips, hostile input."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicehub_sdk.spicecsm import (
    AccountData,
    AccountUser,
    Contact,
    UserSummary,
    XMLError,
    parse_case_xml,
    parse_search_form,
    parse_userdata,
    parse_users,
    percent_decode,
    percent_encode,
    render_userdata,
    render_users,
)

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)


def test_document_examples() -> None:
    assert percent_encode("John Doe") == "John%20Doe"
    assert percent_encode("johnd@xyz.net") == "johnd%40xyz%2Enet"
    assert percent_encode("(555) 555-5555") == "%28555%29%20555%2D5555"
    assert percent_encode("123 Fake St.") == "123%20Fake%20St%2E"
    assert percent_encode("Zürich") == "Z%C3%BCrich"


@given(TEXT)
def test_percent_round_trip(text: str) -> None:
    encoded = percent_encode(text)
    assert all(c.isascii() and (c.isalnum() or c == "%") for c in encoded)
    assert percent_decode(encoded) == text


@pytest.mark.parametrize("bad", ["%", "%2", "%zz", "%C3"])
def test_bad_escapes(bad: str) -> None:
    with pytest.raises(ValueError):
        percent_decode(bad)


@settings(max_examples=60)
@given(st.lists(st.tuples(TEXT.filter(bool), TEXT, TEXT), max_size=5))
def test_users_round_trip(rows: list[tuple[str, str, str]]) -> None:
    users = [UserSummary(userkey=k, name=n, email=e, status="Active") for k, n, e in rows]
    assert parse_users(render_users(users)) == users


@settings(max_examples=60)
@given(TEXT.filter(bool), TEXT, st.dictionaries(TEXT.filter(bool), TEXT, max_size=4))
def test_userdata_round_trip(userkey: str, city: str, fields: dict[str, str]) -> None:
    account = AccountData(
        user=AccountUser(userkey=userkey, status="Active", password=""),
        contacts=[Contact(firstname="John", lastname="Doe", city=city, pemail="johnd@xyz.net")],
        fields=fields,
    )
    parsed = parse_userdata(render_userdata(account))
    assert parsed is not None
    assert (
        parsed.user.userkey == userkey
        and parsed.contacts[0].city == city
        and parsed.fields == fields
    )


def test_empty_search_answer_is_users_without_children() -> None:
    assert render_users([]).endswith(b"<users/>")
    assert parse_users(render_users([])) == []


def test_rendered_attributes_look_like_the_document() -> None:
    xml = render_users(
        [
            {
                "userkey": "jdoe",
                "status": "Active",
                "name": "John Doe",
                "email": "johnd@xyz.net",
                "phone": "(555) 555-5555",
            }
        ]
    ).decode()
    assert (
        'name="John%20Doe"' in xml
        and 'email="johnd%40xyz%2Enet"' in xml
        and 'phone="%28555%29%20555%2D5555"' in xml
    )


def test_case_xml_with_date_and_raw_text() -> None:
    tickets = parse_case_xml(
        '<?xml version="1.0" ?><tickets><ticket cid="6344" id="7906" tier="1" date="1/27/06 1:27:51 PM" '
        'status="In Progress" sid="2" issue="Browsing" agent="Doe, John" aname="" '
        'journal="13:28:41 - adding a second ticket for case dump testing 100%" email="" article="" treepath="" events=""/></tickets>'
    )
    ticket = tickets[0]
    assert ticket.cid == "6344" and ticket.status == "In Progress" and ticket.agent == "Doe, John"
    assert (
        ticket.date == datetime(2006, 1, 27, 13, 27, 51) and ticket.date_raw == "1/27/06 1:27:51 PM"
    )
    assert ticket.journal is not None and ticket.journal.endswith("100%")


def test_search_form_only_variables_with_data_and_cust_fields() -> None:
    search = parse_search_form(
        {
            "intUser": "u",
            "intPass": "p",
            "LastName": "Doe",
            "SecondayPhone": "555",
            "Modile": "777",
            "CustFields": "3\\blue,7\\a\\b",
            "City": "",
        }
    )
    assert search.last_name == "Doe" and search.secondary_phone == "555" and search.mobile == "777"
    assert search.city is None
    assert search.cust_fields == {"3": "blue", "7": "a\\b"}
    with pytest.raises(XMLError):
        parse_search_form({"CustFields": "novalue"})


HOSTILE = [
    '<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]><userdata><user userkey="&x;"/></userdata>',
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    '<userdata><user userkey="&lol2;"/></userdata>',
    "<userdata><user userkey='a'></userdata>",
    "<notuserdata/>",
    "",
]


@pytest.mark.parametrize("document", HOSTILE)
def test_hostile_and_malformed_xml_is_refused(document: str) -> None:
    with pytest.raises(XMLError):
        parse_userdata(document)
