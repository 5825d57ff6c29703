"""Master-data files that are not what they claim (invalid JSON, JSON nested too deeply, a CSV
in another encoding, malformed CSV) raise one `InputFileError` naming `file:line` and what is
wrong — never a bare `JSONDecodeError`, `RecursionError`, `UnicodeDecodeError` or
`csv.Error` — and nothing of a run with a bad file is written. The command prints one line."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import servicehub_sdk
from servicehub_sdk.cli._app import app
from servicehub_sdk.integrations import (
    InputFileError,
    load_master_data,
    sync_master_data,
    sync_master_data_async,
)
from servicehub_sdk.testing import Sandbox

GOOD_MODELS = "external_id,model_name,technology,brand\nMAT-1,TruLine,Laser,TruLine\n"

# name, content, the line named, a word of the problem
BAD_FILES: dict[str, tuple[str, bytes, int | None, str]] = {
    "invalid JSON": ("customers.json", b'[\n  {"external_id": "C-1",\n  oops\n]', 3, "not JSON"),
    "invalid JSON line": (
        "customers.jsonl",
        b'{"external_id": "C-1", "name": "A"}\n\n{"external_id": "C-2", "name": \n',
        3,
        "not JSON",
    ),
    "JSON line nested past the parser": (
        "customers.jsonl",
        b'{"external_id": "C-1"}\n' + b"[" * 100_000 + b"]" * 100_000 + b"\n",
        2,
        "nested too deeply",
    ),
    "JSON line with a nested value": (
        "customers.jsonl",
        b'{"external_id": "C-1", "name": ' + b'{"a": ' * 500 + b"1" + b"}" * 500 + b"}\n",
        1,
        "nested value",
    ),
    "a JSON line that is no object": ("customers.jsonl", b'["C-1", "A"]\n', 1, "JSON object"),
    "CSV in Latin-1": (
        "customers.csv",
        "external_id,name\nC-1,Schmidt\nC-2,Bäckerei Müller\n".encode("latin-1"),
        3,
        "not UTF-8",
    ),
    "CSV with an unclosed quote": (
        "customers.csv",
        b'external_id,name\nC-1,"Rossi & Figli\n',
        2,
        "malformed CSV",
    ),
    "CSV with text after a quote": (
        "customers.csv",
        b'external_id,name\nC-1,Rossi\nC-2,"Rossi" & Figli\n',
        3,
        "malformed CSV",
    ),
    "CSV row longer than its header": (
        "customers.csv",
        b"external_id,name\nC-1,Rossi,Milano,IT\n",
        2,
        "header names 2 columns",
    ),
}


@pytest.fixture(params=sorted(BAD_FILES))
def bad_file(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, int | None, str]:
    name, content, line, problem = BAD_FILES[str(request.param)]
    path = tmp_path / name
    path.write_bytes(content)
    return path, line, problem


def test_a_bad_file_raises_one_sdk_error_naming_file_and_line(
    bad_file: tuple[Path, int | None, str],
) -> None:
    path, line, problem = bad_file
    with pytest.raises(InputFileError) as caught:
        load_master_data([path])
    error = caught.value
    assert isinstance(error, servicehub_sdk.ServiceHubError)
    assert (error.path, error.line) == (str(path), line) and problem in error.problem
    assert error.message.startswith(f"{path}:{line}: ")
    assert error.__cause__ is None  # the bare error is not chained to it
    assert error.__suppress_context__ or error.__context__ is None
    assert pickle.loads(pickle.dumps(error)).message == error.message


def test_the_error_is_exported_where_users_look() -> None:
    assert servicehub_sdk.InputFileError is InputFileError


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(["ssh"]) as running:
        yield running


async def test_nothing_of_a_run_with_a_bad_file_is_written(
    mode: str, sandbox: Sandbox, tmp_path: Path
) -> None:
    """A good file first, a bad one after: the good one's records are not sent either."""
    good = tmp_path / "machine_models.csv"
    good.write_text(GOOD_MODELS, encoding="utf-8")
    bad = tmp_path / "customers.csv"
    bad.write_bytes(b'external_id,name\nC-1,ok\nC-2,"unclosed\n')
    store = sandbox.emulator("ssh").state.store
    before = dict(store.writes)
    if mode == "sync":
        with sandbox.client("ssh") as hub, pytest.raises(InputFileError) as caught:
            sync_master_data(hub, [good, bad])
    else:
        async with sandbox.async_client("ssh") as hub:
            with pytest.raises(InputFileError) as caught:
                await sync_master_data_async(hub, [good, bad])
    assert caught.value.message.startswith(f"{bad}:3: malformed CSV")
    assert dict(store.writes) == before and "MAT-1" not in store._model_keys


def test_the_command_prints_one_line_and_no_traceback(
    bad_file: tuple[Path, int | None, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path, line, problem = bad_file
    monkeypatch.setenv("SERVICEHUB_CONFIG", str(tmp_path / "none.toml"))
    result = CliRunner().invoke(app, ["sync", "master-data", str(path)])
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2, result.output
    assert len(lines) == 1 and "Traceback" not in result.output
    assert lines[0].startswith("error: ") and f":{line}: " in lines[0] and problem in lines[0]
