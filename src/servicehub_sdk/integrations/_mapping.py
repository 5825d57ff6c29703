"""The ERP's own column names, mapped to the master-data fields of the Secure Service Hub.

An `ExportMapping` says which column of an ERP export holds which field (`KUNNR` holds the
customer's `external_id`, `LAND1` its `country`, …) and how the ERP's values translate
(`Deutschland` is `DE`). It is checked when it is made (every target a field the sync knows,
no field fed twice, every declared kind with an `external_id`), and applied to a whole export
before anything is read from or written to the hub: a mapped column missing from the export,
or a value without an entry in a strict value map, raises `MappingError` naming the source,
the row and the column.

A kind the mapping leaves out keeps today's column names (`DEFAULT_COLUMNS`), so an export
already in those names needs no mapping.
"""

from __future__ import annotations

import difflib
import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..core._errors import ConfigurationError

__all__ = ["DEFAULT_COLUMNS", "ExportMapping", "MappingError"]

DEFAULT_COLUMNS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "machine_models": ("external_id", "model_name", "technology", "brand"),
        "customers": (
            "external_id",
            "name",
            "service_organisation",
            "country",
            "state",
            "city",
            "postal_code",
            "street",
            "street2",
        ),
        "customer_machines": (
            "external_id",
            "serial_number",
            "customer_external_id",
            "machine_model_external_id",
            "edge_device_serial_number",
            "is_sp1_migration",
        ),
    }
)
"""The fields of each record kind, which are also the column names read without a mapping."""

_ALL_FIELDS = frozenset(name for names in DEFAULT_COLUMNS.values() for name in names)


class MappingError(ConfigurationError):
    """An export mapping is wrong, or an export does not fit it: the message names where
    (the source, the row) and the column; nothing of the run has been read or written.

    Attributes:
        source: the file or record kind the problem is in (`None` for the mapping itself).
        row: the 1-based number of the record in its source (a CSV file's header is not a
            row), `None` when the problem is not one row's.
        column: the ERP column concerned, when there is one.
        problem: what is wrong, without the location.
    """

    def __init__(
        self,
        problem: str,
        *,
        source: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        where = source or "mapping"
        if row is not None:
            where += f", row {row}"
        what = f"column {column!r}: " if column is not None else ""
        super().__init__(f"{where}: {what}{problem}")
        self.source = source
        self.row = row
        self.column = column
        self.problem = problem


def _closest(name: str, known: Iterable[str]) -> str:
    match = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {match[0]!r}?)" if match else ""


