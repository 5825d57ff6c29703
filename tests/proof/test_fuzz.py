"""Property-based fuzzing of every parser that reads what a server (or SpiceCSM) sends: the
only outcomes allowed are a result or one of the SDK's errors."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from servicehub_sdk.cecenter import next_link
from servicehub_sdk.cecenter._client import decode_yaas_error
from servicehub_sdk.core import ServiceHubError
from servicehub_sdk.spicecsm import (
    WebCallApp,
    parse_case_xml,
    parse_search_form,
    parse_userdata,
    parse_users,
)
from servicehub_sdk.ssh._graphql import decode_gateway_error, read_data
from servicehub_sdk.supportcenter._envelope import decode_envelope_error, read_entity, read_list

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
ENVELOPE = st.fixed_dictionaries(
    {
        "response_status": JSON
        | st.fixed_dictionaries(
            {
                "status_code": st.integers() | st.text(max_size=5),
                "status": st.sampled_from(["success", "failed", "x"]),
                "messages": st.lists(
                    st.dictionaries(
                        st.sampled_from(["status_code", "message", "field", "type"]), JSON
                    ),
                    max_size=3,
                ),
            }
        )
    },
    optional={"request": JSON, "requests": JSON, "list_info": JSON},
)
GRAPHQL = st.fixed_dictionaries(
    {},
    optional={
        "data": JSON,
        "errors": JSON
        | st.lists(
            st.dictionaries(st.sampled_from(["message", "path", "locations", "extensions"]), JSON),
            max_size=3,
        ),
    },
)


def response(body: Any) -> httpx.Response:
    return httpx.Response(
        200, content=json.dumps(body).encode(), request=httpx.Request("GET", "https://x/y")
    )


def only_sdk_errors(fn: Any, *args: Any) -> None:
    with contextlib.suppress(ServiceHubError):
        fn(*args)


@settings(max_examples=200)
@given(st.text(max_size=300) | st.binary(max_size=300))
def test_spicecsm_xml_parsers(data: str | bytes) -> None:
    for parser in (parse_users, parse_userdata, parse_case_xml):
        only_sdk_errors(parser, data)


@settings(max_examples=150)
@given(
    st.builds(
        lambda tag, attrs: f"<{tag} " + " ".join(f'{k}="{v}"' for k, v in attrs.items()) + "/>",
        st.sampled_from(["users", "userdata", "tickets"]),
        st.dictionaries(
            st.from_regex(r"[a-z]{1,6}", fullmatch=True),
            st.text(alphabet="%AZaz09 .-", max_size=12),
            max_size=4,
        ),
    )
)
def test_spicecsm_xml_near_misses(document: str) -> None:
    for parser in (parse_users, parse_userdata, parse_case_xml):
        only_sdk_errors(parser, document)


@settings(max_examples=150)
@given(
    st.dictionaries(
        st.sampled_from(["Userkey", "LastName", "CustFields", "City", "intUser", "x"]),
        st.text(max_size=30),
    )
)
def test_spicecsm_forms(form: dict[str, str]) -> None:
    only_sdk_errors(parse_search_form, form)


@settings(max_examples=150)
@given(
    st.binary(max_size=400),
    st.sampled_from(["/account/search", "/account/load", "/account/update", "/case/update"]),
)
def test_webcall_app_never_raises(body: bytes, path: str) -> None:
    app = WebCallApp(
        int_user="u",
        int_pass="p",
        on_search=lambda r: [],
        on_load=lambda k: None,
        on_account_update=lambda a: None,
        on_case_update=lambda c: None,
    )
    status, _, _ = app.handle(
        "POST", path, "application/x-www-form-urlencoded", b"intUser=u&intPass=p&" + body
    )
    assert status in (200, 400, 403, 413)


@settings(max_examples=200)
@given(JSON | ENVELOPE)
def test_supportcenter_envelopes(body: Any) -> None:
    decode_envelope_error(body)
    only_sdk_errors(read_entity, response(body), "request", "get request")
    only_sdk_errors(read_list, response(body), "requests", "list requests")


@settings(max_examples=200)
@given(st.text(max_size=200), JSON)
def test_cecenter_link_headers_and_errors(header: str, body: Any) -> None:
    link = next_link(header)
    assert link is None or isinstance(link, str)
    decode_yaas_error(body)


@settings(max_examples=200)
@given(JSON | GRAPHQL)
def test_graphql_payloads(body: Any) -> None:
    only_sdk_errors(lambda r: read_data(r, name="fuzz"), response(body))
    decode_gateway_error(body)
