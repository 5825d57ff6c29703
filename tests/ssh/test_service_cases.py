"""Service cases, linking, the raw escape hatch and GraphQL error mapping."""

from __future__ import annotations

from typing import Any

import pytest

from servicehub_sdk.core import GraphQLError, RequestValidationError
from servicehub_sdk.ssh import ServiceCase, ServiceCaseView, Severity
from servicehub_sdk.testing import EmulatorServer, Malformed, Reply, SSHEmulator
from tests.helpers import collect, resolve


async def test_list_has_every_documented_field(hub: Any) -> None:
    cases = await collect(
        hub.service_cases.list(view=ServiceCaseView.SERVICE_PROVIDER, page_size=100)
    )
    assert len(cases) == 300
    closed = next(c for c in cases if c.closed_at is not None)
    assert isinstance(closed, ServiceCase)
    assert closed.state.name == "Closed"
    assert closed.closing_report is not None and closed.closing_report.is_solved is not None
    assert closed.creator.name and closed.created_at.tzinfo is not None
    assert closed.customer_machine.serial_number
    assert {f.key for f in closed.custom_fields} == {"errorCode", "operatingHours"}
    assert isinstance(closed.severity, Severity)


async def test_views_and_bad_view(hub: Any) -> None:
    engineer = await collect(hub.service_cases.list(view="MAINTENANCE_ENGINEER"))
    assert 0 < len(engineer) < 300
    with pytest.raises(RequestValidationError, match="view must be one of"):
        await resolve(hub.service_cases.list(view="ADMIN").first())


async def test_unlinked_then_link(hub: Any, emulator: SSHEmulator) -> None:
    unlinked = await collect(hub.service_cases.list_unlinked(page_size=25))
    expected = sum(1 for c in emulator.store.cases.values() if not c["externalId"])
    assert len(unlinked) == expected and all(not c.external_id for c in unlinked)
    linked = await resolve(hub.service_cases.set_external_id(unlinked[0].id, "NOTIF-NEW"))
    assert linked.external_id == "NOTIF-NEW" and linked.display_id
    assert len(await collect(hub.service_cases.list_unlinked())) == expected - 1


async def test_linking_is_retried_like_a_read(
    hub: Any, server: EmulatorServer, emulator: SSHEmulator
) -> None:
    case_id = next(iter(emulator.store.cases))
    server.faults.add(Reply(502), path="/graphql")
    linked = await resolve(hub.service_cases.set_external_id(case_id, "N-1"))
    assert linked.external_id == "N-1"


async def test_linking_an_unknown_case_is_a_graphql_error(hub: Any) -> None:
    with pytest.raises(GraphQLError) as caught:
        await resolve(hub.service_cases.set_external_id("nope", "N-1"))
    assert caught.value.errors[0]["path"] == ["updateServiceCaseExternalId"]


async def test_execute_with_variables(hub: Any) -> None:
    data = await resolve(
        hub.execute(
            "query One($id: String!) { customer(externalId: $id) { name externalId } }",
            {"id": "C-10005"},
            operation_name="One",
        )
    )
    assert data["customer"]["externalId"] == "C-10005"


async def test_execute_reports_syntax_and_validation_errors(hub: Any) -> None:
    with pytest.raises(RequestValidationError):
        await resolve(hub.execute("{ customer(externalId: "))
    with pytest.raises(Exception) as caught:
        await resolve(hub.execute("{ nosuchfield { id } }"))
    assert "nosuchfield" in str(caught.value)


async def test_partial_data_is_kept_on_graphql_errors(hub: Any, server: EmulatorServer) -> None:
    body = '{"data": {"customer": {"name": "x"}}, "errors": [{"message": "field hidden", "path": ["customer", "address"], "locations": [{"line": 1, "column": 3}]}]}'
    server.faults.add(
        Reply(200, headers={"Content-Type": "application/json"}, body=body), path="/graphql"
    )
    with pytest.raises(GraphQLError) as caught:
        await resolve(hub.customers.get("C-10001"))
    assert caught.value.data == {"customer": {"name": "x"}}
    assert caught.value.paths == [["customer", "address"]]
    assert caught.value.errors[0]["locations"] == [{"line": 1, "column": 3}]


async def test_proxy_html_page_is_a_response_validation_error(
    hub: Any, server: EmulatorServer
) -> None:
    from servicehub_sdk.core import ResponseValidationError

    server.faults.add(
        Malformed("<html>502 Bad Gateway</html>", content_type="text/html"), path="/graphql"
    )
    with pytest.raises(ResponseValidationError) as caught:
        await resolve(hub.customers.get("C-10001"))
    assert "Bad Gateway" in caught.value.raw
