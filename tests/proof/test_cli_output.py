"""Text a server sends cannot drive the terminal or a spreadsheet through the CLI: control
characters are shown escaped in tables, CSV and error lines (JSON escapes them itself), and
CSV cells a spreadsheet would run as formulas are guarded with a leading `'` (OWASP)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from servicehub_sdk import backends
from servicehub_sdk.cli import _app
from servicehub_sdk.cli._app import app
from servicehub_sdk.cli._output import csv_cell, safe_text
from servicehub_sdk.supportcenter import SupportCenterClient
from servicehub_sdk.testing import Sandbox

runner = CliRunner()
# A window-title change, a screen clear, an 8-bit CSI, a carriage return that hides what came
# before it, and a right-to-left override.
HOSTILE = "ok\x1b]0;owned\x07\x1b[2J\x9b31m\rfake\u202eexe.txt"
RAW = ("\x1b", "\x07", "\x9b", "\r", "\u202e")
FORMULAS = ['=HYPERLINK("http://evil","x")', "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def no_raw_controls(text: str) -> None:
    found = [char for char in RAW if char in text]
    assert found == [], repr(text)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(["supportcenter"]) as running:
        yield running


@pytest.fixture
def env(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SERVICEHUB_CONFIG", str(tmp_path / "none.toml"))
    for key, value in sandbox.config("supportcenter").items():
        monkeypatch.setenv(f"{backends['supportcenter'].env_prefix}{key.upper()}", str(value))


@pytest.fixture
def request_id(sandbox: Sandbox) -> str:
    with sandbox.client("supportcenter") as scp:
        created = scp.requests.create({"subject": "=1+2 " + HOSTILE, "description": HOSTILE})
    return str(created.id)


def test_a_table_shows_escape_sequences_escaped(env: None, request_id: str) -> None:
    result = runner.invoke(
        app, ["supportcenter", "requests", "get", request_id, "--columns", "id,subject"]
    )
    assert result.exit_code == 0, result.output
    no_raw_controls(result.output)
    joined = "".join(line.strip("│┃ ") for line in result.output.splitlines())
    assert "\\x1b]0;owned\\x07\\x1b[2J\\x9b31m\\rfake\\u202eexe.txt" in joined


def test_csv_escapes_controls_and_guards_formulas(env: None, request_id: str) -> None:
    result = runner.invoke(
        app, ["supportcenter", "requests", "get", request_id, "--format", "csv", "-q"]
    )
    assert result.exit_code == 0, result.output
    no_raw_controls(result.stdout)
    row = next(csv.DictReader(io.StringIO(result.stdout)))
    assert row["subject"].startswith("'=1+2 ok\\x1b]0;owned")
    listed = runner.invoke(app, ["supportcenter", "requests", "list", "--all", "--csv", "-q"])
    no_raw_controls(listed.stdout)
    assert "'=1+2 ok" in listed.stdout


@pytest.mark.parametrize("formula", FORMULAS)
def test_every_formula_start_is_guarded(formula: str) -> None:
    guarded = csv_cell(formula)
    assert guarded.startswith("'") and not guarded.startswith("''")
    assert csv_cell("plain text") == "plain text" and csv_cell(-5) == -5 and csv_cell(None) is None


def test_json_stays_exact_and_escapes_what_it_would_write_raw(env: None, request_id: str) -> None:
    result = runner.invoke(app, ["supportcenter", "requests", "get", request_id, "--json"])
    no_raw_controls(result.stdout)
    assert json.loads(result.stdout)["description"] == HOSTILE  # the data itself, unchanged


def _hostile_server(request: httpx.Request) -> httpx.Response:
    message = {"status_code": 4001, "status": "failed", "message": HOSTILE + "\nsecond line"}
    return httpx.Response(
        400,
        json={"response_status": {"status_code": 4000, "status": "failed", "messages": [message]}},
    )


def test_an_error_line_from_a_server_is_one_escaped_line(
    env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def client(backend: str) -> Any:
        return SupportCenterClient(
            base_url="https://127.0.0.1:9",
            api_key="k",
            max_retries=0,
            http_client=httpx.Client(transport=httpx.MockTransport(_hostile_server)),
        )

    monkeypatch.setattr(_app, "_client", client)
    result = runner.invoke(app, ["supportcenter", "requests", "get", "1"])
    assert result.exit_code == 1
    no_raw_controls(result.output)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "\\x1b[2J" in lines[0] and "\\nsecond line" in lines[0]


def test_safe_text_keeps_ordinary_text() -> None:
    text = "Müller & Söhne — 東京\tTab\nNew line"
    assert safe_text(text) == text
    assert safe_text(text, one_line=True) == "Müller & Söhne — 東京\\tTab\\nNew line"


def test_a_sync_reports_csv_guards_formulas_from_servers_and_files() -> None:
    import csv
    import io

    from servicehub_sdk.integrations import RecordResult, SyncReport

    report = SyncReport(
        results=[
            RecordResult(
                kind="customer", key="=HYPERLINK(1)", action="failed", reason="@SUM(A1) refused"
            ),
            RecordResult(kind="customer", key="C-1", action="created", reason="-1 left"),
        ]
    )
    rows = list(csv.reader(io.StringIO(report.to_csv())))
    assert rows[1][1] == "'=HYPERLINK(1)"
    assert rows[1][3] == "'@SUM(A1) refused"
    assert rows[2][1:4] == ["C-1", "created", "'-1 left"]
