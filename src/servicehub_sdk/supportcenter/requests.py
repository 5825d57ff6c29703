"""`scp.requests` and everything on a request: notes, worklogs, resolution, notifications,
conversations, attachments, pick-up, assignment, reply and closure."""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Unpack

import httpx
from pydantic import BaseModel

from ..core.client import ClientBase, M, Resource, operation, paged
from ..core.errors import RequestValidationError
from ..core.models import validate_input
from ..core.pagination import Page
from ..core.request import Call, CallOptions, ListOptions
from .entities import (
    MAX_ROW_COUNT,
    Entity,
    EntityCollection,
    ReadOnlyCollection,
    Search,
    create_call,
    delete_call,
    get_call,
    list_call,
    update_call,
)
from .envelope import checked, input_data, read_list
from .models import (
    Attachment,
    ClosureInfo,
    Conversation,
    Note,
    NoteInput,
    Notification,
    Request,
    RequestInput,
    Resolution,
    Worklog,
    WorklogInput,
    lookup,
)

__all__ = ["Attachments", "RequestPaths", "Requests", "Resolutions"]

REQUEST = Entity("requests", "request", "requests", Request)
Files = list[Attachment]


class RequestPaths:
    """Path names that differ between cloud and on-premise builds."""

    def __init__(
        self, *, close: str = "close", delete: str = "DELETE", upload: str = "upload"
    ) -> None:
        if delete not in ("DELETE", "move_to_trash"):
            raise ValueError("delete is 'DELETE' or 'move_to_trash'")
        self.close = close
        self.delete = delete
        self.upload = upload


def _request_id(request_id: str | int) -> str:
    if request_id in (None, ""):
        raise RequestValidationError("request_id must not be empty")
    return str(request_id)


def _request_action(
    request_id: str | int, action: str, name: str, request: Mapping[str, Any] | None = None
) -> Call[Request]:
    """`PUT requests/{id}/<action>`, optionally with `{"request": {...}}`, answering the request."""
    return Call(
        "PUT",
        f"requests/{_request_id(request_id)}/{action}",
        data={"input_data": input_data({"request": dict(request)})}
        if request is not None
        else None,
        parse=lambda r: Request.model_validate(_entity_or_empty(r, "request", name)),
        name=name,
    )


def _request_payload(data: Mapping[str, Any] | BaseModel, *, creating: bool) -> dict[str, Any]:
    model = validate_input(RequestInput, data)
    if creating and not model.subject:
        raise RequestValidationError("a new request needs a subject")
    return model.to_wire()


