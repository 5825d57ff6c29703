"""The `servicehub` command: through typer's runner against the sandbox, and as processes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from servicehub_sdk import backends
from servicehub_sdk.cli._app import app
from servicehub_sdk.cli._demo import DEMO_DATA
from servicehub_sdk.testing import Sandbox

from .runners import separating_runner

runner = CliRunner()
BACKENDS = tuple(backends)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as running:
        yield running


@pytest.fixture
def env(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SERVICEHUB_CONFIG", str(tmp_path / "none.toml"))
    for name in BACKENDS:
        for key, value in sandbox.config(name).items():
            monkeypatch.setenv(f"SERVICEHUB_{name.upper()}_{key.upper()}", str(value))


def test_everyday_lists_and_gets(env: None) -> None:
    result = separating_runner().invoke(app, ["ssh", "customers", "list", "--limit", "3", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)  # the note on stderr says more are available
    assert len(rows) == 3 and "externalId" not in rows[0] and "external_id" in rows[0]
    got = separating_runner().invoke(
        app, ["ssh", "customers", "get", rows[0]["external_id"], "--json"]
    )
    one = json.loads(got.stdout)
    assert one["id"] == rows[0]["id"]  # the object, not a list
    assert isinstance(one["address"], dict)  # nested as the model has it
    for command in (
        ["fsm", "partners", "list", "--csv", "--limit", "2"],
        ["supportcenter", "requests", "list", "--limit", "2"],
        ["cecenter", "service-tickets", "list", "--limit", "2"],
        ["spicecsm", "agents", "list"],
        ["ssh", "service-cases", "list", "--limit", "2"],
    ):
        outcome = runner.invoke(app, command)
        assert outcome.exit_code == 0, (command, outcome.output)
    assert runner.invoke(
        app, ["fsm", "partners", "list", "--csv", "--limit", "2"]
    ).output.startswith("id,name")


def test_a_misspelt_variable_is_one_warning_line(
    env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SERVICEHUB_SUPPORTCENTER_APIKEY", "typo")
    result = runner.invoke(app, ["supportcenter", "requests", "list", "--limit", "1", "--json"])
    assert result.exit_code == 0, result.output
    warning = [line for line in result.output.splitlines() if "APIKEY" in line]
    assert warning == [
        "warning: SERVICEHUB_SUPPORTCENTER_APIKEY is set but SupportCenterClient.from_env() "
        "reads no such variable (did you mean SERVICEHUB_SUPPORTCENTER_API_KEY?)"
    ]


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
        f'[work.supportcenter]\nbase_url = "{config["base_url"]}"\napi_key = "{config["api_key"]}"\n'
    )
    monkeypatch.delenv("SERVICEHUB_SUPPORTCENTER_BASE_URL", raising=False)
    result = runner.invoke(
        app,
        [
            "--config",
            str(tmp_path / "c.toml"),
            "--profile",
            "work",
            "supportcenter",
            "requests",
            "list",
            "--limit",
            "1",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    missing = runner.invoke(
        app,
        [
            "--config",
            str(tmp_path / "c.toml"),
            "--profile",
            "home",
            "supportcenter",
            "requests",
            "list",
        ],
    )
    assert missing.exit_code == 2 and "home" in missing.output


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_a_config_file_others_may_read_is_one_warning_line(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = sandbox.config("supportcenter")
    file = tmp_path / "c.toml"
    file.write_text(
        f'[default.supportcenter]\nbase_url = "{config["base_url"]}"\n'
        f'api_key = "{config["api_key"]}"\n'
    )
    command = ["--config", str(file), "supportcenter", "requests", "list", "--limit", "1"]
    file.chmod(0o644)
    shared = runner.invoke(app, command)
    assert shared.exit_code == 0, shared.output
    warning = [line for line in shared.output.splitlines() if line.startswith("warning:")]
    assert warning == [
        f"warning: {file} holds secrets but is readable or writable by other users "
        f"(mode 0644); run: chmod 600 {file}"
    ]
    file.chmod(0o600)
    private = runner.invoke(app, command)
    assert private.exit_code == 0, private.output
    assert "warning:" not in private.output


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
            "supportcenter",
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
        env={**os.environ, "COLUMNS": "80"},
    )
    assert done.returncode == 0, done.stderr
    assert max(len(line) for line in done.stdout.splitlines()) <= 80  # an 80-column terminal
    out = " ".join(done.stdout.split())  # as one line, whatever the wrapping
    # Every step is numbered and explained before its results.
    for number in range(1, 6):
        assert f"{number}. " in done.stdout
    assert "matching each record by the ERP's own ID" in out
    # The one failure is announced as deliberate, with its reason.
    assert (
        "deliberate failure: EQ-DEMO-0006: unknown customer 'ERP-UNKNOWN' - the demo data"
        " contains a machine whose customer is not in the export" in out
    )
    assert (
        "second run with the same files: 1 failed, 12 unchanged - nothing is written twice" in out
    )
    # Exactly once: the first run creates one ticket per linked case, the second none.
    before = int(re.search(r"tickets in SupportCenter Plus before: (\d+)", out)[1])  # type: ignore[index]
    linked = int(re.search(r"first run: (\d+) linked", out)[1])  # type: ignore[index]
    between, added = map(
        int, re.search(r"tickets after the first run: (\d+) \(\+(\d+)\)", out).groups()
    )  # type: ignore[union-attr]
    after, again = map(int, re.search(r"tickets now: (\d+) \(\+(\d+)\)", out).groups())  # type: ignore[union-attr]
    assert linked > 0 and added == linked and between == before + linked
    assert "second run, same journal: nothing to do" in out and again == 0 and after == between
    assert "servicehub demo: summary" in out and "requests to the sandbox" in out


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


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        (
            '[default.ssh]\napi_kye = "x"\n',
            "[default.ssh] api_kye: unknown key (did you mean 'api_key'?)",
        ),
        (
            '[default.ssh]\ntimeout = "fast"\n',
            "[default.ssh] timeout: expected a number of seconds, got 'fast'",
        ),
        (
            "[default.ssh]\nmax_retries = 1.5\n",
            "[default.ssh] max_retries: expected a whole number",
        ),
        (
            '[default.scp]\napi_key = "x"\n',
            "[default.scp]: unknown backend; the backends are cecenter, fsm",
        ),
        ("[default.ssh\n", "not valid TOML"),
    ],
)
def test_config_mistakes_are_one_line(tmp_path: Path, section: str, expected: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(section)
    result = runner.invoke(app, ["--config", str(config), "ssh", "customers", "list"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert str(config) in lines[0] and expected in lines[0], lines[0]
    assert "Traceback" not in result.output and "_Secure" not in result.output


def test_tables_use_the_terminal_width_and_chosen_columns(
    env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def table(*extra: str, width: int) -> str:
        monkeypatch.setenv("COLUMNS", str(width))
        result = runner.invoke(app, ["ssh", "customers", "list", "--limit", "2", *extra])
        assert result.exit_code == 0, result.output
        return result.output

    narrow, wide = table(width=80), table(width=250)
    header = lambda text: next(line for line in text.splitlines() if "┃ " in line)  # noqa: E731
    assert len(header(wide).split("┃")) > len(header(narrow).split("┃"))
    assert "external_…" not in narrow and "more column(s) do not fit" in narrow
    chosen = table("--columns", "external_id,address.country", width=80)
    assert "address.country" in chosen and "name" not in header(chosen)
    unknown = runner.invoke(app, ["ssh", "customers", "list", "--columns", "nope"])
    assert unknown.exit_code == 2 and "unknown column(s) nope" in unknown.output


def test_help_texts_say_what_a_command_does() -> None:
    got = runner.invoke(app, ["ssh", "customers", "get", "--help"])
    assert "Show one of the Secure Service Hub customers" in got.output
    assert "The customer's external ID" in got.output
    listing = runner.invoke(app, ["supportcenter", "requests", "list", "--help"])
    assert "List SupportCenter Plus requests" in listing.output
    assert "<bool>" not in listing.output and "--columns" in listing.output


@pytest.mark.parametrize("flag", ["--env", "--profile"])
def test_sandbox_prints_complete_settings(flag: str, tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "servicehub_sdk.cli", "sandbox", "--seed", "3", flag],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if "Ctrl-C" in line:
                break
        printed = "".join(lines)
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert "…" not in printed
    if flag == "--env":
        exports = dict(
            line.removeprefix("export ").split("=", 1)
            for line in lines
            if line.startswith("export")
        )
        assert exports["SERVICEHUB_SSH_TOKEN_URL"].startswith("http://127.0.0.1:")
        assert exports["SERVICEHUB_SSH_TOKEN_URL"].rstrip().endswith("/token")
        assert "SERVICEHUB_SUPPORTCENTER_API_KEY" in exports
    else:
        config = tmp_path / "config.toml"
        config.write_text(printed)
        import tomllib

        profile = tomllib.loads(printed)["sandbox"]
        assert set(profile) == set(BACKENDS)
        assert profile["ssh"]["token_url"].startswith("http://127.0.0.1:")
