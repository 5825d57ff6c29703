"""`scp.requests.worklogs(id)`: a request's worklogs (`create`, `list`, `get`, `update`,
`delete`)."""

from __future__ import annotations

from ..core._client import M
from ._context import SupportCenterContext
from ._entities import Entity, EntityCollection
from ._models import Worklog, WorklogInput

__all__ = ["Worklogs"]


class Worklogs(EntityCollection[M, Worklog]):
    """A request's worklogs; `owner` and `time_spent` are required."""

    def __init__(self, context: SupportCenterContext, request_id: str) -> None:
        entity = Entity(f"requests/{request_id}/worklogs", "worklog", "worklogs", Worklog)
        super().__init__(context, entity, WorklogInput)
