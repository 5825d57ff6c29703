"""Reports of integration runs: one row per record, as a model, CSV or JSON."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, NoReturn

from pydantic import AfterValidator, BaseModel, Field

from ..core._spreadsheet import formula_safe

__all__ = ["Action", "RecordResult", "SyncReport"]

Action = Literal["created", "updated", "unchanged", "linked", "failed", "gone"]


class Texts(list[str]):
    """The read-only list a report row keeps in `differences`, `possible_duplicates` and
    `written`: equal to a plain list with the same items; changing it raises `TypeError`.

    Rows with nothing to list share one empty `Texts`: a run of many records holds three
    objects fewer per row for Python's garbage collector to walk.
    """

    __slots__ = ()

    def __reduce__(self) -> tuple[type[Texts], tuple[list[str]]]:
        return Texts, (list(self),)

    def __copy__(self) -> Texts:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Texts:
        return self

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("a report row's lists are read-only; copy one with list(...) to change it")

    if not TYPE_CHECKING:  # type checkers keep seeing the list's own signatures
        append = extend = insert = remove = pop = clear = sort = reverse = _refuse
        __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse


NO_TEXTS = Texts()
"""The empty `Texts` rows share."""


def _no_texts() -> list[str]:
    return NO_TEXTS


def _as_texts(value: list[str]) -> list[str]:
    return Texts(value) if value else NO_TEXTS


ReportTexts = Annotated[list[str], AfterValidator(_as_texts)]


class RecordResult(BaseModel):
    """What happened to one record (or, in a dry run, what would happen).

    Attributes:
        kind: `machine_model`, `customer`, `customer_machine`, `service_case`, or `ticket`
            (a linked ticket updated after a change to its case).
        key: the record's external ID (the case ID for service cases and tickets).
        action: `created`, `updated`, `unchanged`, `linked`, `failed`, or `gone` (a record
            of the previous export that the current one lacks; left in the hub).
        reason: why it failed, or a note.
        differences: fields that differed from the hub.
        reference: what the record was linked to (the ticket ID for service cases).
        possible_duplicates: tickets found for a service case that carry its marker but
            cannot be shown to be the integration's own (a requester may have raised them):
            not adopted; review them.
        written: for `ticket` rows, what was written to the ticket, in order: `comment`,
            `close` or `reopen`, `update` (new priority or title).

    In the rows the SDK builds, the three lists are read-only: equal to plain lists with the
    same items, they raise `TypeError` when changed (`list(row.written)` makes one to change).
    """

    kind: str
    key: str
    action: Action
    reason: str | None = None
    differences: ReportTexts = Field(default_factory=_no_texts)
    reference: str | None = None
    possible_duplicates: ReportTexts = Field(default_factory=_no_texts)
    written: ReportTexts = Field(default_factory=_no_texts)


class SyncReport(BaseModel):
    """The rows of a run, with `dry_run` telling whether anything was written."""

    dry_run: bool = False
    results: list[RecordResult] = Field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """How many records per action."""
        return dict(Counter(r.action for r in self.results))

    @property
    def failed(self) -> list[RecordResult]:
        return [r for r in self.results if r.action == "failed"]

    @property
    def gone(self) -> list[RecordResult]:
        """The records of the previous export that this one lacks (left in the hub)."""
        return [r for r in self.results if r.action == "gone"]

    @property
    def to_review(self) -> list[RecordResult]:
        """The rows with `possible_duplicates` to look at."""
        return [r for r in self.results if r.possible_duplicates]

    @property
    def changed_anything(self) -> bool:
        return any(r.action in ("created", "updated", "linked") for r in self.results)

    def to_csv(self, path: str | Path | None = None) -> str:
        """The rows as CSV (written to `path` when given). A cell that starts like a
        spreadsheet formula (server text in `reason`, a key from a file) gets a leading `'`."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(
            ["kind", "key", "action", "reason", "differences", "reference", "written", "dry_run"]
        )
        for r in self.results:
            cells = [
                r.kind,
                r.key,
                r.action,
                r.reason or "",
                ";".join(r.differences),
                r.reference or "",
                ";".join(r.written),
            ]
            writer.writerow([*(formula_safe(str(cell)) for cell in cells), self.dry_run])
        text = buffer.getvalue()
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def to_json(self, path: str | Path | None = None) -> str:
        """The report as JSON (written to `path` when given)."""
        text = self.model_dump_json(indent=2)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def __str__(self) -> str:
        counts = ", ".join(f"{n} {a}" for a, n in sorted(self.counts.items())) or "nothing to do"
        return f"{'dry run: ' if self.dry_run else ''}{counts}"
