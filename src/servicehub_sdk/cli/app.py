"""The `servicehub` command (needs the `cli` extra: typer and rich).

Exit codes: 0 success; 1 a run with failed records or a failed call; 2 usage or configuration
errors. Expected failures print one line; `-v` adds the details.
"""

from __future__ import annotations

import csv
import io
import json
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..core.errors import ConfigurationError, RequestValidationError, ServiceHubError
from .profiles import client_for, load_profile

__all__ = ["app", "main"]

app = typer.Typer(
    help="servicehub-sdk: the sandbox, the demo, syncs and everyday calls.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
sync_app = typer.Typer(
    help="Integrations: master data into Secure Service Hub, service cases to tickets.",
    no_args_is_help=True,
)
app.add_typer(sync_app, name="sync")

console = Console()
errors = Console(stderr=True)


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
    return client_for(backend, load_profile(_State.profile, _State.config))


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
) -> None:
    """Run all five emulators on 127.0.0.1 until Ctrl-C; print their URLs and credentials."""
    from ..testing import Sandbox

    with _handled():
        try:
            running = Sandbox(seed=seed, faults=faults, port=port).start()
        except ValueError as exc:
            raise ConfigurationError(str(exc)) from None
    table = Table(title="servicehub sandbox (sandbox-only credentials)")
    table.add_column("backend")
    table.add_column("URL")
    table.add_column("client configuration")
    for entry in running.describe():
        table.add_row(entry["backend"], entry["url"], json.dumps(entry["config"]))
    console.print(table)
    console.print("Ctrl-C stops the sandbox.")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()


@app.command()
def demo(seed: Annotated[int, typer.Option(help="Seed of the sandbox data.")] = 0) -> None:
    """Run the flagship integration end to end in an embedded sandbox (no credentials, no network)."""
    from .demo import run_demo

    with _handled():
        rows = run_demo(seed=seed)
    table = Table(title="servicehub demo")
    table.add_column("step")
    table.add_column("outcome")
    for step, outcome in rows:
        table.add_row(step, outcome)
    console.print(table)


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
    from ..sync import sync_master_data

    with _handled(), _client("ssh") as hub:
        result = sync_master_data(
            hub, files, dry_run=dry_run, service_organisation=service_organisation
        )
    _finish(result, report)


@sync_app.command("link-cases")
def link_cases(
    target: Annotated[str, typer.Option(help="scp, cecenter or spicecsm.")],
    journal: Annotated[Path, typer.Option(help="The link journal (keep it between runs).")] = Path(
        "servicehub-links.sqlite3"
    ),
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
    from ..sync import CECenterTarget, SpiceCsmTarget, SupportCenterPlusTarget, link_service_cases

    with _handled():
        if target not in ("scp", "cecenter", "spicecsm"):
            raise ConfigurationError("--target is scp, cecenter or spicecsm")
        if target == "cecenter" and not customer_id:
            raise ConfigurationError("--customer-id is needed for CECenter tickets")
        with _client("ssh") as hub, _client(target) as client:
            ticket_target: Any
            if target == "scp":
                ticket_target = SupportCenterPlusTarget(client)
            elif target == "cecenter":
                ticket_target = CECenterTarget(client, customer_id=customer_id or "")
            else:
                ticket_target = SpiceCsmTarget(client)
            result = link_service_cases(
                hub, ticket_target, journal=journal, limit=limit, dry_run=dry_run
            )
    _finish(result, report)


# -- everyday calls ----------------------------------------------------------------------


def _rows(items: list[Any]) -> list[dict[str, Any]]:
    rows = []
    for item in items:
        data = item.model_dump(mode="json") if hasattr(item, "model_dump") else dict(item)
        flat: dict[str, Any] = {}
        for key, value in data.items():
            if isinstance(value, dict):
                for sub, sub_value in value.items():
                    if not isinstance(sub_value, (dict, list)):
                        flat[f"{key}.{sub}"] = sub_value
            elif not isinstance(value, list) and value is not None:
                flat[key] = value
        rows.append(flat)
    return rows


def _print(items: list[Any], as_json: bool, as_csv: bool) -> None:
    rows = _rows(items)
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False, default=str))
        return
    columns = list(dict.fromkeys(k for row in rows for k in row))
    if as_csv:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
        typer.echo(buffer.getvalue(), nl=False)
        return
    table = Table()
    for column in columns[:8]:
        table.add_column(column)
    for row in rows:
        table.add_row(*(str(row.get(c, "")) for c in columns[:8]))
    console.print(table)


Lister = Callable[[Any, int], list[Any]]
Getter = Callable[[Any, str], Any]

EVERYDAY: dict[tuple[str, str], tuple[Lister, Getter | None]] = {
    ("ssh", "customers"): (
        lambda c, n: c.customers.list().to_list(n),
        lambda c, i: c.customers.get(i),
    ),
    ("ssh", "service-cases"): (lambda c, n: c.service_cases.list().to_list(n), None),
    ("fsm", "partners"): (lambda c, n: c.partners.list().to_list(n), None),
    ("scp", "requests"): (
        lambda c, n: c.requests.list().to_list(n),
        lambda c, i: c.requests.get(i),
    ),
    ("cecenter", "tickets"): (
        lambda c, n: c.service_tickets.list().to_list(n),
        lambda c, i: c.service_tickets.get(i),
    ),
    ("spicecsm", "agents"): (lambda c, n: c.agent_list()[:n], None),
}


def _list_command(backend: str, lister: Lister) -> Callable[..., None]:
    def list_command(
        limit: Annotated[int, typer.Option(help="At most this many.")] = 50,
        as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
        as_csv: Annotated[bool, typer.Option("--csv", help="CSV output.")] = False,
    ) -> None:
        with _handled(), _client(backend) as client:
            items = lister(client, limit)
        _print(items, as_json, as_csv)

    return list_command


def _get_command(backend: str, getter: Getter) -> Callable[..., None]:
    def get_command(
        item_id: Annotated[str, typer.Argument(help="The id (external ID for SSH customers).")],
        as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    ) -> None:
        with _handled(), _client(backend) as client:
            item = getter(client, item_id)
        _print([item], as_json, False)

    return get_command


def _register(backend: str) -> None:
    group = typer.Typer(help=f"Everyday {backend} calls.", no_args_is_help=True)
    app.add_typer(group, name=backend)
    for (name, resource), (lister, getter) in EVERYDAY.items():
        if name != backend:
            continue
        sub = typer.Typer(help=f"{backend} {resource}", no_args_is_help=True)
        group.add_typer(sub, name=resource)
        sub.command("list", help=f"List {resource}.")(_list_command(backend, lister))
        if getter is not None:
            sub.command("get", help=f"Get one of {resource}.")(_get_command(backend, getter))


for _backend in dict.fromkeys(b for b, _ in EVERYDAY):
    _register(_backend)


def main() -> None:
    app()
