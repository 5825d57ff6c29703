"""Master-data sync against the SSH emulator: idempotent, dry-run, isolated failures, sources."""

from __future__ import annotations

import copy
import json
import pickle
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from servicehub_sdk.integrations import (
    RecordResult,
    SyncReport,
    load_master_data,
    sync_master_data,
    sync_master_data_async,
)
from servicehub_sdk.ssh import AsyncSSHClient, SSHClient
from servicehub_sdk.testing import SSHEmulator


@pytest.fixture
def emulator() -> SSHEmulator:
    return SSHEmulator(seed=2)


@pytest.fixture
def hub(config: dict[str, Any]) -> Iterator[SSHClient]:
    with SSHClient(**config) as client:
        yield client


def master_data(org_name: str) -> dict[str, list[dict[str, Any]]]:
    return {
        "machine_models": [
            {
                "external_id": "MAT-NEW-1",
                "model_name": "TruLine 1",
                "technology": "Laser",
                "brand": "TruLine",
            },
            {"external_id": "MAT-200001", "model_name": "whatever"},
        ],
        "customers": [
            {
                "external_id": "ERP-1",
                "name": "Bäckerei Schmidt",
                "service_organisation": org_name,
                "country": "DE",
                "postal_code": "01067",
            },
            {
                "external_id": "ERP-2",
                "name": "Rossi",
                "service_organisation": org_name,
                "country": "IT",
            },
            {"external_id": "ERP-BAD", "name": "No country", "service_organisation": org_name},
            {
                "external_id": "ERP-ORG",
                "name": "Lost",
                "service_organisation": "Nowhere",
                "country": "DE",
            },
        ],
        "customer_machines": [
            {
                "external_id": "EQ-1",
                "serial_number": "S1",
                "customer_external_id": "ERP-1",
                "machine_model_external_id": "MAT-NEW-1",
                "is_sp1_migration": "yes",
            },
            {
                "external_id": "EQ-2",
                "serial_number": "S2",
                "customer_external_id": "ERP-2",
                "machine_model_external_id": "MAT-NOPE",
            },
            {
                "external_id": "EQ-3",
                "serial_number": "S3",
                "customer_external_id": "ERP-BAD",
                "machine_model_external_id": "MAT-NEW-1",
            },
        ],
    }


def org_name(emulator: SSHEmulator) -> str:
    return str(next(iter(emulator.store.organisations.values()))["name"])


def test_sync_then_resync_changes_nothing(hub: SSHClient, emulator: SSHEmulator) -> None:
    data = master_data(org_name(emulator))
    first = sync_master_data(hub, data)
    by_key = {r.key: r for r in first.results}
    assert by_key["MAT-NEW-1"].action == "created" and by_key["MAT-200001"].action == "unchanged"
    assert by_key["MAT-200001"].differences == ["modelName"]
    assert by_key["ERP-1"].action == "created" and by_key["EQ-1"].action == "created"
    assert by_key["ERP-BAD"].action == "failed" and "country" in (by_key["ERP-BAD"].reason or "")
    assert by_key["ERP-ORG"].action == "failed" and "Nowhere" in (by_key["ERP-ORG"].reason or "")
    assert by_key["EQ-2"].action == "failed" and "MAT-NOPE" in (by_key["EQ-2"].reason or "")
    assert by_key["EQ-3"].action == "failed" and "ERP-BAD" in (by_key["EQ-3"].reason or "")
    writes = dict(emulator.store.writes)
    second = sync_master_data(hub, data)
    assert not second.changed_anything
    assert second.counts.get("created", 0) == 0 and dict(emulator.store.writes) == writes
    data["customers"][1]["name"] = "Rossi & Figli"
    third = sync_master_data(hub, data)
    assert [(r.key, r.action, r.differences) for r in third.results if r.action == "updated"] == [
        ("ERP-2", "updated", ["name"])
    ]


def test_dry_run_writes_nothing(hub: SSHClient, emulator: SSHEmulator) -> None:
    report = sync_master_data(hub, master_data(org_name(emulator)), dry_run=True)
    assert report.dry_run and report.counts["created"] == 4
    assert sum(emulator.store.writes.values()) == 0
    assert "dry run" in str(report)


