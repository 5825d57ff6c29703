"""SupportCenter Plus and SpiceCSM models are `ServiceHubModel`s: notebook tables, the shared
`to_wire()`, unknown fields kept, and a repr of one short line."""

from __future__ import annotations

from IPython.lib.pretty import pretty

from servicehub_sdk.core import ServiceHubModel
from servicehub_sdk.spicecsm import AccountUser, APIObject, CaseRow, SearchRequest
from servicehub_sdk.supportcenter import NoteInput, Request, RequestInput
from tests.realworld.replay import load

RECORDED = load("supportcenter", "request_get").exchanges[0].body["request"]


def test_a_recorded_request_prints_as_one_short_line() -> None:
    request = Request.model_validate(RECORDED)
    assert len(str(RECORDED)) > 900  # what a server sends for one request
    for text in (repr(request), str(request)):
        assert "\n" not in text and len(text) < 300
    assert repr(request).startswith("Request(id='123640000000240013', subject=")
    assert "more)" in repr(request)  # the rest is counted, not dropped
    assert request.model_extra  # unknown fields are kept


def test_a_request_displays_as_a_table_in_notebooks() -> None:
    request = Request.model_validate(RECORDED)
    html = request._repr_html_()
    assert html.startswith("<table>") and "<b>Request</b>" in html
    assert "Test create request" in html and "created_time" in html
    assert pretty(request).splitlines()[0] == "Request"


def test_every_model_is_a_service_hub_model_with_the_shared_to_wire() -> None:
    for model in (Request, RequestInput, NoteInput, CaseRow, APIObject, SearchRequest):
        assert issubclass(model, ServiceHubModel)
        assert "to_wire" not in vars(model)
    udf = {"udf_sline_1": 1}
    sent = RequestInput.model_validate(
        {"subject": "Spindle", "priority": "High", "udf_fields": udf}
    )
    assert sent.to_wire() == {"subject": "Spindle", "priority": {"name": "High"}, "udf_fields": udf}
    assert APIObject(type="cases", caseid="42").to_wire() == {"type": "cases", "caseid": "42"}


def test_secrets_stay_out_of_reprs_and_tables() -> None:
    user = AccountUser(userkey="jdoe", password="hunter2")
    search = SearchRequest.model_validate({"last_name": "Doe", "apiToken": "t0k3n"})
    for text in (repr(user), user._repr_html_(), repr(search), search._repr_html_()):
        assert "hunter2" not in text and "t0k3n" not in text
