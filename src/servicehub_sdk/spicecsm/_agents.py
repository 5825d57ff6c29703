"""`spice.agents`: the agent listing (`agentList`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Unpack

from ..core._client import M
from ..core._http import Flow
from ..core._request import ListOptions
from ._listing import flow_listing
from ._models import AgentRow
from ._rpc import SpiceResource, criteria_object

__all__ = ["Agents"]


class Agents(SpiceResource[M]):
    """SpiceCSM agents."""

    @flow_listing
    def list(
        self, criteria: Mapping[str, Any] | None = None, **options: Unpack[ListOptions]
    ) -> Flow[list[AgentRow]]:
        """The agents (`agentList(obj, session)`; `obj` is `null` without criteria), as a
        one-page listing of the rows as sent."""
        obj = criteria_object(criteria, "agentList") or None
        return self._rpc.rows("agentList", [obj], AgentRow)
