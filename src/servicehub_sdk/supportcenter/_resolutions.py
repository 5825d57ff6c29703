"""`scp.requests.resolution(id)`: a request's resolution (`get`, `create` to add, `update`
to edit)."""

from __future__ import annotations

from typing import Any, Unpack

import httpx

from ..core._client import (
    M,
    Resource,
    operation,
)
from ..core._errors import NotFoundError, RequestValidationError
from ..core._request import Call, CallOptions
from ._context import SupportCenterContext
from ._entities import entity_or_empty
from ._envelope import input_data
from ._models import Resolution

__all__ = ["Resolutions"]


class Resolutions(Resource[M, SupportCenterContext]):
    """A request's resolution."""

    def __init__(self, context: SupportCenterContext, request_id: str) -> None:
        super().__init__(context)
        self._request_id = request_id

    @operation
    def get(self, **options: Unpack[CallOptions]) -> Call[Resolution]:
        """The resolution (`GET requests/{id}/resolutions`).

        Raises:
            NotFoundError: the request has no resolution yet.
        """
        request_id = self._request_id

        def read(response: httpx.Response) -> Resolution:
            entity = entity_or_empty(response, "resolution", "get resolution")
            if not entity:
                raise NotFoundError(
                    f"SupportCenter Plus request {request_id} has no resolution",
                    response=response,
                    may_have_been_applied=False,
                )
            return Resolution.model_validate(entity)

        return Call("GET", f"requests/{request_id}/resolutions", parse=read, name="get resolution")

    @operation
    def create(
        self,
        content: str,
        *,
        add_to_linked_requests: bool | None = None,
        **options: Unpack[CallOptions],
    ) -> Call[Resolution]:
        """Add the resolution (`POST requests/{id}/resolutions`)."""
        return self._write("POST", content, add_to_linked_requests, "add resolution")

    @operation
    def update(
        self,
        content: str,
        *,
        add_to_linked_requests: bool | None = None,
        **options: Unpack[CallOptions],
    ) -> Call[Resolution]:
        """Edit the resolution (`PUT requests/{id}/resolutions`, the document's "edit
        resolution"); returns it as stored."""
        return self._write("PUT", content, add_to_linked_requests, "edit resolution")

    def _write(
        self, method: str, content: str, add_to_linked_requests: bool | None, name: str
    ) -> Call[Resolution]:
        if not content:
            raise RequestValidationError("a resolution needs content")
        resolution: dict[str, Any] = {"content": content}
        if add_to_linked_requests is not None:
            resolution["add_to_linked_requests"] = add_to_linked_requests
        return Call(
            method,
            f"requests/{self._request_id}/resolutions",
            data={"input_data": input_data({"resolution": resolution})},
            parse=lambda r: Resolution.model_validate(entity_or_empty(r, "resolution", name)),
            idempotent=True,
            name=name,
        )
