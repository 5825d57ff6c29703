"""`SupportCenterContext`: what every SupportCenter Plus resource reaches its client's state
through."""

from __future__ import annotations

from dataclasses import dataclass

from ..core._context import ClientContext

__all__ = ["RequestPaths", "SupportCenterContext"]


class RequestPaths:
    """Path names that differ between cloud and on-premise builds."""

    def __init__(
        self,
        *,
        close: str = "close",
        delete: str = "DELETE",
        upload: str = "upload",
        note_key: str = "note",
    ) -> None:
        if delete not in ("DELETE", "move_to_trash"):
            raise ValueError("delete is 'DELETE' or 'move_to_trash'")
        if note_key not in ("note", "request_note"):
            raise ValueError("note_key is 'note' or 'request_note'")
        self.note_key = note_key
        self.close = close
        self.delete = delete
        self.upload = upload


@dataclass(frozen=True, kw_only=True)
class SupportCenterContext(ClientContext):
    """The settings of one `SupportCenterClient` its resources build requests with.

    Attributes:
        paths: the path names of the build (cloud or on-premise).
        max_upload_bytes: the largest attachment sent.
        technicians_path: the module of support reps (`technicians`).
        max_download_bytes: the largest attachment downloaded (`None`: the client's
            `max_response_bytes`).
    """

    paths: RequestPaths
    max_upload_bytes: int
    technicians_path: str
    max_download_bytes: int | None = None
