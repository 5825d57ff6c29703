"""Linked tickets follow their cases: with a change feed, each change to a linked case is
written to its ticket once, across crashes, and a run where nothing changed sends nothing to
the help desk. Sync and async, emulators served in-process, on a `FakeClock`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from servicehub_sdk.cecenter import AsyncCECenterClient, CECenterClient
from servicehub_sdk.core import ConfigurationError
from servicehub_sdk.feeds import AsyncChangeFeed, ChangeFeed, fingerprint_of
from servicehub_sdk.helpdesk import AsyncHelpDesk, HelpDesk, TicketStatus
from servicehub_sdk.integrations import (
    link_service_cases,
    link_service_cases_async,
    ticket_fingerprint,
)
from servicehub_sdk.ssh import AsyncSSHClient, SSHClient
from servicehub_sdk.supportcenter import AsyncSupportCenterClient, SupportCenterClient
from servicehub_sdk.testing import (
    CECenterEmulator,
    EmulatorTransport,
    FakeClock,
    Reply,
    SSHEmulator,
    SupportCenterEmulator,
)
from servicehub_sdk.testing._ssh.store import SSHStore
from tests.helpers import close, resolve


class Crash(Exception):
    """The process dies here."""


class LosesNoteAnswers(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """The help desk's transport: a note is added, but its answer never arrives (once)."""

    def __init__(self, inner: EmulatorTransport) -> None:
        self.inner = inner
        self.losses = 0

    def _lose(self, request: httpx.Request) -> None:
        if self.losses and request.method == "POST" and request.url.path.endswith("/notes"):
            self.losses -= 1
            raise httpx.ReadTimeout("the answer never arrived", request=request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        self._lose(request)
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        self._lose(request)
        return response


@dataclass
class World:
    """The hub and SupportCenter Plus emulators, clients of `mode`, and a journal path."""

    mode: str
    ssh: SSHEmulator
    scp: SupportCenterEmulator
    hub_transport: EmulatorTransport
    desk_transport: EmulatorTransport
    losing: LosesNoteAnswers
    hub: Any
    desk: Any
    journal: Path | str

    async def link(self, **options: Any) -> Any:
        options.setdefault("journal", self.journal)
        if self.mode == "sync":
            return link_service_cases(self.hub, self.desk, **options)
        return await link_service_cases_async(self.hub, self.desk, **options)

    def feed(self, name: str = "cases", **settings: Any) -> Any:
        kind = ChangeFeed if self.mode == "sync" else AsyncChangeFeed
        settings.setdefault("fingerprint", ticket_fingerprint)
        return kind(self.hub.service_cases, name=name, state=self.journal, **settings)

    def ours(self) -> list[str]:
        """The cases linked by the integration (their external id is a ticket's)."""
        tickets = set(self.scp.records["requests"])
        return sorted(k for k, c in self.ssh.store.cases.items() if c["externalId"] in tickets)

    def ticket(self, case_id: str) -> dict[str, Any]:
        ticket: dict[str, Any] = self.scp.records["requests"][
            self.ssh.store.cases[case_id]["externalId"]
        ]
        return ticket

    def notes(self, case_id: str) -> list[str]:
        ticket_id = self.ssh.store.cases[case_id]["externalId"]
        notes = self.scp.sub[("requests", ticket_id)]["notes"]
        return [str(n.get("description") or "") for n in notes.values()]

    def reset_counts(self) -> None:
        self.hub_transport.reset_counts()
        self.desk_transport.reset_counts()


@pytest.fixture
async def world(mode: str, clock: FakeClock, tmp_path: Path) -> AsyncIterator[World]:
    ssh = SSHEmulator(
        store=SSHStore(3, organisations=1, customers=4, models=2, machines=4, cases=8)
    )
    for n, case in enumerate(ssh.store.cases.values()):
        case["externalId"] = f"NOTIF-{n}"  # linked by the ERP: not followed
    for case in list(ssh.store.cases.values())[:5]:  # five new cases
        case["externalId"] = None
        case["state"] = {"name": "In progress"}
        case["closedAt"] = None
        case["closingReport"] = None
        case["priority"] = "HIGH"
    scp = SupportCenterEmulator(seed=1, requests=0)
    hub_transport = EmulatorTransport(ssh)
    desk_transport = EmulatorTransport(scp, unique=True)
    losing = LosesNoteAnswers(desk_transport)
    hub_config = ssh.client_config(hub_transport.url)
    desk_config = scp.client_config(desk_transport.url)
    if mode == "sync":
        hub: Any = SSHClient(**hub_config, http_client=hub_transport.client())
        scp_client: Any = SupportCenterClient(
            **desk_config, http_client=httpx.Client(transport=losing)
        )
        desk: Any = HelpDesk(scp_client)
    else:
        hub = AsyncSSHClient(**hub_config, http_client=hub_transport.async_client())
        scp_client = AsyncSupportCenterClient(
            **desk_config, http_client=httpx.AsyncClient(transport=losing)
        )
        desk = AsyncHelpDesk(scp_client)
    yield World(
        mode,
        ssh,
        scp,
        hub_transport,
        desk_transport,
        losing,
        hub,
        desk,
        tmp_path / "links.sqlite3",
    )
    await close(hub)
    await close(scp_client)


def ticket_rows(report: Any) -> list[Any]:
    return [r for r in report.results if r.kind == "ticket"]


async def linked_world(world: World) -> list[str]:
    """The first run: the five new cases get tickets; the ids of the cases followed."""
    first = await world.link(feed="cases")
    assert first.counts == {"linked": 5} and ticket_rows(first) == []
    assert world.scp.writes["add note"] == 0
    return world.ours()


async def test_a_run_where_nothing_changed_reads_once_and_sends_nothing(world: World) -> None:
    await linked_world(world)
    world.reset_counts()
    report = await world.link(feed="cases")
    assert report.results == []
    assert world.desk_transport.requests() == 0
    assert world.hub_transport.requests() == 1  # the feed's scan: one page of 8 cases


async def test_changes_are_written_to_their_tickets_once(world: World) -> None:
    closed, reprioritised, retitled = (await linked_world(world))[:3]
    cases = world.ssh.store.cases
    cases[closed]["state"] = {"name": "Closed"}
    cases[closed]["closedAt"] = "2030-01-02T00:00:00Z"
    cases[closed]["closingReport"] = {"isSolved": True, "notes": "Bearing replaced"}
    cases[reprioritised]["priority"] = "LOW"
    cases[retitled]["title"] = "Spindle noise"
    world.reset_counts()

    report = await world.link(feed="cases")
    rows = {r.key: r for r in ticket_rows(report)}
    assert report.counts == {"updated": 3}
    assert rows[closed].written == ["comment", "close"]
    assert rows[closed].differences == ["state", "closing_report"]
    assert rows[reprioritised].written == ["comment", "update"]
    assert rows[retitled].written == ["comment", "update"]
    assert world.scp.writes["add note"] == 3 and world.scp.writes["close request"] == 1
    assert world.ticket(closed)["status"]["name"] == "Closed"
    assert world.ticket(closed)["closure_info"] == {"closure_comments": "Bearing replaced"}
    assert world.ticket(reprioritised)["priority"]["name"].casefold() == "low"
    assert world.ticket(retitled)["subject"].endswith("] Spindle noise")
    note = world.notes(closed)
    assert len(note) == 1 and "State: In progress → Closed" in note[0]

    world.reset_counts()
    again = await world.link(feed="cases")
    assert again.results == [] and world.desk_transport.requests() == 0


async def test_a_reopened_case_reopens_its_ticket(world: World) -> None:
    case = (await linked_world(world))[0]
    world.ssh.store.cases[case]["state"] = {"name": "Closed"}
    await world.link(feed="cases")
    world.ssh.store.cases[case]["state"] = {"name": "Open"}
    report = await world.link(feed="cases")
    assert [r.written for r in ticket_rows(report)] == [["comment", "reopen"]]
    assert world.ticket(case)["status"]["name"] == "Open"


async def test_the_external_id_written_by_linking_is_no_change(world: World) -> None:
    every_field = world.feed("every-field", fingerprint=fingerprint_of)
    await commit_one_poll(every_field)  # what the hub holds before linking
    await linked_world(world)
    # a feed over every scanned field sees the five linked cases as changed; the links' does not
    changed = await resolve(every_field.pending())
    assert len(changed) == 5 and {c.kind for c in changed} == {"updated"}
    linking = world.feed("cases")
    assert await resolve(linking.pending()) == []
    await resolve(every_field.close())
    await resolve(linking.close())


async def commit_one_poll(feed: Any) -> None:
    batch = await resolve(feed.poll())
    await resolve(batch.commit())


async def test_a_crash_before_the_commit_writes_nothing_twice(world: World) -> None:
    case = (await linked_world(world))[0]
    world.ssh.store.cases[case]["priority"] = "LOW"
    feed = world.feed()
    crash_at_commit(feed)
    with pytest.raises(Crash):
        await world.link(feed=feed)
    assert world.scp.writes["add note"] == 1 and world.scp.writes["edit request"] == 1

    world.reset_counts()
    resumed = await world.link(feed=feed)  # the same poller: the batch comes back to it
    rows = ticket_rows(resumed)
    assert [(r.action, r.key) for r in rows] == [("unchanged", case)]
    assert "written by an earlier run" in (rows[0].reason or "")
    assert world.scp.writes["add note"] == 1 and world.desk_transport.requests() == 0
    assert len(world.notes(case)) == 1
    assert (await world.link(feed=feed)).results == []
    await resolve(feed.close())


def crash(*args: Any) -> None:
    raise Crash


def crash_at_commit(feed: Any) -> None:
    """The next batch `feed` delivers dies at its commit (once)."""
    poll = feed.poll

    def polled(*args: Any, **kwargs: Any) -> Any:
        feed.poll = poll
        result = poll(*args, **kwargs)
        if isinstance(feed, ChangeFeed):
            result.commit = crash
            return result

        async def crashing() -> Any:
            batch = await result
            batch.commit = crash
            return batch

        return crashing()

    feed.poll = polled


async def test_on_postgresql(world: World, postgres_url: str) -> None:
    world.journal = postgres_url  # the journal, the feed and the updates in one database
    case = (await linked_world(world))[0]
    world.ssh.store.cases[case]["state"] = {"name": "Closed"}
    feed = world.feed()
    crash_at_commit(feed)
    with pytest.raises(Crash):
        await world.link(feed=feed)
    resumed = await world.link(feed=feed)
    assert [r.action for r in ticket_rows(resumed)] == ["unchanged"]
    assert world.scp.writes["add note"] == 1 and world.scp.writes["close request"] == 1
    await resolve(feed.close())


async def test_a_comment_whose_answer_was_lost_is_not_sent_again(world: World) -> None:
    case = (await linked_world(world))[0]
    world.ssh.store.cases[case]["state"] = {"name": "Closed"}
    world.losing.losses = 1
    first = await world.link(feed="cases")
    [failed] = ticket_rows(first)
    assert failed.action == "failed" and failed.written == []
    assert world.scp.writes["add note"] == 1 and world.scp.writes["close request"] == 0

    second = await world.link(feed="cases")  # the feed moved on; the journal did not
    [row] = ticket_rows(second)
    assert row.action == "updated" and row.written == ["comment", "close"]
    assert world.scp.writes["add note"] == 1 and world.scp.writes["close request"] == 1
    assert len(world.notes(case)) == 1
    assert (await world.link(feed="cases")).results == []


async def test_a_case_whose_linking_failed_is_linked_by_the_next_run(world: World) -> None:
    world.desk_transport.faults.add(Reply(400, body='{"response_status": {}}'), method="POST")
    first = await world.link(feed="cases")
    assert first.counts == {"failed": 1, "linked": 4}
    # nothing changed in the hub, and the feed committed its batch: the journal remembers
    second = await world.link(feed="cases")
    assert second.counts == {"linked": 1}
    assert all(case["externalId"] for case in world.ssh.store.cases.values())
    world.reset_counts()
    assert (await world.link(feed="cases")).results == []
    assert world.hub_transport.requests() == 1


async def test_a_dry_run_says_what_it_would_write(world: World) -> None:
    case = (await linked_world(world))[0]
    world.ssh.store.cases[case]["state"] = {"name": "Closed"}
    world.reset_counts()
    dry = await world.link(feed="cases", dry_run=True)
    [row] = ticket_rows(dry)
    assert row.reason == "dry run: would write comment, close"
    assert world.desk_transport.requests() == 0
    assert [r.written for r in ticket_rows(await world.link(feed="cases"))] == [
        ["comment", "close"]
    ]


async def test_limit_and_feeds_of_other_records_are_refused(world: World) -> None:
    with pytest.raises(ConfigurationError, match="limit= does not combine with feed="):
        await world.link(feed="cases", limit=1)
    kind = ChangeFeed if world.mode == "sync" else AsyncChangeFeed
    customers = kind(world.hub.customers, name="customers", state=world.journal)
    with pytest.raises(ConfigurationError, match=r"over hub\.service_cases"):
        await world.link(feed=customers)
    await resolve(customers.close())
    assert world.desk_transport.requests() == 0


async def test_a_help_desk_that_cannot_close_gets_only_the_comment(
    mode: str, clock: FakeClock, tmp_path: Path
) -> None:
    ssh = SSHEmulator(
        store=SSHStore(3, organisations=1, customers=2, models=1, machines=2, cases=2)
    )
    for case in ssh.store.cases.values():
        case.update(externalId=None, state={"name": "Open"}, closedAt=None, closingReport=None)
    cec = CECenterEmulator(seed=1, tickets=20)
    hub_transport, desk_transport = EmulatorTransport(ssh), EmulatorTransport(cec, unique=True)
    sync = mode == "sync"
    hub = (SSHClient if sync else AsyncSSHClient)(
        **ssh.client_config(hub_transport.url), http_client=hub_transport.http_client(mode)
    )
    client = (CECenterClient if sync else AsyncCECenterClient)(
        **cec.client_config(desk_transport.url), http_client=desk_transport.http_client(mode)
    )
    desk = HelpDesk(client) if sync else AsyncHelpDesk(client)
    assert not desk.supports("close")
    link = link_service_cases if sync else link_service_cases_async
    journal = tmp_path / "links.sqlite3"
    try:
        assert (await resolve(link(hub, desk, journal=journal, feed="cases"))).counts == {
            "linked": 2
        }
        case_id = next(iter(ssh.store.cases))
        ssh.store.cases[case_id]["state"] = {"name": "Closed"}
        report = await resolve(link(hub, desk, journal=journal, feed="cases"))
        [row] = ticket_rows(report)
        assert row.action == "updated" and row.written == ["comment"]
        assert cec.writes["interactionLogs"] == 1 and cec.writes["update"] == 0
        ticket = await resolve(desk.tickets.get(ssh.store.cases[case_id]["externalId"]))
        assert ticket.status != TicketStatus.CLOSED
    finally:
        await close(hub)
        await close(client)
