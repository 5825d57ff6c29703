"""`WebCallApp`: the receiving side of SpiceCSM's web calls, as an ASGI and a WSGI app.

```python
app = WebCallApp(int_user="spice", int_pass=secret, on_search=search, on_load=load)
# FastAPI/Starlette: app.mount("/spice", app)   Flask: app.wsgi_app = DispatcherMiddleware(..., {"/spice": app.wsgi})
```

Every call's `intUser`/`intPass` is checked in constant time before anything else, read from
the raw body without decoding the rest of the form: a wrong or missing pair is a 403, and
neither the form nor its XML is parsed and no callback runs. `handle_async` (and so the ASGI
app) parses bodies over `PARSE_INLINE_BYTES` in a worker thread, off the event loop. Bodies
over `max_body_bytes` are a 413, a malformed `Content-Length`, malformed or hostile XML a 400;
a callback that fails, returns what cannot be rendered, or whose rows fail while they are read
is a 500 that reveals nothing. The app never raises out to the server, under ASGI or WSGI.

With `inbox=` (a `feeds.WebCallInbox`), account and case updates are written to the inbox, in
one transaction, before the app answers 200; when the write fails the answer is a 503 and
nothing is stored.
"""

from __future__ import annotations

import asyncio
import hmac
import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote_to_bytes

from pydantic import SecretStr

from ..core._auth import secret
from ..core._extras import require_extra
from ._forms import (
    parse_account_update_form,
    parse_case_update_form,
    parse_load_form,
    parse_search_form,
)
from ._models import (
    AccountData,
    CaseUpdate,
    SearchRequest,
    UserSummary,
)
from ._xml import XMLError, render_userdata, render_users

__all__ = ["DEFAULT_PATHS", "PARSE_INLINE_BYTES", "WebCallApp"]

logger = logging.getLogger("servicehub_sdk.spicecsm")

DEFAULT_PATHS = {
    "search": "/account/search",
    "load": "/account/load",
    "account_update": "/account/update",
    "case_update": "/case/update",
}

SearchHandler = Callable[
    [SearchRequest],
    Iterable[UserSummary | Mapping[str, Any]]
    | Awaitable[Iterable[UserSummary | Mapping[str, Any]]],
]
LoadHandler = Callable[[str], AccountData | Awaitable[AccountData | None] | None]
AccountUpdateHandler = Callable[[AccountData], Any]
CaseUpdateHandler = Callable[[CaseUpdate], Any]

PARSE_INLINE_BYTES = 16 * 1024
"""Authenticated bodies larger than this are parsed in a worker thread by `handle_async`."""

STORED_CALLS = ("account_update", "case_update")
"""The web calls an inbox keeps (the others ask for data and change nothing)."""


class Inbox(Protocol):
    """What `WebCallApp(inbox=...)` takes: `servicehub_sdk.feeds.WebCallInbox`, or anything
    that has stored a web call (`account_update` or `case_update`, with its parsed argument)
    durably when `receive` returns, and raises when it could not."""

    def receive(self, call: str, argument: Any) -> object: ...

    async def receive_async(self, call: str, argument: Any) -> object: ...


_XML = "text/xml; charset=utf-8"
_DONE = b'<?xml version="1.0" encoding="UTF-8"?>\n<result status="success"/>'


@dataclass
class _Answer:
    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"


_INTERNAL_ERROR = (500, b"internal error", "text/plain; charset=utf-8")
_MALFORMED = object()
_BAD_LENGTH = (400, b"malformed Content-Length", "text/plain; charset=utf-8")
_TOO_LARGE = (413, b"body too large", "text/plain; charset=utf-8")
_NOT_STORED = (503, b"the web call could not be stored: send it again", "text/plain; charset=utf-8")


@dataclass
class _Job:
    kind: str
    argument: Any
    callback: Callable[[Any], Any] | None


