"""`scp.requesters`: requester profiles (`list`, `get`, `create`, `update`, `delete`)."""

from __future__ import annotations

from ..core._client import M
from ._context import SupportCenterContext
from ._entities import Entity, EntityCollection
from ._models import Requester, RequesterInput

__all__ = ["Requesters"]


class Requesters(EntityCollection[M, Requester]):
    """Requesters (`/api/v3/requesters`)."""

    def __init__(self, context: SupportCenterContext) -> None:
        super().__init__(
            context, Entity("requesters", "requester", "requesters", Requester), RequesterInput
        )
