"""`servicehub <backend> tickets …`: the same commands on every help desk, against the
sandbox."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from servicehub_sdk.cli._app import app
from servicehub_sdk.testing import Sandbox
from tests.cli.runners import separating_runner


@pytest.fixture
def env(sandbox: Sandbox, backend: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SERVICEHUB_CONFIG", str(tmp_path / "none.toml"))
    config = sandbox.config(backend)
    if backend == "spicecsm":
        config = {**config, "allow_raw_sql": True}
    for key, value in config.items():
        monkeypatch.setenv(f"SERVICEHUB_{backend.upper()}_{key.upper()}", str(value))


def run(*args: str) -> dict[str, object] | list[dict[str, object]]:
    result = separating_runner().invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    data: dict[str, object] | list[dict[str, object]] = json.loads(result.stdout)
    return data


def test_tickets_commands_on_every_help_desk(env: None, backend: str) -> None:
    created = run(backend, "tickets", "create", "Spindle noise", "--priority", "high")
    assert isinstance(created, dict) and created["backend"] == backend
    assert created["priority"] == "high" and "remote_data" not in created
    ticket_id = str(created["id"])
    assert isinstance(got := run(backend, "tickets", "get", ticket_id), dict)
    assert got["subject"] == "Spindle noise"
    comment = run(backend, "tickets", "comment", ticket_id, "Called back", "--public")
    assert isinstance(comment, dict) and comment["body"] == "Called back"
    listed = run(backend, "tickets", "list", "--status", "open", "--all")
    assert isinstance(listed, list) and ticket_id in {row["id"] for row in listed}
    closing = separating_runner().invoke(app, [backend, "tickets", "close", ticket_id])
    if backend == "cecenter":
        assert closing.exit_code == 1
        assert "cecenter help desks cannot close" in closing.stderr
    else:
        assert closing.exit_code == 0, closing.stderr
        after = run(backend, "tickets", "get", ticket_id)
        assert isinstance(after, dict) and after["status"] == "closed"
