"""`servicehub demo`: the flagship integration, end to end, against the embedded sandbox.

Every step says in plain words what it does and why, then what happened:

1. ERP master data (CSV) into Secure Service Hub, twice: one record fails on purpose, and the
   second run writes nothing;
2. Secure Service Hub service cases get SupportCenter Plus tickets, exactly once: the ticket
   count before and after shows that a second run creates none;
3. a crowd partner onboarded in SAP FSM;
4. a customer's ticket in CECenter, opened and updated;
5. SpiceCSM's web calls answered by `WebCallApp`, and its JSON-RPC API.
"""

from __future__ import annotations

import shutil
import tempfile
import textwrap
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

__all__ = ["DEMO_DATA", "DemoStep", "render_introduction", "render_step", "run_demo"]

DEMO_DATA = Path(__file__).with_name("demo_data")
# The record of the demo data that fails on purpose: a machine of a customer not in the export.
PLANTED_FAILURE = "EQ-DEMO-0006"
INTRODUCTION = (
    "Five service platforms, each played by an emulator on 127.0.0.1: no account, no "
    "network. Each step says what it does and why, then what happened."
)


@dataclass
class DemoStep:
    """One step of the demo: what it does (in plain words), what happened, and a summary."""

    title: str
    explanation: str
    results: list[str] = field(default_factory=list)
    summary: str = ""


def _terminal_width() -> int:
    return shutil.get_terminal_size().columns  # COLUMNS, the terminal's, or 80


def render_introduction(width: int | None = None) -> str:
    """The demo's title and introduction, wrapped to `width` (default: the terminal's)."""
    return "\n".join(["servicehub demo", *textwrap.wrap(INTRODUCTION, width or _terminal_width())])


def render_step(number: int, step: DemoStep, width: int | None = None) -> str:
    """The step as plain text wrapped to `width` (default: the terminal's): a numbered title,
    the explanation, then `-> result` lines."""
    width = width or _terminal_width()
    lines = textwrap.wrap(f"{number}. {step.title}", width, subsequent_indent="   ")
    lines += textwrap.wrap(step.explanation, width, initial_indent="   ", subsequent_indent="   ")
    for result in step.results:
        lines += textwrap.wrap(result, width, initial_indent="   -> ", subsequent_indent="      ")
    return "\n".join(lines)


def _data_dir() -> Path:
    local = Path("examples") / "data"
    return local if (local / "customer_machines.csv").exists() else DEMO_DATA


def _master_data(sandbox: Any, data: Path) -> DemoStep:
    from ..integrations import sync_master_data

    step = DemoStep(
        "ERP master data -> Secure Service Hub",
        "Secure Service Hub is the portal where a machine builder keeps its customers, their "
        "machines and the service cases opened for them. The ERP exports machine models, "
        f"customers and machines as CSV files ({data}); sync_master_data writes them into the "
        "hub, matching each record by the ERP's own ID, so it can run every night.",
    )
    files = [data / "machine_models.csv", data / "customers.csv", data / "customer_machines.csv"]
    with sandbox.client("ssh") as hub:
        organisation = hub.service_organisations.list().first()
        first = sync_master_data(hub, files, service_organisation=organisation.id)
        second = sync_master_data(hub, files, service_organisation=organisation.id)
    step.results.append(f"first run: {first}")
    for failed in first.failed:
        planted = failed.key == PLANTED_FAILURE
        step.results.append(
            f"{'deliberate failure' if planted else 'failed'}: {failed.key}: {failed.reason}"
            + (
                " - the demo data contains a machine whose customer is not in the export, to "
                "show that a bad record fails alone, with its reason in the report, while the "
                "others are written"
                if planted
                else ""
            )
        )
    step.results.append(
        f"second run with the same files: {second} - nothing is written twice"
        if not second.counts.get("created") and not second.counts.get("updated")
        else f"second run with the same files: {second}"
    )
    step.summary = f"first run {first}; second run {second}"
    return step


