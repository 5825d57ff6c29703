"""`spice.accounts`: account search (`accountLoad`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Unpack

from ..core._client import M, operation
from ..core._http import Flow
from ..core._request import CallOptions
from ._models import AccountRow
from ._rpc import SpiceResource, criteria_object

__all__ = ["Accounts"]


class Accounts(SpiceResource[M]):
    """SpiceCSM accounts."""

    @operation
    def load(
        self, criteria: Mapping[str, Any], **options: Unpack[CallOptions]
    ) -> Flow[list[AccountRow]]:
        """Accounts matching `criteria` (`accountLoad(obj, session)`, one object), as a list
        of rows (`[]` for SpiceCSM's `{"msg": "no results"}`)."""
        obj = criteria_object(criteria, "accountLoad")
        return self._rpc.rows("accountLoad", [obj], AccountRow)
