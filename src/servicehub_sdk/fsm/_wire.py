"""Reading the Crowd Partner service's `{"results": [...]}` answers and describing its calls."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import httpx

from ..core._errors import ResponseValidationError
from ..core._jsonbody import read_json
from ..core._request import Call
from ._context import FSMContext

__all__ = ["first_result", "results", "service_call"]

T = TypeVar("T")


def results(response: httpx.Response) -> list[Any]:
    """The answer's `results` list."""
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
    request_id = uuid.uuid4().hex
    return Call(
        method,
        context.url(path),
        headers={
            **context.headers(),
            "X-Request-ID": request_id,
            "X-B3-TraceId": request_id,
            **(headers or {}),
        },
        parse=parse,
        name=name,
        **kwargs,
    )
