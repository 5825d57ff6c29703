"""The `servicehub` command: through typer's runner against the sandbox, and as processes."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from servicehub_sdk.cli.app import app
from servicehub_sdk.cli.demo import DEMO_DATA
from servicehub_sdk.testing import Sandbox

runner = CliRunner()
ENV_PREFIX = {
    "ssh": "SSH",
    "fsm": "FSM",
    "supportcenter": "SCP",
    "cecenter": "CECENTER",
    "spicecsm": "SPICECSM",
}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as running:
        yield running


@pytest.fixture
def env(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SERVICEHUB_CONFIG", str(tmp_path / "none.toml"))
    for name, prefix in ENV_PREFIX.items():
        for key, value in sandbox.config(name).items():
            monkeypatch.setenv(f"SERVICEHUB_{prefix}_{key.upper()}", str(value))


def test_everyday_lists_and_gets(env: None) -> None:
    result = runner.invoke(app, ["ssh", "customers", "list", "--limit", "3", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 3 and "externalId" not in rows[0] and "external_id" in rows[0]
    got = runner.invoke(app, ["ssh", "customers", "get", rows[0]["external_id"], "--json"])
    assert json.loads(got.output)[0]["id"] == rows[0]["id"]
    for command in (
        ["fsm", "partners", "list", "--csv", "--limit", "2"],
        ["scp", "requests", "list", "--limit", "2"],
        ["cecenter", "tickets", "list", "--limit", "2"],
        ["spicecsm", "agents", "list"],
        ["ssh", "service-cases", "list", "--limit", "2"],
    ):
        outcome = runner.invoke(app, command)
        assert outcome.exit_code == 0, (command, outcome.output)
    assert runner.invoke(
        app, ["fsm", "partners", "list", "--csv", "--limit", "2"]
    ).output.startswith("id,name")


def test_not_found_is_one_line_and_exit_1(env: None) -> None:
    result = runner.invoke(app, ["ssh", "customers", "get", "NOPE"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "NOPE" in result.output


def test_missing_configuration_is_exit_2(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SERVICEHUB_CONFIG", str(tmp_path / "none.toml"))
    for name in ("API_KEY", "CLIENT_ID", "CLIENT_SECRET"):
        monkeypatch.delenv(f"SERVICEHUB_SSH_{name}", raising=False)
    result = runner.invoke(app, ["ssh", "customers", "list"])
    assert result.exit_code == 2 and "needs" in result.output and "Traceback" not in result.output


def test_profile_file(sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = sandbox.config("supportcenter")
    (tmp_path / "c.toml").write_text(
        f'[work.scp]\nbase_url = "{config["base_url"]}"\napi_key = "{config["api_key"]}"\n'
    )
    monkeypatch.delenv("SERVICEHUB_SCP_BASE_URL", raising=False)
    result = runner.invoke(
        app,
        [
            "--config",
            str(tmp_path / "c.toml"),
            "--profile",
            "work",
            "scp",
            "requests",
            "list",
            "--limit",
            "1",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    missing = runner.invoke(
        app, ["--config", str(tmp_path / "c.toml"), "--profile", "home", "scp", "requests", "list"]
    )
    assert missing.exit_code == 2 and "home" in missing.output


def test_sync_master_data_and_link_cases(env: None, tmp_path: Path, sandbox: Sandbox) -> None:
    files = [
        str(DEMO_DATA / n) for n in ("machine_models.csv", "customers.csv", "customer_machines.csv")
    ]
    org = "Service DACH"
    dry = runner.invoke(
        app, ["sync", "master-data", *files, "--dry-run", "--service-organisation", org]
    )
    assert dry.exit_code == 1 and "dry run" in dry.output  # one record is bad on purpose
    real = runner.invoke(
        app,
        [
            "sync",
            "master-data",
            *files,
            "--service-organisation",
            org,
            "--report",
            str(tmp_path / "r.csv"),
        ],
    )
    assert real.exit_code == 1 and "ERP-UNKNOWN" in real.output
    assert "EQ-DEMO-0001,created" in (tmp_path / "r.csv").read_text()
    again = runner.invoke(app, ["sync", "master-data", *files[:2], "--service-organisation", org])
    assert again.exit_code == 0 and "unchanged" in again.output and "created" not in again.output
    linked = runner.invoke(
        app,
        [
            "sync",
            "link-cases",
            "--target",
            "scp",
            "--limit",
            "2",
            "--journal",
            str(tmp_path / "j.sqlite3"),
            "--report",
            str(tmp_path / "links.json"),
        ],
    )
    assert linked.exit_code == 0, linked.output
    assert json.loads((tmp_path / "links.json").read_text())["results"][0]["action"] == "linked"
    bad = runner.invoke(app, ["sync", "link-cases", "--target", "jira"])
    assert bad.exit_code == 2


def test_demo_runs_as_a_process() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "servicehub_sdk.cli", "demo"],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    assert "master data, second run" in done.stdout and "CECenter ticket lifecycle" in done.stdout


def test_sandbox_command_serves_until_stopped() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "servicehub_sdk.cli", "sandbox", "--seed", "3"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        seen = ""
        for line in process.stdout:
            seen += line
            if "Ctrl-C" in line:
                break
        assert "127.0.0.1" in seen and "supportcenter" in seen
    finally:
        process.terminate()
        process.wait(timeout=10)
