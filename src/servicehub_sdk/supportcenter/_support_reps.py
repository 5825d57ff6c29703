"""`scp.support_reps`: the support reps (`list`, `get`), in the v3 module `technicians`."""

from __future__ import annotations

from ..core._client import ClientBase, M
from ._entities import Entity, ReadOnlyCollection
from ._models import SupportRep

__all__ = ["SupportReps"]


class SupportReps(ReadOnlyCollection[M, SupportRep]):
    """Support reps (`/api/v3/technicians`, as in ServiceDesk Plus; the module name is the
    client's `technicians_path`)."""

    def __init__(self, client: ClientBase[M], path: str = "technicians") -> None:
        super().__init__(client, Entity(path, "technician", path, SupportRep))
