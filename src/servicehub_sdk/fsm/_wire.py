"""Reading the Crowd Partner service's `{"results": [...]}` answers and describing its calls."""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import httpx

from ..core._errors import ResponseValidationError
from ..core._jsonbody import read_json
from ..core._request import Call
from ._context import FSMContext

__all__ = ["first_result", "new_request_id", "results", "service_call"]

T = TypeVar("T")

_UUID4_CLEAR = ~((0xF << 76) | (0x3 << 62))
_UUID4_SET = (0x4 << 76) | (0x2 << 62)  # version 4, RFC 4122 variant
_REQUEST_IDS = random.Random()
os.register_at_fork(after_in_child=_REQUEST_IDS.seed)


def new_request_id() -> str:
    """A random version-4 UUID as 32 hex digits, as `uuid.uuid4().hex` writes it. Request ids
    trace requests, they guard nothing: the bits come from a generator of this module's own
    (seeded from the operating system, again in a forked child, and untouched by
    `random.seed`), which costs a seventh of an `os.urandom` system call."""
    bits = _REQUEST_IDS.getrandbits(128) & _UUID4_CLEAR | _UUID4_SET
    return f"{bits:032x}"


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
