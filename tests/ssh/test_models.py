"""Answers are read tolerantly: recorded portal answers, integer or text priorities, both
custom-field shapes, numbers where text is declared, one object where a list is."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from servicehub_sdk.ssh import Customer, CustomerInput, CustomField, ServiceCase, Severity

# Trimmed from a recorded portal answer in NikolaiFalke/simple-agent-from-scratch,
# agents/services/service-case-report/frontend-examples/solve-service-case.json.
RECORDED_CASE: dict[str, Any] = {
    "id": "51f76197-4da4-4fb8-bff4-48ef212066c6",
    "displayId": "Hawk8-0001",
    "isShared": True,
    "__typename": "ServiceCase",
    "title": "Machine zeigt rote Alarmleuchte",
    "createdAt": "2024-02-16T10:00:40.656+01:00",
    "updatedAt": "2025-05-22T09:43:20.964+02:00",
    "closedAt": None,
    "externalId": None,
    "state": {
        "id": "4bac692c-e6b3-7647-8a2c-d7ad3db3ed7e",
        "name": "New",
        "index": 0,
        "isClosed": False,
        "__typename": "ServiceCaseState",
    },
    "scmAssignee": None,
    "priority": 2,
    "closingReport": None,
    "severity": "PRODUCTION_IMPAIRED",
    "customFields": [],
    "customerMachine": {"id": "74420c19-c881-4441-a180-26952b5f1413", "avatar": None},
}


def test_a_recorded_portal_answer_is_read_whole() -> None:
    case = ServiceCase.model_validate(RECORDED_CASE)
    assert case.priority == 2 and case.severity is Severity.PRODUCTION_IMPAIRED
    assert case.state is not None and case.state.name == "New"
    assert case.state.model_extra is not None
    assert case.state.model_extra["isClosed"] is False
    assert case.state.model_extra["__typename"] == "ServiceCaseState"
    assert case.model_extra["isShared"] is True and case.custom_fields == []
    assert case.created_at is not None and case.created_at.utcoffset() is not None
    assert not case.is_linked


@pytest.mark.parametrize(
    ("sent", "read"), [(2, 2), ("3", 3), ("HIGH", "HIGH"), (None, None), ("", "")]
)
def test_priority_is_a_number_or_text(sent: Any, read: Any) -> None:
    assert ServiceCase.model_validate({"id": "1", "priority": sent}).priority == read


def test_unknown_severities_stay_text() -> None:
    case = ServiceCase.model_validate({"id": "1", "severity": "TOTAL_LOSS"})
    assert case.severity == "TOTAL_LOSS" and not isinstance(case.severity, Severity)


def test_custom_fields_in_either_shape() -> None:
    document = CustomField.model_validate({"key": "errorCode", "value": "E1"})
    symmedia = CustomField.model_validate(
        {"definition": {"id": "u-1", "key": "errorCode", "__typename": "X"}, "value": 17}
    )
    assert (document.key, document.value) == ("errorCode", "E1")
    assert (symmedia.key, symmedia.value) == ("errorCode", "17")
    assert symmedia.definition is not None and symmedia.definition.id == "u-1"
    one = ServiceCase.model_validate({"id": "1", "customFields": {"key": "k", "value": "v"}})
    assert one.custom_fields is not None and [f.key for f in one.custom_fields] == ["k"]


def test_numbers_are_read_as_text_where_text_is_declared() -> None:
    customer = Customer.model_validate(
        {"id": 4711, "externalId": 10001, "serviceOrganisation": {"id": 123}}
    )
    assert customer.id == "4711" and customer.external_id == "10001"
    assert customer.service_organisation is not None
    assert customer.service_organisation.id == "123"


def test_inputs_stay_strict() -> None:
    with pytest.raises(ValidationError):
        CustomerInput.model_validate(
            {"name": "A", "serviceOrganisation": 123, "address": {"country": "DE"}}
        )
