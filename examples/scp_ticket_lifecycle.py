"""A SupportCenter Plus ticket from start to finish: raise it with a callback URL, pick it up,
log work, add a note and a file, resolve it, close it, and receive the callback.

    python examples/scp_ticket_lifecycle.py      # against the built-in sandbox
"""

from __future__ import annotations

import time

from servicehub_sdk.supportcenter import Criteria, SupportCenterClient
from servicehub_sdk.testing import EmulatedRequest, EmulatedResponse, EmulatorServer, Sandbox


def lifecycle(scp: SupportCenterClient, callback_url: str) -> str:
    ticket = scp.requests.create(
        {
            "subject": "Laser power low on line 3",
            "description": "Raised by the monitoring tool",
            "requester": {"name": "Requester 1"},
            "priority": "High",
            "category": "Machine",
            "callback_url": callback_url,
        }
    )
    assert ticket.id is not None
    print(
        f"raised request {ticket.id}: {ticket.subject} [{ticket.status.name if ticket.status else '?'}]"
    )
    scp.requests.pickup(ticket.id)
    scp.requests.worklogs(ticket.id).create(
        {
            "owner": "Rep 1",
            "time_spent": {"hours": 1, "minutes": 15},
            "description": "Cleaned the optics",
        }
    )
    scp.requests.notes(ticket.id).create(
        {"description": "Optics were dusty", "show_to_requester": True}
    )
    scp.requests.attachments(ticket.id).upload(b"power: 3.8 kW -> 4.0 kW\n", "measurement.txt")
    scp.requests.resolution(ticket.id).create("Cleaned the laser optics; power back to nominal.")
    closed = scp.requests.close(
        ticket.id,
        {
            "requester_ack_resolution": True,
            "closure_code": "Success",
            "closure_comments": "Confirmed by the operator",
        },
    )
    print(f"closed request {closed.id} [{closed.status.name if closed.status else '?'}]")
    still_open = scp.requests.list(
        search=Criteria("status.name").is_("Open") & Criteria("priority.name").is_("High")
    )
    print(f"{len(still_open.to_list())} high-priority requests are still open")
    return ticket.id


def main() -> None:
    delivered: list[EmulatedRequest] = []

    def monitoring_tool(request: EmulatedRequest) -> EmulatedResponse:
        delivered.append(request)
        return EmulatedResponse.json({"alarm": "cleared"})

    with (
        Sandbox(["supportcenter"]) as sandbox,
        EmulatorServer(monitoring_tool) as tool,
        sandbox.client("supportcenter") as scp,
    ):
        lifecycle(scp, tool.url + "/alarms/clear")
        deadline = time.monotonic() + 5
        while len(delivered) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        for call in delivered:
            print(
                f"callback received: {call.json()['event']} for request {call.json()['request']['id']}"
            )


if __name__ == "__main__":
    main()
