"""The CECenter Mashup tutorial as a script: sign a customer up, log in, read the ticket
configuration, open a ticket, log the interaction, update the ticket and list open tickets.

    python examples/cecenter_ticket_flow.py      # against the built-in sandbox
"""

from __future__ import annotations

import uuid

from servicehub_sdk.cecenter import CECenterClient, TicketQuery, localized


def ticket_flow(cec: CECenterClient) -> None:
    email = f"testme-{uuid.uuid4().hex[:6]}@yaastest.example"
    customer = cec.customers.signup(email, "secret-password")
    print(f"signed up customer {customer.id} ({email})")
    me = cec.with_customer(email=email, password="secret-password")
    types = {t.code: localized(t.description) for t in cec.service_ticket_types.list()}
    statuses = [s.code for s in cec.service_ticket_statuses.list()]
    print(f"ticket types: {', '.join(types)}; statuses: {', '.join(s for s in statuses if s)}")
    ticket = me.service_tickets.create(
        {
            "type": "SERVICE_REQUEST",
            "status": "OPEN",
            "customerId": customer.id,
            "productId": "P-001",
            "shortDescription": "My tv does not work",
            "createdBy": "SYSTEM",
        }
    )
    assert ticket.id is not None
    assert customer.id is not None
    print(f"opened ticket {ticket.id}")
    cec.interaction_logs.create(
        {"customerId": customer.id, "type": "SERVICE_TICKET_CREATED", "referenceId": ticket.id}
    )
    updated = me.service_tickets.update(
        ticket.id, {"shortDescription": "My tv remote does not work", "status": "CONFIRMED"}
    )
    print(f"updated ticket {ticket.id}: {updated.short_description!r}")
    confirmed = me.service_tickets.list(q=TicketQuery().eq("status", "CONFIRMED")).to_list()
    print(f"{len(confirmed)} confirmed ticket(s) for this customer")


def main() -> None:
    from servicehub_sdk.testing import Sandbox

    with Sandbox(["cecenter"]) as sandbox, sandbox.client("cecenter") as cec:
        ticket_flow(cec)


if __name__ == "__main__":
    main()
