"""Airflow DAGs that follow Secure Service Hub's service cases with a change feed.

    servicehub_case_changes:  wait_for_changes (deferred to the triggerer) → handle_changes
    servicehub_after_case_changes: scheduled on the asset servicehub://ssh/service_cases

`wait_for_changes` waits on the triggerer, with the async client, until the feed `cases` has
changes (it peeks: nothing is taken). `handle_changes` polls the same feed, handles the batch
and commits it when its block ends; a task that fails leaves the batch for its retry. The
sensor's outlet, `servicehub://ssh/service_cases`, schedules `servicehub_after_case_changes`.

Connection: `servicehub_ssh_default` (type `servicehub_ssh`). Param `state`: the SQLite file
of the feed (on a shared disk), or use `state_conn_id=` with a PostgreSQL connection.
"""

from __future__ import annotations

from typing import Any

import pendulum
from airflow.sdk import DAG, Param, task

from servicehub_sdk.airflow.hooks import ServiceHubSSHHook
from servicehub_sdk.airflow.operators import servicehub_asset
from servicehub_sdk.airflow.sensors import ServiceHubChangesSensor
from servicehub_sdk.feeds import ChangeFeed

FEED = "cases"

with DAG(
    dag_id="servicehub_case_changes",
    schedule="@hourly",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    params={"state": Param("/var/lib/servicehub/feeds.sqlite3", type="string")},
    tags=["servicehub"],
) as dag:
    wait = ServiceHubChangesSensor(
        task_id="wait_for_changes",
        resource="service_cases",
        feed=FEED,
        state="{{ params.state }}",
        deferrable=True,
        poke_interval=60,
        timeout=3000,
    )

    @task
    def handle_changes(params: dict[str, Any]) -> dict[str, int]:
        """Take the feed's batch, count it by kind (your handler goes here), commit it."""
        counts: dict[str, int] = {}
        with (
            ServiceHubSSHHook().get_client() as hub,
            ChangeFeed(hub.service_cases, name=FEED, state=params["state"]) as feed,
            feed.poll() as batch,
        ):
            for change in batch:
                counts[change.kind] = counts.get(change.kind, 0) + 1
        return counts

    wait >> handle_changes()


with DAG(
    dag_id="servicehub_after_case_changes",
    schedule=[servicehub_asset("ssh", "service_cases")],
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["servicehub"],
) as downstream:

    @task
    def report(**context: Any) -> int:
        """How many asset events started this run."""
        return sum(len(events) for events in context["triggering_asset_events"].values())

    report()


if __name__ == "__main__":
    dag.test()
