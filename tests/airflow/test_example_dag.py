"""The example DAG on Airflow itself (`dag.test()`): master data synced, then the linking split
over mapped tasks that share one PostgreSQL journal, against the sandbox."""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest

pytest.importorskip("airflow.sdk", reason="Airflow is not installed")

from servicehub_sdk.integrations import marker, open_journal

from .conftest import EXAMPLES, xcom

SHARDS = 3


def example_dag() -> Any:
    path = EXAMPLES / "servicehub_link_cases.py"
    spec = importlib.util.spec_from_file_location("servicehub_link_cases", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.dag


def test_mapped_tasks_link_every_case_exactly_once_run_after_run(
    sandbox: Any,
    airflow_connections: dict[str, str],
    airflow_db: None,
    postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_SERVICEHUB_LINK_JOURNAL", postgres_url)  # a URI connection
    cases = sandbox.emulator("ssh").state.store.cases
    requests = sandbox.emulator("supportcenter").state.records["requests"]
    unlinked = {case_id for case_id, case in cases.items() if not case["externalId"]}
    tickets_before = set(requests)
    assert len(unlinked) > SHARDS

    run = example_dag().test(run_conf={"shards": SHARDS})

    assert run.state == "success"
    new_tickets = {str(i): r for i, r in requests.items() if i not in tickets_before}
    assert len(new_tickets) == len(unlinked)  # counted in the emulator: one request per case
    linked_to = {case_id: cases[case_id]["externalId"] for case_id in unlinked}
    assert set(linked_to.values()) == set(new_tickets)  # every case its own request
    for case_id, ticket_id in linked_to.items():
        assert new_tickets[ticket_id]["subject"].startswith(marker_of(cases[case_id]))
    with open_journal(postgres_url) as journal:
        entries = journal.entries()
    assert {e.case_id for e in entries} == unlinked
    assert {(e.state, e.owner) for e in entries} == {("linked", None)}

    shards = sorted(xcom(run, "link"), key=lambda summary: str(summary["shard"]))
    assert [s["shard"] for s in shards] == [f"{i + 1}/{SHARDS}" for i in range(SHARDS)]
    assert all(s["counts"].get("linked", 0) > 0 for s in shards)  # the work was split
    assert sum(s["counts"]["linked"] for s in shards) == len(unlinked)
    assert xcom(run, "summary") == [{"linked": len(unlinked)}]
    (master_data,) = xcom(run, "sync_master_data")
    assert master_data["counts"] == {"created": 12, "failed": 1}
    assert master_data["failed"] == [
        {
            "kind": "customer_machine",
            "key": "EQ-DEMO-0006",
            "reason": "unknown customer 'ERP-UNKNOWN'",
        }
    ]

    # the next run: nothing left to link (the sensor would wait: marked done here)
    from servicehub_sdk.airflow.sensors import UnlinkedServiceCasesSensor

    assert not UnlinkedServiceCasesSensor(task_id="probe").poke({}).is_done
    again = example_dag().test(
        run_conf={"shards": SHARDS}, mark_success_pattern="wait_for_unlinked_cases"
    )
    assert again.state == "success" and len(requests) == len(tickets_before) + len(unlinked)
    assert [s["total"] for s in xcom(again, "link")] == [0] * SHARDS
    (master_data,) = xcom(again, "sync_master_data")
    assert master_data["counts"] == {"unchanged": 12, "failed": 1}


def marker_of(case: dict[str, Any]) -> str:
    from servicehub_sdk.ssh import ServiceCase

    return marker(ServiceCase.model_validate(case))
