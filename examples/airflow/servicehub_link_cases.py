"""An Airflow DAG: ERP master data into Secure Service Hub, then every new service case linked
to a SupportCenter Plus request, the linking split over mapped tasks.

    sync_master_data → wait_for_unlinked_cases → link (one task per shard) → summary

The mapped `link` tasks share one PostgreSQL link journal, so they may run at once on any
number of workers, be retried or die half-way: every case gets exactly one request.

Connections (Admin → Connections, or `AIRFLOW_CONN_<ID>` variables):

- `servicehub_ssh_default` (type `servicehub_ssh`): Secure Service Hub;
- `servicehub_supportcenter_default` (type `servicehub_supportcenter`): the help desk;
- `servicehub_link_journal` (type `postgres`): the database of the link journal.

Params: `master_data` (files or URIs, their names say their kind), `service_organisation`
(of customers that name none), `shards` (how many tasks link cases).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pendulum
from airflow.sdk import DAG, Param, task

from servicehub_sdk.airflow.operators import LinkServiceCasesOperator, SyncMasterDataOperator
from servicehub_sdk.airflow.sensors import UnlinkedServiceCasesSensor

DATA = Path(__file__).resolve().parent.parent / "data"
MASTER_DATA_KINDS = ("machine_models", "customers", "customer_machines")

with DAG(
    dag_id="servicehub_link_cases",
    schedule="@hourly",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    params={
        "master_data": Param(
            [str(DATA / f"{kind}.csv") for kind in MASTER_DATA_KINDS],
            type="array",
        ),
        "service_organisation": Param("Service DACH", type=["null", "string"]),
        "shards": Param(4, type="integer", minimum=1),
    },
    tags=["servicehub"],
    render_template_as_native_obj=True,
) as dag:
    master_data = SyncMasterDataOperator(
        task_id="sync_master_data",
        source="{{ params.master_data }}",
        service_organisation="{{ params.service_organisation }}",
        fail_on_failed=False,  # a bad record is in the summary; retrying would not mend it
    )

    wait = UnlinkedServiceCasesSensor(
        task_id="wait_for_unlinked_cases", poke_interval=300, timeout=3000, mode="reschedule"
    )

    @task
    def shard_numbers(params: dict[str, Any]) -> list[int]:
        """0 … shards - 1: one mapped `link` task each."""
        return list(range(int(params["shards"])))

    link = LinkServiceCasesOperator.partial(
        task_id="link",
        target_conn_id="servicehub_supportcenter_default",
        journal_conn_id="servicehub_link_journal",
        shards="{{ params.shards }}",
        retries=2,
    ).expand(shard=shard_numbers())

    @task
    def summary(reports: list[dict[str, Any]]) -> dict[str, int]:
        """The mapped tasks' counts added up."""
        total: dict[str, int] = {}
        for report in reports:
            for action, count in report["counts"].items():
                total[action] = total.get(action, 0) + count
        return total

    master_data >> wait >> link
    summary(link.output)


if __name__ == "__main__":
    dag.test()
