"""The v3 envelope: `input_data` in, `response_status` out, and its message codes as errors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import httpx

from ..core._boundary import json_text
from ..core._errors import ResponseValidationError
from ..core._http import ErrorInfo, status_error
from ..core._jsonbody import read_json
from ..core._pagination import PageData

__all__ = [
    "MESSAGE_STATUS",
    "checked",
    "decode_envelope_error",
    "envelope_status",
    "input_data",
    "missing_fields",
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
MANDATORY_MISSING = 4012
RATE_LIMITED = 4015
SUCCESS_CODES = frozenset({200, 2000})
"""`status_code`s of a successful `response_status`: 2000, and 200 on some on-premise
releases (others say only `"status": "success"`)."""


def input_data(payload: Mapping[str, Any]) -> str:
    """The `input_data` value: the payload as compact JSON."""
    return json_text(payload, field="input_data")


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
    """Whether every `response_status` (an object, or a list of them in list answers) says
    success: `"status": "success"`, or `status_code` 2000 (200 on some on-premise releases)."""
    return _all_succeeded(_statuses(body))


def _all_succeeded(statuses: list[dict[str, Any]]) -> bool:
    return bool(statuses) and all(_success(s) for s in statuses)


def _success(status: Mapping[str, Any]) -> bool:
    word = str(status.get("status", "") or "").lower()
    if word == "success":
        return True
    return not word.startswith("fail") and _code(status.get("status_code")) in SUCCESS_CODES


def _code(value: Any) -> int | None:
    try:
        return int(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def _missing_fields(messages: list[dict[str, Any]]) -> list[str]:
    """The fields a 4012 (mandatory value missing) names in `messages[].fields`/`field`."""
    names: list[str] = []
    for message in messages:
        if _code(message.get("status_code")) != MANDATORY_MISSING:
            continue
        fields = message.get("fields")
        for name in [*(fields if isinstance(fields, list) else []), message.get("field")]:
            if isinstance(name, str) and name and name not in names:
                names.append(name)
    return names


def _describe(message: dict[str, Any]) -> str:
    field = message.get("field")
    text = message.get("message") or message.get("type")
    fields = message.get("fields")
    if _code(message.get("status_code")) == MANDATORY_MISSING and isinstance(fields, list):
        named = ", ".join(str(f) for f in fields if f)
        if named:
            text = f"{message.get('message') or 'mandatory fields missing'}: {named}"
    return " ".join(str(part) for part in (field and f"{field}:", text) if part)


def decode_envelope_error(body: Any) -> ErrorInfo:
    """Code, messages and missing fields of a failed `response_status`.

    The code is the most specific one given: a message's own code (4012 inside a generic
    4000 envelope) before the envelope's. No status is implied (for an HTTP error status
    the status line decides the error class; `envelope_status` maps codes inside an
    HTTP 200), except for the rate limit 4015: a `RateLimitError` whatever the status line.
    """
    statuses = _statuses(body)
    messages = [
        dict(m)
        for status in statuses
        for m in (status.get("messages") or [])
        if isinstance(m, Mapping)
    ]
    codes = [c for c in (_code(m.get("status_code")) for m in messages) if c is not None]
    codes += [c for c in (_code(s.get("status_code")) for s in statuses) if c is not None]
    specific = [c for c in codes if c in MESSAGE_STATUS]
    code = specific[0] if specific else (codes[0] if codes else None)
    if RATE_LIMITED in codes:
        code = RATE_LIMITED
    text = "; ".join(filter(None, (_describe(m) for m in messages)))
    if not text and statuses:
        text = str(statuses[0].get("status") or "") or ""
    if not text and not statuses and isinstance(body, Mapping) and body.get("message"):
        text = str(body["message"])
    if not text and not statuses:
        text = str(body)[:300] if body else ""
    missing = _missing_fields(messages)
    details: list[Any] = messages or [dict(s) for s in statuses]
    if missing:
        text = text or f"mandatory fields missing: {', '.join(missing)}"
    # A rate limit is a rate limit whatever the status line says (200 or 400): not processed.
    status = MESSAGE_STATUS[RATE_LIMITED] if code == RATE_LIMITED else None
    return ErrorInfo(code=code, message=text or None, details=details or None, status=status)


def envelope_status(body: Any) -> ErrorInfo:
    """`decode_envelope_error` with the HTTP status the code stands for (400 when none
    does), for failures reported inside an HTTP 200."""
    info = decode_envelope_error(body)
    mapped = MESSAGE_STATUS.get(info.code) if isinstance(info.code, int) else None
    return replace(info, status=mapped or 400)


def missing_fields(error: Any) -> list[str]:
    """The mandatory fields a 4012 failure names (from the error's `details`)."""
    details = getattr(error, "details", None) or []
    return _missing_fields([dict(d) for d in details if isinstance(d, Mapping)])


def checked(response: httpx.Response, name: str) -> dict[str, Any]:
    body: dict[str, Any] = read_json(response, name=name, expect=dict)
    if _any_failed(body.get("response_status")):
        raise status_error(response, envelope_status, name=name)
    return body


def _any_failed(status: Any) -> bool:
    """Whether a `response_status` (an object, or a list of them) reports a failure; read
    in place, without the copies `_statuses` makes for the error's details."""
    if isinstance(status, Mapping):
        return not _success(status)
    if isinstance(status, list):
        return not all(_success(s) for s in status if isinstance(s, Mapping))
    return False


def _first_present(body: dict[str, Any], keys: str | Sequence[str]) -> tuple[str, Any]:
    names = (keys,) if isinstance(keys, str) else tuple(keys)
    for name in names:
        if body.get(name) is not None:
            return name, body[name]
    return names[0], None


def read_entity(response: httpx.Response, key: str | Sequence[str], name: str) -> dict[str, Any]:
    """The entity under `key` (or the first of several accepted keys) of a successful answer."""
    body = checked(response, name)
    found, entity = _first_present(body, key)
    if not isinstance(entity, dict):
        raise ResponseValidationError(
            f"{name}: the answer has no {found!r} object", response=response
        )
    return entity


def read_list(
    response: httpx.Response, key: str | Sequence[str], name: str
) -> PageData[dict[str, Any]]:
    """The rows under `key` (or one of several accepted keys, or the only list in the
    answer) and `list_info.has_more_rows`.

    An answer with none of them (a proxy's page, a changed schema) is an error, never an
    empty list.
    """
    body = checked(response, name)
    found, rows = _first_present(body, key)
    if rows is None:
        lists = [v for k, v in body.items() if isinstance(v, list) and k != "response_status"]
        if len(lists) != 1 and "list_info" not in body:
            raise ResponseValidationError(
                f"{name}: the answer has no {found!r} list (and no list_info)",
                response=response,
            )
        rows = lists[0] if len(lists) == 1 else []
    if not isinstance(rows, list):
        raise ResponseValidationError(f"{name}: {found!r} is not a list", response=response)
    raw_info = body.get("list_info")
    info: dict[str, Any] = raw_info if isinstance(raw_info, dict) else {}
    more = info.get("has_more_rows")
    total = info.get("total_count")
    return PageData(
        items=[r for r in rows if isinstance(r, dict)],
        has_more=bool(more) if more is not None else None,
        total=int(total) if isinstance(total, int | str) and str(total).isdigit() else None,
    )
