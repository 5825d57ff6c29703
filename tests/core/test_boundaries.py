"""The core's own guards, each pinned by a test of the core: secret names, one path segment
per id, header values, the endless-listing guard and `Retry-After` (the backends' and proof
suites check them again, end to end)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from servicehub_sdk.core import (
    APIKeyHeader,
    AsyncPager,
    Call,
    ConfigurationError,
    PageData,
    Pager,
    PaginationError,
    RequestValidationError,
    ServiceHubError,
    counter_pages,
)
from servicehub_sdk.core._boundary import (
    check_call,
    check_encodable,
    credential,
    path_segment,
    received_credential,
)
from servicehub_sdk.core._pagination import MAX_EMPTY_PAGES
from servicehub_sdk.core._redaction import (
    REDACTED,
    is_secret_name,
    redact_headers,
    redact_mapping,
    redact_url,
)
from servicehub_sdk.testing import EmulatorServer
from tests.helpers import collect, resolve

# -- secret names ------------------------------------------------------------------------

SECRET_NAMES = [
    "password",
    "client_secret",
    "access_token",
    "api_key",
    "api-key",
    "apikey",
    "authtoken",
    "Authorization",
    "sessionId",
    "credentials",
    "X-Secure-Hash",
    "signature",
    "intPass",
    "technician_key",
    "TECHNICIAN_KEY",
]


@pytest.mark.parametrize("name", SECRET_NAMES)
def test_every_vendor_secret_name_is_recognised(name: str) -> None:
    assert is_secret_name(name)
    assert redact_mapping({name: "s3cret", "page": 2}) == {name: REDACTED, "page": 2}
    query_name = name.replace("-", "_")
    cleaned = redact_url(f"https://host/api?{query_name}=s3cret&page=2")
    assert "s3cret" not in cleaned and "page=2" in cleaned


@pytest.mark.parametrize("name", ["page", "subject", "row_count", "keyword", "technician"])
def test_ordinary_names_are_not_secret(name: str) -> None:
    assert not is_secret_name(name)


def test_supportcenter_technician_key_never_prints() -> None:
    """SupportCenter Plus takes its key as `TECHNICIAN_KEY` (header or query parameter)."""
    assert redact_headers({"TECHNICIAN_KEY": "k-123"}) == {"TECHNICIAN_KEY": REDACTED}
    assert "k-123" not in redact_url("https://sc.example/api/v3/requests?TECHNICIAN_KEY=k-123")
    assert redact_mapping({"input_data": {"technician_key": "k-123"}}) == {
        "input_data": {"technician_key": REDACTED}
    }


# -- one id, one path segment ------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("a/b", "a%2Fb"),
        ("../admin", "..%2Fadmin"),
        ("/", "%2F"),
        ("x?y=1", "x%3Fy%3D1"),
        ("x#frag", "x%23frag"),
        ("50%", "50%25"),
        ("a b", "a%20b"),
        ("ü", "%C3%BC"),
        (42, "42"),
        ("A-z_0.9~", "A-z_0.9~"),
    ],
)
def test_path_segment_encodes_everything_that_could_leave_the_segment(
    value: Any, encoded: str
) -> None:
    assert path_segment(value, field="id") == encoded
    assert "/" not in path_segment(value, field="id")


@pytest.mark.parametrize("value", ["", ".", "..", True, None, 1.5, "\ud800"])
def test_path_segment_refuses_what_is_no_segment(value: Any) -> None:
    with pytest.raises(RequestValidationError):
        path_segment(value, field="id")


async def test_an_id_with_a_slash_reaches_the_server_as_one_segment(
    client: Any, server: EmulatorServer
) -> None:
    await resolve(client.items.get(1))  # the token first
    server.reset_counts()
    with pytest.raises(ServiceHubError):  # the demo app has no item of that id
        await resolve(client.request("GET", f"items/{path_segment('1/../2', field='id')}"))
    assert server.requests("GET", "/items/1%2F..%2F2") == server.requests() >= 1


# -- header values -----------------------------------------------------------------------

CONTROL = ["line\nbreak", "carriage\rreturn", "tab\there", "nul\x00", "del\x7f", "\x1bescape"]


@pytest.mark.parametrize("value", CONTROL)
def test_a_header_with_a_control_character_is_refused_before_sending(value: str) -> None:
    call: Call[Any] = Call("GET", "items/1", parse=lambda r: r)
    with pytest.raises(RequestValidationError) as caught:
        check_call(call, {"X-Trace": value})
    assert "headers.X-Trace" in str(caught.value)
    assert value not in str(caught.value)
    check_call(call, {"X-Trace": "plain value"})


@pytest.mark.parametrize("value", [*CONTROL, "café", 42])
def test_the_refused_header_is_named_among_others(value: Any) -> None:
    """Header values are checked together first; the one refused is still the one named."""
    call: Call[Any] = Call("GET", "items/1", parse=lambda r: r)
    with pytest.raises(RequestValidationError) as caught:
        check_call(call, {"Accept": "application/json", "X-Trace": value, "X-Other": "fine"})
    assert "headers.X-Trace" in str(caught.value)
    assert "Accept" not in str(caught.value) and "X-Other" not in str(caught.value)


@pytest.mark.parametrize("value", CONTROL)
async def test_no_request_leaves_with_a_control_character_in_a_header(
    client: Any, server: EmulatorServer, value: str
) -> None:
    await resolve(client.items.get(1))  # the token first
    before = server.requests()
    with pytest.raises(RequestValidationError):
        await resolve(client.request("GET", "echo", extra_headers={"X-Trace": value}))
    with pytest.raises(RequestValidationError):
        await resolve(client.items.get(1, extra_headers={"X-Trace": value}))
    assert server.requests() == before


@pytest.mark.parametrize("value", ["key\nmore", "key\rmore", "key\tmore", "key\x00", "k\x7fey"])
def test_a_credential_with_a_control_character_inside_is_refused(value: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        credential(value, what="the API key")
    assert value not in str(caught.value)
    with pytest.raises(ConfigurationError):
        APIKeyHeader("api-key", value)
    with pytest.raises(ValueError, match="not allowed"):
        received_credential(value, what="the token")
    assert credential(" key\n", what="the API key").get_secret_value() == "key"  # trimmed


# -- every listing ends ------------------------------------------------------------------


def _listing(pages: list[int]) -> Call[Any]:
    """A listing that asks the demo app for `pages` in turn, each claiming more."""

    def page(index: int) -> Call[PageData[dict[str, Any]]]:
        number = pages[min(index, len(pages) - 1)]
        return Call(
            "GET",
            "items",
            params={"page": number, "size": 10, "ask": index},
            parse=lambda r: PageData(items=r.json()["items"], has_more=index < len(pages) - 1),
        )

    return counter_pages(page, start=0, step=1, page_size=10)


def test_three_empty_pages_in_a_row_are_the_limit() -> None:
    assert MAX_EMPTY_PAGES == 3  # the documented limit; the tests below count requests


async def test_empty_pages_that_keep_claiming_more_end_the_listing(
    mode: str, client: Any, server: EmulatorServer
) -> None:
    await resolve(client.items.get(1))  # the token first
    endless = [100 + n for n in range(10)]  # pages past the end: empty, "more" each time
    pager = (Pager if mode == "sync" else AsyncPager)(client._engine, _listing(endless))
    with pytest.raises(PaginationError, match="3 empty pages in a row"):
        await collect(pager)
    assert server.requests("GET", "/items") == 3


async def test_fewer_empty_pages_than_the_limit_are_read_past(
    mode: str, client: Any, server: EmulatorServer
) -> None:
    await resolve(client.items.get(1))
    two_empty_then_items = [100, 101, 0]
    pager = (Pager if mode == "sync" else AsyncPager)(
        client._engine, _listing(two_empty_then_items)
    )
    items = await collect(pager)
    assert [i["id"] for i in items] == list(range(1, 11))
    assert server.requests("GET", "/items") == 3


def test_the_empty_page_count_restarts_after_a_page_with_items() -> None:
    from servicehub_sdk.core import Page
    from servicehub_sdk.core._pagination import _Progress

    progress: _Progress[int] = _Progress("demo")
    more: Call[Any] = Call("GET", "items", parse=lambda r: r)

    def answer(n: int) -> httpx.Response:
        return httpx.Response(200, request=httpx.Request("GET", f"https://h/items?p={n}"))

    pages = [[], [], [1], [], [], [2]]  # never three empty in a row
    for n, items in enumerate(pages):
        progress.check(Page(items=items, next=more), answer(n))
    progress.check(Page(items=[], next=more), answer(6))
    progress.check(Page(items=[], next=more), answer(7))
    with pytest.raises(PaginationError):
        progress.check(Page(items=[], next=more), answer(8))


# -- bodies ------------------------------------------------------------------------------

NAMED_PLACES: list[tuple[Any, str]] = [
    ({"a": [1, {"b": "caf\udce9"}]}, "json.a[1].b"),
    ({"a": {"b": [0.5, float("nan")]}}, "json.a.b[1]"),
    ([{"ok": True}, {"x": {1, 2}}], "json[1].x"),
    ({"a": {1: "one"}}, "json.a"),  # a number key: JSON keys are text
    ({"caf\udce9": 1}, "a key of json"),
    ((1, b"raw"), "json[1]"),
]


@pytest.mark.parametrize(("body", "place"), NAMED_PLACES)
def test_an_unsendable_value_is_named_where_it_sits(body: Any, place: str) -> None:
    with pytest.raises(RequestValidationError) as caught:
        check_encodable(body, field="json")
    assert caught.value.errors[0]["loc"] == (place,) or str(caught.value).startswith(place)


class _Text(str):
    pass


@pytest.mark.parametrize(
    "body",
    [
        {"a": [1, 2.5, None, True, "é", {"b": ()}]},
        {"a": _Text("subclass")},  # str subclasses (enums) are text
        {"a": httpx.QueryParams({"x": "1"})},  # any mapping with text keys
    ],
)
def test_sendable_bodies_pass(body: Any) -> None:
    check_encodable(body, field="json")


def test_a_form_may_hold_bytes_and_number_keys() -> None:
    check_encodable({"file": b"raw", 1: "one"}, field="data", json=False)
    with pytest.raises(RequestValidationError):
        check_encodable({1: "one"}, field="data", json=True)