def _link_cases(sandbox: Any) -> DemoStep:
    from ..helpdesk import HelpDesk
    from ..integrations import link_service_cases

    step = DemoStep(
        "Service cases -> SupportCenter Plus tickets, exactly once",
        "When a machine breaks, a service case is opened in Secure Service Hub, but the "
        "service team works in its help desk, here SupportCenter Plus. link_service_cases "
        "creates one ticket per new case, writes the ticket's number back into the case, and "
        "records each step in a journal file, so a case never gets two tickets, even when a "
        "run is repeated or interrupted. Counting the tickets before and after shows it.",
    )
    with (
        tempfile.TemporaryDirectory() as folder,
        sandbox.client("ssh") as hub,
        sandbox.client("supportcenter") as scp,
    ):
        journal = Path(folder) / "links.sqlite3"
        target = HelpDesk(scp, defaults={"priority": "High"})
        before = len(scp.requests.list().to_list())
        first = link_service_cases(hub, target, journal=journal)
        between = len(scp.requests.list().to_list())
        second = link_service_cases(hub, target, journal=journal)
        after = len(scp.requests.list().to_list())
    example = first.results[0] if first.results else None
    step.results += [
        f"tickets in SupportCenter Plus before: {before}",
        f"first run: {first}"
        + (f", e.g. case {example.key[:8]}... -> ticket {example.reference}" if example else ""),
        f"tickets after the first run: {between} (+{between - before})",
        f"second run, same journal: {second}; tickets now: {after} (+{after - between})",
    ]
    step.summary = f"{first}; second run {second}, {after - between} new tickets"
    return step


def _fsm(sandbox: Any) -> DemoStep:
    step = DemoStep(
        "A crowd partner in SAP Field Service Management",
        "SAP FSM lets a company hand jobs to partner firms, its 'crowd'. Onboarding a partner "
        "means creating it with its address, an administrator and the area it serves.",
    )
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
    radius = areas[0].radius if areas else None
    serves = f"{radius.value} {radius.unit} around Munich" if radius else "no area"
    step.results.append(f"created {partner.name}, serving {serves}; {total} partners now")
    step.summary = f"{partner.name} onboarded"
    return step


def _cecenter(sandbox: Any) -> DemoStep:
    step = DemoStep(
        "A customer's ticket in SAP Hybris Customer Engagement Center (CECenter)",
        "In CECenter's self-service API a customer signs up, logs in and raises tickets in "
        "their own name. A new customer opens a ticket, corrects its text and confirms it; "
        "the interaction is logged for the service agents.",
    )
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
    step.results += [
        f"customer {email} signed up and opened ticket {ticket.id} ({ticket.status})",
        f"updated: {updated.short_description!r}, status {updated.status}; interaction logged",
    ]
    step.summary = f"ticket opened and updated, now {updated.status}"
    return step


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _spicecsm(sandbox: Any) -> DemoStep:
    from ..spicecsm import AccountData, SearchRequest, UserSummary, WebCallApp
    from ..testing._spicecsm import SpiceDriver

    step = DemoStep(
        "SpiceCSM: answering its web calls, and its JSON-RPC API",
        "SpiceCSM calls your server when an agent searches for a caller or opens their "
        "account, and wants XML back. WebCallApp turns those calls into two Python functions, "
        "search and load. The demo serves one and lets the emulated agent desk call it, then "
        "reads SpiceCSM's agents through its JSON-RPC API.",
    )

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
    step.results += [
        f"search for 'Doe' found {users[0]['name']}; loading it gave {loaded['contacts'][0]['pemail']}",
        f"JSON-RPC: {len(agents)} agents",
    ]
    step.summary = f"web calls answered; {len(agents)} agents over JSON-RPC"
    return step


STEPS: list[Callable[[Any], DemoStep]] = [_link_cases, _fsm, _cecenter, _spicecsm]


def run_demo(
    *,
    data: Path | None = None,
    seed: int = 0,
    on_step: Callable[[int, DemoStep], None] | None = None,
) -> tuple[list[DemoStep], str]:
    """Run every step in a fresh sandbox; `on_step(number, step)` is called as each ends.

    Returns the steps and a closing line (time taken, requests served).
    """
    from ..testing import Sandbox

    steps: list[DemoStep] = []
    started = time.perf_counter()
    with Sandbox(seed=seed) as sandbox:
        runs = [lambda box: _master_data(box, data or _data_dir()), *STEPS]
        for number, run in enumerate(runs, start=1):
            steps.append(run(sandbox))
            if on_step is not None:
                on_step(number, steps[-1])
        requests = sum(server.requests() for server in sandbox.servers.values())
    took = f"took {time.perf_counter() - started:.2f} s, {requests} requests to the sandbox"
    return steps, took