class WebCallApp:
    """Receives SpiceCSM web calls and answers them from your callbacks.

    Args:
        int_user: the user name SpiceCSM is configured to send.
        int_pass: the password SpiceCSM is configured to send.
        on_search: `(SearchRequest) -> iterable of UserSummary` for the account search.
        on_load: `(userkey) -> AccountData | None` for the account load.
        on_account_update: `(AccountData) -> None` for an account update (`userXML`).
        on_case_update: `(CaseUpdate) -> None` for a case update (`Userkey`, `caseXML`).
        paths: paths per call, overriding `DEFAULT_PATHS` (keys `search`, `load`,
            `account_update`, `case_update`).
        max_body_bytes: larger bodies are refused with 413 (default 1 MiB).
        inbox: a `servicehub_sdk.feeds.WebCallInbox`: account and case updates are written
            to it before the 200 goes out (a failed write is a 503, with nothing stored),
            and a `ChangeFeed(inbox)` delivers them; their callbacks, if any, run after the
            write.

    Callbacks may be plain functions or coroutine functions.
    """

    def __init__(
        self,
        *,
        int_user: str,
        int_pass: str | SecretStr,
        on_search: SearchHandler | None = None,
        on_load: LoadHandler | None = None,
        on_account_update: AccountUpdateHandler | None = None,
        on_case_update: CaseUpdateHandler | None = None,
        paths: Mapping[str, str] | None = None,
        max_body_bytes: int = 1024 * 1024,
        inbox: Inbox | None = None,
    ) -> None:
        require_extra("spicecsm", "lxml", feature="WebCallApp")
        if not int_user or not secret(int_pass).get_secret_value():
            raise ValueError("int_user and int_pass must not be empty")
        self._user = int_user.encode("utf-8")
        self._password = secret(int_pass)
        unknown = set(paths or {}) - set(DEFAULT_PATHS)
        if unknown:
            raise ValueError(f"unknown web call(s) in paths: {', '.join(sorted(unknown))}")
        routes = {**DEFAULT_PATHS, **(paths or {})}
        callbacks: dict[str, Callable[[Any], Any] | None] = {
            "search": on_search,
            "load": on_load,
            "account_update": on_account_update,
            "case_update": on_case_update,
        }
        self._routes = {path: (kind, callbacks[kind]) for kind, path in routes.items()}
        self.max_body_bytes = max_body_bytes
        self.inbox = inbox

    # -- the framework-free core ----------------------------------------------------

    def _stored(self, kind: str) -> bool:
        """Whether the `kind` web call goes to the inbox."""
        return self.inbox is not None and kind in STORED_CALLS

    def _screen(
        self, method: str, path: str, content_type: str, body: bytes
    ) -> tuple[str, Callable[[Any], Any] | None] | _Answer:
        """Route, method, size, content type and credentials: everything that is cheap."""
        route = self._routes.get(path.rstrip("/") or "/")
        if route is None or (route[1] is None and not self._stored(route[0])):
            return _Answer(404, b"unknown web call")
        if method != "POST":
            return _Answer(405, b"web calls are POSTed")
        if len(body) > self.max_body_bytes:
            return _Answer(413, b"body too large")
        if "application/x-www-form-urlencoded" not in content_type:
            return _Answer(400, b"expected application/x-www-form-urlencoded")
        given_user, given_password = _credentials(body)
        user_ok = hmac.compare_digest(given_user, self._user)
        password_ok = hmac.compare_digest(
            given_password, self._password.get_secret_value().encode("utf-8")
        )
        if not (user_ok and password_ok):
            return _Answer(403, b"forbidden")
        return route[0], route[1]

    @staticmethod
    def _parse(kind: str, callback: Callable[[Any], Any] | None, body: bytes) -> _Job | _Answer:
        """The form and its XML, read into the callback's argument (the costly part)."""
        try:
            form = {
                k: v[0] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()
            }
        except UnicodeDecodeError:
            return _Answer(400, b"the form is not UTF-8")
        try:
            argument: Any = {
                "search": parse_search_form,
                "load": parse_load_form,
                "account_update": parse_account_update_form,
                "case_update": parse_case_update_form,
            }[kind](form)
        except XMLError as exc:
            return _Answer(400, str(exc).encode("utf-8")[:500])
        except ValueError:
            return _Answer(400, b"invalid web call variables")
        return _Job(kind, argument, callback)

    def _prepare(self, method: str, path: str, content_type: str, body: bytes) -> _Job | _Answer:
        screened = self._screen(method, path, content_type, body)
        if isinstance(screened, _Answer):
            return screened
        return self._parse(*screened, body)

    async def _prepare_async(
        self, method: str, path: str, content_type: str, body: bytes
    ) -> _Job | _Answer:
        screened = self._screen(method, path, content_type, body)
        if isinstance(screened, _Answer):
            return screened
        if len(body) <= PARSE_INLINE_BYTES:
            return self._parse(*screened, body)
        return await asyncio.to_thread(self._parse, *screened, body)

    @staticmethod
    def _render(kind: str, result: Any) -> _Answer:
        # Whatever a callback returns (a wrong type, a generator that raises while its rows
        # are read) ends in an answer: 200 with the XML, or a 500 that reveals nothing.
        try:
            if kind == "search":
                return _Answer(200, render_users(result or []), _XML)
            if kind == "load":
                return _Answer(200, render_userdata(result), _XML)
        except Exception:
            return _Answer(
                *_internal_error("a SpiceCSM %s callback's answer cannot be rendered", kind)
            )
        return _Answer(200, _DONE, _XML)

    def handle(
        self, method: str, path: str, content_type: str, body: bytes
    ) -> tuple[int, bytes, str]:
        """Answer one web call synchronously: `(status, body, content type)`."""
        job = self._prepare(method, path, content_type, body)
        if isinstance(job, _Answer):
            return job.status, job.body, job.content_type
        if self.inbox is not None and self._stored(job.kind):
            try:
                self.inbox.receive(job.kind, job.argument)
            except Exception:
                return _not_stored(job.kind)
        try:
            result = None if job.callback is None else job.callback(job.argument)
            if inspect.isawaitable(result):
                result = asyncio.run(_await(result))
        except Exception:
            return _internal_error("the SpiceCSM %s callback failed", job.kind)
        answer = self._render(job.kind, result)
        return answer.status, answer.body, answer.content_type

    async def handle_async(
        self, method: str, path: str, content_type: str, body: bytes
    ) -> tuple[int, bytes, str]:
        """Answer one web call in an event loop; sync callbacks, and the parsing of large
        bodies, run in a worker thread."""
        job = await self._prepare_async(method, path, content_type, body)
        if isinstance(job, _Answer):
            return job.status, job.body, job.content_type
        if self.inbox is not None and self._stored(job.kind):
            try:
                await self.inbox.receive_async(job.kind, job.argument)
            except Exception:
                return _not_stored(job.kind)
        try:
            if job.callback is None:
                result = None
            elif inspect.iscoroutinefunction(job.callback):
                result = await job.callback(job.argument)
            else:
                result = await asyncio.to_thread(job.callback, job.argument)
                if inspect.isawaitable(result):
                    result = await result
        except Exception:
            return _internal_error("the SpiceCSM %s callback failed", job.kind)
        answer = self._render(job.kind, result)
        return answer.status, answer.body, answer.content_type

    # -- ASGI -----------------------------------------------------------------------

    async def __call__(
        self,
        scope: dict[str, Any],
        receive: Callable[[], Awaitable[dict[str, Any]]],
        send: Callable[[dict[str, Any]], Awaitable[None]],
    ) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        headers = {
            k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])
        }
        path = scope.get("path", "/")
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :] or "/"
        try:
            status, body, content_type = await self._asgi_answer(scope, receive, headers, path)
        except Exception:
            status, body, content_type = _internal_error("a SpiceCSM web call failed")
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", content_type.encode()),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def _asgi_answer(
        self,
        scope: dict[str, Any],
        receive: Callable[[], Awaitable[dict[str, Any]]],
        headers: Mapping[str, str],
        path: str,
    ) -> tuple[int, bytes, str]:
        declared = _content_length(headers.get("content-length"))
        if declared is _MALFORMED:
            status, body, content_type = _BAD_LENGTH
        elif isinstance(declared, int) and declared > self.max_body_bytes:
            status, body, content_type = _TOO_LARGE
        else:
            chunks: list[bytes] = []
            size = 0
            more = True
            too_large = False
            while more:
                message = await receive()
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > self.max_body_bytes:
                    too_large = True
                    break
                chunks.append(chunk)
                more = message.get("more_body", False)
            if too_large:
                status, body, content_type = _TOO_LARGE
            else:
                status, body, content_type = await self.handle_async(
                    scope["method"], path, headers.get("content-type", ""), b"".join(chunks)
                )
        return status, body, content_type

    # -- WSGI -----------------------------------------------------------------------

    def _wsgi_answer(self, environ: dict[str, Any]) -> tuple[int, bytes, str]:
        declared = _content_length(environ.get("CONTENT_LENGTH"))
        if declared is _MALFORMED:
            return _BAD_LENGTH
        length = declared if isinstance(declared, int) else 0
        if length > self.max_body_bytes:
            return _TOO_LARGE
        raw = environ["wsgi.input"].read(length) if length else b""
        return self.handle(
            environ.get("REQUEST_METHOD", "GET"),
            environ.get("PATH_INFO", "/") or "/",
            environ.get("CONTENT_TYPE", ""),
            raw,
        )

    def wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        """The same app for WSGI servers (Flask, Django, gunicorn)."""
        try:
            status, body, content_type = self._wsgi_answer(environ)
        except Exception:
            status, body, content_type = _internal_error("a SpiceCSM web call failed")
        reason = {
            200: "OK",
            400: "Bad Request",
            403: "Forbidden",
            404: "Not Found",
            405: "Method Not Allowed",
            413: "Payload Too Large",
            500: "Internal Server Error",
            503: "Service Unavailable",
        }.get(status, "Error")
        start_response(
            f"{status} {reason}",
            [("Content-Type", content_type), ("Content-Length", str(len(body)))],
        )
        return [body]


