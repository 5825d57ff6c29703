"""`spice.cases`: case and response data (`caseLoad`), and the cases changed since a time
(raw SQL, for clients that allow it)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, ClassVar, Unpack

from ..core._changes import Change, change_of, changed_pages
from ..core._client import M, Resource, operation, paged
from ..core._cursor import DEFAULT_OVERLAP, UpdatedSince
from ..core._errors import RequestValidationError, UnsupportedOperationError
from ..core._pagination import Page
from ..core._request import CallOptions, Flow, ListOptions, Step
from ._context import SpiceCSMContext
from ._models import CaseRow
from ._rpc import criteria_object

__all__ = ["Cases"]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _identifier(name: str, what: str) -> str:
    if not isinstance(name, str) or not _IDENTIFIER.match(name):
        raise RequestValidationError(
            f"{what} must be a SpiceCSM column or table name, not {name!r}"
        )
    return name


def _moment(value: Any) -> datetime | None:
    """A case time as SpiceCSM stores it (`2026-12-07 16:00:00`, UTC, or epoch seconds)."""
    if value in (None, ""):
        return None
    text = str(value)
    try:
        moment = (
            datetime.fromtimestamp(int(text), UTC)
            if text.isdigit()
            else datetime.fromisoformat(text)
        )
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _case_change(
    row: CaseRow, *, since: datetime | None, created: str, updated: str
) -> Change[CaseRow]:
    return change_of(
        row,
        since=since,
        updated_at=_moment(row.get(updated)),
        created_at=_moment(row.get(created)),
    )


def changes_sql(table: str, updated: str, since: datetime | None, overlap: timedelta) -> str:
    """`SELECT * FROM <table>`, with `WHERE <updated> >= '<since - overlap>'` (UTC, seconds
    rounded down) when `since` is given."""
    sql = f"SELECT * FROM {table}"
    if since is None:
        return sql
    start = UpdatedSince(since, overlap).ask_from().astimezone(UTC)
    return f"{sql} WHERE {updated} >= '{start:%Y-%m-%d %H:%M:%S}'"


class Cases(Resource[M, SpiceCSMContext]):
    """SpiceCSM cases: `load` (`caseLoad`), and `changes` (raw SQL on the case table)."""

    _change_model: ClassVar[type[CaseRow]] = CaseRow
    _changes_filter_server_side: ClassVar[bool] = True

    @operation
    def load(
        self, criteria: Mapping[str, Any], **options: Unpack[CallOptions]
    ) -> Flow[list[CaseRow]]:
        """Case/response data matching `criteria` (`caseLoad(obj, session)`, one object),
        as `CaseRow`s (`[]` for SpiceCSM's `{"msg": "no results"}`)."""
        obj = criteria_object(criteria, "caseLoad")
        return self._context.rows("caseLoad", [obj], CaseRow)

    @paged
    def changes(
        self,
        *,
        since: datetime | None = None,
        overlap: timedelta = DEFAULT_OVERLAP,
        table: str = "cases",
        created_column: str = "created",
        updated_column: str = "updated",
        **options: Unpack[ListOptions],
    ) -> Step[Page[Change[CaseRow]]]:
        """The cases changed since `since`, each as a `Change` of its row (every column
        kept; `created` when its creation time is since then too); every case, as
        `created`, without `since`.

        SpiceCSM's methods look records up but do not list them, so this sends raw SQL in
        one request: `query("SELECT * FROM cases WHERE updated >= '<since - overlap>'")`
        (the table and its creation and modification columns are `table`,
        `created_column` and `updated_column`; times are compared as UTC
        `YYYY-MM-DD HH:MM:SS`). The overlap (60 seconds by default) takes in changes stamped
        late or by a clock behind this one, so a case changed in the overlap before `since`
        is listed too. Alone it says what changed as far as the modification column tells
        (deleted cases are not listed); a `ChangeFeed` over it is exact and finds deletions
        with its complete scans.

        Raises:
            UnsupportedOperationError: the client was made without `allow_raw_sql=True`
                (nothing is sent).
        """
        if not self._context.allow_raw_sql:
            raise UnsupportedOperationError(
                "spicecsm",
                "list changes",
                "SpiceCSM lists records only through raw SQL: make the client with "
                "allow_raw_sql=True, or follow cases with the web calls SpiceCSM sends",
                what="cases",
            )
        if since is not None and since.tzinfo is None:
            raise RequestValidationError("since must be timezone-aware (for example in UTC)")
        if overlap < timedelta(0):
            raise RequestValidationError(f"overlap must not be negative, not {overlap}")
        sql = changes_sql(
            _identifier(table, "table"),
            _identifier(updated_column, "updated_column"),
            since,
            overlap,
        )
        listing = self._context.page("query", [sql], CaseRow)
        convert = partial(
            _case_change,
            since=since,
            created=_identifier(created_column, "created_column"),
            updated=updated_column,
        )
        return changed_pages(listing, convert)