def test_invalid_rows_among_hundreds_fail_alone_with_their_own_reasons(
    hub: SSHClient, emulator: SSHEmulator
) -> None:
    organisation = org_name(emulator)
    customers = [
        {"external_id": f"C-{n}", "name": f"Customer {n}", "country": "DE"} for n in range(250)
    ]
    customers[0]["country"] = "Germany"  # first row of the first slice of rows checked together
    del customers[149]["country"]  # the last row of another
    customers[201]["service_organisation"] = "Nowhere"  # refused before validation
    customers[249]["name"] = "   "  # nothing left once cleaned: a required field is missing
    report = sync_master_data(
        hub, {"customers": customers}, dry_run=True, service_organisation=organisation
    )
    assert sorted(r.key for r in report.results) == sorted(c["external_id"] for c in customers)
    failed = [(r.key, r.reason or "") for r in report.results if r.action == "failed"]
    assert [key for key, _ in failed] == ["C-0", "C-149", "C-201", "C-249"]
    reasons = dict(failed)
    assert "ISO 3166-1" in reasons["C-0"] and "address" in reasons["C-149"]
    assert "Nowhere" in reasons["C-201"] and "name" in reasons["C-249"]
    assert report.counts == {"failed": 4, "created": 246}


def test_a_write_that_fails_fails_alone(
    hub: SSHClient, emulator: SSHEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    from graphql import GraphQLError

    real = emulator.store.create_customer

    def refuse_rossi(data: dict[str, Any]) -> dict[str, Any]:
        if data["name"] == "Rossi":
            raise GraphQLError("storage is full", extensions={"code": "INTERNAL_SERVER_ERROR"})
        return real(data)

    monkeypatch.setattr(emulator.store, "create_customer", refuse_rossi)
    report = sync_master_data(hub, master_data(org_name(emulator)))
    by_key = {r.key: r for r in report.results}
    assert by_key["ERP-2"].action == "failed" and "storage is full" in (
        by_key["ERP-2"].reason or ""
    )
    assert by_key["ERP-1"].action == "created" and by_key["EQ-1"].action == "created"


async def test_async_with_bounded_concurrency(
    config: dict[str, Any], emulator: SSHEmulator
) -> None:
    rows = [
        {
            "external_id": f"BULK-{i}",
            "name": f"Bulk {i}",
            "service_organisation": org_name(emulator),
            "country": "FR",
        }
        for i in range(40)
    ]
    async with AsyncSSHClient(**config) as hub:
        report = await sync_master_data_async(hub, {"customers": rows}, concurrency=4)
        again = await sync_master_data_async(hub, {"customers": rows}, concurrency=4)
    assert report.counts == {"created": 40} and again.counts == {"unchanged": 40}


def test_sources_csv_jsonl_dataframe_and_dicts(
    tmp_path: Path, hub: SSHClient, emulator: SSHEmulator
) -> None:
    name = org_name(emulator)
    (tmp_path / "customers.csv").write_text(
        f"external_id,name,service_organisation,country,postal_code\nCSV-1,Csv GmbH,{name},DE,01067\n"
    )
    (tmp_path / "machine_models.jsonl").write_text(
        json.dumps({"external_id": "JL-1", "model_name": "Jsonl"}) + "\n"
    )
    data = load_master_data([tmp_path / "customers.csv", tmp_path / "machine_models.jsonl"])
    assert data.customers[0]["postal_code"] == "01067" and len(data) == 2
    frame = pd.DataFrame(
        [
            {
                "external_id": "DF-1",
                "name": "Frame",
                "service_organisation": name,
                "country": "AT",
                "city": None,
            }
        ]
    )
    assert load_master_data({"customers": frame}).customers == [
        {"external_id": "DF-1", "name": "Frame", "service_organisation": name, "country": "AT"}
    ]
    assert len(load_master_data([{"kind": "customer", "external_id": "X"}]).customers) == 1
    report = sync_master_data(hub, data)
    assert report.counts == {"created": 2}
    csv_text = report.to_csv(tmp_path / "report.csv")
    assert "CSV-1,created" in csv_text and (tmp_path / "report.csv").exists()
    assert json.loads(report.to_json())["results"][0]["action"] == "created"


def test_the_sync_reads_back_only_the_ids_of_what_it_creates(
    hub: SSHClient, emulator: SSHEmulator
) -> None:
    report = sync_master_data(hub, master_data(org_name(emulator)))
    assert report.counts["created"] == 4
    created = r"(createMachineModel|createCustomer|createCustomerMachine)\([^)]*\) \{([^}]*)\}"
    selections = [(f, s.split()) for d in emulator.requests for f, s in re.findall(created, d)]
    assert sorted(f for f, _ in selections) == [
        "createCustomer",
        "createCustomer",
        "createCustomerMachine",
        "createMachineModel",
    ]
    assert all(selection == ["id", "externalId"] for _, selection in selections)


def test_report_rows_keep_read_only_lists(hub: SSHClient, emulator: SSHEmulator) -> None:
    report = sync_master_data(hub, master_data(org_name(emulator)))
    by_key = {r.key: r for r in report.results}
    created, unchanged = by_key["ERP-1"], by_key["MAT-200001"]
    assert created.differences == [] and created.possible_duplicates == [] == created.written
    assert unchanged.differences == ["modelName"] and isinstance(unchanged.differences, list)
    for texts in (created.differences, unchanged.differences, created.written):
        for change in (
            lambda t: t.append("x"),
            lambda t: t.extend(["x"]),
            lambda t: t.insert(0, "x"),
            lambda t: t.__setitem__(0, "x"),
            lambda t: t.__iadd__(["x"]),
            lambda t: t.clear(),
            lambda t: t.sort(),
        ):
            with pytest.raises(TypeError, match="read-only"):
                change(texts)
    assert unchanged.differences == ["modelName"] and created.written == []
    assert [*unchanged.differences, "name"] == ["modelName", "name"]
    assert RecordResult(kind="k", key="x", action="updated", written=["comment"]).written == [
        "comment"
    ]
    assert SyncReport.model_validate_json(report.to_json()) == report
    assert pickle.loads(pickle.dumps(report)) == report
    assert copy.deepcopy(report) == report and report.model_copy(deep=True) == report
    assert json.loads(report.to_json())["results"][0]["written"] == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        schema = SyncReport.model_json_schema()
    assert schema["$defs"]["RecordResult"]["properties"]["written"]["type"] == "array"


def test_progress_advances_by_the_rows_planned_then_by_document(
    hub: SSHClient, emulator: SSHEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tqdm.auto

    bars: list[Any] = []

    class Bar:
        def __init__(self, *, total: int, unit: str) -> None:
            self.total, self.updates, self.closed = total, [], False
            bars.append(self)

        def update(self, done: int) -> None:
            self.updates.append(done)

        def close(self) -> None:
            self.closed = True

    monkeypatch.setattr(tqdm.auto, "tqdm", Bar)
    report = sync_master_data(hub, master_data(org_name(emulator)), progress=True)
    (bar,) = bars
    assert bar.closed and bar.total == 9 == len(report.results) == sum(bar.updates)
    # 3 rows decided while planning; a document each of 1 model and 2 customers; then the
    # machines EQ-2 and EQ-3, refused just before their document, and EQ-1 in it
    assert bar.updates == [3, 1, 2, 1, 1, 1]


def test_a_create_the_schema_refuses_is_reported_while_planning(
    config: dict[str, Any], emulator: SSHEmulator
) -> None:
    from importlib import resources

    sdl = resources.files("servicehub_sdk.ssh").joinpath("schema.graphql").read_text("utf-8")
    stricter = sdl.replace(
        "input CreateCustomerInput {\n", "input CreateCustomerInput {\n  customerNumber: String!\n"
    )
    assert stricter != sdl
    with SSHClient(**config, schema=stricter) as hub:
        report = sync_master_data(hub, master_data(org_name(emulator)))
    by_key = {r.key: r for r in report.results}
    for key in ("ERP-1", "ERP-2"):
        assert by_key[key].action == "failed"
        assert "customerNumber is required" in (by_key[key].reason or ""), by_key[key]
    # decided while planning: before the rows of what was written, and never pending
    keys = [r.key for r in report.results]
    assert keys.index("ERP-1") < keys.index("MAT-NEW-1") and by_key["MAT-NEW-1"].action == "created"
    assert by_key["EQ-1"].reason == "unknown customer 'ERP-1'"
    assert not any("createCustomer(" in document for document in emulator.requests)
