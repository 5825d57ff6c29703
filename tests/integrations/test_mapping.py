"""Master data in the ERP's own columns: a declared mapping renames columns and translates
values; an export that does not fit fails before anything is read or written. Sync and async,
against the SSH emulator in-process; the command line's `--mapping`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from servicehub_sdk import ConfigurationError, MappingError
from servicehub_sdk.integrations import (
    ExportMapping,
    load_master_data,
    sync_master_data,
    sync_master_data_async,
)
from servicehub_sdk.ssh import AsyncSSHClient, SSHClient
from servicehub_sdk.testing import SSHEmulator
from servicehub_sdk.testing._ssh.store import SSHStore
from tests.helpers import close

MAPPING_TOML = """
[customers]
KUNNR = "external_id"
NAME1 = "name"
LAND1 = "country"
ORT01 = "city"
PSTLZ = "postal_code"

[customer_machines]
EQUNR = "external_id"
SERNR = "serial_number"
KUNDE = "customer_external_id"
MATNR = "machine_model_external_id"
SP1 = "is_sp1_migration"

[values.country]
Deutschland = "DE"
"Österreich" = "AT"

[values.is_sp1_migration]
X = "true"
"""

CUSTOMERS_CSV = (
    "KUNNR,NAME1,LAND1,ORT01,PSTLZ,VKORG\n"
    "0000100001,Bäckerei Schmidt,Deutschland,Dresden,01067,1000\n"
    "0000100002,Alpen Werk,Österreich,Linz,4020,1000\n"
)
MACHINES_CSV = "EQUNR,SERNR,KUNDE,MATNR,SP1\nEQ-9001,SN-9001,0000100001,MAT-200001,X\n"


@pytest.fixture
def emulator() -> SSHEmulator:
    store = SSHStore(2, organisations=1, customers=4, models=2, machines=4, cases=0)
    return SSHEmulator(store=store)


def org_name(emulator: SSHEmulator) -> str:
    return str(next(iter(emulator.store.organisations.values()))["name"])


async def run(mode: str, config: dict[str, Any], source: Any, **options: Any) -> Any:
    if mode == "sync":
        with SSHClient(**config) as hub:
            return sync_master_data(hub, source, **options)
    client = AsyncSSHClient(**config)
    try:
        return await sync_master_data_async(client, source, concurrency=2, **options)
    finally:
        await close(client)


@pytest.fixture
def export(tmp_path: Path) -> list[Path]:
    (tmp_path / "customers.csv").write_text(CUSTOMERS_CSV, encoding="utf-8")
    (tmp_path / "customer_machines.csv").write_text(MACHINES_CSV, encoding="utf-8")
    return [tmp_path / "customers.csv", tmp_path / "customer_machines.csv"]


@pytest.fixture
def mapping_file(tmp_path: Path) -> Path:
    path = tmp_path / "erp.toml"
    path.write_text(MAPPING_TOML, encoding="utf-8")
    return path


async def test_an_export_in_erp_columns_syncs_through_a_mapping_file(
    mode: str,
    config: dict[str, Any],
    emulator: SSHEmulator,
    export: list[Path],
    mapping_file: Path,
) -> None:
    mapping = ExportMapping.load(mapping_file)
    report = await run(
        mode, config, export, mapping=mapping, service_organisation=org_name(emulator)
    )
    assert report.counts == {"created": 3}, report.results
    store = emulator.store
    schmidt = store.customer_by_external_id("0000100001")
    assert schmidt["name"] == "Bäckerei Schmidt"
    assert schmidt["address"]["country"] == "DE" and schmidt["address"]["postalCode"] == "01067"
    assert store.customer_by_external_id("0000100002")["address"]["country"] == "AT"
    machine = next(m for m in store.machines.values() if m["externalId"] == "EQ-9001")
    assert machine["serialNumber"] == "SN-9001" and machine["isSp1Migration"] is True
    again = await run(
        mode, config, export, mapping=mapping, service_organisation=org_name(emulator)
    )
    assert again.counts == {"unchanged": 3}


def test_a_mapped_column_the_export_lacks_fails_before_any_request(
    config: dict[str, Any], emulator: SSHEmulator, export: list[Path], mapping_file: Path
) -> None:
    export[0].write_text(CUSTOMERS_CSV.replace("LAND1", "LAND"), encoding="utf-8")
    with SSHClient(**config) as hub, pytest.raises(MappingError) as raised:
        sync_master_data(hub, export, mapping=ExportMapping.load(mapping_file))
    error = raised.value
    assert (error.source, error.row, error.column) == (str(export[0]), 1, "LAND1")
    assert "did you mean 'LAND'" in str(error) and str(error).startswith(f"{export[0]}, row 1:")
    assert emulator.requests == [] and sum(emulator.store.writes.values()) == 0


async def test_a_value_missing_from_a_strict_map_names_its_row_and_column(
    mode: str, config: dict[str, Any], emulator: SSHEmulator, export: list[Path]
) -> None:
    mapping = ExportMapping(
        customers={"KUNNR": "external_id", "NAME1": "name", "LAND1": "country"},
        values={"country": {"Deutschland": "DE"}},
        strict_values=frozenset({"country"}),
    )
    with pytest.raises(MappingError) as raised:
        await run(mode, config, export, mapping=mapping)
    assert (raised.value.row, raised.value.column) == (2, "LAND1")
    assert "'Österreich' has no entry in the value map for country" in str(raised.value)
    assert emulator.requests == [] and sum(emulator.store.writes.values()) == 0
    lenient = ExportMapping(
        customers={"KUNNR": "external_id", "NAME1": "name", "LAND1": "country"},
        values={"country": {"Deutschland": "DE"}},
    )
    rows = load_master_data(export[:1], mapping=lenient).customers
    assert [row["country"] for row in rows] == ["DE", "Österreich"]  # sent as it is


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"customers": {"KUNNR": "external_id", "REGIO": "region"}}, "'region' is not a field"),
        ({"customers": {"KUNNR": "external_id", "ZZ_SLA": "sla_level"}}, "the fields are"),
        ({"customers": {"NAME1": "name"}}, "no column is mapped to external_id"),
        ({"customers": {"KUNNR": "external_id", "K2": "external_id"}}, "already fed by"),
        ({"values": {"contry": {"Deutschland": "DE"}}}, "did you mean 'country'"),
        ({"values": {}, "strict_values": frozenset({"country"})}, "has no map in values"),
    ],
)
def test_a_wrong_mapping_is_refused_when_it_is_made(
    arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(MappingError, match=message):
        ExportMapping(**arguments)


def test_mapping_files_say_what_is_wrong(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[customer]\nKUNNR = "external_id"\n', encoding="utf-8")
    with pytest.raises(MappingError, match=r"unknown section 'customer'.*did you mean 'customers'"):
        ExportMapping.load(bad)
    bad.write_text("[customers\n", encoding="utf-8")
    with pytest.raises(MappingError, match="not valid TOML"):
        ExportMapping.load(bad)
    with pytest.raises(MappingError, match=r"use a \.toml or \.json"):
        ExportMapping.load(tmp_path / "mapping.yaml")
    bad.write_text('[customers]\nKUNNR = "external_id"\nREGIO = "region"\n', encoding="utf-8")
    with pytest.raises(MappingError) as raised:
        ExportMapping.load(bad)
    assert str(raised.value).startswith(f"{bad} [customers]: column 'REGIO': 'region' is not")
    as_json = tmp_path / "erp.json"
    as_json.write_text('{"customers": {"KUNNR": "external_id"}}', encoding="utf-8")
    assert ExportMapping.load(as_json).customers == {"KUNNR": "external_id"}
    assert isinstance(MappingError("x"), ConfigurationError)


def test_kinds_without_a_mapping_keep_todays_columns_and_get_value_maps() -> None:
    mapping = ExportMapping(values={"country": {"Deutschland": "DE"}})
    rows = [
        {"external_id": "C-1", "name": "A", "country": "Deutschland", "serviceOrganisation": "X"}
    ]
    data = load_master_data({"customers": rows}, mapping=mapping)
    assert data.customers == [{**rows[0], "country": "DE"}]
    assert load_master_data({"customers": rows}).customers == rows  # no mapping: as today
    records = [{"kind": "customer", "KUNNR": "C-2", "LAND1": "Deutschland"}]
    mapped = load_master_data(
        records,
        mapping=ExportMapping(
            customers={"KUNNR": "external_id", "LAND1": "country"},
            values={"country": {"Deutschland": "DE"}},
        ),
    )
    assert mapped.customers == [{"external_id": "C-2", "country": "DE"}]


def test_the_command_line_reads_a_mapping_file_and_keeps_the_export_state(
    config: dict[str, Any],
    emulator: SSHEmulator,
    export: list[Path],
    mapping_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from typer.testing import CliRunner

    from servicehub_sdk.cli._app import app

    monkeypatch.setenv("SERVICEHUB_CONFIG", str(tmp_path / "none.toml"))
    for key, value in config.items():
        monkeypatch.setenv(f"SERVICEHUB_SSH_{key.upper()}", str(value))
    command = [
        "sync",
        "master-data",
        *map(str, export),
        "--mapping",
        str(mapping_file),
        "--service-organisation",
        org_name(emulator),
        "--export-state",
        str(tmp_path / "exports.sqlite3"),
    ]
    runner = CliRunner()
    first = runner.invoke(app, command)
    assert first.exit_code == 0, first.output
    assert "3 created" in first.output
    assert emulator.store.customer_by_external_id("0000100002")["address"]["country"] == "AT"
    emulator.requests.clear()
    again = runner.invoke(app, command)
    assert again.exit_code == 0 and "3 unchanged" in again.output and emulator.requests == []
    strict = 'strict_values = ["country"]\n' + MAPPING_TOML.replace('"Österreich" = "AT"\n', "")
    mapping_file.write_text(strict, encoding="utf-8")
    emulator.requests.clear()
    refused = runner.invoke(app, command)
    assert refused.exit_code == 2 and emulator.requests == []
    assert f"{export[0]}, row 2: column 'LAND1': value 'Österreich'" in refused.output
