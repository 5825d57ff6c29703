"""Secure Service Hub models: what the API returns, and validated inputs for what it takes."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

from ..core._models import InputModel, ServiceHubModel
from ._countries import check_country

__all__ = [
    "Address",
    "AddressInput",
    "ClosingReport",
    "CustomField",
    "CustomFieldDefinition",
    "Customer",
    "CustomerInput",
    "CustomerMachine",
    "CustomerMachineInput",
    "CustomerUpdate",
    "MachineModel",
    "MachineModelInput",
    "Person",
    "ServiceCase",
    "ServiceCaseState",
    "ServiceCaseView",
    "ServiceOrganisation",
    "Severity",
    "UpsertResult",
]

T = TypeVar("T")

NonEmpty = Field(min_length=1)


class ServiceCaseView(StrEnum):
    """Whose view of the service cases to list (`ServiceCaseOptions.view`)."""

    OPERATOR = "OPERATOR"
    SERVICE_PROVIDER = "SERVICE_PROVIDER"
    SERVICE_PROVIDER_ABAC = "SERVICE_PROVIDER_ABAC"
    MAINTENANCE_ENGINEER = "MAINTENANCE_ENGINEER"


class Severity(StrEnum):
    """How badly a service case affects the machine."""

    MACHINE_BREAKDOWN = "MACHINE_BREAKDOWN"
    PRODUCTION_IMPAIRED = "PRODUCTION_IMPAIRED"
    NO_IMPAIRMENT = "NO_IMPAIRMENT"


# -- what the API returns ----------------------------------------------------------------


def _as_list(value: object) -> object:
    # A single object where a list is declared is a list of one.
    return [value] if isinstance(value, dict) else value


def _priority(value: object) -> object:
    # The document shows text priorities, symmedia's services an `Int` (`priority: 2`).
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return value


Text = Annotated[str, Field(coerce_numbers_to_str=True)]
"""Text on the wire, accepted as a number too: IDs and codes arrive as numbers from some
services, and are kept as the text they stand for (converted inside pydantic-core)."""


def _open_enum(enum: type[StrEnum]) -> Any:
    """Known values become members of `enum`; values the vendor adds later stay text."""

    def known(value: object) -> object:
        if isinstance(value, str) and value in enum.__members__:
            return enum(value)
        return value

    return BeforeValidator(known)


class ServiceOrganisation(ServiceHubModel):
    """A service organisation (`ServiceOrganisation`). Created by hand in the portal."""

    id: Text
    name: Text | None = None
    description: str | None = None


class Address(ServiceHubModel):
    """A customer's address."""

    country: str | None = None
    state: str | None = None
    city: str | None = None
    postal_code: Text | None = None
    street: str | None = None
    street2: str | None = None


class Customer(ServiceHubModel):
    """A customer (`Customer`), identified across systems by `external_id`."""

    id: Text
    name: Text | None = None
    status: str | None = None
    external_id: Text | None = None
    service_organisation: ServiceOrganisation | None = None
    address: Address | None = None


class MachineModel(ServiceHubModel):
    """A machine model (`MachineModel`); `external_id` is usually the ERP material number."""

    id: Text
    model_name: Text | None = None
    technology: str | None = None
    brand: str | None = None
    external_id: Text | None = None


class CustomerMachine(ServiceHubModel):
    """A machine installed at a customer (`CustomerMachine`)."""

    id: Text
    serial_number: Text | None = None
    display_name: Text | None = None
    external_id: Text | None = None
    status: str | None = None
    is_sp1_migration: bool | None = None
    edge_device_serial_number: str | None = None
    machine_model: MachineModel | None = None
    customer: Customer | None = None


class ServiceCaseState(ServiceHubModel):
    name: str | None = None


class Person(ServiceHubModel):
    name: str | None = None


class CustomFieldDefinition(ServiceHubModel):
    """What a custom field is (`CustomFieldDefinition`, in symmedia's services)."""

    id: Text | None = None
    key: str | None = None
    display_name: str | None = None


