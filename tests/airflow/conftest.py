"""The Airflow provider's tests run on Airflow itself (`make test-airflow`, in `.venv-airflow`);
without Airflow they are skipped, unless `SERVICEHUB_TEST_AIRFLOW=required` (what
`make test-airflow` sets) makes a missing Airflow a failure.

Airflow reads its configuration when first imported, so the session gets an Airflow home of
its own before any test module imports Airflow: a temporary metadata database, no example
DAGs, and the example DAGs of this repository as its DAG folder.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest

from servicehub_sdk.airflow._connections import CONNECTION_SPECS
from tests.integrations.conftest import postgres_server, postgres_url

__all__ = [
    "airflow_connections",
    "airflow_db",
    "postgres_server",
    "postgres_url",
    "sandbox",
    "xcom",
]

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "airflow"
REQUIRED = ("airflow", "wtforms", "pgserver", "openlineage")
"""Top-level modules (found without importing them: Airflow reads its configuration when
imported); `openlineage` comes with the OpenLineage provider the lineage tests need."""

if os.environ.get("SERVICEHUB_TEST_AIRFLOW") == "required":
    missing = [name for name in REQUIRED if find_spec(name) is None]
    if missing:
        raise RuntimeError(f"the Airflow tests need {', '.join(missing)}: they would be skipped")


if find_spec("airflow") is not None:
    _home = tempfile.mkdtemp(prefix="servicehub-airflow-")
    os.environ.update(
        {
            "AIRFLOW_HOME": _home,
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{_home}/airflow.db",
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_FOLDER": str(EXAMPLES),
            "AIRFLOW__CORE__UNIT_TEST_MODE": "True",
        }
    )


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Any]:
    from servicehub_sdk.testing import Sandbox

    with Sandbox(list(CONNECTION_SPECS)) as running:
        yield running


@pytest.fixture
def airflow_connections(sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Each backend's default connection, reaching the sandbox (as `AIRFLOW_CONN_*`
    variables, which Airflow reads like any secrets backend)."""
    ids = {}
    for backend in CONNECTION_SPECS:
        spec = CONNECTION_SPECS[backend]
        connection = spec.to_connection(sandbox.config(backend))
        monkeypatch.setenv(f"AIRFLOW_CONN_{spec.default_conn_name.upper()}", json.dumps(connection))
        ids[backend] = spec.default_conn_name
    return ids


@pytest.fixture(scope="session")
def airflow_db() -> None:
    """Airflow's metadata database (SQLite in the session's Airflow home)."""
    from airflow.utils import db

    db.initdb()


def xcom(run: Any, task_id: str) -> list[Any]:
    """The values task `task_id` returned in `run`, one per mapped task."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = session.scalars(
            XComModel.get_many(
                run_id=run.run_id, key="return_value", dag_ids=run.dag_id, task_ids=task_id
            ).order_by(XComModel.map_index)
        ).all()
        return [XComModel.deserialize_value(row) for row in rows]
