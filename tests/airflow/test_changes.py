"""Waiting for change feeds on Airflow: the trigger (async client, on the triggerer), the
changes sensor poking or deferring, and the deferrable path under `dag.test()`, against the
sandbox."""

from __future__ import annotations

import asyncio
import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("airflow.sdk", reason="Airflow is not installed")

from airflow.exceptions import AirflowException

from servicehub_sdk.airflow.hooks import ServiceHubSSHHook
from servicehub_sdk.airflow.sensors import ServiceHubChangesSensor
from servicehub_sdk.airflow.triggers import ServiceHubChangesTrigger
from servicehub_sdk.core import ConfigurationError
from servicehub_sdk.feeds import ChangeFeed

from .conftest import EXAMPLES, xcom

POKE_INTERVAL = 42.0


def cases_of(sandbox: Any) -> dict[str, Any]:
    cases: dict[str, Any] = sandbox.emulator("ssh").state.store.cases
    return cases


def catch_up(state: Path, name: str) -> None:
    """Poll the feed until it has delivered (and committed) every service case."""
    with (
        ServiceHubSSHHook().get_client() as hub,
        ChangeFeed(hub.service_cases, name=name, state=state) as feed,
    ):
        for _ in range(10):
            with feed.poll(max_changes=10_000) as batch:
                pass
            if batch.final:
                break
        assert feed.pending() == []


def trigger_of(state: Path, name: str, **options: Any) -> ServiceHubChangesTrigger:
    return ServiceHubChangesTrigger(
        backend="ssh",
        resource="service_cases",
        feed=name,
        state=str(state),
        poke_interval=POKE_INTERVAL,
        **options,
    )


def first_event(trigger: ServiceHubChangesTrigger) -> Any:
    async def run() -> Any:
        return await anext(trigger.run())

    return asyncio.run(run())


def test_the_trigger_serialises_to_its_arguments_and_back_without_secrets(
    sandbox: Any, airflow_connections: dict[str, str], tmp_path: Path
) -> None:
    trigger = trigger_of(tmp_path / "feeds.sqlite3", "cases", listing_arguments={"page_size": 7})
    classpath, kwargs = trigger.serialize()

    assert classpath == "servicehub_sdk.airflow.triggers.ServiceHubChangesTrigger"
    module, _, name = classpath.rpartition(".")
    again = getattr(__import__(module, fromlist=[name]), name)(**json.loads(json.dumps(kwargs)))
    assert again.serialize() == (classpath, kwargs)
    assert kwargs["conn_id"] is None and kwargs["listing_arguments"] == {"page_size": 7}
    stored = json.dumps(kwargs)
    secrets = [v for v in sandbox.config("ssh").values() if isinstance(v, str) and len(v) > 8]
    assert secrets and not [s for s in secrets if s in stored]


def test_a_state_url_with_a_password_is_refused_for_its_connection(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="state_conn_id"):
        ServiceHubChangesTrigger(
            backend="ssh",
            resource="service_cases",
            feed="cases",
            state="postgresql://sync:secret@db.example/servicehub",
        )
    with pytest.raises(ConfigurationError, match="state= or state_conn_id="):
        ServiceHubChangesSensor(task_id="wait", resource="service_cases", feed="cases")


