"""SAP FSM Crowd Partner models: read models (`Partner`, …) and input models (`PartnerInput`,
`PartnerUpdate`, …).

Read models take answers as sent: unknown fields are kept, numbers may come as text and text as
numbers, coordinates are not range-checked (SAP's own partner-portal test data carries
`latitude: 14545454`), `serviceArea` may be an object, a list or `null`, and a singular
`contact` may come next to `contacts`. Input models validate what is sent.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import ConfigDict, Field, SecretStr, field_validator, model_validator

from ..core._models import InputModel, ServiceHubModel

__all__ = [
    "Contact",
    "ContactInput",
    "ContactRole",
    "Partner",
    "PartnerAddress",
    "PartnerAddressInput",
    "PartnerInput",
    "PartnerUpdate",
    "Radius",
    "RadiusInput",
    "RadiusUnit",
    "SecureHash",
    "ServiceArea",
    "ServiceAreaInput",
    "areas_as_documented",
]


class RadiusUnit(StrEnum):
    """Unit of a service area's radius."""

    KM = "km"
    MI = "mi"


class ContactRole(StrEnum):
    """Roles seen on crowd partner contacts (others are kept as text)."""

    PARTNER_ADMIN = "PARTNER_ADMIN"
    NON_CROWD = "NON_CROWD"


def _text(value: Any) -> Any:
    """Numbers as text (ids, postal codes); anything else unchanged."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def _known(enum: type[StrEnum], value: Any) -> Any:
    """A member of `enum` when `value` names one, else the value as sent (open enums)."""
    if isinstance(value, str):
        return enum._value2member_map_.get(value, value)
    return value


def _areas(data: Any) -> Any:
    """`serviceArea` (object or null) and `serviceAreas` (list or null) as one list."""
    if not isinstance(data, dict):
        return data
    data = dict(data)
    single = data.pop("serviceArea", data.pop("service_area", None))
    listed = data.get("serviceAreas", data.get("service_areas"))
    if not listed:
        data.pop("service_areas", None)
        data["serviceAreas"] = [single] if isinstance(single, dict) else []
    return data


def areas_as_documented(body: dict[str, Any]) -> dict[str, Any]:
    """A partner body in the document's example form: one service area as `serviceArea`,
    several (or none) as `serviceAreas`."""
    areas = body.pop("serviceAreas", None)
    if isinstance(areas, list) and len(areas) == 1:
        body["serviceArea"] = areas[0]
    elif areas is not None:
        body["serviceAreas"] = areas
    return body


# -- read models --------------------------------------------------------------------------


class SecureHash(ServiceHubModel):
    """The account/company secure hash required to create crowd partners.

    The hash itself is a `SecretStr`: `secure_hash.get_secret_value()`.
    """

    account_id: str | None = None
    company_id: str | None = None
    secure_hash: SecretStr

    _ids = field_validator("account_id", "company_id", mode="before")(_text)


class PartnerAddress(ServiceHubModel):
    """A crowd partner's address. `zip_code` is text (the document types it Integer; postal
    codes have leading zeros and letters); `number` is kept as sent (`15`, `"15a"`)."""

    id: str | None = None
    street_name: str | None = None
    number: int | str | None = None
    zip_code: str | None = None
    city: str | None = None
    country: str | None = None

    _zip = field_validator("zip_code", "id", mode="before")(_text)


class Contact(ServiceHubModel):
    """A crowd partner contact; `role` is a `ContactRole` when known, else the text sent."""

    id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email_address: str | None = None
    phone_number: str | None = None
    role: ContactRole | str | None = None

    @field_validator("role", mode="before")
    @classmethod
    def _open_role(cls, value: Any) -> Any:
        return _known(ContactRole, value)


class Radius(ServiceHubModel):
    """A service area's radius as sent (`unit` a `RadiusUnit` when known)."""

    unit: RadiusUnit | str | None = None
    value: float | None = None

    @field_validator("unit", mode="before")
    @classmethod
    def _open_unit(cls, value: Any) -> Any:
        return _known(RadiusUnit, value)


