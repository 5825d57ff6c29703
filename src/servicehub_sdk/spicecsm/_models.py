"""SpiceCSM web-call models: what SpiceCSM posts (search, load, account and case updates) and
what the integrator answers (users, user data)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..core._redaction import is_secret_name

__all__ = [
    "APIObject",
    "AccountData",
    "AccountUser",
    "CaseTicket",
    "CaseUpdate",
    "Contact",
    "SearchRequest",
    "UserSummary",
    "parse_case_date",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    def __repr_args__(self) -> Any:
        for name, value in super().__repr_args__():
            if value not in (None, "", [], {}):
                yield name, value


class SearchRequest(_Model):
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


class APIObject(BaseModel):
    """An object of SpiceCSM's generic API calls (`load`, `create`, `update`, `delete`), as its
    PHP client's `spiceAPIObj`: `type` names the table (`cases`, `accounts` …), every other
    field is a column or a criterion, sent as given."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(min_length=1)

    def to_wire(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)
