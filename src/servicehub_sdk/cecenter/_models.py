"""CECenter Mashup models: service tickets, their types and statuses, interaction logs and
chat transcripts."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import ConfigDict, Field, SecretStr, field_validator, model_validator

from ..core._models import InputModel, ServiceHubModel

__all__ = [
    "ChatTranscript",
    "Classification",
    "Customer",
    "CustomerLogin",
    "InteractionLog",
    "InteractionLogInput",
    "Localized",
    "ServiceTicket",
    "ServiceTicketInput",
    "ServiceTicketStatus",
    "ServiceTicketType",
    "ServiceTicketUpdate",
    "TicketStatus",
    "localized",
]

Localized = str | dict[str, str]
"""Text that may come as one string or as a map of language to text (`{"en": "…"}`)."""

_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")


def localized(value: Localized | None, language: str = "en") -> str | None:
    """The text of a `Localized` value in `language` (else the first one given)."""
    if value is None or isinstance(value, str):
        return value
    return value.get(language) or next(iter(value.values()), None)


def _timestamp(value: Any) -> Any:
    # `2016-11-22T06:23:02.000+0000`: an offset without a colon.
    if isinstance(value, str):
        return _OFFSET.sub(r"\1:\2", value)
    return value


class TicketStatus(StrEnum):
    """The statuses a customer may set on a ticket (PUT)."""

    OPEN = "OPEN"
    CONFIRMED = "CONFIRMED"


class Classification(ServiceHubModel):
    """A ticket's classification. The document lists `classification` as persisted and
    `classification.description` as transient, so answers carry an object; a plain code
    (`"HARDWARE"`) is read as `Classification(code="HARDWARE")`."""

    code: str | None = None
    id: str | None = None
    description: Localized | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_code(cls, value: Any) -> Any:
        return {"code": value} if isinstance(value, str) else value


class ServiceTicket(ServiceHubModel):
    """A service ticket as read. `*_description`, `classification.description`,
    `customer_*` and `product_name` are transient: the service fills them in for reading, and
    they cannot be queried or sorted on. Status, type and priority are kept as sent (open
    sets: tenants configure their own)."""

    id: str | None = None
    type: str | None = None
    status: str | None = None
    priority: str | None = None
    classification: Classification | None = None
    customer_id: str | None = None
    product_id: str | None = None
    short_description: str | None = None
    created_by: str | None = None
    creation_date_time: datetime | None = None
    change_date_time: datetime | None = None
    type_description: Localized | None = None
    status_description: Localized | None = None
    priority_description: Localized | None = None
    customer_email: str | None = None
    customer_first_name: str | None = None
    customer_last_name: str | None = None
    product_name: Localized | None = None

    @field_validator("creation_date_time", "change_date_time", mode="before")
    @classmethod
    def _times(cls, value: Any) -> Any:
        return _timestamp(value)


class _Input(InputModel, ServiceHubModel):
    """What is sent: unknown fields refused (`InputValidationError`, with the closest name)."""

    model_config = ConfigDict(extra="forbid")


class ServiceTicketInput(_Input):
    """A ticket to create: `type`, `customer_id` and `short_description` are required."""

    type: str = Field(min_length=1)
    customer_id: str = Field(min_length=1)
    short_description: str = Field(min_length=1)
    status: str = "OPEN"
    product_id: str | None = None
    priority: str | None = None
    classification: str | None = None
    created_by: str | None = None


class ServiceTicketUpdate(_Input):
    """Changes to a ticket for `service_tickets.update`: only the fields given change.

    A customer may set the status only to OPEN or CONFIRMED. `classification` is the code.
    Unknown fields are refused.
    """

    type: str | None = Field(default=None, min_length=1)
    status: TicketStatus | None = None
    priority: str | None = None
    classification: str | None = None
    product_id: str | None = None
    short_description: str | None = Field(default=None, min_length=1)


class ServiceTicketType(ServiceHubModel):
    code: str | None = None
    id: str | None = None
    description: Localized | None = None


class ServiceTicketStatus(ServiceHubModel):
    code: str | None = None
    id: str | None = None
    description: Localized | None = None


class InteractionLog(ServiceHubModel):
    id: str | None = None
    customer_id: str | None = None
    type: str | None = None
    description: Localized | None = None
    reference_id: str | None = None
    creation_date_time: datetime | None = None

    @field_validator("creation_date_time", mode="before")
    @classmethod
    def _times(cls, value: Any) -> Any:
        return _timestamp(value)


class InteractionLogInput(_Input):
    """An interaction to log; `customer_id` is required to link it to the customer."""

    customer_id: str = Field(min_length=1)
    type: str | None = None
    description: str | None = None
    reference_id: str | None = None


class ChatTranscript(ServiceHubModel):
    id: str | None = None
    customer_id: str | None = None
    messages: list[dict[str, Any]] = Field(default_factory=list)


class Customer(ServiceHubModel):
    """A signed-up customer (its `id`)."""

    id: str | None = None
    email: str | None = None


class CustomerLogin(ServiceHubModel):
    """A customer login's answer: the customer's access token."""

    access_token: SecretStr