class CustomField(ServiceHubModel):
    """A custom field of a service case: `{key, value}` in the vendor document,
    `{definition {key}, value}` in symmedia's services; `key` is set in both cases."""

    key: str | None = None
    value: Text | None = None
    definition: CustomFieldDefinition | None = None

    @model_validator(mode="before")
    @classmethod
    def _key_from_definition(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("key") is None:
            definition = data.get("definition")
            if isinstance(definition, dict) and definition.get("key") is not None:
                return {**data, "key": definition["key"]}
        return data


class ClosingReport(ServiceHubModel):
    is_solved: bool | None = None
    notes: str | None = None


class ServiceCase(ServiceHubModel):
    """A service case (`ServiceCase`). `external_id` links it to an ERP notification or a
    help-desk ticket; cases without one are new to the ERP."""

    id: Text
    display_id: Text | None = None
    external_id: Text | None = None
    title: str | None = None
    description: str | None = None
    priority: Annotated[int | str | None, BeforeValidator(_priority)] = None
    severity: Annotated[Severity | str | None, _open_enum(Severity)] = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    closed_at: datetime | None = None
    state: ServiceCaseState | None = None
    creator: Person | None = None
    assignee: Person | None = None
    customer_machine: CustomerMachine | None = None
    custom_fields: Annotated[list[CustomField] | None, BeforeValidator(_as_list)] = None
    closing_report: ClosingReport | None = None

    @property
    def is_linked(self) -> bool:
        """Whether the case already carries an external ID."""
        return bool(self.external_id)


class UpsertResult(BaseModel, Generic[T]):
    """What an upsert did and the item as it now is.

    Attributes:
        action: `created`, `updated` (it differed and was changed), `unchanged` (it was as
            asked for) or `differs` (it exists, differs, and was left as it is: the API offers
            no update of machine models and customer machines).
        item: the item as the API returned it.
        differences: the wire names of the fields that differed from what was asked for
            (changed by an update, or left as they are where the API offers no update).
    """

    action: Literal["created", "updated", "unchanged", "differs"]
    item: T
    differences: list[str] = Field(default_factory=list)


# -- what the API takes ------------------------------------------------------------------


class _Input(InputModel):
    """What is sent: unknown fields refused (`InputValidationError`, with the closest name)."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        extra="forbid",
        str_strip_whitespace=False,
    )

    def to_wire(self) -> dict[str, object]:
        """The GraphQL input object: camelCase names, unset fields left out."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class AddressInput(_Input):
    """An address to send; `country` is required, as an ISO 3166-1 alpha-2 code (`"DE"`)."""

    country: str
    state: str | None = None
    city: str | None = None
    postal_code: str | None = None
    street: str | None = None
    street2: str | None = None

    @field_validator("country")
    @classmethod
    def _iso_country(cls, value: str) -> str:
        return check_country(value)

    @field_validator("postal_code", mode="before")
    @classmethod
    def _postal_code_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value


class CustomerInput(_Input):
    """A customer to create (`createCustomer(customer: {...})`).

    `name`, `service_organisation` (the ID of a service organisation) and `address.country`
    are required; `external_id` is the ERP's customer number.
    """

    name: str = NonEmpty
    external_id: str | None = Field(default=None, min_length=1)
    service_organisation: str = NonEmpty
    address: AddressInput


class CustomerUpdate(_Input):
    """Changes to a customer, found by `external_id` (`updateCustomer(customer: {...})`)."""

    external_id: str = NonEmpty
    name: str | None = Field(default=None, min_length=1)
    service_organisation: str | None = Field(default=None, min_length=1)
    address: AddressInput | None = None


class MachineModelInput(_Input):
    """A machine model to create (`createMachineModel(machineModel: {...})`)."""

    model_name: str = NonEmpty
    technology: str | None = None
    brand: str | None = None
    external_id: str | None = Field(default=None, min_length=1)


class CustomerMachineInput(_Input):
    """A customer machine to create (`createCustomerMachine`).

    The customer and the machine model are referred to by their external IDs.
    """

    customer_external_id: str = NonEmpty
    machine_model_external_id: str = NonEmpty
    serial_number: str = NonEmpty
    external_id: str | None = Field(default=None, min_length=1)
    edge_device_serial_number: str | None = None
    is_sp1_migration: bool | None = None

    def to_wire(self) -> dict[str, object]:
        arguments: dict[str, object] = {
            "customer": {"customerExternalId": self.customer_external_id},
            "machineModel": {"machineModelExternalId": self.machine_model_external_id},
            "serialNumber": self.serial_number,
        }
        for name, wire in _MACHINE_OPTIONAL:
            value = getattr(self, name)
            if value is not None:
                arguments[wire] = value
        return arguments


_MACHINE_OPTIONAL = (
    ("external_id", "externalId"),
    ("edge_device_serial_number", "edgeDeviceSerialNumber"),
    ("is_sp1_migration", "isSp1Migration"),
)
"""`CustomerMachineInput`'s optional fields and their names on the wire."""
