"""The `servicehub` command (needs the `cli` extra: typer and rich).

Exit codes: 0 success; 1 a run with failed records or a failed call; 2 usage or configuration
errors. Expected failures print one line; `-v` adds the details.
"""

from __future__ import annotations

import csv
import io
import json
import shlex
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.models import TyperInfo

from .._backends import BackendSpec, ResourceCommands, backends, load_object
from ..core._environment import ConfigurationWarning
from ..core._errors import ConfigurationError, RequestValidationError, ServiceHubError
from ._profiles import client_for, load_profile

__all__ = ["app", "main"]

app = typer.Typer(
    help="servicehub-sdk: the sandbox, the demo, syncs and everyday calls.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
sync_app = typer.Typer(
    help="Integrations: master data into Secure Service Hub, service cases to tickets.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(sync_app, name="sync")

console = Console()
errors = Console(stderr=True, soft_wrap=True)  # one message, one line


class _State:
    verbose = False
    profile = "default"
    config: Path | None = None


@app.callback()
def _options(
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="Show error details.")] = False,
    profile: Annotated[str, typer.Option(help="Profile of the config file.")] = "default",
    config: Annotated[
        Path | None, typer.Option(help="Config file (default ~/.config/servicehub/config.toml).")
    ] = None,
) -> None:
    _State.verbose, _State.profile, _State.config = verbose, profile, config


@contextmanager
def _handled() -> Iterator[None]:
    try:
        yield
    except (ConfigurationError, RequestValidationError) as exc:
        errors.print(f"[red]error:[/red] {escape(str(exc))}")
        if _State.verbose:
            errors.print_exception()
        raise typer.Exit(2) from None
    except ServiceHubError as exc:
        errors.print(f"[red]failed:[/red] {escape(str(exc))}")
        if _State.verbose:
            errors.print_exception()
        raise typer.Exit(1) from None


