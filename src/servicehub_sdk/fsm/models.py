"""SAP FSM Crowd Partner models."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import Field, SecretStr, field_validator, model_validator

from ..core.models import ServiceHubModel

__all__ = [
    "Contact",
    "ContactRole",
    "Partner",
    "PartnerAddress",
    "Radius",
    "RadiusUnit",
    "SecureHash",
    "ServiceArea",
]


class RadiusUnit(StrEnum):
    """Unit of a service area's radius."""

    KM = "km"
    MI = "mi"


class ContactRole(StrEnum):
    """Roles seen on crowd partner contacts (others are kept as text)."""

    PARTNER_ADMIN = "PARTNER_ADMIN"
    NON_CROWD = "NON_CROWD"


class SecureHash(ServiceHubModel):
    """The account/company secure hash required to create crowd partners.

    The hash itself is a `SecretStr`: `secure_hash.get_secret_value()`.
    """

    account_id: str | None = None
    company_id: str | None = None
    secure_hash: SecretStr

    @field_validator("account_id", "company_id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value


class PartnerAddress(ServiceHubModel):
    """A crowd partner's address. `zip_code` is text: postal codes have leading zeros and
    letters, though the document types it Integer (numbers are accepted). `number` is kept
    as sent (the document types it Integer; house numbers like `15a` exist)."""

    id: str | None = None
    street_name: str | None = None
    number: int | str | None = None
    zip_code: str | None = None
    city: str | None = None
    country: str | None = None

    @field_validator("zip_code", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        return (
            str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
        )


class Contact(ServiceHubModel):
    """A crowd partner contact."""

    id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email_address: str | None = None
    phone_number: str | None = None
    role: ContactRole | str | None = None

    @field_validator("role", mode="before")
    @classmethod
    def _known_role(cls, value: Any) -> Any:
        if isinstance(value, str) and value in ContactRole.__members__:
            return ContactRole(value)
        return value


class Radius(ServiceHubModel):
    """A service area's radius, e.g. `Radius(unit="km", value=25)`."""

    unit: RadiusUnit
    value: float = Field(gt=0)


class ServiceArea(ServiceHubModel):
    """A service area: a centre point and a radius. Latitude and longitude are floats (the
    document types them Integer while its examples hold decimals)."""

    id: str | None = None
    google_place_id: str | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    radius: Radius | None = None


class Partner(ServiceHubModel):
    """A crowd partner, with its sub-resources when the API sent them.

    Reads both `serviceArea` (one object, as in the document's examples) and `serviceAreas`
    (a list, as in its field tables) into `service_areas`.
    """

    id: str | None = None
    name: str | None = None
    address: PartnerAddress | None = None
    contacts: list[Contact] = Field(default_factory=list)
    service_areas: list[ServiceArea] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _service_area_forms(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            single = data.pop("serviceArea", None)
            if single is None:
                single = data.pop("service_area", None)
            if (
                single is not None
                and not data.get("serviceAreas")
                and not data.get("service_areas")
            ):
                data["serviceAreas"] = [single]
            if data.get("contacts") is None:
                data.pop("contacts", None)
        return data

    def to_body(self) -> dict[str, Any]:
        """The request body in the document's example form: one service area is sent as
        `serviceArea`, several as `serviceAreas`."""
        body = self.to_wire()
        areas = body.pop("serviceAreas", [])
        if len(areas) == 1:
            body["serviceArea"] = areas[0]
        elif areas:
            body["serviceAreas"] = areas
        if not body.get("contacts"):
            body.pop("contacts", None)
        return body
