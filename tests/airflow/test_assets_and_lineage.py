"""The `servicehub://` assets the operators declare as outlets (normalised by the provider's
handler, as Airflow registers it), and the operators' OpenLineage facets."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("airflow.sdk", reason="Airflow is not installed")

from airflow.sdk import Asset

from servicehub_sdk.airflow.operators import (
    LinkServiceCasesOperator,
    SyncMasterDataOperator,
    asset_uri,
    servicehub_asset,
)
from servicehub_sdk.airflow.sensors import ServiceHubChangesSensor
from servicehub_sdk.core import ConfigurationError

MASTER_DATA = [
    "servicehub://ssh/machine_models",
    "servicehub://ssh/customers",
    "servicehub://ssh/customer_machines",
]


def uris(outlets: list[Any]) -> list[str]:
    return [outlet.uri for outlet in outlets]


def test_airflow_normalises_servicehub_uris_with_the_providers_handler() -> None:
    assert Asset("servicehub://SSH/service_cases/").uri == "servicehub://ssh/service_cases"
    assert Asset("servicehub://ssh/service_cases#x").uri == "servicehub://ssh/service_cases"
    for bad in (
        "servicehub://nowhere/service_cases",  # no such backend
        "servicehub://ssh/",  # no resource
        "servicehub://ssh/Service-Cases",  # not a client attribute
        "servicehub://ssh:8080/service_cases",
        "servicehub://ssh/service_cases?page=1",
    ):
        with pytest.raises(ValueError, match="servicehub://"):
            Asset(bad)


def test_asset_helpers_name_the_resource_of_a_backend() -> None:
    asset = servicehub_asset("supportcenter", "tickets")
    assert (asset.name, asset.uri) == (
        "servicehub://supportcenter/tickets",
        "servicehub://supportcenter/tickets",
    )
    with pytest.raises(ConfigurationError, match="unknown backend 'nowhere'"):
        asset_uri("nowhere", "tickets")


def test_operators_declare_the_assets_they_write() -> None:
    sync = SyncMasterDataOperator(task_id="sync", source="customers.csv")
    assert uris(sync.outlets) == MASTER_DATA

    link = LinkServiceCasesOperator(
        task_id="link", target_conn_id="servicehub_supportcenter_default", journal="j.db"
    )
    assert uris(link.outlets) == ["servicehub://supportcenter/tickets"]
    named = LinkServiceCasesOperator(
        task_id="named", target_conn_id="helpdesk", target_backend="cecenter", journal="j.db"
    )
    assert uris(named.outlets) == ["servicehub://cecenter/tickets"]
    unknown = LinkServiceCasesOperator(task_id="unknown", target_conn_id="helpdesk", journal="j")
    assert unknown.outlets == []  # the backend is known only once the connection is read
    with pytest.raises(ConfigurationError, match="'ssh' is no ticket system"):
        LinkServiceCasesOperator(
            task_id="hub", target_conn_id="helpdesk", target_backend="ssh", journal="j"
        )
    own = SyncMasterDataOperator(task_id="own", source="c.csv", outlets=[Asset("s3://b/k")])
    assert uris(own.outlets) == ["s3://b/k"]

    sensor = ServiceHubChangesSensor(
        task_id="wait", resource="customers", feed="customers", state="feeds.db"
    )
    assert uris(sensor.outlets) == ["servicehub://ssh/customers"]


def test_mapped_operators_declare_them_too() -> None:
    """Mapped tasks are made without `__init__` when the DAG is parsed: the outlets go into
    `partial()`, where the scheduler reads them."""
    import pendulum
    from airflow.sdk import DAG

    with DAG(dag_id="mapped", schedule=None, start_date=pendulum.datetime(2026, 1, 1)):
        link = LinkServiceCasesOperator.partial(
            task_id="link", target_conn_id="servicehub_supportcenter_default", journal="j.db"
        ).expand(shard=[0, 1])
        sync = SyncMasterDataOperator.partial(task_id="sync").expand(source=["a.csv"])
    assert uris(link.outlets) == ["servicehub://supportcenter/tickets"]
    assert uris(sync.outlets) == MASTER_DATA


def datasets(found: list[Any]) -> list[tuple[str, str]]:
    return [(dataset.namespace, dataset.name) for dataset in found]


def test_link_cases_lineage_reads_cases_and_writes_tickets_and_cases() -> None:
    from airflow.providers.openlineage.extractors import OperatorLineage

    link = LinkServiceCasesOperator(
        task_id="link", target_conn_id="servicehub_supportcenter_default", journal="j.db"
    )
    lineage = link.get_openlineage_facets_on_complete(None)
    assert isinstance(lineage, OperatorLineage)
    assert datasets(lineage.inputs) == [("servicehub://ssh", "service_cases")]
    assert datasets(lineage.outputs) == [
        ("servicehub://supportcenter", "tickets"),
        ("servicehub://ssh", "service_cases"),
    ]


def test_master_data_lineage_reads_the_files_and_writes_three_resources(tmp_path: Path) -> None:
    local = tmp_path / "customers.csv"
    sync = SyncMasterDataOperator(
        task_id="sync", source=[str(local), "s3://erp-exports/daily/machines.csv"]
    )
    lineage = sync.get_openlineage_facets_on_complete(None)
    assert datasets(lineage.inputs) == [
        ("file", str(local)),
        ("s3://erp-exports", "daily/machines.csv"),
    ]
    assert datasets(lineage.outputs) == [
        ("servicehub://ssh", "machine_models"),
        ("servicehub://ssh", "customers"),
        ("servicehub://ssh", "customer_machines"),
    ]


def test_the_assets_openlineage_converter_matches_the_operators_datasets() -> None:
    from airflow.providers.common.compat.openlineage.facet import Dataset

    try:  # Airflow 3.2 and later
        from airflow.sdk.providers_manager_runtime import (
            ProvidersManagerTaskRuntime as ProvidersManager,
        )
    except ImportError:
        from airflow.providers_manager import ProvidersManager

    convert = ProvidersManager().asset_to_openlineage_converters["servicehub"]
    converted = convert(servicehub_asset("ssh", "service_cases"), None)
    assert isinstance(converted, Dataset)
    assert (converted.namespace, converted.name) == ("servicehub://ssh", "service_cases")


def test_without_the_openlineage_provider_there_is_no_lineage(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "airflow.providers.openlineage.extractors", None)
    link = LinkServiceCasesOperator(
        task_id="link", target_conn_id="servicehub_supportcenter_default", journal="j.db"
    )
    sync = SyncMasterDataOperator(task_id="sync", source="customers.csv")
    assert link.get_openlineage_facets_on_complete(None) is None
    assert sync.get_openlineage_facets_on_complete(None) is None