def _client(backend: str) -> Any:
    """The backend's client from the profile and the environment; a warning about the
    configuration (a misspelt variable) is one line on stderr."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConfigurationWarning)
        client = client_for(backend, load_profile(_State.profile, _State.config))
    for warning in caught:
        if issubclass(warning.category, ConfigurationWarning):
            errors.print(f"[yellow]warning:[/yellow] {escape(str(warning.message))}")
        else:
            warnings.showwarning(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    return client


# -- sandbox and demo --------------------------------------------------------------------


@app.command()
def sandbox(
    port: Annotated[
        int | None, typer.Option(help="First port; the backends take consecutive ports.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the generated data.")] = 0,
    faults: Annotated[
        str | None, typer.Option(help="Fault profile: flaky, slow, rate-limited.")
    ] = None,
    env: Annotated[
        bool, typer.Option("--env", help="Print `export SERVICEHUB_*=…` lines for a shell.")
    ] = False,
    profile: Annotated[
        bool, typer.Option("--profile", help="Print a [sandbox] profile for the config file.")
    ] = False,
) -> None:
    """Run every backend's emulator on 127.0.0.1 until Ctrl-C; print how to reach them.

    The values printed are complete (sandbox-only credentials). With `--env`, paste the
    `export` lines into the shell that runs your code; with `--profile`, append the
    `[sandbox.*]` tables to the config file and pass `--profile sandbox`.
    """
    from ..testing import Sandbox

    with _handled():
        try:
            running = Sandbox(seed=seed, faults=faults, port=port).start()
        except ValueError as exc:
            raise ConfigurationError(str(exc)) from None
    entries = running.describe()
    if env:
        typer.echo(_as_exports(running.environ()))
    elif profile:
        typer.echo(_as_profile(entries))
    else:
        typer.echo(_as_listing(entries))
    typer.echo("# Ctrl-C stops the sandbox; --env or --profile print ready-made settings.")
    sys.stdout.flush()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()


def _as_listing(entries: list[dict[str, Any]]) -> str:
    lines = []
    for entry in entries:
        lines.append(f"{entry['backend']}  {entry['url']}")
        lines += [f"    {key} = {value}" for key, value in entry["config"].items()]
    return "\n".join(lines)


def _as_exports(environ: dict[str, str]) -> str:
    return "\n".join(f"export {name}={shlex.quote(value)}" for name, value in environ.items())


def _as_profile(entries: list[dict[str, Any]]) -> str:
    blocks = []
    for entry in entries:
        values = [f"{key} = {json.dumps(value)}" for key, value in entry["config"].items()]
        blocks.append("\n".join([f"[sandbox.{entry['backend']}]", *values]))
    return "# use with: servicehub --profile sandbox COMMAND\n" + "\n\n".join(blocks)


@app.command()
def demo(seed: Annotated[int, typer.Option(help="Seed of the sandbox data.")] = 0) -> None:
    """Run the flagship integration end to end in an embedded sandbox (no credentials, no network)."""
    from ._demo import (
        INTRODUCTION,
        DemoStep,
        render_step,
        run_demo,
    )

    def show(number: int, step: DemoStep) -> None:
        typer.echo(render_step(number, step) + "\n")

    typer.echo(f"servicehub demo\n{INTRODUCTION}\n")
    with _handled():
        steps, took = run_demo(seed=seed, on_step=show)
    table = Table(title="servicehub demo: summary")
    table.add_column("step")
    table.add_column("outcome")
    for step in steps:
        table.add_row(escape(step.title), escape(step.summary))
    console.print(table)
    typer.echo(took)


# -- sync --------------------------------------------------------------------------------


def _finish(report: Any, path: Path | None) -> None:
    if path is not None:
        report.to_json(path) if path.suffix.lower() == ".json" else report.to_csv(path)
    for failed in report.failed:
        errors.print(
            f"[yellow]{escape(failed.kind)} {escape(failed.key)}[/yellow]: {escape(failed.reason or '')}"
        )
    console.print(escape(str(report)))
    if report.failed:
        raise typer.Exit(1)


@sync_app.command("master-data")
def master_data(
    files: Annotated[
        list[Path],
        typer.Argument(help="customers.csv, machine_models.csv, customer_machines.csv, .jsonl…"),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the plan, write nothing.")
    ] = False,
    report: Annotated[
        Path | None, typer.Option(help="Write the report here (.csv or .json).")
    ] = None,
    service_organisation: Annotated[
        str | None, typer.Option(help="Default service organisation (id or name).")
    ] = None,
) -> None:
    """Create or update Secure Service Hub master data from ERP files, by external ID."""
    from ..integrations import load_master_data, sync_master_data

    with _handled():
        data = load_master_data(files)  # every file read and checked before any connection
        with _client("ssh") as hub:
            result = sync_master_data(
                hub, data, dry_run=dry_run, service_organisation=service_organisation
            )
    _finish(result, report)


def _ticket_backends() -> list[str]:
    """The backends service cases can be linked to (their spec names a ticket target)."""
    return [name for name, spec in backends.items() if spec.ticket_target is not None]


def _required_keywords(cls: Any) -> set[str]:
    import inspect

    return {
        name
        for name, parameter in inspect.signature(cls).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY
        and parameter.default is inspect.Parameter.empty
    }


@sync_app.command("link-cases")
def link_cases(
    target: Annotated[
        str, typer.Option(help=f"Where tickets are created: {' or '.join(_ticket_backends())}.")
    ],
    journal: Annotated[
        str,
        typer.Option(
            envvar="SERVICEHUB_JOURNAL",
            help="The link journal: a SQLite file, or a postgresql:// URL shared by hosts "
            "(password in PGPASSWORD or ~/.pgpass, not here).",
        ),
    ] = "servicehub-links.sqlite3",
    limit: Annotated[int | None, typer.Option(help="Link at most this many cases.")] = None,
    customer_id: Annotated[
        str | None, typer.Option(help="CECenter customer the tickets belong to.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the plan, write nothing.")
    ] = False,
    report: Annotated[
        Path | None, typer.Option(help="Write the report here (.csv or .json).")
    ] = None,
) -> None:
    """Create a ticket for every unlinked service case and link it, exactly once."""
    from ..integrations import link_service_cases

    with _handled():
        if target not in _ticket_backends():
            raise ConfigurationError(
                f"--target {target!r} is not a ticket backend; "
                f"use {' or '.join(_ticket_backends())}"
            )
        spec = backends[target]
        target_class = load_object(spec.ticket_target)
        options = {"customer_id": customer_id} if customer_id else {}
        if "customer_id" in _required_keywords(target_class) and not customer_id:
            raise ConfigurationError(f"--customer-id is needed for {spec.display_name} tickets")
        with _client("ssh") as hub, _client(target) as client:
            ticket_target = target_class(client, **options)
            result = link_service_cases(
                hub, ticket_target, journal=journal, limit=limit, dry_run=dry_run
            )
    _finish(result, report)


# -- everyday calls ----------------------------------------------------------------------


def _data(item: Any) -> Any:
    return item.model_dump(mode="json") if hasattr(item, "model_dump") else item


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    """`{"address": {"city": "X"}}` as `{"address.city": "X"}`; lists as JSON text."""
    if not isinstance(value, dict):
        return {prefix or "value": value}
    flat: dict[str, Any] = {}
    for key, sub in value.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(sub, dict):
            flat.update(_flat(sub, name))
        elif isinstance(sub, list):
            flat[name] = json.dumps(sub, ensure_ascii=False, default=str) if sub else None
        else:
            flat[name] = sub
    return flat


def _columns(rows: list[dict[str, Any]], wanted: str | None) -> list[str]:
    present = list(dict.fromkeys(k for row in rows for k, v in row.items() if v is not None))
    if wanted:
        chosen = [c.strip() for c in wanted.split(",") if c.strip()]
        unknown = [c for c in chosen if c not in present]
        if unknown and rows:
            raise ConfigurationError(
                f"unknown column(s) {', '.join(unknown)}; the columns are {', '.join(present)}"
            )
        return chosen
    return present


def _fitting(columns: list[str], rows: list[dict[str, Any]], width: int) -> list[str]:
    """The leading columns whose headers and (up to 24 characters of) values fit the width."""
    shown: list[str] = []
    used = 0
    for column in columns:
        values = (len(str(row.get(column, ""))) for row in rows)
        need = max(len(column), min(24, max(values, default=0))) + 3
        if shown and used + need > width:
            break
        shown.append(column)
        used += need
    return shown


def _print(
    items: list[Any], *, as_json: bool, as_csv: bool, columns: str | None, one: bool = False
) -> None:
    data = [_data(item) for item in items]
    if as_json:
        typer.echo(json.dumps(data[0] if one else data, indent=2, ensure_ascii=False, default=str))
        return
    rows = [_flat(row) for row in data]
    chosen = _columns(rows, columns)
    if as_csv:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=chosen, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        typer.echo(buffer.getvalue(), nl=False)
        return
    shown = chosen if columns else _fitting(chosen, rows, console.width)
    table = Table()
    for column in shown:
        table.add_column(column, min_width=len(column), overflow="fold")
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in shown))
    console.print(table)
    hidden = len(chosen) - len(shown)
    if hidden:
        errors.print(
            f"{hidden} more column(s) do not fit: pick some with --columns, or use --json/--csv"
        )


def _cell(value: Any) -> str:
    return "" if value is None else escape(str(value))


_COLUMNS_HELP = "Comma-separated columns to show (nested ones as address.city)."


def _list_command(backend: str, everyday: ResourceCommands) -> Callable[..., None]:
    def list_command(
        limit: Annotated[int, typer.Option(help="At most this many.")] = 50,
        columns: Annotated[str | None, typer.Option(help=_COLUMNS_HELP)] = None,
        as_json: Annotated[bool, typer.Option("--json", help="A JSON list, nested.")] = False,
        as_csv: Annotated[bool, typer.Option("--csv", help="CSV, nested columns dotted.")] = False,
    ) -> None:
        with _handled(), _client(backend) as client:
            items = list(everyday.list(client, limit))
            _print(items, as_json=as_json, as_csv=as_csv, columns=columns)

    list_command.__doc__ = f"List {everyday.noun}: a table as wide as the terminal."
    return list_command


def _get_command(
    backend: str, everyday: ResourceCommands, getter: Callable[[Any, str], Any]
) -> Callable[..., None]:
    def get_command(
        item_id: str = typer.Argument(..., help=everyday.id_help),
        columns: Annotated[str | None, typer.Option(help=_COLUMNS_HELP)] = None,
        as_json: Annotated[bool, typer.Option("--json", help="The JSON object, nested.")] = False,
    ) -> None:
        with _handled(), _client(backend) as client:
            item = getter(client, item_id)
            _print([item], as_json=as_json, as_csv=False, columns=columns, one=True)

    get_command.__doc__ = f"Show one of the {everyday.noun}."
    return get_command


def backend_group(spec: BackendSpec) -> typer.Typer | None:
    """`servicehub <backend> <resource> list|get`: the everyday commands `spec` declares."""
    commands = spec.commands()
    if not commands:
        return None
    group = typer.Typer(
        help=f"Everyday calls to {spec.description or spec.display_name}.",
        no_args_is_help=True,
        rich_markup_mode=None,
    )
    for everyday in commands:
        sub = typer.Typer(
            help=f"{everyday.noun[0].upper()}{everyday.noun[1:]}.",
            no_args_is_help=True,
            rich_markup_mode=None,
        )
        group.add_typer(sub, name=everyday.resource)
        sub.command("list")(_list_command(spec.name, everyday))
        if everyday.get is not None:
            sub.command("get")(_get_command(spec.name, everyday, everyday.get))
    return group


class _WithBackendGroups(list[TyperInfo]):
    """`app`'s command groups: its own, then one per registered backend, read from the
    registry whenever the command line is built, so a backend registered after this module
    was imported has its commands too."""

    def __iter__(self) -> Iterator[TyperInfo]:
        yield from super().__iter__()
        for spec in backends.values():
            group = backend_group(spec)
            if group is not None:
                yield TyperInfo(group, name=spec.name)


app.registered_groups = _WithBackendGroups(app.registered_groups)


def main() -> None:
    app()
