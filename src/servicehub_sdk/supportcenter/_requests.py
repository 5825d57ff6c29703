"""`scp.requests`: requests and the request verbs (pick-up, assignment, reply, closure), and
the handles of what hangs off a request (notes, worklogs, notifications, conversations,
attachments, resolution), each in its own module."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, ClassVar, Unpack

from pydantic import BaseModel

from ..core._boundary import path_segment
from ..core._changes import Change, change_of, changed_pages
from ..core._client import M, operation, paged
from ..core._cursor import DEFAULT_OVERLAP, UpdatedSince
from ..core._errors import RequestValidationError
from ..core._models import validate_input
from ..core._pagination import Page
from ..core._request import Call, CallOptions, ListOptions, Step
from ._attachments import Attachments
from ._context import RequestPaths, SupportCenterContext
from ._conversations import Conversations
from ._criteria import Criteria
from ._entities import (
    MAX_ROW_COUNT,
    Entity,
    ReadOnlyCollection,
    create_call,
    delete_call,
    entity_or_empty,
    list_call,
    no_result,
    update_call,
)
from ._envelope import checked, input_data
from ._models import (
    ClosureInfo,
    Notification,
    Request,
    RequestInput,
    Time,
    lookup,
)
from ._notes import Notes
from ._notifications import Notifications
from ._resolutions import Resolutions
from ._worklogs import Worklogs

__all__ = ["RequestPaths", "Requests"]

REQUEST = Entity("requests", "request", "requests", Request)


def _request_id(request_id: str | int) -> str:
    """The request id as one encoded path segment."""
    return path_segment(request_id, field="request_id")


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
        parse=lambda r: Request.model_validate(entity_or_empty(r, "request", name)),
        name=name,
    )


def _request_payload(data: Mapping[str, Any] | BaseModel, *, creating: bool) -> dict[str, Any]:
    model = validate_input(RequestInput, data)
    if creating and not model.subject:
        raise RequestValidationError("a new request needs a subject")
    return model.to_wire()


def _moment(time: Time | None) -> datetime | None:
    """A v3 time as an aware moment."""
    moment = time.value if time is not None else None
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _request_change(request: Request, *, since: datetime | None) -> Change[Request]:
    updated = (request.model_extra or {}).get("last_updated_time")
    return change_of(
        request,
        since=since,
        updated_at=_moment(Time.model_validate(updated)) if updated is not None else None,
        created_at=_moment(request.created_time),
    )


def changed_after(since: datetime, overlap: timedelta) -> Criteria:
    """`last_updated_time` greater than `since - overlap` (epoch milliseconds, minus one: the
    condition is strict)."""
    start = UpdatedSince(since, overlap).ask_from()
    return Criteria("last_updated_time").greater_than(str(int(start.timestamp() * 1000) - 1))


class Requests(ReadOnlyCollection[M, Request]):
    """Requests (`/api/v3/requests`): `list()` and `get(id)` as for every collection, and
    the request's own verbs and sub-resources."""

    _change_model: ClassVar[type[Request]] = Request
    _changes_filter_server_side: ClassVar[bool] = True

    def __init__(self, context: SupportCenterContext) -> None:
        super().__init__(context, REQUEST)

    @paged
    def changes(
        self,
        *,
        since: datetime | None = None,
        overlap: timedelta = DEFAULT_OVERLAP,
        row_count: int = MAX_ROW_COUNT,
        **options: Unpack[ListOptions],
    ) -> Step[Page[Change[Request]]]:
        """The requests changed since `since`, each as a `Change` (`created` when their
        `created_time` is since then too); every request, as `created`, without `since`.

        Filtered by the server: `GET requests` with `search_criteria` on `last_updated_time`
        greater than `since - overlap` (one request per `row_count` changed requests). The
        overlap (60 seconds by default) takes in changes the server stamped late or by a
        clock behind this one, so a request changed in the overlap before `since` is listed
        too; a request read twice with the same `last_updated_time` (pages shifting while
        they are read) is listed once. `updated_at` is `last_updated_time`. Alone it says
        what changed as far as `last_updated_time` tells (deleted requests are not listed);
        a `ChangeFeed` over it is exact and finds deletions with its complete scans.
        """
        search: Criteria | None = None
        if since is not None:
            if since.tzinfo is None:
                raise RequestValidationError("since must be timezone-aware (for example in UTC)")
            if overlap < timedelta(0):
                raise RequestValidationError(f"overlap must not be negative, not {overlap}")
            search = changed_after(since, overlap)
        listing = list_call(REQUEST, row_count=row_count, search=search)
        return changed_pages(listing, partial(_request_change, since=since))

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
        return update_call(REQUEST, request_id, _request_payload(changes, creating=False))

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
            request_id,
            self._context.paths.close,
            "close request",
            {"closure_info": info} if info else {},
        )

    @operation
    def delete(self, request_id: str | int, **options: Unpack[CallOptions]) -> Call[None]:
        """Delete a request (`DELETE requests/{id}`, or `PUT requests/{id}/move_to_trash`)."""
        if self._context.paths.delete == "move_to_trash":
            return Call(
                "PUT",
                f"requests/{_request_id(request_id)}/move_to_trash",
                parse=lambda r: no_result(checked(r, "trash request")),
                name="move request to trash",
            )
        return delete_call(REQUEST, request_id)

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
                entity_or_empty(r, "notification", "reply")
            ),
            name="reply to request",
        )

    def notes(self, request_id: str | int) -> Notes[M]:
        """The request's notes: `create/list/get/update/delete`."""
        return Notes(self._context, _request_id(request_id))

    def worklogs(self, request_id: str | int) -> Worklogs[M]:
        """The request's worklogs: `create/list/get/update/delete`."""
        return Worklogs(self._context, _request_id(request_id))

    def notifications(self, request_id: str | int) -> Notifications[M]:
        """The notifications sent about the request: `list/get`."""
        return Notifications(self._context, _request_id(request_id))

    def conversations(self, request_id: str | int) -> Conversations[M]:
        """The request's conversations: `list/get`."""
        return Conversations(self._context, _request_id(request_id))

    def attachments(self, request_id: str | int) -> Attachments[M]:
        """The request's attachments: `upload`, `list`, `download`."""
        return Attachments(self._context, _request_id(request_id))

    def resolution(self, request_id: str | int) -> Resolutions[M]:
        """The request's resolution: `get`, `set` (add), `update` (edit)."""
        return Resolutions(self._context, _request_id(request_id))
