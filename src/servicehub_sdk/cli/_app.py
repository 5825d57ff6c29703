"""The `servicehub` command (needs the `cli` extra: typer and rich).

Exit codes: 0 success; 1 a run with failed records or a failed call; 2 usage or configuration
errors; 130 interrupted (Ctrl-C). Every failure prints one line; `-v` adds the details. All
output goes through `_output`.
"""

from __future__ import annotations

import json
import shlex
import signal
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup
from typer.models import TyperInfo

from .._backends import BackendSpec, ResourceCommands, backends
from .._version import __version__
from ..core._environment import ConfigurationWarning
from ..core._errors import ConfigurationError, RequestValidationError, ServiceHubError
from ..core._extras import MissingExtraError
from ._listing import take
from ._output import (
    Format,
    FormatOption,
    NoColorOption,
    QuietOption,
    VerboseOption,
    output,
    pick_format,
    safe_text,
)
from ._profiles import client_for, load_profile

__all__ = ["app", "main"]

_HELP = """servicehub-sdk: the sandbox, the demo, syncs and everyday calls.

Every failure is one line on stderr (-v adds the details).

\b
Exit codes:
  0    success
  1    a run with failed records, or a failed call
  2    usage or configuration error (a missing extra, a taken port)
  130  interrupted (Ctrl-C)

\b
Output: --format table|json|jsonl|csv (or --json, --csv);
no colours with --no-color or NO_COLOR=1;
shell completion: servicehub --install-completion.
"""

# The click classes typer runs on (typer vendors its own click from 0.2x on).
_USAGE_ERROR: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError"
)
_CLICK_EXCEPTION: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"
)


def _shown_as_one_line(error: Any) -> None:
    """Make a usage error show as one line naming the help to read (no arguments at all
    still show the help itself)."""
    if type(error).__name__ == "NoArgsIsHelpError":
        return
    hint = f" (see '{error.ctx.command_path} --help')" if error.ctx is not None else ""
    message = f"{error.format_message()}{hint}"
    error.show = lambda file=None: output.error(message, details=False)


