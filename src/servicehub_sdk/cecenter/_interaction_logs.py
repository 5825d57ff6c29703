"""`cec.interaction_logs`: interaction logs (`/{tenant}/interactionLogs`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Unpack

import httpx

from ..core._client import (
    M,
    Resource,
    operation,
    paged,
)
from ..core._models import validate_input
from ..core._pagination import Page
from ..core._request import (
    USE_CLIENT_AUTH,
    Call,
    CallOptions,
    ListOptions,
)
from ._context import CECenterContext
from ._models import InteractionLog, InteractionLogInput
from ._wire import (
    MAX_PAGE_SIZE,
    created_id,
    json_body,
    paged_call,
)

__all__ = ["InteractionLogs"]


class InteractionLogs(Resource[M, CECenterContext]):
    """Interaction logs (`/{tenant}/interactionLogs`), with the client token."""

    @paged
    def list(
        self, *, page_size: int = MAX_PAGE_SIZE, **options: Unpack[ListOptions]
    ) -> Call[Page[InteractionLog]]:
        """Interaction log items, page by page."""
        return paged_call(
            "interactionLogs",
            {},
            InteractionLog,
            USE_CLIENT_AUTH,
            page_size,
            "list interactionLogs",
            self._context,
        )

    @operation
    def create(
        self, log: InteractionLogInput | Mapping[str, Any], **options: Unpack[CallOptions]
    ) -> Call[InteractionLog]:
        """Log a customer interaction (`POST interactionLogs`, 201); `customer_id` is required."""
        body = validate_input(InteractionLogInput, log).to_wire()

        def parse(response: httpx.Response) -> InteractionLog:
            data = json_body(response)
            data = data if isinstance(data, dict) else {}
            return InteractionLog.model_validate(
                {**body, **data, "id": data.get("id") or created_id(response)}
            )

        return Call(
            "POST", "interactionLogs", json=body, parse=parse, name="create interactionLog"
        ).creating()
