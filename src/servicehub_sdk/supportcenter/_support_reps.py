"""`scp.support_reps`: the support reps (`list`, `get`), in the v3 module `technicians`."""

from __future__ import annotations

from ..core._client import M
from ._context import SupportCenterContext
from ._entities import Entity, ReadOnlyCollection
from ._models import SupportRep

__all__ = ["SupportReps"]


class SupportReps(ReadOnlyCollection[M, SupportRep]):
    """Support reps (`/api/v3/technicians`, as in ServiceDesk Plus; the module name is the
    client's `technicians_path`)."""

    def __init__(self, context: SupportCenterContext) -> None:
        path = context.technicians_path
        super().__init__(context, Entity(path, "technician", path, SupportRep))
