"""`cec.chat_transcripts`: chat transcripts (`GET chatTranscripts/{id}`)."""

from __future__ import annotations

from typing import Unpack

from ..core.client import M, Resource, operation
from ..core.errors import RequestValidationError
from ..core.request import Call, CallOptions
from .models import ChatTranscript
from .wire import json_body, segment

__all__ = ["ChatTranscripts"]


class ChatTranscripts(Resource[M]):
    """Chat transcripts (`GET chatTranscripts/{id}`)."""

    @operation
    def get(self, transcript_id: str, **options: Unpack[CallOptions]) -> Call[ChatTranscript]:
        """One chat transcript."""
        if not transcript_id:
            raise RequestValidationError("transcript_id must not be empty")
        return Call(
            "GET",
            f"chatTranscripts/{segment(transcript_id)}",
            parse=lambda r: ChatTranscript.model_validate(json_body(r)),
            name="get chatTranscript",
        )
