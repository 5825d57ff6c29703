"""SupportCenter Plus models. v3 spells fields in snake_case already; times come as
`{"value": "<epoch ms>", "display_value": "..."}` and lookups as `{"id", "name"}`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    field_validator,
    model_validator,
)
from pydantic_core import CoreSchema, core_schema

from ..core._models import InputModel, ServiceHubModel

__all__ = [
    "AdminEntry",
    "Attachment",
    "ClosureInfo",
    "Conversation",
    "Lookup",
    "Note",
    "NoteInput",
    "Notification",
    "Request",
    "RequestInput",
    "Requester",
    "RequesterInput",
    "Resolution",
    "SupportRep",
    "Time",
    "TimeSpent",
    "TimeSpentInput",
    "Worklog",
    "WorklogInput",
    "lookup",
]


T = TypeVar("T")


class _Model(ServiceHubModel):
    """v3 entities: snake_case on the wire (no camelCase aliases), unknown fields kept;
    numeric ids read as text and epoch numbers (or their text) as milliseconds, by
    pydantic-core itself."""

    model_config = ConfigDict(
        alias_generator=None,
        coerce_numbers_to_str=True,
        val_temporal_unit="milliseconds",
    )


def _or_bare(
    model: CoreSchema,
    *,
    text: Callable[[str], Any],
    number: Callable[[int], Any] | None = None,
) -> CoreSchema:
    """`model`'s schema that also reads a bare text (and integer, not bool) as `text(value)`
    (`number(value)`). An object goes straight to the model inside pydantic-core: no Python
    runs for it, as a `mode="before"` validator would on every lookup of every answer."""
    choices: list[CoreSchema | tuple[CoreSchema, str]] = [model]
    if number is not None:
        choices.append(
            core_schema.no_info_after_validator_function(
                number, core_schema.int_schema(strict=True)
            )
        )
    choices.append(
        core_schema.no_info_after_validator_function(
            text, core_schema.str_schema(strict=True, coerce_numbers_to_str=False)
        )
    )
    return core_schema.union_schema(choices, mode="left_to_right")


def _one_or_many(value: Any) -> Any:
    """A lone object where a list is expected, as a list of one."""
    return [value] if isinstance(value, dict | str) else value


OneOrMany = Annotated[list[T], BeforeValidator(_one_or_many)]


class Time(_Model):
    """A v3 time: the moment and the server's own rendering of it. A bare epoch (number or
    text) is read as the moment; an empty or missing `value` as `None`."""

    value: datetime | None = None
    display_value: str | None = None

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[BaseModel], handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        # An object with a readable `value` goes straight to the model; what it refuses is
        # tried once more as `_bare` rewrites it.
        model = handler(source)
        return core_schema.union_schema(
            [model, core_schema.no_info_before_validator_function(cls._bare, model)],
            mode="left_to_right",
        )

    @staticmethod
    def _bare(data: Any) -> Any:
        if isinstance(data, int | float | str) and not isinstance(data, bool):
            data = {"value": data}
        if isinstance(data, dict) and data.get("value") == "":
            data = {**data, "value": None}
        return data

    def to_wire(self) -> dict[str, Any]:
        if self.value is None:
            raise ValueError("this time has no value to send")
        return {"value": str(int(self.value.timestamp() * 1000))}


class Lookup(_Model):
    """A reference to another entity by `id` and/or `name`; a bare name (`"Open"`) or id is
    read as one."""

    id: str | None = None
    name: str | None = None

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[BaseModel], handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return _or_bare(
            handler(source),
            text=lambda name: cls(name=name),
            number=lambda number: cls(id=str(number)),
        )


def lookup(value: Any) -> Any:
    """`"Open"` -> `{"name": "Open"}`, `42` -> `{"id": "42"}`; mappings and models kept."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return {"name": value}
    if isinstance(value, int):
        return {"id": str(value)}
    return value


class _Entity(_Model):
    id: str | None = None


class Requester(_Entity):
    """A requester; a bare name or e-mail address is read as one."""

    name: str | None = None
    email_id: str | None = None
    phone: str | None = None
    mobile: str | None = None
    department: Lookup | None = None

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[BaseModel], handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return _or_bare(
            handler(source),
            text=lambda text: cls(email_id=text) if "@" in text else cls(name=text),
        )


class SupportRep(_Entity):
    name: str | None = None
    email_id: str | None = None
    phone: str | None = None
    support_groups: OneOrMany[Lookup] | None = None


class Request(_Entity):
    """A help-desk request (ticket)."""

    subject: str | None = None
    description: str | None = None
    status: Lookup | None = None
    priority: Lookup | None = None
    urgency: Lookup | None = None
    level: Lookup | None = None
    mode: Lookup | None = None
    category: Lookup | None = None
    subcategory: Lookup | None = None
    item: Lookup | None = None
    group: Lookup | None = None
    technician: Lookup | None = None
    requester: Requester | None = None
    template: Lookup | None = None
    created_time: Time | None = None
    due_by_time: Time | None = None
    resolved_time: Time | None = None
    completed_time: Time | None = None
    callback_url: str | None = None
    created_by: Lookup | None = None


class AdminEntry(_Entity):
    """An entry of an admin list (category, status, priority, support group…)."""

    name: str | None = None
    description: str | None = None


