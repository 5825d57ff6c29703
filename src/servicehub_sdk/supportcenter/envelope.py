"""The v3 envelope: `input_data` in, `response_status` out, and its message codes as errors."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

from ..core.errors import ResponseValidationError
from ..core.http import ErrorInfo, status_error
from ..core.pagination import PageData

__all__ = [
    "MESSAGE_STATUS",
    "checked",
    "decode_envelope_error",
    "input_data",
    "read_entity",
    "read_list",
    "succeeded",
]

# ManageEngine v3 message codes -> the HTTP status they stand for.
MESSAGE_STATUS: dict[int, int] = {
    4001: 400,  # id or name invalid
    4002: 403,  # forbidden
    4004: 500,  # internal error
    4005: 422,  # a reference exists
    4007: 404,  # invalid URL / not found
    4008: 422,  # not unique
    4009: 422,  # not editable
    4012: 422,  # mandatory value missing
    4014: 422,  # read-only field
    4015: 429,  # rate limit
    4016: 422,  # time mismatch
    4021: 422,  # data type mismatch
    4022: 401,  # invalid API key
    7001: 403,  # licence restriction
}


def input_data(payload: Mapping[str, Any]) -> str:
    """The `input_data` value: the payload as compact JSON."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def _statuses(body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, Mapping):
        return []
    status = body.get("response_status")
    if isinstance(status, Mapping):
        return [dict(status)]
    if isinstance(status, list):
        return [dict(s) for s in status if isinstance(s, Mapping)]
    return []


def succeeded(body: Any) -> bool:
    """Whether every `response_status` says success (2000)."""
    statuses = _statuses(body)
    return bool(statuses) and all(
        str(s.get("status", "")).lower() == "success" or s.get("status_code") == 2000
        for s in statuses
    )


def decode_envelope_error(body: Any) -> ErrorInfo:
    """Code, messages and mapped status of a failed `response_status`."""
    messages: list[dict[str, Any]] = []
    for status in _statuses(body):
        for message in status.get("messages") or []:
            if isinstance(message, Mapping):
                messages.append(dict(message))
    if not messages:
        statuses = _statuses(body)
        if statuses:
            return ErrorInfo(
                code=statuses[0].get("status_code"), message=str(statuses[0].get("status"))
            )
        if isinstance(body, Mapping) and body.get("message"):
            return ErrorInfo(message=str(body["message"]))
        return ErrorInfo(message=str(body)[:300] if body else None)
    first = messages[0]
    code = first.get("status_code")
    try:
        mapped = MESSAGE_STATUS.get(int(code)) if code is not None else None
    except (TypeError, ValueError):
        mapped = None
    text = "; ".join(
        " ".join(
            str(part)
            for part in (m.get("field") and f"{m['field']}:", m.get("message") or m.get("type"))
            if part
        )
        for m in messages
    )
    return ErrorInfo(code=code, message=text or None, details=messages, status=mapped or 400)


def checked(response: httpx.Response, name: str) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        raise ResponseValidationError(
            f"{name}: the answer is not JSON", response=response
        ) from None
    if not isinstance(body, dict):
        raise ResponseValidationError(f"{name}: the answer is not a JSON object", response=response)
    if _statuses(body) and not succeeded(body):
        raise status_error(response, decode_envelope_error, name=name)
    return body


def read_entity(response: httpx.Response, key: str, name: str) -> dict[str, Any]:
    """The entity under `key` of a successful answer."""
    body = checked(response, name)
    entity = body.get(key)
    if not isinstance(entity, dict):
        raise ResponseValidationError(
            f"{name}: the answer has no {key!r} object", response=response
        )
    return entity


def read_list(response: httpx.Response, key: str, name: str) -> PageData[dict[str, Any]]:
    """The rows under `key` (or the only list in the answer) and `list_info.has_more_rows`."""
    body = checked(response, name)
    rows = body.get(key)
    if rows is None:
        lists = [v for k, v in body.items() if isinstance(v, list) and k != "response_status"]
        rows = lists[0] if len(lists) == 1 else []
    if not isinstance(rows, list):
        raise ResponseValidationError(f"{name}: {key!r} is not a list", response=response)
    raw_info = body.get("list_info")
    info: dict[str, Any] = raw_info if isinstance(raw_info, dict) else {}
    more = info.get("has_more_rows")
    total = info.get("total_count")
    return PageData(
        items=[r for r in rows if isinstance(r, dict)],
        has_more=bool(more) if more is not None else None,
        total=int(total) if isinstance(total, int | str) and str(total).isdigit() else None,
    )
