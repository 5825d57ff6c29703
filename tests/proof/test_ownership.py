"""After an interrupted run, a ticket that carries a case's marker is adopted only when the
target can show the integration created it. A requester can type the marker (`[SSH SC-1]`)
into a ticket of their own: that ticket is never linked to the case; the run creates the
case's own ticket and reports the other one for review — for every target, sync and async."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from servicehub_sdk.helpdesk import AsyncHelpDesk, HelpDesk
from servicehub_sdk.integrations import (
    SyncReport,
    link_service_cases,
    link_service_cases_async,
    marker,
    open_journal,
)
from servicehub_sdk.ssh import ServiceCase
from servicehub_sdk.testing import Sandbox
from tests.helpers import close, resolve

Forge = Callable[[Sandbox, Any, ServiceCase], str]
"""Raises a ticket for the case the way a requester can; returns its id."""


def forge_supportcenter(sandbox: Sandbox, client: Any, case: ServiceCase) -> str:
    emulator = sandbox.emulator("supportcenter").state
    return str(emulator.raise_as_requester(f"{marker(case)} please link my request"))


def forge_spicecsm(sandbox: Sandbox, client: Any, case: ServiceCase) -> str:
    emulator = sandbox.emulator("spicecsm").state
    fields = {"issue": f"{marker(case)} link me", "ssh_case_id": case.id, "status": "Open"}
    return str(emulator.raise_as_account("acct1", fields))


def forge_cecenter(sandbox: Sandbox, client: Any, case: ServiceCase) -> str:
    """The customer raises the ticket with the same customer token the integration uses."""
    emulator = sandbox.emulator("cecenter").state
    before = set(emulator.tickets)
    customer = next(iter(emulator.tickets.values()))["customerId"]
    ticket_id: str = max(before) + "x"  # a storefront ticket, written as the customer
    emulator.tickets[ticket_id] = {
        "id": ticket_id,
        "type": "SERVICE_REQUEST",
        "status": "OPEN",
        "customerId": customer,
        "shortDescription": f"{marker(case)} from the storefront",
    }
    return ticket_id


def desk(client: Any, **defaults: Any) -> HelpDesk | AsyncHelpDesk:
    """The help desk over `client`, sync or async as the client is."""
    sync = not inspect.iscoroutinefunction(client.close)
    return HelpDesk(client, defaults=defaults) if sync else AsyncHelpDesk(client, defaults=defaults)


def supportcenter_target(sandbox: Sandbox, client: Any) -> Any:
    key_owner = sandbox.emulator("supportcenter").state.me["email_id"]
    return desk(client, technician=key_owner)


def cecenter_target(sandbox: Sandbox, client: Any) -> Any:
    customer = next(iter(sandbox.emulator("cecenter").state.tickets.values()))["customerId"]
    return desk(client, customer_id=customer)


TARGETS: dict[str, tuple[Forge, Callable[[Sandbox, Any], Any]]] = {
    "supportcenter": (forge_supportcenter, supportcenter_target),
    "spicecsm": (forge_spicecsm, lambda sandbox, client: desk(client, agent_id="1")),
    "cecenter": (forge_cecenter, cecenter_target),
}


@pytest.fixture(params=sorted(TARGETS))
def target_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def sandbox(target_name: str) -> Iterator[Sandbox]:
    with Sandbox(["ssh", target_name]) as running:
        yield running


def interrupted(journal: Path, case: ServiceCase) -> None:
    """An earlier run claimed the case and stopped before recording a ticket."""
    with open_journal(journal) as book:
        assert book.claim(case.id, "dead-host:1:x", 600) is not None
        book.release(case.id, "dead-host:1:x")


async def link_one(mode: str, sandbox: Sandbox, target_name: str, journal: Path) -> SyncReport:
    forge, make_target = TARGETS[target_name]
    factory = sandbox.client if mode == "sync" else sandbox.async_client
    hub, client = factory("ssh"), factory(target_name)
    try:
        case = await resolve(hub.service_cases.list_unlinked().first())
        interrupted(journal, case)
        forged = forge(sandbox, client, case)
        target = make_target(sandbox, client)
        if mode == "sync":
            report = link_service_cases(hub, target, journal=journal, limit=1)
        else:
            report = await link_service_cases_async(hub, target, journal=journal, limit=1)
        (row,) = report.results
        assert row.key == case.id and row.action == "linked", row
        assert row.reference != forged and row.possible_duplicates == [forged]
        assert report.to_review == [row]
        linked = sandbox.emulator("ssh").state.store.cases[case.id]["externalId"]
        assert linked == row.reference
        return report
    finally:
        await close(hub)
        await close(client)


async def test_a_ticket_a_requester_forged_is_not_adopted(
    mode: str, sandbox: Sandbox, target_name: str, tmp_path: Path
) -> None:
    await link_one(mode, sandbox, target_name, tmp_path / "links.sqlite3")


async def test_a_ticket_the_integration_created_is_still_adopted(mode: str, tmp_path: Path) -> None:
    """The check does not cost the resume: SpiceCSM's own earlier case is found and linked."""
    journal = tmp_path / "links.sqlite3"
    with Sandbox(["ssh", "spicecsm"]) as sandbox:
        factory = sandbox.client if mode == "sync" else sandbox.async_client
        hub, rpc = factory("ssh"), factory("spicecsm")
        try:
            case = await resolve(hub.service_cases.list_unlinked().first())
            interrupted(journal, case)
            ours = await resolve(
                rpc.objects.create(
                    [{"type": "cases", "issue": marker(case), "ssh_case_id": case.id}]
                )
            )
            target = desk(rpc, agent_id="1")
            if mode == "sync":
                report = link_service_cases(hub, target, journal=journal, limit=1)
            else:
                report = await link_service_cases_async(hub, target, journal=journal, limit=1)
        finally:
            await close(hub)
            await close(rpc)
    (row,) = report.results
    assert row.reference == str(ours[0]) and row.reason == "ticket from an earlier run"
    assert row.possible_duplicates == []