def test_the_trigger_fires_once_a_change_is_pending_and_leaves_it_pending(
    sandbox: Any,
    airflow_connections: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    state = tmp_path / "feeds.sqlite3"
    catch_up(state, "cases")
    cases = cases_of(sandbox)
    changed = sorted(cases)[0]
    waits: list[float] = []
    real_sleep = asyncio.sleep

    async def sleep(seconds: float, *args: Any) -> None:
        if seconds == POKE_INTERVAL:  # the trigger waits: meanwhile a case changes
            waits.append(seconds)
            cases[changed]["title"] = f"{cases[changed]['title']} (changed)"
        await real_sleep(0)

    monkeypatch.setattr(asyncio, "sleep", sleep)
    event = first_event(trigger_of(state, "cases"))

    assert waits == [POKE_INTERVAL]  # nothing was pending at first, one check after the wait
    assert event.payload == {
        "status": "success",
        "feed": "cases",
        "pending": 1,
        "kinds": {"updated": 1},
        "ids": [changed],
    }
    with (
        ServiceHubSSHHook().get_client() as hub,
        ChangeFeed(hub.service_cases, name="cases", state=state) as feed,
    ):
        assert [c.id for c in feed.pending()] == [changed]  # peeked, not taken


def test_an_sdk_error_is_an_error_event_and_fails_the_resumed_sensor(
    sandbox: Any, airflow_connections: dict[str, str], tmp_path: Path
) -> None:
    trigger = ServiceHubChangesTrigger(
        backend="ssh", resource="no_such_resource", feed="cases", state=str(tmp_path / "f.db")
    )
    event = first_event(trigger)
    assert event.payload["status"] == "error"
    assert event.payload["message"].startswith("ConfigurationError: ")
    assert "no_such_resource" in event.payload["message"]

    sensor = ServiceHubChangesSensor(
        task_id="wait", resource="service_cases", feed="cases", state=str(tmp_path / "f.db")
    )
    with pytest.raises(AirflowException, match="no_such_resource"):
        sensor.execute_complete({}, event.payload)


def test_the_sensor_pokes_with_the_sync_client(
    sandbox: Any, airflow_connections: dict[str, str], tmp_path: Path
) -> None:
    state = tmp_path / "feeds.sqlite3"
    sensor = ServiceHubChangesSensor(
        task_id="wait", resource="service_cases", feed="cases", state=str(state)
    )
    first = sensor.poke({})  # a new feed: every case is pending, as created
    assert first.is_done
    assert first.xcom_value["pending"] == len(cases_of(sandbox))
    assert first.xcom_value["kinds"] == {"created": len(cases_of(sandbox))}

    catch_up(state, "cases")
    assert not sensor.poke({}).is_done


def test_the_sensor_defers_to_the_trigger(tmp_path: Path) -> None:
    try:  # Airflow 3.1 and later
        from airflow.sdk.exceptions import TaskDeferred
    except ImportError:
        from airflow.exceptions import TaskDeferred

    sensor = ServiceHubChangesSensor(
        task_id="wait",
        resource="service_cases",
        feed="cases",
        state_conn_id="feed_db",
        conn_id="hub",
        deferrable=True,
        poke_interval=30,
        timeout=600,
    )
    with pytest.raises(TaskDeferred) as deferred:
        sensor.execute({})
    assert deferred.value.method_name == "execute_complete"
    assert deferred.value.timeout.total_seconds() == 600
    classpath, kwargs = deferred.value.trigger.serialize()
    assert classpath.endswith("ServiceHubChangesTrigger")
    assert kwargs["state_conn_id"] == "feed_db" and kwargs["state"] is None
    assert kwargs["conn_id"] == "hub" and kwargs["poke_interval"] == 30


def example_module() -> Any:
    path = EXAMPLES / "servicehub_case_changes.py"
    spec = importlib.util.spec_from_file_location("servicehub_case_changes", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dag_test_runs_the_deferred_sensor_through_its_trigger(
    sandbox: Any,
    airflow_connections: dict[str, str],
    airflow_db: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from airflow.models.asset import AssetEvent
    from airflow.utils.session import create_session
    from sqlalchemy import select

    def no_poke(self: Any, context: Any) -> Any:
        raise AssertionError("a deferrable sensor must not poke")

    monkeypatch.setattr(ServiceHubChangesSensor, "poke", no_poke)
    example = example_module()
    schedule = example.downstream.timetable.asset_condition.objects
    assert [asset.uri for asset in schedule] == ["servicehub://ssh/service_cases"]
    state = str(tmp_path / "feeds.sqlite3")
    total = len(cases_of(sandbox))

    run = example.dag.test(run_conf={"state": state})

    assert run.state == "success"
    (summary,) = xcom(run, "wait_for_changes")
    assert {k: summary[k] for k in ("feed", "pending", "kinds")} == {
        "feed": "cases",
        "pending": total,
        "kinds": {"created": total},
    }
    assert len(summary["ids"]) == min(total, 100) and set(summary["ids"]) <= set(cases_of(sandbox))
    assert xcom(run, "handle_changes") == [{"created": total}]  # the batch, then committed
    with create_session() as session:
        events = session.scalars(
            select(AssetEvent).where(AssetEvent.source_run_id == run.run_id)
        ).all()
        assert [(e.source_task_id, e.asset.uri) for e in events] == [
            ("wait_for_changes", "servicehub://ssh/service_cases")
        ]

    # handle_changes committed the batch the sensor waited for: nothing is pending any more
    with (
        ServiceHubSSHHook().get_client() as hub,
        ChangeFeed(hub.service_cases, name="cases", state=state) as feed,
    ):
        assert feed.pending() == []


def test_a_postgresql_state_is_read_through_its_airflow_connection(
    sandbox: Any,
    airflow_connections: dict[str, str],
    postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_SERVICEHUB_FEEDS", postgres_url)  # a URI connection
    total = len(cases_of(sandbox))
    trigger = ServiceHubChangesTrigger(
        backend="ssh", resource="service_cases", feed="cases", state_conn_id="servicehub_feeds"
    )
    assert "servicehub_feeds" in json.dumps(trigger.serialize()[1])
    assert postgres_url not in json.dumps(trigger.serialize()[1])

    event = first_event(trigger)  # the async store, through the connection read on the loop
    assert (event.payload["status"], event.payload["pending"]) == ("success", total)

    sensor = ServiceHubChangesSensor(
        task_id="wait", resource="service_cases", feed="cases", state_conn_id="servicehub_feeds"
    )
    assert sensor.poke({}).xcom_value["pending"] == total  # the sync store, the same database
    with (
        ServiceHubSSHHook().get_client() as hub,
        ChangeFeed(hub.service_cases, name="cases", state=postgres_url) as feed,
        feed.poll(max_changes=10_000),
    ):
        pass
    assert not sensor.poke({}).is_done
