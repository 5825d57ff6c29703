"""How the `servicehub` command writes: formats, colour, notes and terminal-safe text.

Every command writes through one `Output`: records as a table, JSON, JSON lines or CSV;
notes and errors on stderr as one line each. Text that came from a server never reaches the
terminal raw: control characters (escape sequences, carriage returns, bidirectional
overrides) are shown escaped (`\\x1b`), and CSV cells that a spreadsheet would run as a
formula (`=`, `+`, `-`, `@`, tab, carriage return first) get a leading `'`, as OWASP
recommends for CSV injection.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..core._spreadsheet import formula_safe

__all__ = [
    "Format",
    "FormatOption",
    "NoColorOption",
    "Output",
    "QuietOption",
    "VerboseOption",
    "csv_cell",
    "json_text",
    "output",
    "pick_format",
    "safe_text",
]


class Format(StrEnum):
    """The output formats of `--format`."""

    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


VerboseOption = Annotated[
    bool, typer.Option("-v", "--verbose", help="Show error details (tracebacks).")
]
QuietOption = Annotated[
    bool, typer.Option("-q", "--quiet", help="Print only results and errors, no notes.")
]
NoColorOption = Annotated[
    bool, typer.Option("--no-color", help="No colours (also: the NO_COLOR variable).")
]
FormatOption = Annotated[
    Format | None,
    typer.Option("--format", help="table (default), json, jsonl (one JSON object a line) or csv."),
]

# C0 controls but newline and tab, DEL, C1 controls, and the invisible direction marks and
# overrides that reorder what a terminal shows.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# JSON escapes C0 itself; these it would write raw.
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def safe_text(value: object, *, one_line: bool = False) -> str:
    """`value` as text with control characters shown escaped (`\\x1b`, `\\r`).

    Newlines and tabs stay unless `one_line`, where they are escaped too (an error line)."""
    text = str(value)
    return (_UNSAFE_IN_LINE if one_line else _UNSAFE).sub(_escaped, text)


def csv_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text: a string starting with `=`, `+`, `-`,
    `@`, tab or carriage return gets a leading `'`; control characters are escaped."""
    if not isinstance(value, str):
        return value
    text = value.replace("\r\n", "\n")
    return safe_text(formula_safe(text))


def json_text(data: Any, *, indent: int | None = 2) -> str:
    """`data` as JSON; control characters JSON would write raw are `\\u` escapes."""
    text = json.dumps(data, indent=indent, ensure_ascii=False, default=str)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def pick_format(
    chosen: Format | None, *, as_json: bool = False, as_csv: bool = False, default: Format
) -> Format:
    """The format of `--format`, `--json` or `--csv` (at most one of them), else `default`."""
    given = [
        f
        for f, on in ((chosen, chosen is not None), (Format.json, as_json), (Format.csv, as_csv))
        if on and f is not None
    ]
    if len(set(given)) > 1:
        raise typer.BadParameter(
            "choose one of --format, --json and --csv", param_hint="'--format'"
        )
    return given[0] if given else default


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")


def _is_id_column(values: list[Any]) -> bool:
    present = [str(v) for v in values if v is not None and v != ""]
    return bool(present) and all(_UUID.match(v) for v in present)


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    """`{"address": {"city": "X"}}` as `{"address.city": "X"}`; lists as JSON text."""
    if not isinstance(value, Mapping):
        return {prefix or "value": value}
    flat: dict[str, Any] = {}
    for key, sub in value.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(sub, Mapping):
            flat.update(_flat(sub, name))
        elif isinstance(sub, list):
            flat[name] = json.dumps(sub, ensure_ascii=False, default=str) if sub else None
        else:
            flat[name] = sub
    return flat


def _data(item: Any) -> Any:
    return item.model_dump(mode="json") if hasattr(item, "model_dump") else item


