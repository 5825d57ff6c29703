"""`servicehub <backend> <resource> watch`: changes streamed from a change feed, named feeds
going on where they stopped, Ctrl-C committing nothing half-written."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from servicehub_sdk import ConfigurationError, backends
from servicehub_sdk.cli._app import app
from servicehub_sdk.testing import Sandbox

from .runners import separating_runner


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(["ssh", "supportcenter"]) as running:
        yield running


@pytest.fixture
def env(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SERVICEHUB_CONFIG", str(tmp_path / "none.toml"))
    for name in sandbox.names:
        for key, value in sandbox.config(name).items():
            monkeypatch.setenv(f"SERVICEHUB_{name.upper()}_{key.upper()}", str(value))


def cases(sandbox: Sandbox) -> dict[str, dict[str, Any]]:
    """The hub's service cases, behind its API."""
    found: dict[str, dict[str, Any]] = sandbox.emulator("ssh").state.store.cases
    return found


def watch(*arguments: str) -> Any:
    return separating_runner().invoke(
        app, ["ssh", "service-cases", "watch", "--interval", "0", *arguments]
    )


def lines(result: Any) -> list[dict[str, Any]]:
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_watch_streams_every_case_as_created(env: None, sandbox: Sandbox) -> None:
    first = lines(watch("--polls", "1"))
    assert {row["id"] for row in first} == set(cases(sandbox))
    assert {row["kind"] for row in first} == {"created"}
    row = first[0]
    assert set(row) == {"kind", "id", "key", "updated_at", "observed_at", "item"}
    assert row["item"]["id"] == row["id"]


def test_a_named_feed_goes_on_where_the_last_run_stopped(
    env: None, sandbox: Sandbox, tmp_path: Path
) -> None:
    hub = cases(sandbox)
    state = str(tmp_path / "feeds.sqlite3")
    named = ("--name", "cases", "--state", state)
    assert len(lines(watch(*named, "--polls", "1"))) == len(hub)
    assert lines(watch(*named, "--polls", "1")) == []  # committed: never delivered again

    case_id = sorted(hub)[0]
    hub[case_id]["title"] = "Spindle replaced"
    hub[case_id]["updatedAt"] = "2030-06-01T00:00:00Z"
    changed = lines(watch(*named, "--polls", "2"))
    assert [(row["kind"], row["id"]) for row in changed] == [("updated", case_id)]
    assert changed[0]["item"]["title"] == "Spindle replaced"


def test_without_a_name_nothing_is_kept(env: None, sandbox: Sandbox, tmp_path: Path) -> None:
    hub = cases(sandbox)
    runs = [lines(watch("--polls", "1")) for _ in range(2)]
    assert len(runs[0]) == len(runs[1]) == len(hub)
    assert not list(tmp_path.iterdir())  # no state file anywhere


def test_since_an_age_delivers_only_recent_changes(env: None, sandbox: Sandbox) -> None:
    hub = cases(sandbox)
    case_id = sorted(hub)[-1]
    hub[case_id]["updatedAt"] = datetime.now(UTC).isoformat()
    recent = lines(watch("--since", "1h", "--polls", "1"))
    assert case_id in {row["id"] for row in recent}
    assert len(recent) < len(hub)


def test_ctrl_c_commits_nothing_half_written(
    env: None, sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from servicehub_sdk.cli import _output

    hub = cases(sandbox)
    state = str(tmp_path / "feeds.sqlite3")
    named = ("--name", "cases", "--state", state)

    def interrupted(*_: Any, **__: Any) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(_output.output, "stream", interrupted)
        stopped = watch(*named, "--polls", "1")
    assert stopped.exit_code == 130
    assert "interrupted" in stopped.stderr
    again = lines(watch(*named, "--polls", "1"))
    assert len(again) == len(hub)  # the interrupted batch, delivered again


def test_csv_writes_one_header_across_batches(env: None, tmp_path: Path) -> None:
    result = watch(
        "--format", "csv", "--columns", "kind,id,item.title", "--max-changes", "2", "--polls", "3"
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["kind", "id", "item.title"]
    assert len(rows) == 1 + 6 and ["kind", "id", "item.title"] not in rows[1:]


def test_a_help_desk_resource_is_watched_through_its_server_side_filter(env: None) -> None:
    result = separating_runner().invoke(
        app, ["supportcenter", "requests", "watch", "--polls", "1", "--max-changes", "3"]
    )
    rows = lines(result)
    assert len(rows) == 3 and {row["kind"] for row in rows} == {"created"}
    assert all(row["updated_at"] for row in rows)  # SupportCenter's last_updated_time


def test_a_bad_since_is_one_line_and_exit_2(env: None) -> None:
    result = watch("--since", "yesterday-ish", "--polls", "1")
    assert result.exit_code == 2
    assert "--since 'yesterday-ish' is not a time" in result.stderr


def test_every_resource_with_changes_has_a_watch_command() -> None:
    commands = [
        (name, everyday.resource)
        for name, spec in backends.items()
        for everyday in spec.commands()
        if everyday.changes is not None
    ]
    assert {
        ("ssh", "service-cases"),
        ("supportcenter", "requests"),
        ("cecenter", "service-tickets"),
    } <= set(commands)
    for name, resource in commands:
        result = separating_runner().invoke(app, [name, resource, "watch", "--help"])
        assert result.exit_code == 0, result.output
        assert "--since" in result.stdout and "--name" in result.stdout


def test_parse_since() -> None:
    from servicehub_sdk.cli._watch import parse_since

    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert parse_since("now", now) == now
    assert parse_since("15m", now) == now - timedelta(minutes=15)
    assert parse_since("7d", now) == now - timedelta(days=7)
    assert parse_since("2026-02-01T08:00:00", now) == datetime(2026, 2, 1, 8, tzinfo=UTC)
    assert parse_since("2026-02-01T08:00:00+01:00", now).utcoffset() == timedelta(hours=1)
    with pytest.raises(ConfigurationError):
        parse_since("last week", now)
