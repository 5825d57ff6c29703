"""`scp.requesters`: requester profiles (`list`, `get`, `create`, `update`, `delete`)."""

from __future__ import annotations

from ..core._client import ClientBase, M
from ._entities import Entity, EntityCollection
from ._models import Requester, RequesterInput

__all__ = ["Requesters"]


class Requesters(EntityCollection[M, Requester]):
    """Requesters (`/api/v3/requesters`)."""

    def __init__(self, client: ClientBase[M]) -> None:
        super().__init__(
            client, Entity("requesters", "requester", "requesters", Requester), RequesterInput
        )
