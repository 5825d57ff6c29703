"""Reading the Crowd Partner service's `{"results": [...]}` answers and describing its calls."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import httpx

from ..core._errors import ResponseValidationError
from ..core._jsonbody import read_json
from ..core._request import Call
from ._context import FSMContext

__all__ = ["first_result", "new_request_id", "results", "service_call"]

T = TypeVar("T")


def new_request_id() -> str:
    """A random version-4 UUID as 32 hex digits, as `uuid.uuid4().hex` writes it (built from
    `os.urandom` directly: `uuid.UUID`'s checks cost more than the rest of the request id)."""
    octets = bytearray(os.urandom(16))
    octets[6] = octets[6] & 0x0F | 0x40  # version 4
    octets[8] = octets[8] & 0x3F | 0x80  # RFC 4122 variant
    return octets.hex()


def results(response: httpx.Response, body: dict[str, Any] | None = None) -> list[Any]:
    """The answer's `results` list (from `body` when the answer has been read already)."""
    if body is None:
        body = read_json(response, expect=dict)
    found = body.get("results")
    if not isinstance(found, list):
        raise ResponseValidationError("the answer has no 'results' list", response=response)
    return found


def first_result(response: httpx.Response) -> Any:
    """The first entry of the answer's `results` list."""
    found = results(response)
    if not found:
        raise ResponseValidationError("the answer's 'results' list is empty", response=response)
    return found[0]


def service_call(
    context: FSMContext,
    method: str,
    path: str,
    parse: Callable[[httpx.Response], T],
    *,
    name: str,
    headers: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> Call[T]:
    """A request to the Crowd Partner service: the context's URL and account/company headers,
    and a fresh `X-Request-ID` with the same value in `X-B3-TraceId`, as SAP's fsm-sdk sends
    them (a dash-less UUID, kept across the call's retries; errors show it as `request_id`)."""
    request_id = new_request_id()
    return Call(
        method,
        context.url(path),
        headers={
            **context.account_headers,
            "X-Request-ID": request_id,
            "X-B3-TraceId": request_id,
            **(headers or {}),
        },
        parse=parse,
        name=name,
        **kwargs,
    )
