"""`spice.agents`: the agent listing (`agentList`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Unpack

from ..core._client import M, Resource, paged
from ..core._pagination import Page
from ..core._request import ListOptions, Step
from ._context import SpiceCSMContext
from ._models import AgentRow
from ._rpc import criteria_object

__all__ = ["Agents"]


class Agents(Resource[M, SpiceCSMContext]):
    """SpiceCSM agents."""

    @paged
    def list(
        self, criteria: Mapping[str, Any] | None = None, **options: Unpack[ListOptions]
    ) -> Step[Page[AgentRow]]:
        """The agents (`agentList(obj, session)`; `obj` is `null` without criteria), as a
        one-page listing of `AgentRow`s."""
        obj = criteria_object(criteria, "agentList") or None
        return self._context.page("agentList", [obj], AgentRow)
