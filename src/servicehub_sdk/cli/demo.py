"""`servicehub demo`: the flagship integration, end to end, against the embedded sandbox.

1. ERP master data (CSV) into Secure Service Hub, twice: the second run changes nothing;
2. new service cases linked to SupportCenter Plus requests through the journal;
3. a crowd partner onboarded in SAP FSM;
4. a CECenter Mashup ticket lifecycle for a new customer;
5. a SpiceCSM web-call round trip (search and load) through `WebCallApp`.
"""

from __future__ import annotations

import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

__all__ = ["DEMO_DATA", "run_demo"]

DEMO_DATA = Path(__file__).with_name("demo_data")


def _data_dir() -> Path:
    local = Path("examples") / "data"
    return local if (local / "customer_machines.csv").exists() else DEMO_DATA


def _master_data(sandbox: Any, data: Path) -> list[tuple[str, str]]:
    from ..sync import sync_master_data

    files = [data / "machine_models.csv", data / "customers.csv", data / "customer_machines.csv"]
    with sandbox.client("ssh") as hub:
        organisation = hub.service_organisations.list().first()
        first = sync_master_data(hub, files, service_organisation=organisation.id)
        second = sync_master_data(hub, files, service_organisation=organisation.id)
    failed = "; ".join(f"{r.key}: {r.reason}" for r in first.failed)
    return [
        ("master data, first run", f"{first}" + (f" ({failed})" if failed else "")),
        ("master data, second run", f"{second}"),
    ]


def _link_cases(sandbox: Any) -> list[tuple[str, str]]:
    from ..sync import SupportCenterPlusTarget, link_service_cases

    with (
        tempfile.TemporaryDirectory() as folder,
        sandbox.client("ssh") as hub,
        sandbox.client("supportcenter") as scp,
    ):
        journal = Path(folder) / "links.sqlite3"
        report = link_service_cases(
            hub, SupportCenterPlusTarget(scp, priority="High"), journal=journal, limit=10
        )
        again = link_service_cases(hub, SupportCenterPlusTarget(scp), journal=journal, limit=10)
        example = report.results[0] if report.results else None
    detail = f"; e.g. case {example.key[:8]}… -> request {example.reference}" if example else ""
    return [
        ("service cases -> SupportCenter Plus", f"{report}{detail}"),
        ("linking again", f"{again} (the next 10 unlinked cases)"),
    ]


def _fsm(sandbox: Any) -> list[tuple[str, str]]:
    with sandbox.client("fsm") as fsm:
        partner = fsm.partners.create(
            {
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
                        "role": "PARTNER_ADMIN",
                    }
                ],
                "serviceAreas": [
                    {
                        "latitude": 48.137154,
                        "longitude": 11.576124,
                        "radius": {"unit": "km", "value": 50},
                    }
                ],
            }
        )
        areas = fsm.partners.service_areas(partner.id).list().to_list()
        total = len(fsm.partners.list().to_list())
    return [
        (
            "FSM crowd partner onboarded",
            f"{partner.name} ({len(areas)} service area, {total} partners in the crowd)",
        )
    ]


def _cecenter(sandbox: Any) -> list[tuple[str, str]]:
    with sandbox.client("cecenter") as cec:
        email = f"demo-{uuid.uuid4().hex[:6]}@yaastest.example"
        customer = cec.customers.signup(email, "demo-password")
        me = cec.with_customer(email=email, password="demo-password")
        ticket = me.service_tickets.create(
            {
                "type": "SERVICE_REQUEST",
                "customerId": customer.id,
                "shortDescription": "My tv does not work",
                "createdBy": "SYSTEM",
            }
        )
        updated = me.service_tickets.update(
            ticket.id, {"shortDescription": "My tv remote does not work", "status": "CONFIRMED"}
        )
        cec.interaction_logs.create(
            {"customerId": customer.id, "type": "SERVICE_TICKET_CREATED", "referenceId": ticket.id}
        )
        status = updated.status
    return [("CECenter ticket lifecycle", f"ticket {ticket.id} created, updated, now {status}")]


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _spicecsm(sandbox: Any) -> list[tuple[str, str]]:
    from ..spicecsm import AccountData, SearchRequest, UserSummary, WebCallApp
    from ..testing.spicecsm import SpiceDriver

    def search(request: SearchRequest) -> list[UserSummary]:
        return [
            UserSummary(userkey="jdoe", status="Active", name="John Doe", email="johnd@xyz.net")
        ]

    def load(userkey: str) -> AccountData:
        return AccountData.model_validate(
            {
                "user": {"userkey": userkey, "status": "Active"},
                "contacts": [{"firstname": "John", "lastname": "Doe", "pemail": "johnd@xyz.net"}],
            }
        )

    app = WebCallApp(int_user="spice", int_pass="demo-pass", on_search=search, on_load=load)
    server = make_server("127.0.0.1", 0, app.wsgi, handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        driver = SpiceDriver(f"http://127.0.0.1:{server.server_port}", "spice", "demo-pass")
        users = driver.search(LastName="Doe")
        loaded = driver.load("jdoe")
    finally:
        server.shutdown()
        server.server_close()
    with sandbox.client("spicecsm") as rpc:
        agents = rpc.agents.list().to_list()
    return [
        (
            "SpiceCSM web calls",
            f"search found {users[0]['name']}, load gave {loaded['contacts'][0]['pemail']}",
        ),
        ("SpiceCSM JSON-RPC", f"{len(agents)} agents"),
    ]


STEPS: list[Callable[[Any], list[tuple[str, str]]]] = [_link_cases, _fsm, _cecenter, _spicecsm]


def run_demo(*, data: Path | None = None, seed: int = 0) -> list[tuple[str, str]]:
    """Run every step in a fresh sandbox; returns `(step, outcome)` rows."""
    from ..testing import Sandbox

    rows: list[tuple[str, str]] = []
    started = time.perf_counter()
    with Sandbox(seed=seed) as sandbox:
        rows += _master_data(sandbox, data or _data_dir())
        for step in STEPS:
            rows += step(sandbox)
        requests = sum(server.requests() for server in sandbox.servers.values())
    rows.append(
        ("took", f"{time.perf_counter() - started:.2f} s, {requests} requests to the sandbox")
    )
    return rows
