"""Master data from CSV files, JSON Lines, pandas DataFrames or Python dicts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core._errors import ConfigurationError
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
    cleaned = {}
    for key, value in row.items():
        if value is None or (isinstance(value, float) and value != value):  # NaN from pandas
            continue
        if isinstance(value, str):
            value = value.strip()
            if not value:
                continue
        cleaned[str(key).strip()] = value
    return cleaned


def _rows(value: Any) -> Iterable[Mapping[str, Any]]:
    if hasattr(value, "to_dict") and hasattr(value, "columns"):  # a pandas DataFrame
        rows: list[Mapping[str, Any]] = value.to_dict("records")
        return rows
    records: Iterable[Mapping[str, Any]] = value
    return records


def load_master_data(source: Any) -> MasterData:
    """Master data from:

    - a `MasterData`;
    - a mapping of kind to rows (lists of dicts or DataFrames);
    - file paths (one or several): the kind from a `kind` column, else from the file name
      (`customers.csv`, `machine_models.jsonl`, `customer_machines.csv`). Every file is read
      whole and checked first: one that is not what its name says raises `InputFileError`
      naming `file:line`, before anything is sent;
    - an iterable of dicts that each carry a `kind`.
    """
    if isinstance(source, MasterData):
        return source
    data = MasterData()
    if isinstance(source, Mapping):
        for kind, rows in source.items():
            data.add(kind, _rows(rows))
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
                for row in rows:
                    data.add(str(row.pop("kind")), [row])
            else:
                data.add(path.stem, rows)
        return data
    for row in items:
        if not isinstance(row, Mapping) or "kind" not in row:
            raise ConfigurationError(
                "records given as dicts need a 'kind' (customer, machine_model, customer_machine)"
            )
        data.add(str(row["kind"]), [{k: v for k, v in row.items() if k != "kind"}])
    return data
