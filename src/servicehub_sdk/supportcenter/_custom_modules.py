"""`scp.custom_module(api_name)`: records of a custom module (`list`, `get`, `create`,
`update`, `delete`)."""

from __future__ import annotations

from pydantic import BaseModel

from ..core._client import M
from ..core._errors import ConfigurationError
from ._context import SupportCenterContext
from ._entities import Entity, EntityCollection

__all__ = ["CustomModule", "CustomRecord"]


class CustomRecord(BaseModel):
    """A custom module record: every field kept as sent."""

    model_config = {"extra": "allow"}
    id: str | int | None = None


class CustomModule(EntityCollection[M, CustomRecord]):
    """A custom module (`/api/v3/<api_name>`); records are wrapped as `{"<key>": {...}}`,
    `key` defaulting to `api_name`."""

    def __init__(
        self, context: SupportCenterContext, api_name: str, key: str | None = None
    ) -> None:
        if not api_name or "/" in api_name:
            raise ConfigurationError("api_name is the custom module's API name, e.g. 'cm_assets'")
        super().__init__(context, Entity(api_name, key or api_name, api_name, CustomRecord))
