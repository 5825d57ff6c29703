"""The master-data reader: one place where a file becomes flat records, or an `InputFileError`.

A file is read whole and checked before any of it is used, so a bad file writes nothing:
CSV (UTF-8, with or without a byte-order mark, strict quoting, no row longer than its
header), JSON Lines (one object per line) and JSON (an object or a list of objects). Every
record is flat: a value is text, a number, a flag or empty; a nested value is refused. An
error names `file:line` and what is wrong.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from ..core._errors import InputFileError

__all__ = ["MasterDataReader", "Record"]

Record = dict[str, Any]
"""One flat record: column name to value."""

SCALARS = (str, int, float, bool, type(None))


class MasterDataReader:
    """Reads master-data files (`.csv`, `.jsonl`/`.ndjson`, `.json`) into flat records."""

    def read(self, path: Path) -> list[Record]:
        """Every record of the file at `path`; `InputFileError` when it is not what its
        name says (nothing of it is returned then)."""
        if not path.is_file():
            raise InputFileError(str(path), None, "no such file")
        suffix = path.suffix.lower()
        if suffix not in (".csv", ".jsonl", ".ndjson", ".json"):
            raise InputFileError(str(path), None, "use .csv, .jsonl or .json")
        text = self._text(path)
        if suffix == ".csv":
            return self._csv(path, text)
        if suffix == ".json":
            return self._json(path, text)
        return self._json_lines(path, text)

    @staticmethod
    def _text(path: Path) -> str:
        data = path.read_bytes()
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise InputFileError(
                str(path),
                line,
                f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
            ) from None

    def _csv(self, path: Path, text: str) -> list[Record]:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        records: list[Record] = []
        try:
            header = next(reader, None)
            if header is None:
                return records
            names = [name.strip() for name in header]
            if "" in names or len(set(names)) != len(names):
                raise InputFileError(str(path), 1, "the header needs distinct, non-empty names")
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) > len(names):
                    raise InputFileError(
                        str(path),
                        reader.line_num,
                        f"{len(row)} values, but the header names {len(names)} columns",
                    )
                records.append(dict(zip(names, row, strict=False)))
        except csv.Error as exc:
            raise InputFileError(str(path), reader.line_num, f"malformed CSV: {exc}") from None
        return records

    def _json(self, path: Path, text: str) -> list[Record]:
        data = self._decode(path, text, None)
        items = data if isinstance(data, list) else [data]
        for index, item in enumerate(items):
            where = f"record {index + 1}: " if isinstance(data, list) else ""
            self._check(path, None, item, where)
        return items

    def _json_lines(self, path: Path, text: str) -> list[Record]:
        records: list[Record] = []
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                record = self._decode(path, line, number)
                records.append(self._check(path, number, record, ""))
        return records

    @staticmethod
    def _decode(path: Path, text: str, line: int | None) -> Any:
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            at = line if line is not None else exc.lineno
            raise InputFileError(str(path), at, f"not JSON: {exc.msg}") from None
        except RecursionError:
            raise InputFileError(str(path), line, "not a record: JSON nested too deeply") from None

    @staticmethod
    def _check(path: Path, line: int | None, record: Any, where: str) -> Record:
        if not isinstance(record, dict):
            raise InputFileError(
                str(path), line, f"{where}a record is a JSON object, not {type(record).__name__}"
            )
        for name, value in record.items():
            if not isinstance(value, SCALARS):
                raise InputFileError(
                    str(path),
                    line,
                    f"{where}{name!r} holds a nested value; master-data records are flat",
                )
        return record