class Requests(Resource[M]):
    """Requests (`/api/v3/requests`)."""

    def __init__(self, client: ClientBase[M], paths: RequestPaths, max_upload_bytes: int) -> None:
        super().__init__(client)
        self._paths = paths
        self._max_upload_bytes = max_upload_bytes

    @paged
    def list(
        self,
        *,
        search: Search = None,
        sort: str | None = None,
        fields: Sequence[str] | None = None,
        row_count: int = MAX_ROW_COUNT,
        **options: Unpack[ListOptions],
    ) -> Call[Page[Request]]:
        """Requests, page by page (`GET requests` with `list_info`). `search` takes a
        `Criteria`; `sort` a field (`-created_time` for newest first)."""
        return list_call(REQUEST, row_count=row_count, search=search, sort=sort, fields=fields)

    @operation
    def get(self, request_id: str | int, **options: Unpack[CallOptions]) -> Call[Request]:
        """One request (`GET requests/{id}`)."""
        return get_call(REQUEST, _request_id(request_id))

    @operation
    def create(
        self, request: Mapping[str, Any] | RequestInput, **options: Unpack[CallOptions]
    ) -> Call[Request]:
        """Raise a request (`POST requests`); `subject` is required. `callback_url` is stored
        and invoked by SupportCenter Plus when the request is resolved or closed. Not
        retried once it may have reached the server."""
        return create_call(REQUEST, _request_payload(request, creating=True))

    @operation
    def update(
        self,
        request_id: str | int,
        changes: Mapping[str, Any] | RequestInput,
        **options: Unpack[CallOptions],
    ) -> Call[Request]:
        """Edit a request (`PUT requests/{id}`)."""
        return update_call(
            REQUEST, _request_id(request_id), _request_payload(changes, creating=False)
        )

    @operation
    def close(
        self,
        request_id: str | int,
        closure_info: Mapping[str, Any] | ClosureInfo | None = None,
        **options: Unpack[CallOptions],
    ) -> Call[Request]:
        """Close a request (`PUT requests/{id}/close`, `_close` on some builds) with
        `{"request": {"closure_info": {...}}}`."""
        info = validate_input(ClosureInfo, closure_info or {}).to_wire()
        return _request_action(
            request_id, self._paths.close, "close request", {"closure_info": info} if info else {}
        )

    @operation
    def delete(self, request_id: str | int, **options: Unpack[CallOptions]) -> Call[None]:
        """Delete a request (`DELETE requests/{id}`, or `PUT requests/{id}/move_to_trash`)."""
        rid = _request_id(request_id)
        if self._paths.delete == "move_to_trash":
            return Call(
                "PUT",
                f"requests/{rid}/move_to_trash",
                parse=lambda r: _none(checked(r, "trash request")),
                name="move request to trash",
            )
        return delete_call(REQUEST, rid)

    @operation
    def pickup(self, request_id: str | int, **options: Unpack[CallOptions]) -> Call[Request]:
        """Assign the request to the key's own support rep (`PUT requests/{id}/pickup`)."""
        return _request_action(request_id, "pickup", "pick up request")

    @operation
    def assign(
        self,
        request_id: str | int,
        *,
        technician: Any = None,
        group: Any = None,
        **options: Unpack[CallOptions],
    ) -> Call[Request]:
        """Assign to a support rep and/or group (`PUT requests/{id}/assign`); each by name,
        id or mapping."""
        if technician is None and group is None:
            raise RequestValidationError("assign needs a technician, a group or both")
        request: dict[str, Any] = {}
        if technician is not None:
            request["technician"] = lookup(technician)
        if group is not None:
            request["group"] = lookup(group)
        return _request_action(request_id, "assign", "assign request", request)

    @operation
    def reply(
        self,
        request_id: str | int,
        description: str,
        *,
        to: Sequence[str] | None = None,
        subject: str | None = None,
        **options: Unpack[CallOptions],
    ) -> Call[Notification]:
        """Reply to the requester (`POST requests/{id}/reply`); returns the notification sent."""
        if not description:
            raise RequestValidationError("a reply needs a description")
        reply: dict[str, Any] = {"description": description}
        if to:
            reply["to"] = [{"email_id": address} for address in to]
        if subject:
            reply["subject"] = subject
        return Call(
            "POST",
            f"requests/{_request_id(request_id)}/reply",
            data={"input_data": input_data({"reply": reply})},
            parse=lambda r: Notification.model_validate(
                _entity_or_empty(r, "notification", "reply")
            ),
            name="reply to request",
        )

    def notes(self, request_id: str | int) -> EntityCollection[M, Note]:
        """The request's notes: `create/list/get/update/delete`. Answers are read under
        `note` and, as ServiceDesk-Plus-family servers send them, `request_note`."""
        entity = Entity(
            f"requests/{_request_id(request_id)}/notes",
            "note",
            "notes",
            Note,
            aliases=("request_note",),
        )
        return EntityCollection(self._client, entity, NoteInput)

    def worklogs(self, request_id: str | int) -> EntityCollection[M, Worklog]:
        """The request's worklogs (`owner` and `time_spent` required): `create/list/get/update/delete`."""
        entity = Entity(
            f"requests/{_request_id(request_id)}/worklogs", "worklog", "worklogs", Worklog
        )
        return EntityCollection(self._client, entity, WorklogInput)

    def notifications(self, request_id: str | int) -> ReadOnlyCollection[M, Notification]:
        """The notifications sent about the request: `list/get`."""
        entity = Entity(
            f"requests/{_request_id(request_id)}/notifications",
            "notification",
            "notifications",
            Notification,
        )
        return ReadOnlyCollection(self._client, entity)

    def conversations(self, request_id: str | int) -> ReadOnlyCollection[M, Conversation]:
        """The request's conversations: `list/get`."""
        entity = Entity(
            f"requests/{_request_id(request_id)}/conversations",
            "conversation",
            "conversations",
            Conversation,
        )
        return ReadOnlyCollection(self._client, entity)

    def attachments(self, request_id: str | int) -> Attachments[M]:
        """The request's attachments: `upload`, `list`, `download`."""
        return Attachments(
            self._client, _request_id(request_id), self._paths.upload, self._max_upload_bytes
        )

    def resolution(self, request_id: str | int) -> Resolutions[M]:
        """The request's resolution: `get`, `set` (add), `update` (edit)."""
        return Resolutions(self._client, _request_id(request_id))


