"""One contract for every help desk, sync and async: the same calls, changing only the
client, create, get, update, comment, list and close tickets; what a vendor cannot do raises
`UnsupportedOperationError` (and `supports()` said so), with nothing sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

import servicehub_sdk
from servicehub_sdk.helpdesk import (
    AsyncHelpDesk,
    Comment,
    HelpDesk,
    Ticket,
    TicketPriority,
    TicketStatus,
    UnsupportedOperationError,
)
from servicehub_sdk.testing import Sandbox
from tests.helpers import close, collect, resolve

from .conftest import make_client

REMOTE = {
    "supportcenter": "Request",
    "cecenter": "ServiceTicket",
    "spicecsm": "ObjectRow",
}

DENIED = {
    "supportcenter": set(),
    "cecenter": {"close", "assign", "private_comments", "contacts"},
    "spicecsm": set(),
}


async def test_create_get_update_and_comment(desk: Any, backend: str) -> None:
    created = await resolve(
        desk.tickets.create(
            {"subject": "Spindle noise", "description": "Grinding at 3000 rpm", "priority": "high"}
        )
    )
    assert isinstance(created, Ticket) and created.backend == backend
    assert created.subject == "Spindle noise"
    assert created.status is TicketStatus.OPEN and created.status_origin
    assert created.priority is TicketPriority.HIGH and created.priority_origin
    assert type(created.remote_data).__name__ == REMOTE[backend]

    read = await resolve(desk.tickets.get(created.id))
    assert read.id == created.id and read.subject == "Spindle noise"
    assert read.remote_data is not created.remote_data  # read in this call, not a copy

    changed = await resolve(
        desk.tickets.update(created.id, {"subject": "Spindle noise at speed", "priority": "low"})
    )
    assert changed.subject == "Spindle noise at speed"
    assert changed.priority is TicketPriority.LOW

    comments = desk.tickets.comments(created.id)
    first = await resolve(comments.create("Checked <the> bearings & seals", private=False))
    assert isinstance(first, Comment) and first.body == "Checked <the> bearings & seals"
    await resolve(comments.create("Ordered a new bearing", private=False))
    bodies = [c.body for c in await resolve(comments.list())]
    assert bodies[-2:] == ["Checked <the> bearings & seals", "Ordered a new bearing"]


async def test_listing_filters(desk: Any, backend: str) -> None:
    created = await resolve(desk.tickets.create({"subject": "Listed ticket"}))
    every = await collect(desk.tickets.list())
    assert created.id in {t.id for t in every}
    assert len({t.id for t in every}) == len(every)  # no ticket twice

    opened = await collect(desk.tickets.list(status=TicketStatus.OPEN))
    assert created.id in {t.id for t in opened}
    assert opened and all(t.status is TicketStatus.OPEN for t in opened)
    frame = await resolve(desk.tickets.list(status="open").to_pandas())
    assert created.id in set(frame["id"]) and set(frame["status"]) == {"open"}
    closed = await collect(desk.tickets.list(status="closed"))
    assert created.id not in {t.id for t in closed}

    future = datetime.now(UTC) + timedelta(days=1)
    if backend != "spicecsm":  # the sandbox's case rows carry no change time
        assert await collect(desk.tickets.list(updated_since=future)) == []
        recent = await collect(desk.tickets.list(updated_since=created.updated_at))
        assert created.id in {t.id for t in recent}


async def test_close_where_the_vendor_can(desk: Any, backend: str) -> None:
    created = await resolve(desk.tickets.create({"subject": "To close"}))
    if desk.supports("close"):
        closed = await resolve(desk.tickets.close(created.id, resolution="Bearing replaced"))
        assert closed.status is TicketStatus.CLOSED
        reopened = await resolve(desk.tickets.reopen(created.id))
        assert reopened.status is TicketStatus.OPEN
        return
    with pytest.raises(UnsupportedOperationError) as caught:
        await resolve(desk.tickets.close(created.id))
    assert caught.value.backend == backend and "CONFIRMED" in str(caught.value)
    still = await resolve(desk.tickets.get(created.id))
    assert still.status is TicketStatus.OPEN
    resolved = await resolve(desk.tickets.update(created.id, {"status": "resolved"}))
    assert resolved.status is TicketStatus.RESOLVED and resolved.status_origin == "CONFIRMED"


@pytest.mark.parametrize("operation", ["assign", "private_comments", "contacts"])
async def test_what_supports_denies_raises(
    desk: Any, sandbox: Sandbox, backend: str, operation: str
) -> None:
    assert desk.supports(operation) is (operation not in DENIED[backend])
    created = await resolve(desk.tickets.create({"subject": f"Capability {operation}"}))
    assignee = (
        sandbox.emulator("supportcenter").state.me["name"] if backend == "supportcenter" else "2"
    )
    calls = {
        "assign": lambda: desk.tickets.assign(created.id, assignee),
        "private_comments": lambda: desk.tickets.comments(created.id).create("internal"),
        "contacts": lambda: desk.contacts.find(email="nobody@example.com"),
    }
    if operation in DENIED[backend]:
        with pytest.raises(UnsupportedOperationError, match=backend):
            await resolve(calls[operation]())
        with pytest.raises(servicehub_sdk.UnsupportedOperationError):
            await resolve(calls[operation]())
        return
    result = await resolve(calls[operation]())
    if operation == "private_comments":
        assert result.private is True
    if operation == "assign":
        assert result.assignee is not None


async def test_spicecsm_lists_only_with_raw_sql(mode: str) -> None:
    with Sandbox(["spicecsm"]) as sandbox:
        client = make_client(sandbox, "spicecsm", mode, allow_raw_sql=False)
        try:
            desk = HelpDesk(client) if mode == "sync" else AsyncHelpDesk(client)
            assert desk.supports("list") is False
            with pytest.raises(UnsupportedOperationError, match="allow_raw_sql=True"):
                desk.tickets.list()
            assert sandbox.emulator("spicecsm").state.calls["query"] == 0
            ticket = await resolve(desk.tickets.create({"subject": "Still works"}))
            assert (await resolve(desk.tickets.get(ticket.id))).subject == "Still works"
        finally:
            await close(client)


async def test_a_tenant_status_reads_through_an_override(
    sandbox: Sandbox, backend: str, mode: str
) -> None:
    client = make_client(sandbox, backend, mode)
    try:
        plain = HelpDesk(client) if mode == "sync" else AsyncHelpDesk(client)
        ticket = await resolve(plain.tickets.create({"subject": "Waiting"}))
        origin = ticket.status_origin
        assert origin is not None
        kind = HelpDesk if mode == "sync" else AsyncHelpDesk
        tenant = kind(client, status_map={origin: "on_hold"})
        again = await resolve(tenant.tickets.get(ticket.id))
        assert again.status is TicketStatus.ON_HOLD and again.status_origin == origin
    finally:
        await close(client)


async def test_bad_input_is_an_sdk_error_before_anything_is_sent(
    sandbox: Sandbox, backend: str, mode: str
) -> None:
    client = make_client(sandbox, backend, mode)
    kind = HelpDesk if mode == "sync" else AsyncHelpDesk
    try:
        desk = kind(client)
        with pytest.raises(servicehub_sdk.RequestValidationError):
            await resolve(desk.tickets.create({"description": "no subject"}))
        with pytest.raises(servicehub_sdk.RequestValidationError):
            desk.tickets.list(status="waiting")
        with pytest.raises(servicehub_sdk.ConfigurationError):
            desk.supports("teleport")
        with pytest.raises(servicehub_sdk.ConfigurationError):
            kind(client, status_map={"Open": "sleeping"})
        with pytest.raises(servicehub_sdk.ConfigurationError, match="defaults"):
            kind(client, defaults={"colour": "blue"})
        other = HelpDesk if mode == "async" else AsyncHelpDesk
        with pytest.raises(servicehub_sdk.ConfigurationError, match=other.__name__):
            other(client)
    finally:
        await close(client)
