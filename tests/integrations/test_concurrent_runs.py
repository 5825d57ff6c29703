"""Runs that overlap, in several processes on one journal (a SQLite file, a PostgreSQL
database), against one sandbox: never two tickets for a case, even when a run is killed."""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from servicehub_sdk.integrations import SyncReport, open_journal
from servicehub_sdk.testing import Sandbox

from ._journal_db import expire_leases
from ._link_worker import KILLED, run

RUNS = ["sync", "async", "sync"]
CASES = 10
JOIN_TIMEOUT = 120
SPAWN = multiprocessing.get_context("spawn")  # the sandbox serves from threads: no fork


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(["ssh", "supportcenter"]) as running:
        yield running


def start_runs(
    sandbox: Sandbox, journal: str, tmp_path: Path, modes: list[str], *, die: str | None = None
) -> list[SyncReport | int]:
    """Run `link_service_cases` in one process per mode, all starting together; each run's
    report, or its exit code when it did not finish."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    start = SPAWN.Barrier(len(modes)) if len(modes) > 1 else None
    paths = [tmp_path / f"report-{i}-{mode}.json" for i, mode in enumerate(modes)]
    processes = [
        SPAWN.Process(
            target=run,
            args=(
                mode,
                sandbox.config("ssh"),
                sandbox.config("supportcenter"),
                journal,
                CASES,
                str(path),
                start,
                die,
            ),
        )
        for mode, path in zip(modes, paths, strict=True)
    ]
    for process in processes:
        process.start()
    try:
        for process in processes:
            process.join(JOIN_TIMEOUT)
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
                process.join()
    return [
        SyncReport.model_validate_json(path.read_text()) if path.exists() else p.exitcode or 0
        for p, path in zip(processes, paths, strict=True)
    ]


def tickets_per_case(sandbox: Sandbox, before: set[str]) -> Counter[str]:
    """How many requests the runs created per case marker (`[SSH SC-1]`)."""
    requests = sandbox.emulator("supportcenter").state.records["requests"]
    return Counter(
        r["subject"].split("]")[0] + "]" for rid, r in requests.items() if rid not in before
    )


def request_ids(sandbox: Sandbox) -> set[str]:
    return set(sandbox.emulator("supportcenter").state.records["requests"])


def test_overlapping_runs_create_one_ticket_per_case(
    sandbox: Sandbox, journal_location: str, tmp_path: Path
) -> None:
    before = request_ids(sandbox)
    reports = start_runs(sandbox, journal_location, tmp_path, RUNS)
    assert all(isinstance(r, SyncReport) for r in reports), reports
    # each run links the first CASES cases unlinked when it lists them: the sets overlap
    tickets = tickets_per_case(sandbox, before)
    assert set(tickets.values()) == {1}, tickets
    assert CASES <= len(tickets) <= CASES * len(RUNS)
    assert sandbox.emulator("supportcenter").state.writes["add request"] == len(tickets)
    results = [r for report in reports if isinstance(report, SyncReport) for r in report.results]
    assert {r.action for r in results} <= {"linked", "unchanged"}
    linked = {r.key: r.reference for r in results if r.action == "linked"}
    cases = sandbox.emulator("ssh").state.store.cases
    assert len(linked) == len(tickets)
    assert all(cases[key]["externalId"] == ticket for key, ticket in linked.items())
    book = open_journal(journal_location)
    try:
        assert {e.state for e in book.entries()} == {"linked"}
        assert all(e.owner is None for e in book.entries())
    finally:
        book.close()


@pytest.mark.parametrize("when", ["before create", "after create"])
def test_a_run_killed_holding_a_claim_is_recovered_without_a_duplicate(
    sandbox: Sandbox, journal_location: str, tmp_path: Path, when: str
) -> None:
    before = request_ids(sandbox)
    (killed,) = start_runs(sandbox, journal_location, tmp_path / "killed", ["sync"], die=when)
    assert killed == KILLED
    book = open_journal(journal_location)
    try:
        (held,) = book.entries()
        assert held.state == "pending" and held.owner is not None
        created_by_dead_run = len(tickets_per_case(sandbox, before))
        assert created_by_dead_run == (1 if when == "after create" else 0)

        # while the dead run's lease holds, the next run leaves the case alone
        (waiting,) = start_runs(sandbox, journal_location, tmp_path / "waiting", ["sync"])
        assert isinstance(waiting, SyncReport)
        skipped = next(r for r in waiting.results if r.key == held.case_id)
        assert skipped.action == "unchanged"
        assert len(tickets_per_case(sandbox, before)) == CASES - 1 + created_by_dead_run

        expire_leases(journal_location)
        (recovering,) = start_runs(sandbox, journal_location, tmp_path / "recovering", ["sync"])
        assert isinstance(recovering, SyncReport)
        resumed = next(r for r in recovering.results if r.key == held.case_id)
        assert resumed.action == "linked"
        assert resumed.reason == ("ticket from an earlier run" if when == "after create" else None)
        assert book.get(held.case_id).state == "linked"  # type: ignore[union-attr]
    finally:
        book.close()
    tickets = tickets_per_case(sandbox, before)
    assert set(tickets.values()) == {1}, tickets
    cases: dict[str, Any] = sandbox.emulator("ssh").state.store.cases
    assert cases[held.case_id]["externalId"] == resumed.reference
