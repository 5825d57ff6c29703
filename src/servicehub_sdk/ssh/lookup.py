"""Finding an item by external ID where the API has no query for it: read the listing."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any, Protocol, TypeVar

from ..core.pagination import Page
from ..core.request import Call

__all__ = ["find_by_external_id"]


class HasExternalId(Protocol):
    external_id: str | None


E = TypeVar("E", bound=HasExternalId)


def find_by_external_id(
    first_page: Callable[[], Call[Page[E]]], external_id: str
) -> Generator[Call[Any], Any, E | None]:
    """Walk the listing page by page; the first item with `external_id`, or `None`."""
    call: Call[Page[E]] | None = first_page()
    while call is not None:
        page: Page[E] = yield call
        for item in page.items:
            if item.external_id == external_id:
                return item
        call = page.next
    return None
