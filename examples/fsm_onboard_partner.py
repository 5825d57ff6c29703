"""Onboard a crowd partner in SAP FSM: create it with address, contact and service area,
then read its sub-resources back.

    python examples/fsm_onboard_partner.py           # against the built-in sandbox
    SERVICEHUB_FSM_CLIENT_ID=... python examples/fsm_onboard_partner.py --real
"""

from __future__ import annotations

import sys

from servicehub_sdk.fsm import FSMClient, Partner

PARTNER = {
    "name": "Alpenblick Aufzugservice GmbH",
    "address": {
        "streetName": "Rosenheimer Strasse",
        "number": 15,
        "zipCode": "81667",
        "city": "Munich",
        "country": "Germany",
    },
    "contacts": [
        {
            "firstName": "Lena",
            "lastName": "Huber",
            "emailAddress": "lena.huber@alpenblick.example",
            "phoneNumber": "+49 89 123456",
            "role": "PARTNER_ADMIN",
        }
    ],
    "serviceAreas": [
        {"latitude": 48.137154, "longitude": 11.576124, "radius": {"unit": "km", "value": 50}}
    ],
}


def onboard(fsm: FSMClient) -> Partner:
    partner = fsm.partners.create(PARTNER)
    assert partner.id is not None
    context = fsm.resolve_context()
    print(
        f"created {partner.name} ({partner.id}) in account {context.account_name}, "
        f"company {context.company_name}"
    )
    for area in fsm.partners.service_areas(partner.id).list():
        print(
            f"  serves {area.radius.value if area.radius else '?'} {area.radius.unit if area.radius else ''} "
            f"around {area.latitude}, {area.longitude}"
        )
    for contact in fsm.partners.contacts(partner.id).list():
        print(
            f"  contact {contact.first_name} {contact.last_name} <{contact.email_address}> ({contact.role})"
        )
    return partner


def main() -> None:
    if "--real" in sys.argv:
        with FSMClient.from_env() as fsm:
            onboard(fsm)
        return
    from servicehub_sdk.testing import Sandbox

    with Sandbox(["fsm"]) as sandbox, sandbox.client("fsm") as fsm:
        onboard(fsm)
        print(f"{len(fsm.partners.list().to_list())} partners in the crowd now")


if __name__ == "__main__":
    main()
