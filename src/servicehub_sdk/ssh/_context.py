"""`SSHContext`: what every Secure Service Hub resource reaches its client's state through."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from pydantic import BaseModel

from ..core._context import ClientContext
from ..core._errors import RequestValidationError
from ..core._pagination import Page, PageData, counter_pages
from ..core._request import Flow, Step
from ._batch import BatchLimit
from ._graphql import FieldRequest, Plan, page_request
from ._schemas import SchemaState

__all__ = ["SSHContext"]

T = TypeVar("T")
B = TypeVar("B", bound=BaseModel)


@dataclass(frozen=True, kw_only=True)
class SSHContext(ClientContext):
    """The state of one `SSHClient` (shared with its `with_options` copies).

    Attributes:
        schemas: which schema the client builds its documents against (its `Plan`).
        batching: the most operations per document the server accepted after refusing more.
    """

    schemas: SchemaState
    batching: BatchLimit

    def plan(self) -> Flow[Plan]:
        """`plan = yield from context.plan()`: the client's plan, returned at once when known;
        otherwise the introspection query is yielded (one request however many callers ask)."""
        return self.schemas.plan()

    def send(self, request: FieldRequest[T]) -> Flow[T]:
        """`result = yield from context.send(request)`: one root field, sent in a document
        built against the client's plan (planned first when not yet known)."""
        plan = yield from self.plan()
        result: T = yield request.bind(plan)
        return result

    def listing(
        self,
        field: str,
        selection: str,
        model: type[B],
        *,
        page_size: int,
        options: Mapping[str, Any] | None = None,
        keep: Callable[[B], bool] | None = None,
    ) -> Step[Page[B]]:
        """A paged listing of `field` (see `page_request`); each page is a flow that plans
        first, so listings work before anything else was sent."""
        if page_size < 1:
            raise RequestValidationError("page_size must be at least 1")

        def page(number: int) -> Step[PageData[B]]:
            request = page_request(
                field,
                selection,
                model,
                number=number,
                page_size=page_size,
                options=options,
                keep=keep,
            )
            return partial(self.send, request)

        return counter_pages(page, start=0, step=1, page_size=page_size)
