"""Records as vendors' servers and documents show them, mapped to `Ticket`: SupportCenter
Plus answers recorded by a public integration's tests, a CECenter ticket as the document
writes it, a SpiceCSM case as the integration document lists its columns."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from servicehub_sdk.cecenter import ServiceTicket
from servicehub_sdk.helpdesk import (
    SUPPORTCENTER_CLOUD_URL,
    CECenterHelpDesk,
    SpiceCSMHelpDesk,
    SupportCenterHelpDesk,
    TicketPriority,
    TicketStatus,
)
from servicehub_sdk.spicecsm import ObjectRow
from servicehub_sdk.supportcenter import Request

FIXTURES = Path(__file__).parents[1] / "realworld" / "fixtures"


class _Client:
    base_url = "https://sdpondemand.manageengine.com/app/itdesk/api/v3"


def _body(path: str) -> Any:
    return json.loads((FIXTURES / path).read_text())["exchanges"][0]["response"]["body"]


def test_a_recorded_supportcenter_request() -> None:
    adapter = SupportCenterHelpDesk(
        _Client(),
        maps=SupportCenterHelpDesk.DEFAULT_MAPS,
        url_template=SUPPORTCENTER_CLOUD_URL,
    )
    request = Request.model_validate(_body("supportcenter/request_get.json")["request"])
    ticket = adapter.to_ticket(request)
    assert ticket.id == "123640000000240013" and ticket.number == "102"
    assert ticket.status is TicketStatus.OPEN and ticket.status_origin == "Open"
    assert ticket.priority is TicketPriority.HIGH and ticket.priority_origin == "High"
    assert ticket.requester is not None and ticket.requester.name == "First Last"
    assert ticket.group == "Network" and ticket.type == "Incident"
    assert ticket.created_at == datetime.fromtimestamp(1593000300.533, UTC)
    assert ticket.updated_at == datetime.fromtimestamp(1593012464.184, UTC)
    assert ticket.url == (
        "https://sdpondemand.manageengine.com/app/itdesk/ui/requests/123640000000240013/details"
    )
    assert ticket.remote_data is request


def test_every_recorded_supportcenter_listing_row_maps() -> None:
    adapter = SupportCenterHelpDesk(_Client(), maps=SupportCenterHelpDesk.DEFAULT_MAPS)
    rows = _body("supportcenter/requests_list.json")["requests"]
    tickets = [adapter.to_ticket(Request.model_validate(row)) for row in rows]
    assert tickets and all(t.status is not TicketStatus.UNKNOWN for t in tickets)
    assert all(t.url and "WorkOrder.do?woMode=viewWO&woID=" in t.url for t in tickets)


def test_the_documented_cecenter_ticket() -> None:
    adapter = CECenterHelpDesk(object(), maps=CECenterHelpDesk.DEFAULT_MAPS)
    ticket = adapter.to_ticket(
        ServiceTicket.model_validate(
            {
                "id": "T1",
                "type": "SERVICE_REQUEST",
                "status": "CONFIRMED",
                "customerId": "C1",
                "productId": "P1",
                "shortDescription": "My tv does not work",
                "createdBy": "SYSTEM",
            }
        )
    )
    assert ticket.subject == "My tv does not work"
    assert ticket.status is TicketStatus.RESOLVED and ticket.status_origin == "CONFIRMED"
    assert ticket.custom_fields == {"product_id": "P1"}


def test_a_spicecsm_case_with_the_tenant_s_columns() -> None:
    adapter = SpiceCSMHelpDesk(
        object(),
        maps=SpiceCSMHelpDesk.DEFAULT_MAPS,
        defaults={"columns": {"assignee": "aname", "status": "Status"}},
    )
    row = ObjectRow.model_validate(
        {"id": "6344", "TIER": "1", "STATUS": "In Progress", "issue": "Browsing", "aname": "7"}
    )
    ticket = adapter.to_ticket(row)
    assert ticket.status is TicketStatus.IN_PROGRESS and ticket.status_origin == "In Progress"
    assert ticket.subject == "Browsing" and ticket.group == "1"
    assert ticket.assignee is not None and ticket.assignee.id == "7"
    unknown = adapter.to_ticket(ObjectRow.model_validate({"id": "1", "status": "Escalated"}))
    assert unknown.status is TicketStatus.UNKNOWN and unknown.status_origin == "Escalated"
