"""`spice.accounts`: account search (`accountLoad`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Unpack

from ..core._client import M, Resource, operation
from ..core._request import CallOptions, Flow
from ._context import SpiceCSMContext
from ._models import AccountRow
from ._rpc import criteria_object

__all__ = ["Accounts"]


class Accounts(Resource[M, SpiceCSMContext]):
    """SpiceCSM accounts."""

    @operation
    def load(
        self, criteria: Mapping[str, Any], **options: Unpack[CallOptions]
    ) -> Flow[list[AccountRow]]:
        """Accounts matching `criteria` (`accountLoad(obj, session)`, one object), as
        `AccountRow`s (`[]` for SpiceCSM's `{"msg": "no results"}`)."""
        obj = criteria_object(criteria, "accountLoad")
        return self._context.rows("accountLoad", [obj], AccountRow)