class _RootGroup(TyperGroup):
    """The `servicehub` group: the usage errors of every command are one line too."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except _USAGE_ERROR as error:
            _shown_as_one_line(error)
            raise

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except _USAGE_ERROR as error:
            _shown_as_one_line(error)
            raise


app = typer.Typer(
    cls=_RootGroup,
    help=_HELP,
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


class _State:
    profile = "default"
    config: Path | None = None


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"servicehub-sdk {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    verbose: VerboseOption = False,
    quiet: QuietOption = False,
    no_color: NoColorOption = False,
    profile: Annotated[str, typer.Option(help="Profile of the config file.")] = "default",
    config: Annotated[
        Path | None, typer.Option(help="Config file (default ~/.config/servicehub/config.toml).")
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    output.reset(verbose=verbose, quiet=quiet, no_color=no_color)
    _State.profile, _State.config = profile, config


@contextmanager
def _handled() -> Iterator[None]:
    """Every failure as one line on stderr and its exit code (the traceback with `-v`)."""
    try:
        yield
    except (ConfigurationError, RequestValidationError, MissingExtraError) as exc:
        output.error(exc)
        raise typer.Exit(2) from None
    except ServiceHubError as exc:
        output.error(exc, label="failed")
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        output.error("interrupted", label="stopped")
        raise typer.Exit(130) from None
    except (typer.Exit, typer.Abort, _CLICK_EXCEPTION, BrokenPipeError):
        raise  # typer's own: usage errors, and a reader that stopped early (`| head`)
    except Exception as exc:
        detail = "" if output.verbose else " (-v shows the traceback)"
        output.error(f"{type(exc).__name__}: {exc}{detail}", label="failed")
        raise typer.Exit(1) from None


def _client(backend: str) -> Any:
    """The backend's client from the profile and the environment; a warning about the
    configuration (a misspelt variable) is one line on stderr."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConfigurationWarning)
        client = client_for(backend, load_profile(_State.profile, _State.config))
    for warning in caught:
        if issubclass(warning.category, ConfigurationWarning):
            output.warning(warning.message)
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
    verbose: VerboseOption = False,
    quiet: QuietOption = False,
    no_color: NoColorOption = False,
) -> None:
    """Run every backend's emulator on 127.0.0.1 until Ctrl-C; print how to reach them.

    The values printed are complete (sandbox-only credentials). With `--env`, paste the
    `export` lines into the shell that runs your code; with `--profile`, append the
    `[sandbox.*]` tables to the config file and pass `--profile sandbox`.
    """
    output.configure(verbose=verbose, quiet=quiet, no_color=no_color)
    with _handled():
        from ..testing import Sandbox

        try:
            running = Sandbox(seed=seed, faults=faults, port=port).start()
        except ValueError as exc:
            raise ConfigurationError(str(exc)) from None
        except OSError as exc:
            where = f"port {port} and the ones after it" if port else "a free port"
            raise ConfigurationError(
                f"the sandbox cannot listen on {where}: {exc.strerror or exc}; "
                "pick another --port, or leave it out for free ports"
            ) from None
    entries = running.describe()
    if env:
        output.text(_as_exports(running.environ()))
    elif profile:
        output.text(_as_profile(entries))
    else:
        output.text(_as_listing(entries))
    if not output.quiet:
        output.text("# Ctrl-C stops the sandbox; --env or --profile print ready-made settings.")
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
def demo(
    seed: Annotated[int, typer.Option(help="Seed of the sandbox data.")] = 0,
    verbose: VerboseOption = False,
    quiet: QuietOption = False,
    no_color: NoColorOption = False,
) -> None:
    """Run the flagship integration end to end in an embedded sandbox (no credentials, no network).

    With --quiet, only the summary table is printed."""
    from ._demo import DemoStep, render_introduction, render_step, run_demo

    output.configure(verbose=verbose, quiet=quiet, no_color=no_color)
    width = output.width

    def show(number: int, step: DemoStep) -> None:
        if output.quiet:
            return
        if number == 1:  # once the sandbox runs, so a failure to start it is the only line
            output.text(render_introduction(width) + "\n")
        output.text(render_step(number, step, width) + "\n")

    with _handled():
        steps, took = run_demo(seed=seed, on_step=show)
    table = Table(title="servicehub demo: summary")
    table.add_column("step")
    table.add_column("outcome")
    for step in steps:
        table.add_row(Text(safe_text(step.title)), Text(safe_text(step.summary)))
    output.table(table)
    output.text(took)


# -- sync --------------------------------------------------------------------------------


def _finish(report: Any, path: Path | None) -> None:
    if path is not None:
        report.to_json(path) if path.suffix.lower() == ".json" else report.to_csv(path)
    for failed in report.failed:
        output.error(f"{failed.kind} {failed.key}: {failed.reason or ''}", label="failed")
    output.text(str(report))
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
    mapping: Annotated[
        Path | None,
        typer.Option(help="The ERP's column names and value maps (.toml or .json)."),
    ] = None,
    export_state: Annotated[
        str | None,
        typer.Option(
            help="Send only what changed since the previous export kept here (SQLite path "
            "or postgresql:// URL).",
        ),
    ] = None,
    verbose: VerboseOption = False,
    quiet: QuietOption = False,
    no_color: NoColorOption = False,
) -> None:
    """Create or update Secure Service Hub master data from ERP files, by external ID."""
    from ..integrations import ExportMapping, load_master_data, sync_master_data

    output.configure(verbose=verbose, quiet=quiet, no_color=no_color)

    with _handled():
        columns = ExportMapping.load(mapping) if mapping is not None else None
        # every file read, mapped and checked before any connection
        data = load_master_data(files, mapping=columns)
        with _client("ssh") as hub:
            result = sync_master_data(
                hub,
                data,
                dry_run=dry_run,
                service_organisation=service_organisation,
                export_state=export_state,
            )
    _finish(result, report)