@dataclass
class Output:
    """Where and how one run of the command writes (set by the common options)."""

    verbose: bool = False
    quiet: bool = False
    no_color: bool = False
    _stream_columns: list[str] | None = field(default=None, repr=False)

    def configure(
        self, *, verbose: bool = False, quiet: bool = False, no_color: bool = False
    ) -> Output:
        """Add the common options given after a command to those given before it."""
        self.verbose = self.verbose or verbose
        self.quiet = self.quiet or quiet
        self.no_color = self.no_color or no_color
        return self

    def reset(self, *, verbose: bool, quiet: bool, no_color: bool) -> None:
        """Start a run with the options given before the command."""
        self.verbose, self.quiet, self.no_color = verbose, quiet, no_color
        self._stream_columns = None

    # -- consoles, made for each write so that the environment of the moment counts ------

    def _console(self, *, stderr: bool) -> Console:
        no_color = self.no_color or "NO_COLOR" in os.environ
        return Console(
            stderr=stderr,
            no_color=no_color,
            highlight=False,
            soft_wrap=stderr,  # a message is one line, however long
            file=sys.stderr if stderr else sys.stdout,
        )

    @property
    def width(self) -> int:
        """The terminal's width (COLUMNS, or 80 when not a terminal)."""
        return self._console(stderr=False).width

    # -- stderr: one line each -------------------------------------------------------------

    def error(self, message: object, *, label: str = "error", details: bool = True) -> None:
        """`error: message` on stderr, as one line; with `-v` (and `details`), the traceback
        being handled."""
        console = self._console(stderr=True)
        console.print(Text.assemble((f"{label}:", "red"), " ", safe_text(message, one_line=True)))
        if details and self.verbose and sys.exc_info()[0] is not None:
            console.print_exception()

    def warning(self, message: object) -> None:
        """`warning: message` on stderr, as one line."""
        self._console(stderr=True).print(
            Text.assemble(("warning:", "yellow"), " ", safe_text(message, one_line=True))
        )

    def note(self, message: object, *, style: str = "") -> None:
        """An informational line on stderr, left out with `--quiet`."""
        if not self.quiet:
            self._console(stderr=True).print(Text(safe_text(message, one_line=True), style))

    # -- stdout ----------------------------------------------------------------------------

    def text(self, text: str) -> None:
        """Plain text on stdout (the SDK's own words, wrapped by the caller)."""
        sys.stdout.write(safe_text(text) + "\n")
        sys.stdout.flush()

    def table(self, table: Table) -> None:
        self._console(stderr=False).print(table)

    def records(
        self,
        items: Iterable[Any],
        form: Format,
        *,
        columns: str | None = None,
        one: bool = False,
    ) -> None:
        """Records (models or dicts) as `form`: a table as wide as the terminal, a JSON list
        (the object itself when `one`), JSON lines, or CSV with nested columns dotted."""
        data = [_data(item) for item in items]
        if form is Format.json:
            self._write(json_text(data[0] if one and data else data) + "\n")
            return
        if form is Format.jsonl:
            self._write("".join(json_text(row, indent=None) + "\n" for row in data))
            return
        rows = [_flat(row) for row in data]
        chosen = _columns(rows, columns)
        if form is Format.csv:
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=chosen, extrasaction="ignore")
            writer.writeheader()
            writer.writerows({c: csv_cell(row.get(c)) for c in chosen} for row in rows)
            self._write(buffer.getvalue())
            return
        self._table(rows, chosen, chosen_by_user=columns is not None)

    def stream(
        self, items: Iterable[Any], form: Format = Format.jsonl, *, columns: str | None = None
    ) -> None:
        """Records as they arrive (a `watch`), one call per batch: JSON lines by default, an
        indented JSON object per record, CSV with one header (the first batch's columns, or
        `columns`) however many batches follow, or a table per batch."""
        data = [_data(item) for item in items]
        if not data:
            return
        if form is Format.json:
            self._write("".join(json_text(row) + "\n" for row in data))
            return
        if form is not Format.csv:
            self.records(data, form, columns=columns)
            return
        rows = [_flat(row) for row in data]
        header = self._stream_columns is None
        if self._stream_columns is None:
            self._stream_columns = _columns(rows, columns)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=self._stream_columns, extrasaction="ignore")
        if header:
            writer.writeheader()
        writer.writerows({c: csv_cell(row.get(c)) for c in self._stream_columns} for row in rows)
        self._write(buffer.getvalue())

    def _write(self, text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()

    def _table(self, rows: list[dict[str, Any]], chosen: list[str], chosen_by_user: bool) -> None:
        ids = {c for c in chosen if _is_id_column([row.get(c) for row in rows])}
        shown = chosen if chosen_by_user else _fitting(chosen, rows, self.width, ids)
        table = Table()
        for column in shown:
            if column in ids:  # a UUID is never wrapped mid-id
                longest = max(len(str(row.get(column) or "")) for row in rows)
                table.add_column(column, no_wrap=True, min_width=max(longest, len(column)))
            else:
                table.add_column(column, min_width=len(column), overflow="fold")
        for row in rows:
            table.add_row(*(_cell(row.get(c)) for c in shown))
        self.table(table)
        hidden = len(chosen) - len(shown)
        if hidden:
            self.note(
                f"{hidden} more column(s) do not fit: pick some with --columns, "
                "or use --format json/csv"
            )


def _cell(value: Any) -> Text:
    return Text("" if value is None else safe_text(value))


def _columns(rows: list[dict[str, Any]], wanted: str | None) -> list[str]:
    from ..core._errors import ConfigurationError

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


def _fitting(
    columns: list[str], rows: list[dict[str, Any]], width: int, ids: set[str]
) -> list[str]:
    """The leading columns whose headers and values fit the width (other values count up to
    24 characters, since they may wrap; UUIDs count whole)."""
    shown: list[str] = []
    used = 0
    for column in columns:
        values = (len(str(row.get(column, ""))) for row in rows)
        longest = max(values, default=0)
        need = max(len(column), longest if column in ids else min(24, longest)) + 3
        if shown and used + need > width:
            break
        shown.append(column)
        used += need
    return shown


output = Output()
"""The output of the run in progress (the root options reset it, a command's add to it)."""
