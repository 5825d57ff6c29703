"""The trust boundary: what the SDK checks on values crossing into a request.

- `path_segment` puts an id into a URL path as exactly one segment, so that an id from user or
  synced data can never climb out of its place (`../`, `?`, `#`).
- `credential` and `received_credential` keep secrets usable as header values, or refuse them
  without ever repeating them.
- `same_origin` says whether a URL is on the origin the client was configured for, so that
  credentials are never sent elsewhere.
- `require_https` refuses plain http to any host but a loopback one, unless the user set
  `allow_insecure_http=True`, so that credentials never cross a network in clear.
- `check_encodable` refuses, before sending, values that cannot be put on the wire (lone
  surrogates, NaN and infinities, types JSON cannot hold), naming where they are.
"""

from __future__ import annotations

import ipaddress
import json
import math
import re
from collections.abc import Generator, Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx
from pydantic import SecretStr

from ._errors import ConfigurationError, RequestValidationError

if TYPE_CHECKING:
    from ._request import Call

__all__ = [
    "CONTROL_CHARACTER",
    "RefuseToSend",
    "check_call",
    "check_encodable",
    "check_transport_security",
    "check_values",
    "credential",
    "describe_transport_error",
    "header_credential",
    "json_text",
    "origin",
    "path_segment",
    "received_credential",
    "require_https",
    "same_origin",
]

CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")
"""A character that must never appear in an HTTP header value."""

_DOT_SEGMENTS = frozenset({".", ".."})
_UNRESERVED_SEGMENT = re.compile(r"[A-Za-z0-9_.~-]+")
"""A segment `quote` would return unchanged (ids are mostly this: no call to `quote`)."""
_SCALARS = (str, int, float, bool, type(None))


def path_segment(value: str | int, *, field: str) -> str:
    """`value` percent-encoded as exactly one URL path segment.

    Everything outside RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`) is
    percent-encoded as UTF-8, `/ ? # %` included.

    Raises:
        RequestValidationError: the value is empty, `.` or `..`, not a string or integer,
            or not encodable (a lone surrogate).
    """
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise RequestValidationError(
            f"{field} must be a string or an integer, not {type(value).__name__}",
            errors=[{"loc": (field,), "msg": "not a string or integer"}],
        )
    text = str(value)
    if text == "" or text in _DOT_SEGMENTS:
        raise RequestValidationError(
            f"{field} must not be empty, '.' or '..'",
            errors=[{"loc": (field,), "msg": "not a usable path segment"}],
        )
    if _UNRESERVED_SEGMENT.fullmatch(text):
        return text
    try:
        return quote(text, safe="", encoding="utf-8", errors="strict")
    except UnicodeEncodeError:
        raise RequestValidationError(
            f"{field} holds a character that cannot be encoded (a lone surrogate)",
            errors=[{"loc": (field,), "msg": "not encodable as UTF-8"}],
        ) from None


def credential(value: str | SecretStr, *, what: str = "a credential") -> SecretStr:
    """A configured secret, stripped of surrounding whitespace (a trailing newline from a
    file or a mounted secret).

    Raises:
        ConfigurationError: a control character remains inside it; the message never
            contains the value.
    """
    raw = value.get_secret_value() if isinstance(value, SecretStr) else value
    if not isinstance(raw, str):
        raise ConfigurationError(f"{what} must be a string")
    stripped = raw.strip()
    if CONTROL_CHARACTER.search(stripped):
        raise ConfigurationError(
            f"{what} contains a control character (such as a line break) that cannot be sent "
            "in an HTTP header"
        )
    if isinstance(value, SecretStr) and stripped == raw:
        return value
    return SecretStr(stripped)


def header_credential(value: str | SecretStr, *, what: str = "a credential") -> SecretStr:
    """`credential`, further refused unless it is ASCII (it travels in an HTTP header)."""
    cleaned = credential(value, what=what)
    if not cleaned.get_secret_value().isascii():
        raise ConfigurationError(
            f"{what} contains a non-ASCII character, which cannot be sent in an HTTP header"
        )
    return cleaned


def received_credential(value: str, *, what: str = "the token") -> str:
    """A secret received from an identity provider, stripped of surrounding whitespace.

    Raises:
        ValueError: a control character remains inside it (the message never contains it).
    """
    stripped = value.strip()
    if not stripped or CONTROL_CHARACTER.search(stripped):
        raise ValueError(f"{what} is empty or contains a character not allowed in an HTTP header")
    return stripped


def describe_transport_error(exc: Exception, request: httpx.Request | None) -> str:
    """What went wrong on the wire, in words that never repeat a header value.

    h11 and httpx quote an offending header value verbatim (`Illegal header value
    b'<the key>\\n'`); that text must not reach an error message, a log or a CLI.
    """
    if isinstance(exc, httpx.LocalProtocolError):
        description = (
            "the request could not be written: a credential or header contains a character "
            "that is not allowed in an HTTP header, e.g. a trailing newline"
        )
        _scrub_chain(exc, description)
        return description
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the server's answer broke the HTTP protocol (RemoteProtocolError)"
    text = f"{type(exc).__name__}: {exc}"
    if request is not None:
        for _, value in request.headers.multi_items():
            if len(value) >= 4 and value in text:
                text = text.replace(value, "REDACTED")
    return text