class ServiceArea(ServiceHubModel):
    """A service area: a centre point and a radius, as sent (no range checks on answers)."""

    id: str | None = None
    google_place_id: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    radius: Radius | None = None


class Partner(ServiceHubModel):
    """A crowd partner as the service sends it.

    Reads `serviceArea` (an object or `null`, as in the document's examples and real answers)
    and `serviceAreas` (a list, as in its field tables) into `service_areas`, and a singular
    `contact` into `contact` (and into `contacts` when that list is absent). Fields the
    document omits (`remarks`, `inactive`, `syncStatus`) are read; others land in
    `model_extra`.
    """

    id: str | None = None
    name: str | None = None
    address: PartnerAddress | None = None
    contact: Contact | None = None
    contacts: list[Contact] = Field(default_factory=list)
    service_areas: list[ServiceArea] = Field(default_factory=list)
    remarks: str | None = None
    inactive: bool | None = None
    sync_status: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _forms(cls, data: Any) -> Any:
        data = _areas(data)
        if isinstance(data, dict) and data.get("contacts") is None:
            data.pop("contacts", None)
            if isinstance(data.get("contact"), dict):
                data["contacts"] = [data["contact"]]
        return data


# -- input models -------------------------------------------------------------------------


class _Input(InputModel, ServiceHubModel):
    """Input models refuse fields they do not know: a misspelt field is an error, not a
    field silently sent or dropped (`InputValidationError`, with the closest name)."""

    model_config = ConfigDict(extra="forbid")


class PartnerAddressInput(_Input):
    """An address to send. `zip_code` is sent as text; numbers are accepted."""

    id: str | None = None
    street_name: str | None = None
    number: int | str | None = None
    zip_code: str | None = None
    city: str | None = None
    country: str | None = None

    _zip = field_validator("zip_code", mode="before")(_text)


class ContactInput(_Input):
    """A contact to send."""

    id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email_address: str | None = None
    phone_number: str | None = None
    role: ContactRole | str | None = None


class RadiusInput(_Input):
    """A radius to send, e.g. `RadiusInput(unit="km", value=25)`."""

    unit: RadiusUnit
    value: float = Field(gt=0)


class ServiceAreaInput(_Input):
    """A service area to send; latitude and longitude are checked against their ranges."""

    id: str | None = None
    google_place_id: str | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    radius: RadiusInput | None = None


class _PartnerFields(_Input):
    @model_validator(mode="before")
    @classmethod
    def _forms(cls, data: Any) -> Any:
        if isinstance(data, dict) and ("serviceArea" in data or "service_area" in data):
            return _areas(data)
        return data

    def to_wire(self) -> dict[str, Any]:
        """The body in the document's example form: one service area as `serviceArea`,
        several as `serviceAreas`, an empty list as `serviceAreas: []`."""
        return areas_as_documented(super().to_wire())


class PartnerInput(_PartnerFields):
    """A whole crowd partner to send: for `partners.create` (`POST dispatch/accept`) and
    `partners.replace` (`PUT partners/{id}`). `name` is required."""

    id: str | None = None
    name: str = Field(min_length=1)
    address: PartnerAddressInput | None = None
    contacts: list[ContactInput] = Field(default_factory=list)
    service_areas: list[ServiceAreaInput] = Field(default_factory=list)
    remarks: str | None = None
    inactive: bool | None = None


class PartnerUpdate(_PartnerFields):
    """Changes to a crowd partner for `partners.update`: only the fields given are changed.

    `address` is merged field by field into the current address; `contacts` and
    `service_areas`, when given, replace the current lists.
    """

    name: str | None = Field(default=None, min_length=1)
    address: PartnerAddressInput | None = None
    contacts: list[ContactInput] | None = None
    service_areas: list[ServiceAreaInput] | None = None
    remarks: str | None = None
    inactive: bool | None = None
