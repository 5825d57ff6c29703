"""SpiceCSM web-call models: what SpiceCSM posts (search, load, account and case updates) and
what the integrator answers (users, user data)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..core._display import brief_repr_args
from ..core._models import InputModel, ServiceHubModel
from ..core._redaction import is_secret_name

__all__ = [
    "APIObject",
    "AccountData",
    "AccountRow",
    "AccountUser",
    "AgentRow",
    "CaseRow",
    "CaseTicket",
    "CaseUpdate",
    "CompanyRow",
    "Contact",
    "ObjectRow",
    "Row",
    "SearchRequest",
    "UserSummary",
    "parse_case_date",
]


class _Model(ServiceHubModel):
    """Web-call models: fields named as this SDK spells them (the form variables and XML
    attributes are mapped by the readers), unknown variables kept."""

    model_config = ConfigDict(alias_generator=None)

    def __repr_args__(self) -> Any:
        # Empty variables are as good as absent: SpiceCSM posts only those holding data.
        set_fields = (
            (name, value)
            for name, value in BaseModel.__repr_args__(self)
            if value not in (None, "", [], {})
        )
        return brief_repr_args(set_fields)


class SearchRequest(InputModel, _Model):
    """The variables of an account search. Only variables with data are sent, so every field
    is optional; `cust_fields` maps custom field IDs to values (`CustFields` "ID\\value" pairs).
    """

    userkey: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    address_one: str | None = None
    address_two: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None
    primary_phone: str | None = None
    secondary_phone: str | None = None
    primary_email: str | None = None
    secondary_email: str | None = None
    fax: str | None = None
    mobile: str | None = None
    password: str | None = Field(default=None, repr=False)
    status: str | None = None
    account_id: str | None = None
    cust_fields: dict[str, str] = Field(default_factory=dict)

    def __repr_args__(self) -> Any:
        for name, value in super().__repr_args__():
            if not (name and name in (self.model_extra or {}) and is_secret_name(name)):
                yield name, value


class UserSummary(_Model):
    """One `<user .../>` of a search answer. Extra keyword fields become extra attributes."""

    userkey: str
    status: str | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None


class AccountUser(_Model):
    """The `<user/>` of a load answer or account update."""

    userkey: str
    password: str | None = Field(default=None, repr=False)
    status: str | None = None
    account: str | None = None


class Contact(_Model):
    """A `<contact/>`: names, address (`aone`, `atwo`, `pc`), phones, e-mails."""

    firstname: str | None = None
    lastname: str | None = None
    aone: str | None = None
    atwo: str | None = None
    city: str | None = None
    region: str | None = None
    pc: str | None = None
    country: str | None = None
    pphone: str | None = None
    sphone: str | None = None
    pemail: str | None = None
    semail: str | None = None
    mobile: str | None = None
    fax: str | None = None


class AccountData(_Model):
    """`<userdata>`: the account's user, its contacts and its custom field data (id → value)."""

    user: AccountUser
    contacts: list[Contact] = Field(default_factory=list)
    fields: dict[str, str] = Field(default_factory=dict)


def parse_case_date(value: str | None) -> datetime | None:
    """`1/27/06 1:27:51 PM` (month/day/two-digit year) as a naive datetime; `None` if empty or
    in another form."""
    if not value:
        return None
    for pattern in (
        "%m/%d/%y %I:%M:%S %p",
        "%m/%d/%Y %I:%M:%S %p",
        "%m/%d/%y %H:%M:%S",
        "%m/%d/%Y %H:%M:%S",
    ):
        try:
            return datetime.strptime(value.strip(), pattern)
        except ValueError:
            continue
    return None


class CaseTicket(_Model):
    """A `<ticket/>` of a case update: one response on a SpiceCSM case.

    `date` is parsed from SpiceCSM's `1/27/06 1:27:51 PM`; `date_raw` keeps the text as sent.
    """

    cid: str | None = None
    id: str | None = None
    tier: str | None = None
    date: datetime | None = None
    date_raw: str | None = None
    status: str | None = None
    sid: str | None = None
    issue: str | None = None
    agent: str | None = None
    aname: str | None = None
    journal: str | None = None
    email: str | None = None
    article: str | None = None
    treepath: str | None = None
    events: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _split_date(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("date"), str):
            data = dict(data)
            raw = data.pop("date")
            data.setdefault("date_raw", raw)
            data["date"] = parse_case_date(raw)
        return data


class CaseUpdate(_Model):
    """A case update: the account (`Userkey`) and the case's tickets (`caseXML`)."""

    userkey: str
    tickets: list[CaseTicket] = Field(default_factory=list)


class APIObject(InputModel, ServiceHubModel):
    """An object of SpiceCSM's generic API calls (`load`, `create`, `update`, `delete`), as its
    PHP client's `spiceAPIObj`: `type` names the table (`cases`, `accounts` …), every other
    field is a column or a criterion, sent as given (`to_wire()`)."""

    model_config = ConfigDict(alias_generator=None)

    type: str = Field(min_length=1)


# -- JSON-RPC result rows ---------------------------------------------------------------


def column_key(name: str) -> str:
    """How a column name is compared: case and underscores ignored (`CompanyID`,
    `companyid` and `company_id` are one column)."""
    return name.replace("_", "").casefold()


_UNSEEN: Any = object()


