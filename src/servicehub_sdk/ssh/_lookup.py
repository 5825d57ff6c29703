"""Finding an item by external ID: the schema's lookup query where it has one, else the
listing."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any, Protocol, TypeVar

import httpx
from pydantic import BaseModel

from ..core._errors import RequestValidationError, ServiceHubError
from ..core._pagination import Page
from ..core._request import Call
from ._batch import (
    BatchLimit,
    BatchResult,
    BatchResults,
    run_batch,
)
from ._graphql import Plan, graphql_call, plan_request
from ._models import UpsertResult

__all__ = ["create_missing", "find_by_external_id", "find_many_by_external_id"]


class HasExternalId(Protocol):
    external_id: str | None


E = TypeVar("E", bound=HasExternalId)
T = TypeVar("T")


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


def find_many_by_external_id(
    first_page: Callable[[], Call[Page[E]]],
    external_ids: list[str],
    *,
    lookup: tuple[str, str, type[BaseModel]],
    limit: BatchLimit,
    batch_size: int,
) -> Generator[Call[Any], Any, BatchResults[E | None]]:
    """The items with these external IDs (`None` where there is none), one result each.

    Where the schema has the `lookup` query, the lookups go out `batch_size` per document;
    otherwise the listing is read once, page by page, until every ID is found.
    """
    field, selection, model = lookup
    plan: Plan = yield plan_request()
    if plan.has_field("query", field) and "externalId" in plan.arguments("query", field):

        def read(value: Any, _: httpx.Response) -> Any:
            return None if value is None else model.model_validate(value)

        steps = [
            graphql_call("query", field, {"externalId": external_id}, selection, read)
            for external_id in external_ids
        ]
        return (yield from run_batch(steps, list(external_ids), limit=limit, batch_size=batch_size))
    wanted = set(external_ids)
    found: dict[str, E] = {}
    call: Call[Page[E]] | None = first_page() if wanted else None
    while call is not None and len(found) < len(wanted):
        page: Page[E] = yield call
        for item in page.items:
            if item.external_id in wanted and item.external_id not in found:
                found[item.external_id] = item
        call = page.next
    return BatchResults(
        BatchResult(index, external_id, "ok", found.get(external_id))
        for index, external_id in enumerate(external_ids)
    )


def _done(value: T) -> Generator[Call[Any], Any, T]:
    return value
    yield  # a flow that needs no call


def _created(call: Call[E]) -> Generator[Call[Any], Any, UpsertResult[E]]:
    item: E = yield call
    return UpsertResult(action="created", item=item)


def create_missing(
    values: list[Any],
    keys: list[str | None],
    *,
    find: Callable[[list[str]], Generator[Call[Any], Any, BatchResults[E | None]]],
    create: Callable[[Any], Call[E]],
    differences: Callable[[E, Any], list[str]],
    limit: BatchLimit,
    batch_size: int,
) -> Generator[Call[Any], Any, BatchResults[UpsertResult[E]]]:
    """Upsert of items the API cannot update: look all of them up (`find`), then create the
    missing ones in batches; existing ones are `unchanged`, with the fields that differ.

    `values` holds validated inputs, or the error an input raised (it fails alone).
    """
    ids = list(
        dict.fromkeys(
            v.external_id for v in values if not isinstance(v, ServiceHubError) and v.external_id
        )
    )
    found = (yield from find(ids)).by_key() if ids else {}
    steps: list[Any] = []
    for value in values:
        if isinstance(value, ServiceHubError):
            steps.append(value)
        elif not value.external_id:
            steps.append(RequestValidationError("upsert needs the external_id"))
        elif not found[value.external_id].ok:
            steps.append(found[value.external_id].error)
        elif (existing := found[value.external_id].value) is not None:
            result: UpsertResult[E] = UpsertResult(
                action="unchanged", item=existing, differences=differences(existing, value)
            )
            steps.append(_done(result))
        else:
            steps.append(_created(create(value)))
    return (yield from run_batch(steps, keys, limit=limit, batch_size=batch_size))
