"""`scp.requests.attachments(id)`: files on a request (`upload`, `list`, `download`)."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any, Unpack

import httpx

from ..core._boundary import path_segment
from ..core._client import (
    M,
    Resource,
    operation,
    paged,
)
from ..core._errors import RequestValidationError
from ..core._pagination import Page
from ..core._request import Call, CallOptions, ListOptions
from ._context import SupportCenterContext
from ._envelope import checked, read_list
from ._models import Attachment

__all__ = ["Attachments"]

Files = list[Attachment]


class Attachments(Resource[M, SupportCenterContext]):
    """Files on a request."""

    def __init__(self, context: SupportCenterContext, request_id: str) -> None:
        super().__init__(context)
        self._request_id = request_id

    @operation
    def upload(
        self, file: str | Path | bytes, filename: str | None = None, **options: Unpack[CallOptions]
    ) -> Call[Files]:
        """Attach a file (`PUT requests/{id}/upload`, multipart field `input_file`).

        `file` is a path or the bytes; files over the client's `max_upload_bytes` are refused
        before anything is sent.
        """
        if isinstance(file, bytes):
            if not filename:
                raise RequestValidationError("give a filename with bytes")
            content = file
        else:
            path = Path(file)
            if not path.is_file():
                raise RequestValidationError(f"no file at {path}")
            if path.stat().st_size > self._context.max_upload_bytes:
                raise RequestValidationError(
                    f"{path.name} is larger than {self._context.max_upload_bytes} bytes"
                )
            content = path.read_bytes()
            filename = filename or path.name
        if len(content) > self._context.max_upload_bytes:
            raise RequestValidationError(
                f"{filename} is larger than {self._context.max_upload_bytes} bytes"
            )
        assert filename is not None
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        return Call(
            "PUT",
            f"requests/{self._request_id}/{self._context.paths.upload}",
            files={"input_file": (filename, content, content_type)},
            parse=lambda r: [Attachment.model_validate(a) for a in _attachments(r)],
            idempotent=False,
            name="upload attachment",
        )

    @paged
    def list(self, **options: Unpack[ListOptions]) -> Call[Page[Attachment]]:
        """The request's attachments (`GET requests/{id}/attachments`), as a one-page
        listing (the API does not page them)."""
        return Call(
            "GET",
            f"requests/{self._request_id}/attachments",
            parse=lambda r: Page(
                items=[
                    Attachment.model_validate(a)
                    for a in read_list(r, "attachments", "list attachments").items
                ]
            ),
            name="list attachments",
        )

    @operation
    def download(self, attachment_id: str | int, **options: Unpack[CallOptions]) -> Call[bytes]:
        """The content of an attachment (`GET requests/{id}/attachments/{aid}/download`).

        A file larger than the client's `max_download_bytes` raises `ResponseTooLargeError`
        before it is read whole."""
        segment = path_segment(attachment_id, field="attachment_id")
        return Call(
            "GET",
            f"requests/{self._request_id}/attachments/{segment}/download",
            parse=lambda r: r.content,
            name="download attachment",
            max_response_bytes=self._context.max_download_bytes,
        )


def _attachments(response: httpx.Response) -> list[dict[str, Any]]:
    body = checked(response, "upload attachment")
    files = body.get("files") or body.get("attachments") or []
    if isinstance(body.get("attachment"), dict):
        files = [body["attachment"]]
    return [f for f in files if isinstance(f, dict)]