class Attachments(Resource[M]):
    """Files on a request."""

    def __init__(
        self, client: ClientBase[M], request_id: str, upload_path: str, max_bytes: int
    ) -> None:
        super().__init__(client)
        self._request_id = request_id
        self._upload_path = upload_path
        self._max_bytes = max_bytes

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
            if path.stat().st_size > self._max_bytes:
                raise RequestValidationError(f"{path.name} is larger than {self._max_bytes} bytes")
            content = path.read_bytes()
            filename = filename or path.name
        if len(content) > self._max_bytes:
            raise RequestValidationError(f"{filename} is larger than {self._max_bytes} bytes")
        assert filename is not None
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        return Call(
            "PUT",
            f"requests/{self._request_id}/{self._upload_path}",
            files={"input_file": (filename, content, content_type)},
            parse=lambda r: [Attachment.model_validate(a) for a in _attachments(r)],
            idempotent=False,
            name="upload attachment",
        )

    @operation
    def list(self, **options: Unpack[CallOptions]) -> Call[Files]:
        """The request's attachments (`GET requests/{id}/attachments`)."""
        return Call(
            "GET",
            f"requests/{self._request_id}/attachments",
            parse=lambda r: [
                Attachment.model_validate(a)
                for a in read_list(r, "attachments", "list attachments").items
            ],
            name="list attachments",
        )

    @operation
    def download(self, attachment_id: str | int, **options: Unpack[CallOptions]) -> Call[bytes]:
        """The content of an attachment (`GET requests/{id}/attachments/{aid}/download`)."""
        if attachment_id in (None, ""):
            raise RequestValidationError("attachment_id must not be empty")
        return Call(
            "GET",
            f"requests/{self._request_id}/attachments/{attachment_id}/download",
            parse=lambda r: r.content,
            name="download attachment",
        )


class Resolutions(Resource[M]):
    """A request's resolution."""

    def __init__(self, client: ClientBase[M], request_id: str) -> None:
        super().__init__(client)
        self._request_id = request_id

    @operation
    def get(self, **options: Unpack[CallOptions]) -> Call[Resolution]:
        """The resolution (`GET requests/{id}/resolutions`)."""
        return Call(
            "GET",
            f"requests/{self._request_id}/resolutions",
            parse=lambda r: Resolution.model_validate(
                _entity_or_empty(r, "resolution", "get resolution")
            ),
            name="get resolution",
        )

    @operation
    def set(
        self,
        content: str,
        *,
        add_to_linked_requests: bool | None = None,
        **options: Unpack[CallOptions],
    ) -> Call[Resolution]:
        """Add the resolution (`POST requests/{id}/resolutions`)."""
        return self._write("POST", content, add_to_linked_requests, "set resolution")

    @operation
    def update(
        self,
        content: str,
        *,
        add_to_linked_requests: bool | None = None,
        **options: Unpack[CallOptions],
    ) -> Call[Resolution]:
        """Edit the resolution (`PUT requests/{id}/resolutions`, the document's "edit
        resolution"); returns it as stored."""
        return self._write("PUT", content, add_to_linked_requests, "edit resolution")

    def _write(
        self, method: str, content: str, add_to_linked_requests: bool | None, name: str
    ) -> Call[Resolution]:
        if not content:
            raise RequestValidationError("a resolution needs content")
        resolution: dict[str, Any] = {"content": content}
        if add_to_linked_requests is not None:
            resolution["add_to_linked_requests"] = add_to_linked_requests
        return Call(
            method,
            f"requests/{self._request_id}/resolutions",
            data={"input_data": input_data({"resolution": resolution})},
            parse=lambda r: Resolution.model_validate(_entity_or_empty(r, "resolution", name)),
            idempotent=True,
            name=name,
        )


def _entity_or_empty(response: httpx.Response, key: str, name: str) -> dict[str, Any]:
    body = checked(response, name)
    value = body.get(key)
    return value if isinstance(value, dict) else {}


def _attachments(response: httpx.Response) -> list[dict[str, Any]]:
    body = checked(response, "upload attachment")
    files = body.get("files") or body.get("attachments") or []
    if isinstance(body.get("attachment"), dict):
        files = [body["attachment"]]
    return [f for f in files if isinstance(f, dict)]


def _none(_: object) -> None:
    return None
