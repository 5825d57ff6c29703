"""Linking service cases to tickets: exactly once, even when a run stops half-way."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from servicehub_sdk.core import ConfigurationError, Steps
from servicehub_sdk.helpdesk import AsyncHelpDesk, HelpDesk
from servicehub_sdk.integrations import (
    DeskTarget,
    LinkJournal,
    Shard,
    link_service_cases,
    link_service_cases_async,
    open_journal,
)
from servicehub_sdk.spicecsm import SpiceCSMClient
from servicehub_sdk.ssh import AsyncSSHClient, ServiceCase, SSHClient
from servicehub_sdk.supportcenter import AsyncSupportCenterClient, SupportCenterClient
from servicehub_sdk.testing import (
    EmulatorServer,
    Reply,
    Sandbox,
    SSHEmulator,
    SupportCenterEmulator,
)
from servicehub_sdk.testing._ssh.store import SSHStore

from ._journal_db import expire_leases


@pytest.fixture
def emulator() -> SSHEmulator:
    return SSHEmulator(store=SSHStore(4, cases=20))


@pytest.fixture
def clients(
    config: dict[str, Any], scp_emulator: SupportCenterEmulator, scp_server: EmulatorServer
) -> Iterator[tuple[SSHClient, SupportCenterClient]]:
    """The sync hub and SupportCenter Plus clients of the emulators."""
    with (
        SSHClient(**config) as hub,
        SupportCenterClient(**scp_emulator.client_config(scp_server.url)) as scp,
    ):
        yield hub, scp


def unlinked(emulator: SSHEmulator) -> int:
    return sum(1 for c in emulator.store.cases.values() if not c["externalId"])


def test_links_every_unlinked_case_once(
    clients: tuple[SSHClient, SupportCenterClient],
    emulator: SSHEmulator,
    scp_emulator: SupportCenterEmulator,
    tmp_path: Path,
) -> None:
    before = unlinked(emulator)
    hub, scp = clients
    dry = link_service_cases(hub, HelpDesk(scp), journal=tmp_path / "j.sqlite3", dry_run=True)
    assert len(dry.results) == before and scp_emulator.writes["add request"] == 0
    report = link_service_cases(hub, HelpDesk(scp), journal=tmp_path / "j.sqlite3")
    again = link_service_cases(hub, HelpDesk(scp), journal=tmp_path / "j.sqlite3")
    assert report.counts == {"linked": before} and again.results == []
    assert unlinked(emulator) == 0 and scp_emulator.writes["add request"] == before
    linked_to = {c["externalId"] for c in emulator.store.cases.values()}
    assert {r.reference for r in report.results} <= linked_to


class AfterCreate(DeskTarget):
    """Creates the ticket, then runs `then(case)`: what happens before the run records it."""

    def __init__(self, scp: Any, then: Callable[[ServiceCase], object]) -> None:
        super().__init__(HelpDesk(scp))
        self.then = then

    def create_ticket(self, case: ServiceCase) -> Steps[str]:
        ticket = yield from super().create_ticket(case)
        self.then(case)
        return ticket


def hub_refuses_links(ssh_server: EmulatorServer) -> Callable[[ServiceCase], object]:
    """The hub answers 503 from now on: the run stops between create and link."""
    return lambda case: ssh_server.faults.add([Reply(503)] * 3, path="/graphql")


def test_resume_after_a_crash_between_create_and_link(
    clients: tuple[SSHClient, SupportCenterClient],
    emulator: SSHEmulator,
    server: EmulatorServer,
    scp_emulator: SupportCenterEmulator,
    tmp_path: Path,
) -> None:
    journal = tmp_path / "links.sqlite3"
    hub, scp = clients
    first = link_service_cases(
        hub, AfterCreate(scp, hub_refuses_links(server)), journal=journal, limit=1
    )
    assert first.counts == {"failed": 1}
    case_id = first.results[0].key
    assert LinkJournal(journal).get(case_id).state == "created"  # type: ignore[union-attr]
    second = link_service_cases(hub, HelpDesk(scp), journal=journal)
    assert scp_emulator.writes["add request"] == unlinked_total(second)
    resumed = next(r for r in second.results if r.key == case_id)
    assert resumed.action == "linked" and resumed.reason == "ticket from an earlier run"
    assert emulator.store.cases[case_id]["externalId"] == resumed.reference


def unlinked_total(report: Any) -> int:
    return sum(1 for r in report.results if r.action == "linked")


class LostAnswer(DeskTarget):
    """The ticket is created, but the answer never arrives (a timeout after sending)."""

    def create_ticket(self, case: ServiceCase) -> Steps[str]:
        yield from super().create_ticket(case)
        from servicehub_sdk.core import APITimeoutError

        raise APITimeoutError("the answer was lost", may_have_been_applied=True)


def test_resume_after_a_lost_create_answer_finds_the_ticket(
    clients: tuple[SSHClient, SupportCenterClient],
    emulator: SSHEmulator,
    scp_emulator: SupportCenterEmulator,
    tmp_path: Path,
) -> None:
    journal = tmp_path / "links.sqlite3"
    hub, scp = clients
    first = link_service_cases(hub, LostAnswer(HelpDesk(scp)), journal=journal, limit=1)
    assert first.counts == {"failed": 1} and scp_emulator.writes["add request"] == 1
    key_owner = scp_emulator.me["email_id"]
    second = link_service_cases(
        hub, HelpDesk(scp, defaults={"technician": key_owner}), journal=journal, limit=1
    )
    assert (
        second.results[0].action == "linked"
        and second.results[0].reason == "ticket from an earlier run"
    )
    assert scp_emulator.writes["add request"] == 1


def test_a_found_ticket_whose_creator_is_unknown_is_reported_not_adopted(
    clients: tuple[SSHClient, SupportCenterClient],
    scp_emulator: SupportCenterEmulator,
    tmp_path: Path,
) -> None:
    journal = tmp_path / "links.sqlite3"
    hub, scp = clients
    first = link_service_cases(hub, LostAnswer(HelpDesk(scp)), journal=journal, limit=1)
    lost = list(scp_emulator.records["requests"].values())[-1]  # created, answer lost
    second = link_service_cases(hub, HelpDesk(scp), journal=journal, limit=1)
    (row,) = second.results
    assert row.key == first.results[0].key and row.action == "linked"
    assert row.possible_duplicates == [lost["id"]] and row.reference != lost["id"]
    assert second.to_review == [row] and scp_emulator.writes["add request"] == 2


async def test_async_linking(
    config: dict[str, Any],
    emulator: SSHEmulator,
    scp_server: EmulatorServer,
    scp_emulator: SupportCenterEmulator,
    tmp_path: Path,
) -> None:
    async with (
        AsyncSSHClient(**config) as hub,
        AsyncSupportCenterClient(**scp_emulator.client_config(scp_server.url)) as scp,
    ):
        report = await link_service_cases_async(
            hub, AsyncHelpDesk(scp), journal=tmp_path / "a.sqlite3", limit=3
        )
    assert report.counts == {"linked": 3}


async def test_shards_split_one_run_between_workers(
    mode: str,
    config: dict[str, Any],
    emulator: SSHEmulator,
    scp_server: EmulatorServer,
    scp_emulator: SupportCenterEmulator,
    tmp_path: Path,
) -> None:
    before = unlinked(emulator)
    scp_config = scp_emulator.client_config(scp_server.url)
    reports = []
    for index in range(3):
        if mode == "sync":
            with SSHClient(**config) as hub, SupportCenterClient(**scp_config) as scp:
                reports.append(
                    link_service_cases(
                        hub,
                        HelpDesk(scp),
                        journal=tmp_path / "j",
                        shard=Shard(index, 3),
                    )
                )
        else:
            async with (
                AsyncSSHClient(**config) as hub,
                AsyncSupportCenterClient(**scp_config) as scp,
            ):
                reports.append(
                    await link_service_cases_async(
                        hub,
                        AsyncHelpDesk(scp),
                        journal=tmp_path / "j",
                        shard=Shard(index, 3),
                    )
                )
    keys = [r.key for report in reports for r in report.results]
    assert all(report.results for report in reports)  # 20 cases: every shard gets some
    assert sorted(keys) == sorted(set(keys)) and len(keys) == before
    assert all(Shard(i, 3).holds(r.key) for i, report in enumerate(reports) for r in report.results)
    assert unlinked(emulator) == 0 and scp_emulator.writes["add request"] == before


def test_a_shard_limit_counts_only_its_cases(
    clients: tuple[SSHClient, SupportCenterClient], tmp_path: Path
) -> None:
    hub, scp = clients
    report = link_service_cases(
        hub, HelpDesk(scp), journal=tmp_path / "j", shard=Shard(1, 2), limit=2
    )
    assert len(report.results) == 2 and all(Shard(1, 2).holds(r.key) for r in report.results)


@pytest.mark.parametrize(("index", "count"), [(-1, 2), (2, 2), (0, 0)])
def test_a_shard_outside_its_count_is_refused(index: int, count: int) -> None:
    with pytest.raises(ConfigurationError, match="shard index"):
        Shard(index, count)


def test_cecenter_and_spicecsm_targets(tmp_path: Path) -> None:
    with Sandbox(["ssh", "cecenter", "spicecsm"]) as sandbox, sandbox.client("ssh") as hub:
        cec = sandbox.client("cecenter")
        customer_id = cec.service_tickets.list().first().customer_id
        report = link_service_cases(
            hub,
            HelpDesk(cec, defaults={"customer_id": customer_id}),
            journal=tmp_path / "c.sqlite3",
            limit=2,
        )
        assert report.counts == {"linked": 2}
        with SpiceCSMClient(**sandbox.config("spicecsm")) as rpc:
            spice = link_service_cases(hub, HelpDesk(rpc), journal=tmp_path / "s.sqlite3", limit=2)
            assert spice.counts == {"linked": 2}
            assert (
                rpc.objects.load({"type": "cases", "ssh_case_id": spice.results[0].key})[0]["id"]
                == spice.results[0].reference
            )


async def test_links_through_a_sqlite_or_postgresql_journal(
    mode: str,
    journal_location: str,
    config: dict[str, Any],
    emulator: SSHEmulator,
    scp_server: EmulatorServer,
    scp_emulator: SupportCenterEmulator,
) -> None:
    scp_config = scp_emulator.client_config(scp_server.url)

    async def run(**options: Any) -> Any:
        if mode == "sync":
            with SSHClient(**config) as hub, SupportCenterClient(**scp_config) as scp:
                return link_service_cases(hub, HelpDesk(scp), journal=journal_location, **options)
        async with (
            AsyncSSHClient(**config) as hub,
            AsyncSupportCenterClient(**scp_config) as scp,
        ):
            return await link_service_cases_async(
                hub, AsyncHelpDesk(scp), journal=journal_location, **options
            )

    dry = await run(limit=3, dry_run=True)
    assert dry.dry_run and dry.counts == {"linked": 3} and scp_emulator.writes["add request"] == 0
    report = await run(limit=3)
    assert report.counts == {"linked": 3} and scp_emulator.writes["add request"] == 3
    assert all(emulator.store.cases[r.key]["externalId"] == r.reference for r in report.results)
    with open_journal(journal_location) as book:
        assert [(e.state, e.owner) for e in book.entries()] == [("linked", None)] * 3


def another_run_takes_over(journal: str) -> Callable[[ServiceCase], object]:
    """The claim lapses (the create was too slow) and another run claims the case."""

    def take_over(case: ServiceCase) -> None:
        expire_leases(journal)
        with open_journal(journal) as other_run:
            assert other_run.claim(case.id, "other-host:1:x", 600) is not None

    return take_over


def test_a_run_whose_claim_lapsed_does_not_link_its_ticket(
    clients: tuple[SSHClient, SupportCenterClient],
    emulator: SSHEmulator,
    tmp_path: Path,
) -> None:
    journal = str(tmp_path / "links.sqlite3")
    hub, scp = clients
    report = link_service_cases(
        hub, AfterCreate(scp, another_run_takes_over(journal)), journal=journal, limit=1
    )
    with pytest.raises(ConfigurationError, match="lease_seconds"):
        link_service_cases(hub, HelpDesk(scp), journal=journal, lease_seconds=0)
    (row,) = report.results
    assert row.action == "failed" and "claim lapsed" in (row.reason or "")
    assert not emulator.store.cases[row.key]["externalId"]
    with open_journal(journal) as book:
        entry = book.get(row.key)
    assert entry is not None and (entry.state, entry.owner) == ("pending", "other-host:1:x")