class Note(_Entity):
    description: str | None = None
    show_to_requester: bool | None = None
    notify_technician: bool | None = None
    mark_first_response: bool | None = None
    created_time: Time | None = None
    created_by: Lookup | None = None


class TimeSpent(_Model):
    """Time spent on a worklog, as the server reports it (no range is enforced on answers;
    `"01:30"` is read as 1 h 30 min)."""

    hours: int | None = None
    minutes: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _clock(cls, data: Any) -> Any:
        if isinstance(data, str) and ":" in data:
            hours, _, minutes = data.partition(":")
            return {"hours": hours.strip() or 0, "minutes": minutes.strip() or 0}
        return data


class Worklog(_Entity):
    description: str | None = None
    owner: Lookup | None = None
    time_spent: TimeSpent | None = None
    start_time: Time | None = None
    end_time: Time | None = None


class Resolution(_Model):
    content: str | None = None
    submitted_on: Time | None = None
    submitted_by: Lookup | None = None


class Notification(_Entity):
    subject: str | None = None
    description: str | None = None
    type: str | None = None
    sent_time: Time | None = None
    to: OneOrMany[Any] | None = None


class Conversation(_Entity):
    subject: str | None = None
    description: str | None = None
    type: str | None = None
    from_: Any = Field(default=None, alias="from")
    created_time: Time | None = None


class Attachment(_Entity):
    name: str | None = None
    size: Any = None
    content_type: str | None = None
    content_url: str | None = None


# -- inputs -----------------------------------------------------------------------------


class _Input(InputModel, ServiceHubModel):
    """What is sent: snake_case, as the v3 API spells it; `to_wire()` leaves out unset
    fields. Unknown fields are refused (`InputValidationError`, with the closest name), as
    the server refuses them (4001 "extra key")."""

    model_config = ConfigDict(alias_generator=None, extra="forbid")


class TimeSpentInput(_Input):
    """Time spent to send: whole hours and 0-59 minutes."""

    hours: int = Field(ge=0)
    minutes: int = Field(ge=0, lt=60)


_LOOKUPS = (
    "status",
    "priority",
    "urgency",
    "level",
    "mode",
    "category",
    "subcategory",
    "item",
    "group",
    "technician",
    "template",
    "site",
    "impact",
    "request_type",
    "account",
    "product",
)


class RequestInput(_Input):
    """A request to create or change. Lookups take a name (`"High"`), an id (`42`) or a
    mapping; `requester` takes a name, an email-carrying mapping or an id.

    `callback_url` is the document's callback: SupportCenter Plus invokes it when the
    request is resolved or closed. Custom fields go in `udf_fields`, keyed as the server
    names them (`{"udf_sline_301": "A-17"}`); any other unknown field is refused.
    """

    unknown_field_hints = {
        "udf": "custom fields go in udf_fields, e.g. udf_fields={'udf_sline_301': ...}"
    }

    subject: str | None = Field(default=None, min_length=1)
    description: str | None = None
    requester: Any = None
    callback_url: str | None = None
    status: Any = None
    priority: Any = None
    urgency: Any = None
    level: Any = None
    mode: Any = None
    category: Any = None
    subcategory: Any = None
    item: Any = None
    group: Any = None
    technician: Any = None
    template: Any = None
    site: Any = None
    impact: Any = None
    request_type: Any = None
    account: Any = None
    product: Any = None
    due_by_time: Any = None
    email_ids_to_notify: list[str] | None = None
    udf_fields: dict[str, Any] | None = None

    @model_validator(mode="before")
    @classmethod
    def _lookups(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = {
                k: (lookup(v) if k in _LOOKUPS or k == "requester" else v) for k, v in data.items()
            }
        return data

    @field_validator("callback_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("callback_url must be an http(s) URL")
        return value


class ClosureInfo(_Input):
    """How a request is closed (`closure_info`)."""

    requester_ack_resolution: bool | None = None
    requester_ack_comments: str | None = None
    closure_comments: str | None = None
    closure_code: Any = None

    @field_validator("closure_code", mode="before")
    @classmethod
    def _code(cls, value: Any) -> Any:
        if value is None or isinstance(value, dict):
            return value
        if isinstance(value, str) and value:
            return {"name": value}
        raise ValueError("closure_code is a name such as 'Success' or a {'name': ...} mapping")


class NoteInput(_Input):
    description: str = Field(min_length=1)
    show_to_requester: bool | None = None
    notify_technician: bool | None = None
    mark_first_response: bool | None = None
    add_to_linked_requests: bool | None = None


class WorklogInput(_Input):
    """A worklog: `owner` (the support rep, by name, id or mapping) and `time_spent` are
    required."""

    owner: Any
    time_spent: TimeSpentInput
    description: str | None = None
    start_time: Any = None
    end_time: Any = None

    @field_validator("time_spent", mode="before")
    @classmethod
    def _spent(cls, value: Any) -> Any:
        return value.model_dump() if isinstance(value, TimeSpent) else value

    @field_validator("owner", mode="before")
    @classmethod
    def _owner(cls, value: Any) -> Any:
        if value in (None, ""):
            raise ValueError("a worklog needs its owner")
        return lookup(value)


class RequesterInput(_Input):
    name: str = Field(min_length=1)
    email_id: str | None = None
    phone: str | None = None
    mobile: str | None = None
    department: Any = None

    @field_validator("department", mode="before")
    @classmethod
    def _department(cls, value: Any) -> Any:
        return lookup(value)
