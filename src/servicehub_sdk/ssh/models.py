"""Secure Service Hub models: what the API returns, and validated inputs for what it takes."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

from ..core.countries import check_country
from ..core.models import ServiceHubModel

__all__ = [
    "Address",
    "AddressInput",
    "ClosingReport",
    "CustomField",
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


class ServiceOrganisation(ServiceHubModel):
    """A service organisation (`ServiceOrganisation`). Created by hand in the portal."""

    id: str
    name: str | None = None
    description: str | None = None


class Address(ServiceHubModel):
    """A customer's address."""

    country: str | None = None
    state: str | None = None
    city: str | None = None
    postal_code: str | None = None
    street: str | None = None
    street2: str | None = None


class Customer(ServiceHubModel):
    """A customer (`Customer`), identified across systems by `external_id`."""

    id: str
    name: str | None = None
    status: str | None = None
    external_id: str | None = None
    service_organisation: ServiceOrganisation | None = None
    address: Address | None = None


class MachineModel(ServiceHubModel):
    """A machine model (`MachineModel`); `external_id` is usually the ERP material number."""

    id: str
    model_name: str | None = None
    technology: str | None = None
    brand: str | None = None
    external_id: str | None = None


class CustomerMachine(ServiceHubModel):
    """A machine installed at a customer (`CustomerMachine`)."""

    id: str
    serial_number: str | None = None
    display_name: str | None = None
    external_id: str | None = None
    status: str | None = None
    is_sp1_migration: bool | None = None
    edge_device_serial_number: str | None = None
    machine_model: MachineModel | None = None
    customer: Customer | None = None


class ServiceCaseState(ServiceHubModel):
    name: str | None = None


class Person(ServiceHubModel):
    name: str | None = None


class CustomField(ServiceHubModel):
    key: str | None = None
    value: str | None = None


class ClosingReport(ServiceHubModel):
    is_solved: bool | None = None
    notes: str | None = None


class ServiceCase(ServiceHubModel):
    """A service case (`ServiceCase`). `external_id` links it to an ERP notification or a
    help-desk ticket; cases without one are new to the ERP."""

    id: str
    display_id: str | None = None
    external_id: str | None = None
    title: str | None = None
    description: str | None = None
    priority: str | None = None
    severity: Severity | str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    closed_at: datetime | None = None
    state: ServiceCaseState | None = None
    creator: Person | None = None
    assignee: Person | None = None
    customer_machine: CustomerMachine | None = None
    custom_fields: list[CustomField] | None = None
    closing_report: ClosingReport | None = None

    @field_validator("severity", mode="before")
    @classmethod
    def _known_severity(cls, value: object) -> object:
        # Known values become the enum; new ones the vendor adds stay readable as text.
        if isinstance(value, str) and value in Severity.__members__:
            return Severity(value)
        return value

    @property
    def is_linked(self) -> bool:
        """Whether the case already carries an external ID."""
        return bool(self.external_id)


class UpsertResult(BaseModel, Generic[T]):
    """What an upsert did and the item as it now is.

    Attributes:
        action: `created`, `updated` or `unchanged`.
        item: the item as the API returned it.
        differences: the wire names of the fields that differed from what was asked for
            (changed by an update, or left as they are where the API offers no update).
    """

    action: Literal["created", "updated", "unchanged"]
    item: T
    differences: list[str] = Field(default_factory=list)


# -- what the API takes ------------------------------------------------------------------


class _Input(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        extra="forbid",
        str_strip_whitespace=False,
    )

    def to_arguments(self) -> dict[str, object]:
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

    def to_arguments(self) -> dict[str, object]:
        arguments: dict[str, object] = {
            "customer": {"customerExternalId": self.customer_external_id},
            "machineModel": {"machineModelExternalId": self.machine_model_external_id},
            "serialNumber": self.serial_number,
        }
        for name in ("external_id", "edge_device_serial_number", "is_sp1_migration"):
            value = getattr(self, name)
            if value is not None:
                arguments[to_camel(name)] = value
        return arguments
