from __future__ import annotations

import pytest

from servicehub_sdk.core import RequestValidationError, ServiceHubModel, validate_input


class Address(ServiceHubModel):
    postal_code: str | None = None
    country: str


def test_aliases_extra_fields_and_wire_form() -> None:
    address = Address.model_validate({"postalCode": "01234", "country": "DE", "newField": 1})
    assert address.postal_code == "01234"
    assert address.model_extra == {"newField": 1}
    assert address.to_wire() == {"postalCode": "01234", "country": "DE", "newField": 1}
    assert Address(postal_code="1", country="FR").postal_code == "1"
    assert "postal_code=None" not in repr(Address(country="DE"))


def test_validate_input_errors_are_clear_and_typed() -> None:
    with pytest.raises(RequestValidationError) as caught:
        validate_input(Address, {"postalCode": "1"})
    assert "country" in str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert caught.value.errors[0]["loc"] == ("country",)
    assert validate_input(Address, Address(country="DE")).country == "DE"