class _Columns:
    """Which declared field a column name fills, for one `Row` class: worked out once per
    class and per column name (a server sends the same few names in every row), not once
    per row."""

    LIMIT = 1024  # column names remembered per class; cleared when full

    def __init__(self, fields: Iterable[str]) -> None:
        self.declared = {column_key(name): name for name in fields}
        self.seen: dict[str, str | None] = {}
        # A row's column names, in order -> the renames they need (`None`: none). Only for
        # rows where no field is filled by two spellings (there the values decide).
        self.plans: dict[tuple[str, ...], dict[str, str] | None] = {}

    def remember(self, names: tuple[str, ...], plan: dict[str, str] | None) -> None:
        """Keep the renames a row with these column names needs."""
        if len(self.plans) >= self.LIMIT:
            self.plans.clear()
        self.plans[names] = plan

    @classmethod
    def of(cls, row: type[Row]) -> _Columns:
        """The columns of `row` (its own, not a parent's), made on first use."""
        columns: _Columns | None = row.__dict__.get("_row_columns")
        if columns is None:
            columns = row._row_columns = cls(row.model_fields)
        return columns

    def field_of(self, column: str) -> str | None:
        """The field `column` fills (case and underscores ignored), or `None`."""
        name = self.declared.get(column_key(column))
        if len(self.seen) >= self.LIMIT:
            self.seen.clear()
        self.seen[column] = name
        return name


class Row(ServiceHubModel):
    """One row of a JSON-RPC result, as SpiceCSM's database sends it.

    Column names are matched to the declared fields whatever their case (`CompanyID`,
    `companyid` and `company_id` all fill `company_id`); numbers sent for text columns are
    read as text; columns this SDK does not declare are kept under the name they were sent
    with (`row.model_extra`). `row["BrandID"]` and `row.get("brandid")` read any column,
    declared or not, by its name in any case.
    """

    model_config = ConfigDict(alias_generator=None, coerce_numbers_to_str=True)
    _row_columns: ClassVar[_Columns]

    @model_validator(mode="before")
    @classmethod
    def _match_columns(cls, data: Any) -> Any:
        if type(data) is not dict and not isinstance(data, Mapping):
            return data
        columns = cls.__dict__.get("_row_columns") or _Columns.of(cls)
        names: tuple[Any, ...] = ()
        if type(data) is dict:  # rows of one answer share their column names: one plan
            names = tuple(data)
            plan = columns.plans.get(names, _UNSEEN)
            if plan is None:
                return data
            if plan is not _UNSEEN:
                return {plan.get(column, column): value for column, value in data.items()}
        seen, field_of = columns.seen, columns.field_of
        chosen: dict[str, str] = {}  # field -> the column that fills it
        as_sent = type(data) is dict  # a JSON object: text keys, kept as they are
        contested = False
        for column in data:
            if type(column) is not str:
                as_sent = False
            text = str(column)
            name = seen.get(text, _UNSEEN)
            if name is _UNSEEN:
                name = field_of(text)
            if name is None:
                continue
            current = chosen.get(name)
            contested = contested or current is not None
            # The field's own spelling wins, then the first column with a value.
            if current is None or (current != name and (column == name or data[current] is None)):
                chosen[name] = text
        filling = {column: name for name, column in chosen.items() if column != name}
        if as_sent and not contested:
            columns.remember(names, filling or None)
        if as_sent and not filling:
            return data  # every column already has the name it is kept under
        # Columns that fill no field (unknown, or a second spelling) are kept as sent.
        return {filling.get(str(column), str(column)): value for column, value in data.items()}

    def _find(self, column: str) -> tuple[bool, Any]:
        key = column_key(column)
        for name in type(self).model_fields:
            if column_key(name) == key:
                return True, getattr(self, name)
        extra = self.model_extra or {}
        if column in extra:
            return True, extra[column]
        for name, value in extra.items():
            if column_key(name) == key:
                return True, value
        return False, None

    def __getitem__(self, column: str) -> Any:
        found, value = self._find(column)
        if not found:
            raise KeyError(column)
        return value

    def __contains__(self, column: object) -> bool:
        return isinstance(column, str) and self._find(column)[0]

    def get(self, column: str, default: Any = None) -> Any:
        """The value of `column` (any case), or `default` when the row has no such column."""
        found, value = self._find(column)
        return value if found else default


class AgentRow(Row):
    """A row of `agentList`: an agent."""

    id: str | None = None
    agent_id: str | None = None
    name: str | None = None
    email: str | None = None
    login: str | None = None
    tier: str | None = None


class CompanyRow(Row):
    """A row of `companyList`: a company (`companyid`, `companylabel` on the wire of
    SpiceCSM installations; `id` and `name` on others)."""

    id: str | None = None
    name: str | None = None
    company_id: str | None = None
    company_label: str | None = None


class CaseRow(Row):
    """A row of `caseLoad`: a case or one of its responses."""

    id: str | None = None
    case_id: str | None = None
    userkey: str | None = None
    status: str | None = None
    issue: str | None = None
    tier: str | None = None
    company: str | None = None
    brand: str | None = None


class AccountRow(Row):
    """A row of `accountLoad`: an account."""

    userkey: str | None = None
    name: str | None = None
    status: str | None = None
    email: str | None = None


class ObjectRow(Row):
    """A row of the generic `load`: any table's columns, all kept as sent."""

    id: str | None = None
