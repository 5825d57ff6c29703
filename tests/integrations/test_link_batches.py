"""Linking service cases in groups: tickets created one by one under claims, their ids written
back in one document per group; a case whose link fails inside a document fails alone."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from servicehub_sdk.helpdesk import AsyncHelpDesk, HelpDesk
from servicehub_sdk.integrations import (
    link_service_cases,
    link_service_cases_async,
    open_journal,
)
from servicehub_sdk.ssh import AsyncSSHClient, SSHClient
from servicehub_sdk.supportcenter import AsyncSupportCenterClient, SupportCenterClient
from servicehub_sdk.testing import SSH_VARIANTS as VARIANTS
from servicehub_sdk.testing import EmulatorServer, SSHEmulator, SupportCenterEmulator
from servicehub_sdk.testing._ssh.store import SSHStore


@pytest.fixture(params=VARIANTS)
def emulator(request: pytest.FixtureRequest) -> SSHEmulator:
    return SSHEmulator(store=SSHStore(4, cases=20), variant=request.param)


async def link(
    mode: str, config: dict[str, Any], scp_config: dict[str, Any], journal: Path, **options: Any
) -> Any:
    if mode == "sync":
        with SSHClient(**config) as hub, SupportCenterClient(**scp_config) as scp:
            return link_service_cases(hub, HelpDesk(scp), journal=journal, **options)
    async with (
        AsyncSSHClient(**config) as hub,
        AsyncSupportCenterClient(**scp_config) as scp,
    ):
        return await link_service_cases_async(hub, AsyncHelpDesk(scp), journal=journal, **options)


def unlinked(emulator: SSHEmulator) -> list[str]:
    return [c["id"] for c in emulator.store.cases.values() if not c["externalId"]]


def link_documents(emulator: SSHEmulator) -> list[str]:
    return [d for d in emulator.requests if "updateServiceCaseExternalId" in d]


async def test_external_ids_go_out_one_document_per_group(
    mode: str,
    config: dict[str, Any],
    emulator: SSHEmulator,
    scp_emulator: SupportCenterEmulator,
    scp_server: EmulatorServer,
    tmp_path: Path,
) -> None:
    cases = unlinked(emulator)
    assert len(cases) > 3
    report = await link(
        mode,
        config,
        scp_emulator.client_config(scp_server.url),
        tmp_path / "j.sqlite3",
        batch_size=3,
    )
    assert sorted(r.key for r in report.results) == sorted(cases)
    assert report.counts == {"linked": len(cases)} and unlinked(emulator) == []
    documents = link_documents(emulator)
    assert len(documents) == math.ceil(len(cases) / 3)
    assert all(d.count("updateServiceCaseExternalId(") <= 3 for d in documents)
    assert scp_emulator.writes["add request"] == len(cases)
    with open_journal(tmp_path / "j.sqlite3") as journal:
        entries = journal.entries()
    assert {e.case_id for e in entries if e.state == "linked"} == set(cases)
    assert all(e.owner is None for e in entries)  # every claim given back


async def test_a_link_failing_inside_a_document_fails_alone_and_is_resumed(
    mode: str,
    config: dict[str, Any],
    emulator: SSHEmulator,
    scp_emulator: SupportCenterEmulator,
    scp_server: EmulatorServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from graphql import GraphQLError

    cases = unlinked(emulator)
    refused = cases[1]
    real = emulator.store.link_case

    def refuse_one(case_id: str, external_id: str) -> dict[str, Any]:
        if case_id == refused:
            raise GraphQLError("case is locked", extensions={"code": "CONFLICT"})
        return real(case_id, external_id)

    monkeypatch.setattr(emulator.store, "link_case", refuse_one)
    journal = tmp_path / "j.sqlite3"
    scp_config = scp_emulator.client_config(scp_server.url)
    report = await link(mode, config, scp_config, journal)
    assert sorted(r.key for r in report.results) == sorted(cases)  # every case, once
    by_key = {r.key: r for r in report.results}
    assert by_key[refused].action == "failed" and "case is locked" in (by_key[refused].reason or "")
    assert all(by_key[c].action == "linked" for c in cases if c != refused)
    assert unlinked(emulator) == [refused]
    with open_journal(journal) as book:
        entry = book.get(refused)
    assert entry is not None and entry.state == "created" and entry.owner is None
    monkeypatch.setattr(emulator.store, "link_case", real)
    again = await link(mode, config, scp_config, journal)
    assert [(r.key, r.action, r.reason) for r in again.results] == [
        (refused, "linked", "ticket from an earlier run")
    ]
    assert scp_emulator.writes["add request"] == len(cases)  # no second ticket
