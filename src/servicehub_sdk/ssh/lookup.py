"""Finding an item by external ID: the schema's lookup query where it has one, else the
listing."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any, Protocol, TypeVar

import httpx
from pydantic import BaseModel

from ..core.pagination import Page
from ..core.request import Call
from .graphql import Plan, graphql_call, plan_request

__all__ = ["find_by_external_id"]


class HasExternalId(Protocol):
    external_id: str | None


E = TypeVar("E", bound=HasExternalId)


def find_by_external_id(
    first_page: Callable[[], Call[Page[E]]],
    external_id: str,
    *,
    lookup: tuple[str, str, type[BaseModel]] | None = None,
) -> Generator[Call[Any], Any, E | None]:
    """The first item with `external_id`, or `None`.

    `lookup` names a query, its selection and model (`("machineModel", "MachineModel",
    MachineModel)`): where the schema has that query with an `externalId` argument (symmedia's
    services do), it is asked; otherwise the listing is walked page by page (the vendor
    document offers no lookup).
    """
    if lookup is not None:
        field, selection, model = lookup
        plan: Plan = yield plan_request()
        if plan.has_field("query", field) and "externalId" in plan.arguments("query", field):

            def read(value: Any, _: httpx.Response) -> Any:
                return None if value is None else model.model_validate(value)

            found: E | None = yield graphql_call(
                "query", field, {"externalId": external_id}, selection, read
            )
            return found
    call: Call[Page[E]] | None = first_page()
    while call is not None:
        page: Page[E] = yield call
        for item in page.items:
            if item.external_id == external_id:
                return item
        call = page.next
    return None
