"""Input models refuse bad data with the SDK's error, which is also pydantic's."""

from __future__ import annotations

import json
import pickle
from typing import Any

import pydantic
import pytest

from servicehub_sdk import (
    InputValidationError,
    RequestValidationError,
    ServiceHubError,
)
from servicehub_sdk.cecenter import InteractionLogInput, ServiceTicketInput, ServiceTicketUpdate
from servicehub_sdk.fsm import PartnerInput, PartnerUpdate
from servicehub_sdk.spicecsm import SearchRequest
from servicehub_sdk.ssh import AddressInput, CustomerInput, CustomerUpdate
from servicehub_sdk.supportcenter import RequestInput

_CUSTOMER = {"name": "Acme", "service_organisation": "so-1", "address": {"country": "DE"}}


_TYPO = {**_CUSTOMER, "externl_id": "C-1"}
_BUILDS: dict[str, Any] = {
    "call": lambda: CustomerInput(**_TYPO),
    "model_validate": lambda: CustomerInput.model_validate(_TYPO),
    "model_validate_json": lambda: CustomerInput.model_validate_json(json.dumps(_TYPO)),
}


@pytest.mark.parametrize("build", list(_BUILDS))
def test_a_typo_is_the_sdks_error_and_pydantics(build: str) -> None:
    with pytest.raises(ServiceHubError) as caught:
        _BUILDS[build]()
    error = caught.value
    assert isinstance(error, InputValidationError)
    assert isinstance(error, RequestValidationError)
    assert isinstance(error, ValueError)
    assert isinstance(error, pydantic.ValidationError)
    assert str(error) == (
        "invalid CustomerInput: externl_id: unknown field (did you mean 'external_id'?)"
    )
    assert error.may_have_been_applied is False
    assert error.__cause__ is None and error.__suppress_context__
    # Both readings of `errors`: the SDK's list and pydantic's method.
    assert error.errors[0]["loc"] == ("externl_id",)
    assert error.errors()[0]["type"] == "extra_forbidden"
    assert error.error_count() == 1 and error.title == "CustomerInput"
    assert "input" not in error.errors(include_input=False)[0]


def test_existing_except_validation_error_clauses_keep_working() -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        ServiceTicketUpdate.model_validate({"status": "CLOSED"})
    assert isinstance(caught.value, ServiceHubError)
    assert caught.value.errors()[0]["loc"] == ("status",)
    assert "status: Input should be 'OPEN' or 'CONFIRMED'" in str(caught.value)


def test_a_loop_over_rows_catching_service_hub_error_survives_bad_rows() -> None:
    rows = [
        {**_CUSTOMER, "external_id": "C-1"},
        {**_CUSTOMER, "externl_id": "C-2"},
        {**_CUSTOMER, "address": {"country": "DE", "citty": "Berlin"}},
        {**_CUSTOMER, "external_id": "C-4"},
    ]
    good, bad = [], []
    for row in rows:
        try:
            good.append(CustomerInput.model_validate(row))
        except ServiceHubError as exc:
            bad.append(str(exc))
    assert [c.external_id for c in good] == ["C-1", "C-4"]
    assert "did you mean 'external_id'?" in bad[0]
    assert "address.citty: unknown field (did you mean 'city'?)" in bad[1]


@pytest.mark.parametrize(
    ("model", "data", "meant"),
    [
        (CustomerUpdate, {"external_id": "C", "nme": "x"}, "name"),
        (AddressInput, {"country": "DE", "postalCode": "1", "stret": "x"}, "street"),
        (PartnerInput, {"name": "P", "remark": "x"}, "remarks"),
        (PartnerUpdate, {"contacts": [{"first_nme": "A"}]}, "first_name"),
        (ServiceTicketInput, {"type": "T", "customer_id": "c", "short_descripton": "x"}, None),
        (InteractionLogInput, {"customer_id": "c", "descripton": "x"}, "description"),
        (RequestInput, {"subject": "x", "prioritty": "High"}, "priority"),
    ],
)
def test_every_backends_input_models_name_the_closest_field(
    model: Any, data: dict[str, Any], meant: str | None
) -> None:
    with pytest.raises(InputValidationError) as caught:
        model(**data)
    assert "unknown field" in str(caught.value)
    if meant:
        assert f"(did you mean {meant!r}?)" in str(caught.value)


def test_no_value_is_shown_and_secrets_are_replaced_in_the_problems() -> None:
    with pytest.raises(InputValidationError) as caught:
        SearchRequest.model_validate({"password": 12345678, "cust_fields": "hunter2"})
    error = caught.value
    assert "hunter2" not in str(error) and "hunter2" not in repr(error)
    assert all(p["input"] != 12345678 for p in error.errors)
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is InputValidationError and str(again) == str(error)
    assert "hunter2" not in repr(again.errors())