def _internal_error(message: str, *args: Any) -> tuple[int, bytes, str]:
    """Log the exception being handled; the answer (a 500) reveals nothing of it."""
    logger.exception(message, *args)
    return _INTERNAL_ERROR


def _not_stored(kind: str) -> tuple[int, bytes, str]:
    """A 503 for a web call the inbox could not store (logged; the answer reveals nothing)."""
    logger.exception("a SpiceCSM %s web call could not be stored; answered 503", kind)
    return _NOT_STORED


def _content_length(value: str | None) -> int | object | None:
    """The declared body length: `None` when absent, `_MALFORMED` unless it is 1 to 18 ASCII
    digits (`²`, `-1`, `1e3` and numbers too long to mean anything are malformed)."""
    if value is None or value == "":
        return None
    text = value.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        return _MALFORMED
    return int(text)


def _credentials(body: bytes) -> tuple[bytes, bytes]:
    """`intUser` and `intPass` of a form body (first values, percent-decoded, as `parse_qs`
    reads them), found without decoding the rest of the body."""
    found: dict[bytes, bytes] = {}
    start = 0
    while start <= len(body) and len(found) < 2:
        end = body.find(b"&", start)
        if end < 0:
            end = len(body)
        name, _, value = body[start:end].partition(b"=")
        if b"%" in name or b"+" in name:
            name = unquote_to_bytes(name.replace(b"+", b" "))
        if name in (b"intUser", b"intPass") and name not in found:
            found[name] = unquote_to_bytes(value.replace(b"+", b" "))
        start = end + 1
    return found.get(b"intUser", b""), found.get(b"intPass", b"")


async def _await(awaitable: Awaitable[Any]) -> Any:
    return await awaitable
