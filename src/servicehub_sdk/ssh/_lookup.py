"""Finding an item by external ID: the schema's lookup query where it has one, else the
listing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import httpx
from pydantic import BaseModel

from ..core._errors import RequestValidationError, ServiceHubError
from ..core._pagination import Page
from ..core._request import Flow, Step, start
from ._batch import (
    BatchResult,
    BatchResults,
    run_batch,
)
from ._graphql import FieldRequest, graphql_call
from ._models import UpsertResult

if TYPE_CHECKING:
    from ._context import SSHContext

__all__ = [
    "create_missing",
    "create_or_report",
    "find_by_external_id",
    "find_many_by_external_id",
    "kept",
]


class HasExternalId(Protocol):
    external_id: str | None


E = TypeVar("E", bound=HasExternalId)
T = TypeVar("T")


def find_by_external_id(
    context: SSHContext,
    first_page: Step[Page[E]],
    external_id: str,
    *,
    lookup: tuple[str, str, type[BaseModel]] | None = None,
) -> Flow[E | None]:
    """The first item with `external_id`, or `None`.

    `lookup` names a query, its selection and model (`("machineModel", "MachineModel",
    MachineModel)`): where the schema has that query with an `externalId` argument (symmedia's
    services do), it is asked; otherwise the listing is walked page by page (the vendor
    document offers no lookup).
    """
    if lookup is not None:
        field, selection, model = lookup
        plan = yield from context.plan()
        if plan.has_field("query", field) and "externalId" in plan.arguments("query", field):
            request: FieldRequest[E | None] = graphql_call(
                "query", field, {"externalId": external_id}, selection, _reader(model)
            )
            return (yield from context.send(request))
    step: Step[Page[E]] | None = first_page
    while step is not None:
        page: Page[E] = yield from start(step)
        for item in page.items:
            if item.external_id == external_id:
                return item
        step = page.next
    return None


def _reader(model: type[BaseModel]) -> Callable[[Any, httpx.Response], Any]:
    def read(value: Any, _: httpx.Response) -> Any:
        return None if value is None else model.model_validate(value)

    return read


def find_many_by_external_id(
    context: SSHContext,
    first_page: Step[Page[E]],
    external_ids: list[str],
    *,
    lookup: tuple[str, str, type[BaseModel]],
    batch_size: int,
) -> Flow[BatchResults[E | None]]:
    """The items with these external IDs (`None` where there is none), one result each.

    Where the schema has the `lookup` query, the lookups go out `batch_size` per document;
    otherwise the listing is read once, page by page, until every ID is found.
    """
    field, selection, model = lookup
    plan = yield from context.plan()
    if plan.has_field("query", field) and "externalId" in plan.arguments("query", field):
        read = _reader(model)
        steps = [
            graphql_call("query", field, {"externalId": external_id}, selection, read)
            for external_id in external_ids
        ]
        return (yield from run_batch(context, steps, list(external_ids), batch_size=batch_size))
    wanted = set(external_ids)
    found: dict[str, E] = {}
    step: Step[Page[E]] | None = first_page if wanted else None
    while step is not None and len(found) < len(wanted):
        page: Page[E] = yield from start(step)
        for item in page.items:
            if item.external_id in wanted and item.external_id not in found:
                found[item.external_id] = item
        step = page.next
    return BatchResults(
        BatchResult(index, external_id, "ok", found.get(external_id))
        for index, external_id in enumerate(external_ids)
    )


def _done(value: T) -> Flow[T]:
    return value
    yield  # a flow that needs no call


def _created(context: SSHContext, request: FieldRequest[E]) -> Flow[UpsertResult[E]]:
    item: E = yield from context.send(request)
    return UpsertResult(action="created", item=item)


def kept(existing: E, differences: list[str]) -> UpsertResult[E]:
    """The upsert result of an item the API cannot update: `unchanged` when it is as asked
    for, else `differs`, with the fields that differ (nothing was changed)."""
    return UpsertResult(
        action="differs" if differences else "unchanged", item=existing, differences=differences
    )


def create_or_report(
    context: SSHContext,
    wanted: Any,
    *,
    find: Callable[[str], Flow[E | None]],
    create: Callable[[Any], FieldRequest[E]],
    differences: Callable[[E, Any], list[str]],
) -> Flow[UpsertResult[E]]:
    """Upsert of one item the API cannot update: create it when missing, else report it
    `unchanged` or `differs` (see `kept`)."""
    existing = yield from find(wanted.external_id)
    if existing is None:
        return (yield from _created(context, create(wanted)))
    return kept(existing, differences(existing, wanted))


def create_missing(
    context: SSHContext,
    values: list[Any],
    keys: list[str | None],
    *,
    find: Callable[[list[str]], Flow[BatchResults[E | None]]],
    create: Callable[[Any], FieldRequest[E]],
    differences: Callable[[E, Any], list[str]],
    batch_size: int,
) -> Flow[BatchResults[UpsertResult[E]]]:
    """Upsert of items the API cannot update: look all of them up (`find`), then create the
    missing ones in batches; existing ones are `unchanged` or `differs` (see `kept`).

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
            steps.append(_done(kept(existing, differences(existing, value))))
        else:
            steps.append(_created(context, create(value)))
    return (yield from run_batch(context, steps, keys, batch_size=batch_size))
