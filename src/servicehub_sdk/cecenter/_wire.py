"""Reading CECenter Mashup answers: JSON bodies, `Location` ids, `Link`-paged listings."""

from __future__ import annotations

from typing import Any

import httpx

from ..core._errors import RequestValidationError, ResponseValidationError
from ..core._jsonbody import read_json
from ..core._pagination import Page
from ..core._request import Call
from ._context import CECenterContext
from ._links import next_link, next_page_target

__all__ = [
    "MAX_PAGE_SIZE",
    "created_id",
    "json_body",
    "next_link",
    "one_page",
    "paged_call",
    "rows",
]

MAX_PAGE_SIZE = 64


def json_body(response: httpx.Response) -> Any:
    """The answer's JSON, `None` when it is empty."""
    return read_json(response, empty=None)


def rows(response: httpx.Response) -> list[Any]:
    """The answer's JSON array (a 204 No Content is an empty list, an empty 200 is refused)."""
    if not response.content and response.status_code == 204:
        return []
    body = json_body(response)
    if body is None:
        raise ResponseValidationError(
            "expected a JSON array, the answer is empty", response=response
        )
    if not isinstance(body, list):
        raise ResponseValidationError("expected a JSON array", response=response)
    return body


def created_id(response: httpx.Response) -> str | None:
    """The id at the end of a 201's `Location` header."""
    location = response.headers.get("location")
    if location:
        return str(location).rstrip("/").rsplit("/", 1)[-1]
    return None


def one_page(url: str, model: type[Any], name: str) -> Call[Page[Any]]:
    """A listing the API answers in one array: a pager with a single page."""
    return Call(
        "GET",
        url,
        parse=lambda r: Page(items=[model.model_validate(row) for row in rows(r)]),
        name=name,
    )


def paged_call(
    url: str,
    params: dict[str, Any],
    model: type[Any],
    auth: Any,
    page_size: int,
    name: str,
    context: CECenterContext,
) -> Call[Page[Any]]:
    """A listing paged by `pageNumber`/`pageSize`, following `Link: rel="next"` when given."""
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise RequestValidationError(
            f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {page_size}"
        )

    def call(target: str, query: dict[str, Any] | None, auth: Any = auth) -> Call[Page[Any]]:
        def parse(response: httpx.Response) -> Page[Any]:
            items = [model.model_validate(row) for row in rows(response)]
            following = next_link(response.headers.get("link"))
            count = response.headers.get("hybris-count")
            total = int(count) if count and count.isdigit() else None
            if following is None and len(items) >= page_size and query is not None:
                following_call = call(url, {**query, "pageNumber": query["pageNumber"] + 1})
            elif following is not None:
                target, target_auth = next_page_target(
                    response,
                    following,
                    base_url=context.engine.base_url,
                    auth=auth,
                    foreign=context.foreign_links,
                )
                following_call = call(target, None, target_auth)
            else:
                following_call = None
            return Page(items=items, next=following_call if items else None, total=total)

        return Call("GET", target, params=query, parse=parse, auth=auth, name=name)

    return call(url, {**params, "pageNumber": 1, "pageSize": page_size, "totalCount": "true"})
