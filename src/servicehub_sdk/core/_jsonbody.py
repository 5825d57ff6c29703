"""The one JSON reader every backend uses for every answer: success, error and token answers.

An answer the SDK cannot decode — not UTF-8, not JSON, nested deeper than Python can follow,
a number too large to hold, `NaN`, or a value of the wrong JSON type — raises
`ResponseValidationError` with the raw body kept (`error.raw`), never a bare `ValueError` or
`RecursionError`.
"""

from __future__ import annotations

import json
import math
from typing import Any, Final

import httpx

from ._errors import ResponseValidationError
from ._redaction import redact_url

__all__ = ["EMPTY_IS_ERROR", "body_or_text", "read_json", "unreadable"]

_TYPE_NAMES: Final = {dict: "a JSON object", list: "a JSON array"}


class _EmptyIsError:
    def __repr__(self) -> str:
        return "EMPTY_IS_ERROR"


EMPTY_IS_ERROR: Any = _EmptyIsError()
"""`read_json(empty=...)` default: an empty body is an unreadable answer."""


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"number out of range: {text[:40]}")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_DECODER: Final = json.JSONDecoder(parse_float=_finite, parse_constant=_no_constant)


def unreadable(
    response: httpx.Response, problem: str, *, name: str | None = None, before_request: bool = False
) -> ResponseValidationError:
    """The `ResponseValidationError` for an answer that cannot be read, raw body kept."""
    what = name or _what(response)
    error = ResponseValidationError(f"{what}: {problem}", response=response)
    if before_request:
        error.before_request = True
        error.may_have_been_applied = False
    return error


def read_json(
    response: httpx.Response,
    *,
    name: str | None = None,
    expect: type[dict[Any, Any]] | type[list[Any]] | None = None,
    empty: Any = EMPTY_IS_ERROR,
    before_request: bool = False,
) -> Any:
    """The body of `response` decoded as strict JSON (UTF-8, finite numbers, sane nesting).

    `expect=dict` or `expect=list` also checks the top-level type. `empty` is returned for an
    empty body instead of raising. `before_request=True` marks the error as raised before the
    request itself was sent (token and login answers). Raises `ResponseValidationError`.
    """
    content = response.content
    if not content.strip():
        if empty is not EMPTY_IS_ERROR:
            return empty
        raise unreadable(response, "the answer is empty", name=name, before_request=before_request)
    try:
        text = content.decode("utf-8-sig")
        body = _DECODER.decode(text)
    except UnicodeDecodeError:
        problem = "the answer is not UTF-8"
    except RecursionError:
        problem = "the answer is nested too deeply to read"
    except ValueError as exc:  # JSONDecodeError, too many digits, out-of-range numbers
        problem = f"the answer is not JSON ({str(exc)[:120]})"
    else:
        if expect is None or isinstance(body, expect):
            return body
        problem = f"the answer is not {_TYPE_NAMES[expect]}"
    raise unreadable(response, problem, name=name, before_request=before_request)


def body_or_text(response: httpx.Response, *, before_request: bool = False) -> Any:
    """An error answer's body: its JSON when it is JSON, its text when it is plain text.

    A body that says it is JSON (by `Content-Type` or by starting with `{` or `[`) but cannot
    be decoded raises `ResponseValidationError`, like any other unreadable answer.
    """
    content = response.content
    head = content.lstrip()[:1]
    if head in (b"{", b"[") or "json" in response.headers.get("content-type", ""):
        return read_json(response, empty="", before_request=before_request)
    try:
        return content.decode(response.encoding or "utf-8", errors="replace")
    except LookupError:
        return content.decode("utf-8", errors="replace")


def _what(response: httpx.Response) -> str:
    try:
        request = response.request
    except RuntimeError:
        return "the answer"
    return f"{request.method} {redact_url(request.url)}"
