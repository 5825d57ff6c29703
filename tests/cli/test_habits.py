"""The command line's habits: one-line failures with documented exit codes, listings that say
what they left out, output formats, colour switches, the version, and the demo wrapped to the
terminal. Through typer's runner in-process, plus one run of the installed command."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import servicehub_sdk.testing  # imported before a test hides one of its dependencies
from servicehub_sdk import __version__, backends
from servicehub_sdk.cli import _app, _demo
from servicehub_sdk.cli._app import app
from servicehub_sdk.cli._output import Format, Output
from servicehub_sdk.testing import Sandbox

from .runners import printed, separating_runner

runner = separating_runner()
DOCS = Path(__file__).resolve().parents[2] / "docs" / "integrations.md"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
assert servicehub_sdk.testing.Sandbox is Sandbox


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as running:
        yield running


@pytest.fixture
def env(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SERVICEHUB_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    for name in backends:
        for key, value in sandbox.config(name).items():
            monkeypatch.setenv(f"SERVICEHUB_{name.upper()}_{key.upper()}", str(value))


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


# -- every failure is one line, with a documented exit code ------------------------------


@pytest.mark.parametrize("command", [["demo"], ["sandbox"]])
def test_a_missing_extra_is_one_line_naming_it(
    command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "lxml", None)  # as if only the `cli` extra were installed
    result = runner.invoke(app, command)
    assert result.exit_code == 2
    line = one_line(printed(result))
    assert "'sandbox' extra" in line and "pip install 'servicehub-sdk[sandbox]'" in line
    detailed = runner.invoke(app, [*command, "-v"])
    assert detailed.exit_code == 2 and "Traceback" in printed(detailed)


def test_a_taken_port_is_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(app, ["sandbox", "--port", str(port)])
    assert result.exit_code == 2
    line = one_line(printed(result))
    assert f"port {port}" in line and "pick another --port" in line


def _failing_client(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> Callable[..., Any]:
    def fail(backend: str) -> Any:
        raise error

    monkeypatch.setattr(_app, "_client", fail)
    return fail


def test_an_unexpected_error_is_one_line_and_v_after_the_command_shows_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _failing_client(monkeypatch, RuntimeError("the disk is full"))
    result = runner.invoke(app, ["ssh", "customers", "list"])
    assert result.exit_code == 1
    assert one_line(printed(result)) == (
        "failed: RuntimeError: the disk is full (-v shows the traceback)"
    )
    detailed = runner.invoke(app, ["ssh", "customers", "list", "-v"])
    assert detailed.exit_code == 1 and "Traceback" in printed(detailed)


def test_ctrl_c_is_exit_130(monkeypatch: pytest.MonkeyPatch) -> None:
    _failing_client(monkeypatch, KeyboardInterrupt())
    result = runner.invoke(app, ["fsm", "partners", "list"])
    assert result.exit_code == 130
    assert one_line(printed(result)) == "stopped: interrupted"


def test_v_is_accepted_after_the_command(env: None) -> None:
    result = runner.invoke(app, ["ssh", "customers", "get", "NOPE", "-v"])
    assert result.exit_code == 1, printed(result)
    assert "Traceback" in result.stderr and "NOPE" in result.stderr
    quiet = runner.invoke(app, ["ssh", "customers", "get", "NOPE"])
    assert "Traceback" not in printed(quiet)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (["ssh", "customers", "list", "--jsn"], "No such option: --jsn"),
        (["ssh", "customers", "get"], "Missing argument"),
        (["fsm", "partners", "list", "--format", "xml"], "'xml' is not one of"),
        (["nope"], "No such command 'nope'"),
    ],
)
def test_a_usage_error_is_one_line(command: list[str], expected: str) -> None:
    result = runner.invoke(app, command)
    assert result.exit_code == 2
    line = one_line(printed(result))
    assert line.startswith("error: ") and expected in line and "--help" in line


def test_exit_codes_completion_and_colour_are_documented() -> None:
    helped = runner.invoke(app, ["--help"])
    for code in ("0", "1", "2", "130"):
        assert re.search(rf"^ +{code} +[a-z]", printed(helped), re.MULTILINE), code
    assert "--install-completion" in printed(helped) and "NO_COLOR" in printed(helped)
    docs = DOCS.read_text(encoding="utf-8")
    for needle in (
        "--install-completion",
        "NO_COLOR",
        "--format",
        "--all",
        "| 130 |",
        "| 2 |",
    ):
        assert needle in docs, needle


# -- listings say what they left out -----------------------------------------------------


def test_a_listing_says_on_stderr_how_much_it_left_out(env: None, sandbox: Sandbox) -> None:
    # No total from Secure Service Hub: "more available".
    shown = runner.invoke(app, ["ssh", "customers", "list", "--json"])
    assert shown.exit_code == 0, printed(shown)
    assert len(json.loads(shown.stdout)) == 50
    assert shown.stderr.strip() == "50 shown, more available (use --all or --limit)"
    # SupportCenter Plus sends a total.
    with sandbox.client("supportcenter") as scp:
        total = len(scp.requests.list().to_list())
    counted = runner.invoke(app, ["supportcenter", "requests", "list", "--limit", "5", "--json"])
    assert counted.stderr.strip() == f"5 of {total} shown (use --all or --limit)"
    # --all reads everything and says nothing; so does a limit above the count.
    everything = runner.invoke(app, ["supportcenter", "requests", "list", "--all", "--json"])
    assert len(json.loads(everything.stdout)) == total and everything.stderr == ""
    above = runner.invoke(app, ["supportcenter", "requests", "list", "--limit", "999", "--json"])
    assert len(json.loads(above.stdout)) == total and above.stderr == ""
    quiet = runner.invoke(app, ["ssh", "customers", "list", "--json", "--quiet"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    both = runner.invoke(app, ["ssh", "customers", "list", "--all", "--limit", "3"])
    assert both.exit_code == 2


def test_all_reads_every_page(env: None, sandbox: Sandbox) -> None:
    with sandbox.client("ssh") as hub:
        total = len(hub.customers.list().to_list())
    assert total > 100  # more than one page
    result = runner.invoke(app, ["ssh", "customers", "list", "--all", "--format", "jsonl"])
    assert result.exit_code == 0, printed(result)
    assert len(result.stdout.splitlines()) == total and result.stderr == ""


# -- formats -----------------------------------------------------------------------------


def test_format_sits_alongside_json_and_csv(env: None) -> None:
    def out(*extra: str) -> str:
        result = runner.invoke(app, ["fsm", "partners", "list", "--limit", "3", "-q", *extra])
        assert result.exit_code == 0, printed(result)
        return result.stdout

    assert out("--format", "json") == out("--json")
    assert out("--format", "csv") == out("--csv")
    assert [json.loads(line) for line in out("--format", "jsonl").splitlines()] == json.loads(
        out("--json")
    )
    assert "┃" in out("--format", "table") and out("--format", "table") == out()
    clash = runner.invoke(app, ["fsm", "partners", "list", "--json", "--format", "csv"])
    assert clash.exit_code == 2


def test_streams_default_to_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    Output().stream(iter([{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]))
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line) for line in lines] == [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]
    Output().stream(iter([{"id": 3}]), Format.csv)
    assert capsys.readouterr().out.splitlines() == ["id", "3"]


# -- colour, version ---------------------------------------------------------------------


@pytest.mark.parametrize(("switch", "variable"), [([], None), (["--no-color"], None), ([], "1")])
def test_no_color_and_NO_COLOR(
    env: None, monkeypatch: pytest.MonkeyPatch, switch: list[str], variable: str | None
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # as on a terminal
    if variable is not None:
        monkeypatch.setenv("NO_COLOR", variable)
    result = runner.invoke(app, ["ssh", "customers", "get", "NOPE", *switch])
    assert result.exit_code == 1
    coloured = "\x1b[31m" in result.stderr
    assert coloured == (not switch and variable is None), repr(result.stderr)


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and printed(result) == f"servicehub-sdk {__version__}\n"


def test_the_installed_command_runs() -> None:
    command = Path(sys.executable).with_name("servicehub")
    done = subprocess.run(
        [str(command), "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"servicehub-sdk {__version__}\n"


# -- tables and the demo fit the terminal ------------------------------------------------


def test_uuid_columns_are_never_wrapped(env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "70")
    listed = runner.invoke(app, ["ssh", "customers", "list", "--limit", "4", "--json", "-q"])
    ids = [row["id"] for row in json.loads(listed.stdout)]
    assert all(UUID.fullmatch(i) for i in ids)
    chosen = "id,name,external_id,address.city,address.street"
    table = runner.invoke(app, ["ssh", "customers", "list", "--limit", "4", "--columns", chosen])
    assert table.exit_code == 0, printed(table)
    for uuid in ids:
        assert uuid in table.stdout, table.stdout


def test_the_demo_is_wrapped_to_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    words = " ".join(f"word{n:03d}" for n in range(60))

    def fake_demo(
        *, seed: int = 0, on_step: Callable[[int, _demo.DemoStep], None] | None = None
    ) -> tuple[list[_demo.DemoStep], str]:
        step = _demo.DemoStep("A step with a long title " * 3, words, [words], "done")
        assert on_step is not None
        on_step(1, step)
        return [step], "took 0.01 s"

    monkeypatch.setattr(_demo, "run_demo", fake_demo)
    for width in (60, 80, 120):
        monkeypatch.setenv("COLUMNS", str(width))
        result = runner.invoke(app, ["demo"])
        assert result.exit_code == 0, printed(result)
        lines = result.stdout.splitlines()
        assert max(len(line) for line in lines) <= width
        # no word is split across lines
        assert all(len(w) == 7 for w in re.findall(r"word\d*", result.stdout))
    quiet = runner.invoke(app, ["demo", "--quiet"])
    assert "word000" not in quiet.stdout and "summary" in quiet.stdout