def _frozen(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


@dataclass(frozen=True)
class ExportMapping:
    """Where an ERP export keeps each master-data field, and how its values translate.

    Attributes:
        machine_models: ERP column -> machine-model field (`external_id`, `model_name`,
            `technology`, `brand`).
        customers: ERP column -> customer field (`external_id`, `name`,
            `service_organisation`, `country`, `state`, `city`, `postal_code`, `street`,
            `street2`).
        customer_machines: ERP column -> customer-machine field (`external_id`,
            `serial_number`, `customer_external_id`, `machine_model_external_id`,
            `edge_device_serial_number`, `is_sp1_migration`).
        values: field -> {ERP value: value to send}, e.g. `{"country": {"Deutschland":
            "DE"}}`; applies to that field in every kind that has it. A value without an
            entry is sent as it is, unless the field is in `strict_values`.
        strict_values: fields whose every (non-empty) value must have an entry in `values`;
            one without raises `MappingError` before anything is sent.

    A kind left empty keeps the default column names (the field names themselves); columns
    a mapping does not name are ignored. `ExportMapping.load(path)` reads one from TOML or
    JSON.
    """

    machine_models: Mapping[str, str] = field(default_factory=dict)
    customers: Mapping[str, str] = field(default_factory=dict)
    customer_machines: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    strict_values: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for kind in DEFAULT_COLUMNS:
            columns = getattr(self, kind)
            if not isinstance(columns, Mapping):
                raise MappingError(f"{kind} must map ERP columns to fields, got {columns!r}")
            self._check_columns(kind, columns)
            object.__setattr__(self, kind, _frozen(columns))
        for name, entries in self.values.items():
            if name not in _ALL_FIELDS:
                raise MappingError(
                    f"values: {name!r} is not a master-data field{_closest(name, _ALL_FIELDS)}"
                )
            if not isinstance(entries, Mapping):
                raise MappingError(f"values.{name} must map ERP values to values to send")
        object.__setattr__(self, "values", _frozen({k: _frozen(v) for k, v in self.values.items()}))
        strict = frozenset(self.strict_values)
        for name in sorted(strict - set(self.values)):
            raise MappingError(f"strict_values names {name!r}, which has no map in values")
        object.__setattr__(self, "strict_values", strict)

    @staticmethod
    def _check_columns(kind: str, columns: Mapping[str, str]) -> None:
        if not columns:
            return
        fields = DEFAULT_COLUMNS[kind]
        fed: dict[str, str] = {}
        for column, target in columns.items():
            if target not in fields:
                raise MappingError(
                    f"{target!r} is not a field of {kind}{_closest(str(target), fields)}; "
                    f"the fields are {', '.join(fields)}",
                    source=f"mapping [{kind}]",
                    column=column,
                )
            if target in fed:
                raise MappingError(
                    f"{target!r} is already fed by column {fed[target]!r}",
                    source=f"mapping [{kind}]",
                    column=column,
                )
            fed[target] = column
        if "external_id" not in fed:
            raise MappingError(
                "no column is mapped to external_id, which identifies a record in the hub",
                source=f"mapping [{kind}]",
            )

    @classmethod
    def load(cls, path: str | Path) -> ExportMapping:
        """The mapping in a `.toml` or `.json` file: tables (objects) `machine_models`,
        `customers`, `customer_machines` (ERP column = field), `values` (field ->
        {ERP value = value}) and a list `strict_values`; `MappingError` when it is wrong."""
        path = Path(path)
        if path.suffix.lower() not in (".toml", ".json"):
            raise MappingError("use a .toml or .json file", source=str(path))
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise MappingError(f"cannot read it: {exc.strerror}", source=str(path)) from None
        except UnicodeDecodeError:
            raise MappingError("not UTF-8 text", source=str(path)) from None
        try:
            if path.suffix.lower() == ".toml":
                data: Any = tomllib.loads(text)
            else:
                data = json.loads(text)
        except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
            problem = f"not valid {path.suffix[1:].upper()}: {exc}"
            raise MappingError(problem, source=str(path)) from None
        return cls.from_dict(data, source=str(path))

    @classmethod
    def from_dict(cls, data: Any, *, source: str | None = None) -> ExportMapping:
        """The mapping described by `data` (as `load` reads it from a file)."""
        if not isinstance(data, Mapping):
            raise MappingError("the mapping is a table of tables", source=source)
        known = {*DEFAULT_COLUMNS, "values", "strict_values"}
        for key in data:
            if key not in known:
                raise MappingError(
                    f"unknown section {key!r}{_closest(str(key), known)}; use "
                    f"{', '.join(sorted(known))}",
                    source=source,
                )
        strict = data.get("strict_values", [])
        if isinstance(strict, str) or not isinstance(strict, list):
            raise MappingError("strict_values is a list of field names", source=source)
        try:
            return cls(
                **{kind: dict(data.get(kind, {})) for kind in DEFAULT_COLUMNS},
                values={k: dict(v) for k, v in data.get("values", {}).items()},
                strict_values=frozenset(strict),
            )
        except MappingError as exc:
            if source is None:
                raise
            where = exc.source.removeprefix("mapping") if exc.source else ""
            raise MappingError(exc.problem, source=source + where, column=exc.column) from None
        except (TypeError, ValueError, AttributeError) as exc:
            raise MappingError(f"not a mapping of names: {exc}", source=source) from None

    def columns(self, kind: str) -> Mapping[str, str]:
        """ERP column -> field for `kind` (the default names when the mapping declares
        none; then any other column passes as it is, as without a mapping)."""
        declared: Mapping[str, str] = getattr(self, kind)
        return declared or {name: name for name in DEFAULT_COLUMNS[kind]}

    def apply(
        self,
        kind: str,
        rows: Iterable[tuple[int, Mapping[str, Any]]],
        *,
        source: str,
    ) -> list[dict[str, Any]]:
        """`rows` (each with its 1-based number in `source`) with the ERP's columns renamed to
        fields and values translated; `MappingError` at the first that does not fit."""
        columns = self.columns(kind)
        numbered = list(rows)
        if getattr(self, kind) and numbered:
            present = set().union(*(row.keys() for _, row in numbered))
            for column in columns:
                if column not in present:
                    first, row = numbered[0]
                    raise MappingError(
                        f"mapped to {columns[column]}, but no row of the export has it"
                        f"{_closest(column, present)}; row {first} has "
                        f"{', '.join(map(str, row)) or 'no columns'}",
                        source=source,
                        row=first,
                        column=column,
                    )
        if not getattr(self, kind):  # today's names: every column passes, values translated
            columns = {name: name for row in (r for _, r in numbered) for name in row}
        mapped: list[dict[str, Any]] = []
        for number, row in numbered:
            record: dict[str, Any] = {}
            for column, target in columns.items():
                if column in row:
                    record[target] = self._value(target, row[column], source, number, column)
            mapped.append(record)
        return mapped

    def _value(self, target: str, value: Any, source: str, row: int, column: str) -> Any:
        entries = self.values.get(target)
        if entries is None or value is None or (isinstance(value, float) and value != value):
            return value
        text = str(value).strip()
        if not text:
            return value
        if text in entries:
            return entries[text]
        if target in self.strict_values:
            raise MappingError(
                f"value {text!r} has no entry in the value map for {target} (strict); add "
                f"it to [values.{target}]",
                source=source,
                row=row,
                column=column,
            )
        return value