def _ticket_backends() -> list[str]:
    """The backends service cases can be linked to (their spec names a help desk)."""
    return [name for name, spec in backends.items() if spec.help_desk is not None]


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
        str | None,
        typer.Option(
            help="CECenter customer the tickets belong to (default: the customer of its tickets)."
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the plan, write nothing.")
    ] = False,
    report: Annotated[
        Path | None, typer.Option(help="Write the report here (.csv or .json).")
    ] = None,
    verbose: VerboseOption = False,
    quiet: QuietOption = False,
    no_color: NoColorOption = False,
) -> None:
    """Create a ticket for every unlinked service case and link it, exactly once."""
    from ..integrations import link_service_cases

    output.configure(verbose=verbose, quiet=quiet, no_color=no_color)

    with _handled():
        if target not in _ticket_backends():
            raise ConfigurationError(
                f"--target {target!r} is not a ticket backend; "
                f"use {' or '.join(_ticket_backends())}"
            )
        from ..helpdesk import HelpDesk

        defaults = {"customer_id": customer_id} if customer_id else {}
        with _client("ssh") as hub, _client(target) as client:
            result = link_service_cases(
                hub,
                HelpDesk(client, defaults=defaults),
                journal=journal,
                limit=limit,
                dry_run=dry_run,
            )
    _finish(result, report)


# -- everyday calls ----------------------------------------------------------------------

_COLUMNS_HELP = "Comma-separated columns to show (nested ones as address.city)."
_DEFAULT_LIMIT = 50


def _list_command(backend: str, everyday: ResourceCommands) -> Callable[..., None]:
    def list_command(
        limit: Annotated[
            int | None,
            typer.Option(min=1, help=f"At most this many [default: {_DEFAULT_LIMIT}]."),
        ] = None,
        all_items: Annotated[
            bool, typer.Option("--all", help="Every item (reads every page).")
        ] = False,
        columns: Annotated[str | None, typer.Option(help=_COLUMNS_HELP)] = None,
        form: FormatOption = None,
        as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
        as_csv: Annotated[bool, typer.Option("--csv", help="Same as --format csv.")] = False,
        verbose: VerboseOption = False,
        quiet: QuietOption = False,
        no_color: NoColorOption = False,
    ) -> None:
        output.configure(verbose=verbose, quiet=quiet, no_color=no_color)
        chosen = pick_format(form, as_json=as_json, as_csv=as_csv, default=Format.table)
        if all_items and limit is not None:
            raise typer.BadParameter("give --all or --limit, not both", param_hint="'--all'")
        with _handled(), _client(backend) as client:
            taken = take(everyday.list(client), None if all_items else limit or _DEFAULT_LIMIT)
            output.records(taken.items, chosen, columns=columns)
        note = taken.note()
        if note:
            output.note(note)

    list_command.__doc__ = (
        f"List {everyday.noun}: a table as wide as the terminal. "
        f"The first {_DEFAULT_LIMIT} unless --limit or --all; stderr says when more exist."
    )
    return list_command


def _get_command(
    backend: str, everyday: ResourceCommands, getter: Callable[[Any, str], Any]
) -> Callable[..., None]:
    def get_command(
        item_id: str = typer.Argument(..., help=everyday.id_help),
        columns: Annotated[str | None, typer.Option(help=_COLUMNS_HELP)] = None,
        form: FormatOption = None,
        as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
        as_csv: Annotated[bool, typer.Option("--csv", help="Same as --format csv.")] = False,
        verbose: VerboseOption = False,
        quiet: QuietOption = False,
        no_color: NoColorOption = False,
    ) -> None:
        output.configure(verbose=verbose, quiet=quiet, no_color=no_color)
        chosen = pick_format(form, as_json=as_json, as_csv=as_csv, default=Format.table)
        with _handled(), _client(backend) as client:
            item = getter(client, item_id)
            output.records([item], chosen, columns=columns, one=True)

    get_command.__doc__ = f"Show one of the {everyday.noun}."
    return get_command


def backend_group(spec: BackendSpec) -> typer.Typer | None:
    """`servicehub <backend> <resource> list|get|watch`: the everyday commands `spec` declares, and
    `tickets …` for backends with a help desk."""
    commands = spec.commands()
    if not commands and spec.help_desk is None:
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
        if everyday.changes is not None:
            from ._watch import watch_command

            sub.command("watch")(watch_command(spec.name, everyday, _client, _handled))
    if spec.help_desk is not None:
        from ._tickets import tickets_group

        group.add_typer(tickets_group(spec.name, _client, _handled), name="tickets")
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
