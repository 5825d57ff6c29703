"""What every v3 resource family shares: where an entity lives and how it is wrapped
(`Entity`), the calls that get, list, add, edit and delete it, and the collections built on
them. The families themselves (requests, notes, worklogs, requesters …) have their own
modules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, Unpack

import httpx
from pydantic import BaseModel

from ..core._boundary import path_segment
from ..core._client import (
    M,
    Resource,
    operation,
    paged,
)
from ..core._errors import RequestValidationError
from ..core._models import validate_input
from ..core._pagination import Page, PageData, counter_pages
from ..core._request import Call, CallOptions, ListOptions
from ._context import SupportCenterContext
from ._criteria import Criteria
from ._envelope import (
    checked,
    input_data,
    read_entity,
    read_list,
)

__all__ = [
    "Entity",
    "EntityCollection",
    "ReadOnlyCollection",
    "create_call",
    "delete_call",
    "entity_or_empty",
    "get_call",
    "list_call",
    "no_result",
    "update_call",
]

E = TypeVar("E", bound=BaseModel)
MAX_ROW_COUNT = 100

Search = Criteria | Sequence[Mapping[str, Any]] | None


@dataclass(frozen=True)
class Entity(Generic[E]):
    """Where an entity lives and how it is wrapped: `{"request": {...}}` / `"requests"`."""

    path: str
    key: str
    plural: str
    model: type[E]
    aliases: tuple[str, ...] = ()
    """Other wrapper names read in answers (`request_note` for `note`); each alias `a` also
    accepts the list key `a + "s"`."""

    @property
    def label(self) -> str:
        return f"SupportCenter Plus {self.key}"

    @property
    def answer_keys(self) -> tuple[str, ...]:
        return (self.key, *self.aliases)

    @property
    def answer_plurals(self) -> tuple[str, ...]:
        return (self.plural, *(alias + "s" for alias in self.aliases))


def _parse_one(entity: Entity[E]) -> Any:
    return lambda response: entity.model.model_validate(
        read_entity(response, entity.answer_keys, entity.label)
    )


def get_call(entity: Entity[E], entity_id: str | int) -> Call[E]:
    return Call(
        "GET", _entity_url(entity, entity_id), parse=_parse_one(entity), name=f"get {entity.key}"
    )


def _entity_url(entity: Entity[Any], entity_id: str | int) -> str:
    return f"{entity.path}/{path_segment(entity_id, field=f'{entity.key} id')}"


def create_call(entity: Entity[E], payload: Mapping[str, Any]) -> Call[E]:
    return Call(
        "POST",
        entity.path,
        data={"input_data": input_data({entity.key: dict(payload)})},
        parse=_parse_one(entity),
        name=f"add {entity.key}",
    ).creating()


def update_call(entity: Entity[E], entity_id: str | int, payload: Mapping[str, Any]) -> Call[E]:
    return Call(
        "PUT",
        _entity_url(entity, entity_id),
        data={"input_data": input_data({entity.key: dict(payload)})},
        parse=_parse_one(entity),
        name=f"edit {entity.key}",
    )


def delete_call(entity: Entity[Any], entity_id: str | int) -> Call[None]:
    return Call(
        "DELETE",
        _entity_url(entity, entity_id),
        parse=lambda r: no_result(checked(r, f"delete {entity.key}")),
        name=f"delete {entity.key}",
    )


def no_result(_: object) -> None:
    """Parse helper for answers that carry nothing but their `response_status`."""
    return None


def entity_or_empty(response: httpx.Response, key: str, name: str) -> dict[str, Any]:
    """The object under `key` of a successful answer, or `{}` when there is none."""
    body = checked(response, name)
    value = body.get(key)
    return value if isinstance(value, dict) else {}


def list_info(
    *,
    row_count: int,
    start_index: int,
    search: Search,
    sort: str | None,
    fields: Sequence[str] | None,
) -> dict[str, Any]:
    if not 1 <= row_count <= MAX_ROW_COUNT:
        raise RequestValidationError(
            f"row_count must be between 1 and {MAX_ROW_COUNT}, got {row_count}"
        )
    info: dict[str, Any] = {
        "row_count": row_count,
        "start_index": start_index,
        "get_total_count": True,
    }
    if sort:
        info["sort_field"] = sort.lstrip("-")
        info["sort_order"] = "desc" if sort.startswith("-") else "asc"
    if search is not None:
        info["search_criteria"] = (
            search.to_wire() if isinstance(search, Criteria) else [dict(s) for s in search]
        )
    if fields:
        info["fields_required"] = list(fields)
    return info


def list_call(
    entity: Entity[E],
    *,
    row_count: int = MAX_ROW_COUNT,
    search: Search = None,
    sort: str | None = None,
    fields: Sequence[str] | None = None,
) -> Call[Page[E]]:
    """A listing over `list_info` (`start_index` 1-based, next = start + row_count)."""
    list_info(row_count=row_count, start_index=1, search=search, sort=sort, fields=fields)

    def page(start: int) -> Call[PageData[E]]:
        info = list_info(
            row_count=row_count, start_index=start, search=search, sort=sort, fields=fields
        )

        def parse(response: httpx.Response) -> PageData[E]:
            data = read_list(response, entity.answer_plurals, f"list {entity.plural}")
            items = [entity.model.model_validate(row) for row in data.items]
            return PageData(items=items, has_more=data.has_more, total=data.total)

        return Call(
            "GET",
            entity.path,
            params={"input_data": input_data({"list_info": info})},
            parse=parse,
            name=f"list {entity.plural}",
        )

    return counter_pages(page, start=1, step=row_count, page_size=row_count)


class ReadOnlyCollection(Resource[M, SupportCenterContext], Generic[M, E]):
    """`list()` and `get(id)` of one entity type."""

    def __init__(self, context: SupportCenterContext, entity: Entity[E]) -> None:
        super().__init__(context)
        self._entity = entity

    @paged
    def list(
        self,
        *,
        search: Search = None,
        sort: str | None = None,
        fields: Sequence[str] | None = None,
        row_count: int = MAX_ROW_COUNT,
        **options: Unpack[ListOptions],
    ) -> Call[Page[E]]:
        """Every entry, page by page (`GET /api/v3/<module>` with `list_info`).

        `search` is a `Criteria` or raw `search_criteria`; `sort` a field name (`-` for
        descending); `fields` limits the fields returned; `row_count` is 1 to 100.
        """
        return list_call(self._entity, row_count=row_count, search=search, sort=sort, fields=fields)

    @operation
    def get(self, entity_id: str | int, **options: Unpack[CallOptions]) -> Call[E]:
        """One entry by id (`GET /api/v3/<module>/<id>`)."""
        return get_call(self._entity, entity_id)


class EntityCollection(ReadOnlyCollection[M, E]):
    """`list`, `get`, `create`, `update` and `delete` of one entity type."""

    input_model: type[BaseModel] | None = None

    def __init__(
        self,
        context: SupportCenterContext,
        entity: Entity[E],
        input_model: type[BaseModel] | None = None,
    ) -> None:
        super().__init__(context, entity)
        self.input_model = input_model

    def _payload(self, data: Mapping[str, Any] | BaseModel) -> dict[str, Any]:
        if self.input_model is None:
            return (
                data.model_dump(mode="json", exclude_none=True)
                if isinstance(data, BaseModel)
                else dict(data)
            )
        model = validate_input(self.input_model, data)
        return model.model_dump(mode="json", exclude_none=True, by_alias=True)

    @operation
    def create(
        self, data: Mapping[str, Any] | BaseModel, **options: Unpack[CallOptions]
    ) -> Call[E]:
        """Add an entry (`POST`, `input_data={"<entity>": {...}}`). Not retried once sent."""
        return create_call(self._entity, self._payload(data))

    @operation
    def update(
        self,
        entity_id: str | int,
        data: Mapping[str, Any] | BaseModel,
        **options: Unpack[CallOptions],
    ) -> Call[E]:
        """Change an entry (`PUT .../<id>`, `input_data={"<entity>": {...}}`)."""
        return update_call(self._entity, entity_id, self._payload(data))

    @operation
    def delete(self, entity_id: str | int, **options: Unpack[CallOptions]) -> Call[None]:
        """Delete an entry (`DELETE .../<id>`)."""
        return delete_call(self._entity, entity_id)
