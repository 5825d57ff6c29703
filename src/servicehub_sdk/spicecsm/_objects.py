"""`spice.objects`: SpiceCSM's generic record calls (`load`, `create`, `update`, `delete`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Unpack

from pydantic import BaseModel

from ..core._client import M, Resource, operation
from ..core._errors import RequestValidationError
from ..core._models import validate_input
from ..core._request import CallOptions, Flow
from ._context import SpiceCSMContext
from ._models import APIObject, ObjectRow

__all__ = ["Objects"]

Obj = Mapping[str, Any] | APIObject


def _one(obj: Obj, method: str) -> dict[str, Any]:
    if not isinstance(obj, Mapping | BaseModel):
        raise RequestValidationError(
            f"{method} takes one object with its `type`; arrays are not allowed"
        )
    return validate_input(APIObject, obj).to_wire()


def _many(objects: Sequence[Obj], method: str) -> list[dict[str, Any]]:
    if isinstance(objects, Mapping | BaseModel | str) or not isinstance(objects, Sequence):
        raise RequestValidationError(f"{method} takes a list of objects, each with its `type`")
    if not objects:
        raise RequestValidationError(f"{method} needs at least one object")
    return [_one(obj, method) for obj in objects]


class Objects(Resource[M, SpiceCSMContext]):
    """Records of any SpiceCSM table, addressed by the object's `type`."""

    @operation
    def load(self, obj: Obj, **options: Unpack[CallOptions]) -> Flow[list[ObjectRow]]:
        """Rows matching one object (`load(obj, session)`): `{"type": "cases", "company": 1}`.
        Returns `ObjectRow`s, every column kept (`[]` for `{"msg": "no results"}`)."""
        wire = _one(obj, "load")
        return self._context.rows("load", [wire], ObjectRow)

    @operation
    def create(self, objects: Sequence[Obj], **options: Unpack[CallOptions]) -> Flow[Any]:
        """Create records (`create([obj, …], session)`), each object with its `type`.
        Returns the server's result as sent. Not retried once it may have reached the
        server."""
        wire = _many(objects, "create")
        return self._context.call("create", [wire])

    @operation
    def update(self, objects: Sequence[Obj], **options: Unpack[CallOptions]) -> Flow[Any]:
        """Change records (`update([obj, …], session)`), each object with its `type` and the
        fields identifying and changing the record. Returns the server's result as sent."""
        wire = _many(objects, "update")
        return self._context.call("update", [wire])

    @operation
    def delete(self, obj: Obj, **options: Unpack[CallOptions]) -> Flow[Any]:
        """Delete the records one object identifies (`delete(obj, session)`). Returns the
        server's result as sent."""
        wire = _one(obj, "delete")
        return self._context.call("delete", [wire])
