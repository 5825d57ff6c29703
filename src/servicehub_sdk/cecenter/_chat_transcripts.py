"""`cec.chat_transcripts`: chat transcripts (`GET chatTranscripts/{id}`)."""

from __future__ import annotations

from typing import Unpack

from ..core._boundary import path_segment
from ..core._client import M, Resource, operation
from ..core._request import Call, CallOptions
from ._context import CECenterContext
from ._models import ChatTranscript
from ._wire import json_body

__all__ = ["ChatTranscripts"]


class ChatTranscripts(Resource[M, CECenterContext]):
    """Chat transcripts (`GET chatTranscripts/{id}`)."""

    @operation
    def get(self, transcript_id: str, **options: Unpack[CallOptions]) -> Call[ChatTranscript]:
        """One chat transcript."""
        return Call(
            "GET",
            f"chatTranscripts/{path_segment(transcript_id, field='transcript_id')}",
            parse=lambda r: ChatTranscript.model_validate(json_body(r)),
            name="get chatTranscript",
        )