def _scrub_chain(exc: BaseException, description: str) -> None:
    """Replace the text of `exc` and of the exceptions it was raised from (httpcore's, h11's),
    which quote the offending header value, so that a printed traceback cannot show it."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.args = (description,)
        current = current.__cause__ or current.__context__


class RefuseToSend(httpx.Auth):
    """The `auth` of a call that must not be sent: raises `error` before any byte leaves.

    Used for the next page of a listing the server pointed elsewhere: the pages already read
    stay with the caller, and the refusal comes when the next one is asked for.
    """

    def __init__(self, error: Exception) -> None:
        self.error = error

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        raise self.error
        yield request  # a generator, as httpx expects


def origin(url: httpx.URL | str) -> tuple[str, str, int | None]:
    """`(scheme, host, port)` of a URL, the port made explicit for http and https."""
    parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    port = parsed.port or {"http": 80, "https": 443}.get(parsed.scheme)
    return parsed.scheme, parsed.host.lower(), port


def same_origin(url: httpx.URL | str, base: httpx.URL | str) -> bool:
    """Whether `url` has the scheme, host and port of `base`."""
    return origin(url) == origin(base)


def is_loopback(host: str) -> bool:
    """Whether `host` is this machine (`localhost`, 127.0.0.0/8, ::1)."""
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def require_https(
    url: str | httpx.URL, *, what: str, allow_insecure_http: bool = False
) -> httpx.URL:
    """`url`, refused unless it is https, points at a loopback host, or the user allowed
    plain http with `allow_insecure_http=True`.

    Raises:
        ConfigurationError: one line naming the URL's origin and the flag.
    """
    try:
        parsed = url if isinstance(url, httpx.URL) else httpx.URL(str(url))
    except httpx.InvalidURL:
        raise ConfigurationError(f"the {what} is not a URL") from None
    if parsed.scheme == "https":
        return parsed
    if parsed.scheme == "http" and (allow_insecure_http or is_loopback(parsed.host)):
        return parsed
    if parsed.scheme != "http":
        raise ConfigurationError(
            f"the {what} must be an https:// URL (got {parsed.scheme or 'no scheme'}://"
            f"{parsed.host})"
        )
    raise ConfigurationError(
        f"the {what} http://{parsed.host} would send credentials in clear: use https, or pass "
        "allow_insecure_http=True (SERVICEHUB_<BACKEND>_ALLOW_INSECURE_HTTP=true) for a "
        "server on a trusted network"
    )


def check_transport_security(
    base_url: str | httpx.URL,
    auth: Any,
    allow_insecure_http: bool,
    other_urls: Mapping[str, str | None] | None = None,
) -> None:
    """Refuse plain http to a host that is not this machine for every URL a client sends
    credentials to: its base URL, its auth's token endpoints (`token_url` of the strategy and
    of those it combines or authenticates through), and `other_urls` by what they are;
    unless `allow_insecure_http`. Called where every client builds its engine.

    Raises:
        ConfigurationError: naming the URL and the flag, in one line.
    """
    urls: dict[str, str | httpx.URL | None] = {"base_url": base_url, **(other_urls or {})}
    for index, endpoint in enumerate(_endpoints(auth)):
        urls[f"token endpoint{f' {index + 1}' if index else ''}"] = endpoint
    for what, url in urls.items():
        if url:
            require_https(url, what=what, allow_insecure_http=allow_insecure_http)


def _endpoints(auth: Any) -> list[Any]:
    """The URLs an auth strategy sends credentials to on its own (token endpoints)."""
    if auth is None:
        return []
    found = [auth.token_url] if getattr(auth, "token_url", None) else []
    for inner in [*getattr(auth, "strategies", ()), getattr(auth, "request_auth", None)]:
        found += _endpoints(inner)
    return found


def check_encodable(value: Any, *, field: str, json: bool = True) -> None:
    """Refuse what cannot be sent: lone surrogates in text, NaN and infinities, and (with
    `json`) any type JSON cannot hold.

    Raises:
        RequestValidationError: naming the place, e.g. `body.request.subject`.
    """
    if _plainly_sendable(value):
        return
    _check_named(value, field, json)


def _plainly_sendable(value: Any) -> bool:
    """Whether `value` is plain JSON that can be sent: `dict`s with text keys, `list`s,
    `tuple`s, `str` without lone surrogates, `int`, `bool`, `None`, finite `float`s. One walk
    without naming places, for the common case; `False` leaves the verdict (and the name of
    the place) to `_check_named`, which also accepts subclasses, mappings and, without `json`,
    bytes and number keys."""
    kind = type(value)
    if kind is str:
        return value.isascii() or _encodable(value)
    if kind is dict:
        for key in value:
            if type(key) is not str or not (key.isascii() or _encodable(key)):
                return False
        return _plain_items(value.values())
    if kind is list or kind is tuple:
        return _plain_items(value)
    if kind is int or kind is bool or value is None:
        return True
    return kind is float and math.isfinite(value)


def _plain_items(items: Iterable[Any]) -> bool:
    """`_plainly_sendable` for each of `items`, text and whole numbers checked in the loop."""
    for item in items:
        kind = type(item)
        if kind is str:
            if not (item.isascii() or _encodable(item)):
                return False
        elif not (kind is int or kind is bool or item is None or _plainly_sendable(item)):
            return False
    return True


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_named(value: Any, field: str, json: bool) -> None:
    if isinstance(value, str):
        _check_text(value, field)
    elif isinstance(value, float):
        if not math.isfinite(value):
            _refuse(field, f"{value} cannot be sent (not a finite number)")
    elif isinstance(value, _SCALARS):
        return
    elif type(value) is dict or isinstance(value, Mapping):  # a dict skips the ABC check
        for key, item in value.items():
            if not isinstance(key, str):
                if json or not isinstance(key, (int, float, bool)):
                    _refuse(field, f"a key of type {type(key).__name__} cannot be sent")
                key = str(key)
            _check_text(key, f"a key of {field}")
            _check_named(item, f"{field}.{key}", json)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check_named(item, f"{field}[{index}]", json)
    elif not json and isinstance(value, bytes):
        return
    else:
        _refuse(field, f"a {type(value).__name__} cannot be sent")


def check_call(call: Call[Any], headers: Mapping[str, str]) -> None:
    """Refuse a call whose parameters, body or headers (`headers`: all of them, the client's,
    the call's and the caller's extra ones) cannot be sent as they are.

    Raises:
        RequestValidationError: naming the place (`json.request.subject`, `params.q`,
            `headers.X-Secure-Hash`); a header's value is never repeated.
    """
    if call.params is not None:
        check_encodable(dict(call.params), field="params")
    if call.data is not None:
        check_encodable(dict(call.data), field="data", json=False)
    if call.json is not None:
        check_encodable(call.json, field="json")
    values = headers.values()
    try:
        together = "".join(values)  # one pass over every value; the slow path names the one
    except TypeError:
        together = None
    # ASCII is printable exactly when it holds no control character (0x00-0x1F, 0x7F).
    if together is not None and together.isascii() and together.isprintable():
        return
    for name, value in headers.items():
        if not isinstance(value, str) or CONTROL_CHARACTER.search(value) or not value.isascii():
            _refuse(
                f"headers.{name}",
                "the value is not text allowed in an HTTP header (control or non-ASCII characters)",
            )


def check_values(value: Any, *, field: str) -> None:
    """Refuse NaN, infinities, lone surrogates, sets and bytes anywhere inside `value`
    (mappings, lists, tuples); other types are left to the model's serializer.

    A value the C JSON encoder writes whole and UTF-8 encodes (the common case) holds none of
    them, in keys neither, and is passed after that one pass (values of other types, dates
    and decimals, written as null: left to the serializer here too); any other is walked to
    find and name what is refused."""
    try:
        json.dumps(value, ensure_ascii=False, allow_nan=False, default=_other).encode("utf-8")
    except (TypeError, ValueError):  # UnicodeEncodeError is a ValueError
        _check_values_named(value, field)


def _other(value: Any) -> None:
    """For `check_values`' JSON pass: what the walk refuses or looks into is left to it."""
    if isinstance(value, (set, frozenset, bytes, bytearray, Mapping)):
        raise TypeError(type(value).__name__)


def _check_values_named(value: Any, field: str) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        _refuse(field, f"{value} cannot be sent (not a finite number)")
    elif isinstance(value, str):
        _check_text(value, field)
    elif isinstance(value, (set, frozenset, bytes, bytearray)):
        _refuse(field, f"a {type(value).__name__} cannot be sent")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str):
                _check_text(key, f"a key of {field}")
            _check_values_named(item, f"{field}.{key}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check_values_named(item, f"{field}[{index}]")


def json_text(value: Any, *, field: str) -> str:
    """`value` as compact JSON text, for bodies that embed JSON in a form field or are sent
    pre-encoded; refused like `check_encodable` when it cannot be sent."""
    check_encodable(value, field=field)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _check_text(text: str, field: str) -> None:
    if text.isascii():  # a flag CPython keeps on every string: nothing to encode
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        _refuse(field, "holds a character that cannot be encoded (a lone surrogate)")


def _refuse(field: str, message: str) -> None:
    raise RequestValidationError(f"{field}: {message}", errors=[{"loc": (field,), "msg": message}])
