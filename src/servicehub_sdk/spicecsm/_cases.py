"""`spice.cases`: case and response data (`caseLoad`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Unpack

from ..core._client import M, Resource, operation
from ..core._request import CallOptions, Flow
from ._context import SpiceCSMContext
from ._models import CaseRow
from ._rpc import criteria_object

__all__ = ["Cases"]


class Cases(Resource[M, SpiceCSMContext]):
    """SpiceCSM cases."""

    @operation
    def load(
        self, criteria: Mapping[str, Any], **options: Unpack[CallOptions]
    ) -> Flow[list[CaseRow]]:
        """Case/response data matching `criteria` (`caseLoad(obj, session)`, one object),
        as `CaseRow`s (`[]` for SpiceCSM's `{"msg": "no results"}`)."""
        obj = criteria_object(criteria, "caseLoad")
        return self._context.rows("caseLoad", [obj], CaseRow)
