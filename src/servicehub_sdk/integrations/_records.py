"""Master data from CSV files, JSON Lines, pandas DataFrames or Python dicts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core._errors import ConfigurationError
from ._mapping import ExportMapping
from ._reader import MasterDataReader

__all__ = ["KINDS", "MasterData", "load_master_data"]

KINDS = ("machine_models", "customers", "customer_machines")
_ALIASES = {
    "machine_model": "machine_models",
    "models": "machine_models",
    "customer": "customers",
    "customer_machine": "customer_machines",
    "machines": "customer_machines",
}


@dataclass
class MasterData:
    """Records per kind, each a flat dict (CSV-style columns; see the sync docs)."""

    machine_models: list[dict[str, Any]] = field(default_factory=list)
    customers: list[dict[str, Any]] = field(default_factory=list)
    customer_machines: list[dict[str, Any]] = field(default_factory=list)

    def add(self, kind: str, rows: Iterable[Mapping[str, Any]]) -> None:
        name = _ALIASES.get(kind, kind)
        if name not in KINDS:
            raise ConfigurationError(f"unknown record kind {kind!r}; use one of {', '.join(KINDS)}")
        getattr(self, name).extend(_clean(r) for r in rows)

    def __len__(self) -> int:
        return sum(len(getattr(self, k)) for k in KINDS)


def _clean(row: Mapping[str, Any]) -> dict[str, Any]:
    """`row` without empty cells: `None`, NaN (pandas' empty cell), blank text; text and keys
    stripped of surrounding whitespace."""
    cleaned = {}
    for key, value in row.items():
        if type(value) is str or isinstance(value, str):
            value = value.strip()
            if not value:
                continue
        elif value is None or (isinstance(value, float) and value != value):
            continue
        cleaned[key.strip() if type(key) is str else str(key).strip()] = value
    return cleaned


def _rows(value: Any) -> Iterable[Mapping[str, Any]]:
    if hasattr(value, "to_dict") and hasattr(value, "columns"):  # a pandas DataFrame
        rows: list[Mapping[str, Any]] = value.to_dict("records")
        return rows
    records: Iterable[Mapping[str, Any]] = value
    return records


def load_master_data(source: Any, *, mapping: ExportMapping | None = None) -> MasterData:
    """Master data from:

    - a `MasterData`;
    - a mapping of kind to rows (lists of dicts or DataFrames);
    - file paths (one or several): the kind from a `kind` column, else from the file name
      (`customers.csv`, `machine_models.jsonl`, `customer_machines.csv`). Every file is read
      whole and checked first: one that is not what its name says raises `InputFileError`
      naming `file:line`, before anything is sent;
    - an iterable of dicts that each carry a `kind`.

    With `mapping` (an `ExportMapping`), the ERP's columns are renamed to fields and values
    translated, source by source; one that does not fit raises `MappingError` naming the
    source, row and column, before anything is sent.
    """
    data = MasterData()
    if isinstance(source, MasterData):
        if mapping is None:
            return source
        for kind in KINDS:
            _add(data, kind, getattr(source, kind), kind, mapping)
        return data
    if isinstance(source, Mapping):
        for kind, rows in source.items():
            _add(data, kind, _rows(rows), str(kind), mapping)
        return data
    if isinstance(source, (str, Path)):
        source = [source]
    items = list(source)
    if items and all(isinstance(i, (str, Path)) for i in items):
        reader = MasterDataReader()
        for item in items:
            path = Path(item)
            rows = reader.read(path)
            if rows and "kind" in rows[0]:
                _add_by_kind(data, rows, str(path), mapping)
            else:
                _add(data, path.stem, rows, str(path), mapping)
        return data
    for row in items:
        if not isinstance(row, Mapping) or "kind" not in row:
            raise ConfigurationError(
                "records given as dicts need a 'kind' (customer, machine_model, customer_machine)"
            )
    _add_by_kind(data, items, "records", mapping)
    return data


def _add(
    data: MasterData,
    kind: str,
    rows: Iterable[Mapping[str, Any]],
    source: str,
    mapping: ExportMapping | None,
    numbers: Iterable[int] | None = None,
) -> None:
    """`rows` of `kind` into `data`, through `mapping` when there is one."""
    if mapping is None:
        data.add(kind, rows)
        return
    name = _ALIASES.get(kind, kind)
    if name not in KINDS:
        data.add(kind, [])  # the error naming the kinds
    rows = list(rows)
    numbered = zip(numbers if numbers is not None else range(1, len(rows) + 1), rows, strict=True)
    data.add(name, mapping.apply(name, numbered, source=source))


def _add_by_kind(
    data: MasterData, rows: list[Any], source: str, mapping: ExportMapping | None
) -> None:
    """Rows that each name their `kind`, grouped by kind (each keeps its row number)."""
    groups: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for number, row in enumerate(rows, 1):
        kind = str(row["kind"])
        groups.setdefault(kind, []).append((number, {k: v for k, v in row.items() if k != "kind"}))
    for kind, numbered in groups.items():
        numbers = [number for number, _ in numbered]
        _add(data, kind, [row for _, row in numbered], source, mapping, numbers)
