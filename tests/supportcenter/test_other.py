"""Support reps, requesters, admin lists, custom modules, auth and envelope error mapping."""

from __future__ import annotations

import json
from typing import Any

import pytest

from servicehub_sdk.core import (
    APIStatusError,
    AuthenticationError,
    ConfigurationError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    UnprocessableError,
)
from servicehub_sdk.supportcenter import Criteria
from servicehub_sdk.supportcenter._admin import ADMIN_LISTS
from servicehub_sdk.testing import EmulatorServer, Reply
from servicehub_sdk.testing._supportcenter import API_KEY
from tests.helpers import close, collect, resolve
from tests.supportcenter.conftest import client_class


async def test_support_reps_and_requesters(scp: Any) -> None:
    reps = await collect(scp.support_reps.list())
    assert len(reps) == 8
    assert (await resolve(scp.support_reps.get(reps[0].id))).email_id
    created = await resolve(
        scp.requesters.create({"name": "Jane Doe", "email_id": "jane@customer.example"})
    )
    assert (await resolve(scp.requesters.get(created.id))).name == "Jane Doe"
    assert len(await collect(scp.requesters.list(row_count=10))) == 41


@pytest.mark.parametrize("name", list(ADMIN_LISTS))
async def test_every_admin_list(scp: Any, name: str) -> None:
    entries = await collect(getattr(scp.admin, name).list())
    assert entries
    assert (await resolve(getattr(scp.admin, name).get(entries[0].id))).name == entries[0].name


async def test_custom_module_crud(scp: Any) -> None:
    assets = scp.custom_module("cm_assets")
    assert len(await collect(assets.list())) == 5
    created = await resolve(assets.create({"name": "Asset 6", "serial": "AS-0006"}))
    assert created.model_extra["serial"] == "AS-0006"
    await resolve(assets.update(created.id, {"serial": "AS-0007"}))
    assert (await resolve(assets.get(created.id))).model_extra["serial"] == "AS-0007"
    await resolve(assets.delete(created.id))
    with pytest.raises(NotFoundError):
        await resolve(assets.get(created.id))


async def test_bad_key_is_authentication_error(mode: str, config: dict[str, Any]) -> None:
    scp = client_class(mode)(**{**config, "api_key": "wrong"})
    with pytest.raises(AuthenticationError) as caught:
        await resolve(scp.requests.get(1))
    assert caught.value.code == 4022
    await close(scp)


async def test_technician_key_header(
    mode: str, config: dict[str, Any], server: EmulatorServer
) -> None:
    scp = client_class(mode)(**config, auth_header="TECHNICIAN_KEY")
    assert len(await collect(scp.admin.levels.list())) == 3
    await close(scp)


def _envelope(code: int) -> str:
    return json.dumps(
        {
            "response_status": {
                "status_code": 4000,
                "status": "failed",
                "messages": [
                    {
                        "status_code": code,
                        "type": "failed",
                        "message": f"code {code}",
                        "field": "subject",
                    }
                ],
            }
        }
    )


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (4001, "BadRequestError"),
        (4002, PermissionDeniedError),
        (4004, ServerError),
        (4005, UnprocessableError),
        (4007, NotFoundError),
        (4008, UnprocessableError),
        (4009, UnprocessableError),
        (4012, UnprocessableError),
        (4014, UnprocessableError),
        (4015, RateLimitError),
        (4016, UnprocessableError),
        (4021, UnprocessableError),
        (4022, AuthenticationError),
        (7001, PermissionDeniedError),
    ],
)
async def test_failure_inside_http_200_raises_by_message_code(
    scp: Any, server: EmulatorServer, code: int, error: Any
) -> None:
    server.faults.add(
        Reply(200, headers={"Content-Type": "application/json"}, body=_envelope(code))
    )
    with pytest.raises(APIStatusError) as caught:
        await resolve(scp.requests.get(1001, max_retries=0))
    expected = (
        error
        if not isinstance(error, str)
        else __import__("servicehub_sdk.core", fromlist=[error]).__dict__[error]
    )
    assert type(caught.value) is expected
    assert caught.value.code == code
    assert caught.value.details == [
        {"status_code": code, "type": "failed", "message": f"code {code}", "field": "subject"}
    ]
    assert f"code {code}" in str(caught.value)


def test_criteria_json() -> None:
    criteria = Criteria("status.name").is_("Open") & (
        Criteria("priority.name").is_("High") | Criteria("priority.name").is_in(["Low", "Normal"])
    )
    assert criteria.to_wire() == [
        {"field": "status.name", "condition": "is", "value": "Open"},
        {
            "field": "priority.name",
            "condition": "is",
            "value": "High",
            "logical_operator": "AND",
            "children": [
                {
                    "field": "priority.name",
                    "condition": "is",
                    "values": ["Low", "Normal"],
                    "logical_operator": "OR",
                }
            ],
        },
    ]
    assert Criteria("created_time").between(1, 2).to_wire() == [
        {"field": "created_time", "condition": "between", "values": [1, 2]}
    ]
    with pytest.raises(ValueError):
        Criteria("x").to_wire()


def test_configuration() -> None:
    cls = client_class("sync")
    assert (
        str(cls(base_url="https://scp.example.com:8080", api_key="k").base_url)
        == "https://scp.example.com:8080/api/v3/"
    )
    assert str(cls(base_url="https://h/api/v3/", api_key="k").base_url) == "https://h/api/v3/"
    with pytest.raises(ConfigurationError):
        cls(base_url="https://h", api_key=None)
    with pytest.raises(ConfigurationError):
        cls(base_url="https://h", api_key="k", delete_mode="shred")
    assert API_KEY
