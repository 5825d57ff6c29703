"""What the SDK may write down: an allowlist of headers, a scrub for secret-looking fields, and
each client's `Scrubber`, which knows that client's actual secrets.

Everything that is not on the allowlist prints as `REDACTED`, so a new vendor header can never
leak a credential into a log line. Every place a request is written down (log lines, errors,
cassettes) goes through a `Scrubber`: the auth strategy and the sessions of a client register
their header names, query parameters, form fields and secret values with it, so that a key in
a custom header or in the query, or a session id a server echoes in its error text, is
replaced too.
"""

from __future__ import annotations

import contextlib
import logging
import re
import weakref
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlencode

import httpx
from pydantic import SecretStr

REDACTED = "REDACTED"

SAFE_HEADERS = frozenset(
    {
        "accept",
        "accept-encoding",
        "connection",
        "content-encoding",
        "content-length",
        "content-type",
        "date",
        "host",
        "hybris-count",
        "link",
        "location",
        "retry-after",
        "server",
        "transfer-encoding",
        "user-agent",
        "x-client-id",
        "x-client-version",
        "x-request-id",
    }
)

_SECRET_NAME = re.compile(
    r"(pass(word)?|secret|token|api[-_]?key|apikey|authtoken|authorization|session|"
    r"credential|hash|signature|intpass|technician_key)",
    re.IGNORECASE,
)


def is_secret_name(name: str) -> bool:
    """Whether a field or parameter name looks like it holds a secret."""
    return bool(_SECRET_NAME.search(name))


def redact_headers(headers: Iterable[tuple[str, str]] | Mapping[str, str]) -> dict[str, str]:
    """Headers as a dict, with every value not on the allowlist replaced by `REDACTED`."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {k: (v if k.lower() in SAFE_HEADERS else REDACTED) for k, v in items}


def redact_url(url: httpx.URL | str) -> str:
    """The URL with secret-looking query parameter values and any userinfo replaced."""
    url = httpx.URL(url)
    if url.userinfo:
        url = url.copy_with(username=REDACTED, password=None)
    if not url.query:
        return str(url)
    pairs = parse_qsl(url.query.decode("ascii", "replace"), keep_blank_values=True)
    cleaned = [(k, REDACTED if is_secret_name(k) else v) for k, v in pairs]
    return str(url.copy_with(query=urlencode(cleaned).encode("ascii")))


def bounded(data: Any, depth: int = 0) -> Any:
    """JSON-like data as it is, unless nested deeper than `MAX_DEPTH`: then a copy with the
    deeper structure replaced by `TOO_DEEP` (what an error keeps of a server's body)."""
    return data if _depth_within(data, MAX_DEPTH) else _cut(data, depth)


def _depth_within(data: Any, room: int) -> bool:
    if isinstance(data, (Mapping, list, tuple)):
        if room <= 0:
            return False
        values = data.values() if isinstance(data, Mapping) else data
        return all(_depth_within(v, room - 1) for v in values)
    return True


def _cut(data: Any, depth: int) -> Any:
    if isinstance(data, (Mapping, list, tuple)) and depth >= MAX_DEPTH:
        return TOO_DEEP
    if isinstance(data, Mapping):
        return {k: _cut(v, depth + 1) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_cut(v, depth + 1) for v in data]
    return data


def redact_mapping(data: Any, depth: int = 0) -> Any:
    """A deep copy of JSON-like data with every secret-looking key's value replaced, at most
    `MAX_DEPTH` levels deep (deeper structure becomes `TOO_DEEP`)."""
    if depth >= MAX_DEPTH:
        return TOO_DEEP
    if isinstance(data, Mapping):
        return {
            k: (
                REDACTED
                if isinstance(k, str) and is_secret_name(k)
                else redact_mapping(v, depth + 1)
            )
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [redact_mapping(v, depth + 1) for v in data]
    return data


MAX_DEPTH = 64
"""How deep a body kept on an error is followed; deeper structure is replaced by a marker,
so that an error stays printable and picklable (a body nested 600 levels deep is not)."""

TOO_DEEP = "…(nested too deeply)"

_MIN_SECRET = 4
"""Secret values shorter than this are not searched for in text (they would match anywhere)."""

_SECRET_PARAM = re.compile(
    r"([?&;](?:[^=&\s\"']*?(?:pass|secret|token|api[-_]?key|apikey|authtoken|session|"
    r"credential|hash|signature|technician_key)[^=&\s\"']*)=)[^&\s\"'#]*",
    re.IGNORECASE,
)


class Scrubber:
    """What one client must never write down, and the code that removes it.

    Every SDK client holds one (`scrubber_of(client)`). Its auth strategy and sessions
    register their secrets here where they enter the SDK: the header names, query parameters
    and form fields that carry them, and the values themselves. The searches are compiled
    when a secret is registered (a new token, a new session), never per call; the scrubber
    only works when something is written down: a log line, an error, a cassette.

    The values are searched in any text, so a server echoing a session id or a key in an
    error message is cleaned too (also in their percent-encoded forms).
    """

    def __init__(self) -> None:
        self.header_names: set[str] = set()
        self.param_names: set[str] = set()
        self.field_names: set[str] = set()
        self._values: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self.param_pattern: re.Pattern[str] | None = None
        _LIVE.add(self)
        install_httpx_log_filter()

    # -- registration (where secrets enter the SDK) -----------------------------------------

    def add(
        self,
        *,
        headers: Iterable[str] = (),
        params: Iterable[str] = (),
        fields: Iterable[str] = (),
        values: Iterable[str | SecretStr | None] = (),
    ) -> None:
        """Register names that carry secrets and the secret values themselves."""
        self.header_names.update(h.lower() for h in headers if h)
        named = {p.lower() for p in params if p} - self.param_names
        if named:
            self.param_names |= named
            names = "|".join(sorted(map(re.escape, self.param_names)))
            self.param_pattern = re.compile(rf"([?&;](?:{names})=)[^&\s\"'#]*", re.IGNORECASE)
        self.field_names.update(f.lower() for f in fields if f)
        fresh = {_plain(v) for v in values} - {""}
        fresh = {v for v in fresh if len(v) >= _MIN_SECRET} - self._values
        if fresh:
            self._values |= fresh
            self._compile()

    def watch(self, auth: Any) -> None:
        """Register what an auth strategy sends (and, for strategies that fetch tokens,
        every token they receive from now on)."""
        if auth is None:
            return
        register = getattr(auth, "register_secrets", None)
        if callable(register):
            register(self)
        else:
            self.add(values=secret_values_of(auth))

    def _compile(self) -> None:
        forms: set[str] = set()
        for value in self._values:
            forms |= {value, quote(value, safe=""), quote_plus(value, safe="")}
        ordered = sorted(forms, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(v) for v in ordered))

    @property
    def has_values(self) -> bool:
        return self._pattern is not None

    # -- writing down ------------------------------------------------------------------------

    def text(self, text: str) -> str:
        """`text` with every registered secret value replaced by `REDACTED`."""
        if self._pattern is None or not text:
            return text
        return self._pattern.sub(REDACTED, text)

    def url(self, url: httpx.URL | str) -> str:
        """The URL as `redact_url` prints it, also without this client's query parameters
        and secret values."""
        parsed = httpx.URL(url)
        if self.param_names and parsed.query:
            pairs = parse_qsl(parsed.query.decode("ascii", "replace"), keep_blank_values=True)
            pairs = [(k, REDACTED if k.lower() in self.param_names else v) for k, v in pairs]
            parsed = parsed.copy_with(query=urlencode(pairs).encode("ascii"))
        return self.text(redact_url(parsed))

    def headers(self, headers: Iterable[tuple[str, str]] | Mapping[str, str]) -> dict[str, str]:
        """Headers for a log line: the allowlist of `redact_headers`, values scrubbed."""
        return {k: self.text(v) for k, v in redact_headers(headers).items()}

    def data(self, data: Any, depth: int = 0) -> Any:
        """A copy of JSON-like data (or text) without secret-looking or registered fields
        and without secret values, at most `MAX_DEPTH` levels deep."""
        if depth >= MAX_DEPTH:
            return TOO_DEEP
        if isinstance(data, str):
            return self.text(data)
        if isinstance(data, Mapping):
            return {
                k: (
                    REDACTED
                    if isinstance(k, str) and self.is_secret_field(k)
                    else self.data(v, depth + 1)
                )
                for k, v in data.items()
            }
        if isinstance(data, (list, tuple)):
            return [self.data(v, depth + 1) for v in data]
        return data

    def is_secret_field(self, name: str) -> bool:
        return is_secret_name(name) or name.lower() in self.field_names

    def request(self, request: httpx.Request) -> httpx.Request:
        """A copy of `request` that can be kept on an error: URL, headers and body scrubbed."""
        headers = [
            (k, REDACTED if self._secret_header(k) else self.text(v))
            for k, v in request.headers.multi_items()
        ]
        try:
            content = request.content
        except httpx.RequestNotRead:
            content = b""
        text = content.decode("utf-8", "replace") if content else ""
        cleaned = self.text(text) if text else ""
        copy = httpx.Request(
            request.method,
            self.url(request.url),
            headers=headers,
            content=cleaned.encode("utf-8") if cleaned != text else content,
            extensions={},
        )
        return copy

    def _secret_header(self, name: str) -> bool:
        lowered = name.lower()
        return lowered in self.header_names or lowered not in SAFE_HEADERS

    def error(self, error: BaseException) -> None:
        """Scrub an SDK error in place: its message, the server text and body it carries, and
        its request (replaced by a scrubbed copy, also on its response)."""
        scrub_error(error, self)


def scrub_error(error: BaseException, scrubber: Scrubber | None = None) -> None:
    """`Scrubber.error`, with `scrubber` (or, when `None`, every live client's)."""
    text = scrubber.text if scrubber is not None else scrub_text
    error.args = tuple(text(a) if isinstance(a, str) else a for a in error.args)
    state = vars(error)
    for name in ("message", "backend_message", "raw"):
        value = state.get(name)
        if isinstance(value, str):
            state[name] = text(value)
    for name in ("body", "details", "data", "errors"):
        if name in state and state[name] is not None:
            state[name] = (scrubber or _ANY).data(state[name])
    if scrubber is None:
        return
    request = state.get("request")
    if isinstance(request, httpx.Request):
        state["request"] = scrubber.request(request)
    response = state.get("response")
    if isinstance(response, httpx.Response):
        with contextlib.suppress(RuntimeError):  # a response built by hand has no request
            response.request = state.get("request") or scrubber.request(response.request)


def secret_values_of(obj: Any) -> list[str]:
    """The `SecretStr` values an object (an auth strategy) holds as attributes."""
    try:
        attributes = vars(obj).values()
    except TypeError:
        return []
    return [v.get_secret_value() for v in attributes if isinstance(v, SecretStr)]


def _plain(value: str | SecretStr | None) -> str:
    if value is None:
        return ""
    return value.get_secret_value() if isinstance(value, SecretStr) else str(value)


# -- every live client's secrets: httpx's own log, cassettes -----------------------------------

_LIVE: weakref.WeakSet[Scrubber] = weakref.WeakSet()


def live_scrubbers() -> list[Scrubber]:
    """The scrubbers of every SDK client alive in this process."""
    return list(_LIVE)


def scrub_text(text: str) -> str:
    """`text` without any secret value of any live client, and without the values of
    secret-looking query parameters (`?TECHNICIAN_KEY=…`)."""
    for scrubber in list(_LIVE):
        text = scrubber.text(text)
        if scrubber.param_pattern is not None:
            text = scrubber.param_pattern.sub(rf"\1{REDACTED}", text)
    return _SECRET_PARAM.sub(rf"\1{REDACTED}", text)


class _AnyClient(Scrubber):
    """The scrubber of no client in particular: names that look secret, every live value."""

    def __init__(self) -> None:
        self.header_names = set()
        self.param_names = set()
        self.field_names = set()
        self._values = set()
        self._pattern = None
        self.param_pattern = None

    def text(self, text: str) -> str:
        return scrub_text(text)


_ANY = _AnyClient()


class HTTPXLogFilter(logging.Filter):
    """Removes the secrets of the SDK's clients from httpx's own log lines.

    httpx logs every request at INFO (`HTTP Request: GET https://…?TECHNICIAN_KEY=… "HTTP/1.1
    200 OK"`); a key sent in the query would be printed. This filter, installed on the global
    `httpx` logger the first time an SDK client is created, rewrites such a line with every
    live client's secret values (and secret-looking query parameters) replaced by
    `REDACTED`. It only runs for records that are logged at all.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record that cannot be formatted is left to the handler
            return True
        cleaned = scrub_text(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True


_FILTER = HTTPXLogFilter()


def install_httpx_log_filter() -> None:
    """Install `HTTPXLogFilter` on the `httpx` logger (once per process)."""
    httpx_logger = logging.getLogger("httpx")
    if _FILTER not in httpx_logger.filters:
        httpx_logger.addFilter(_FILTER)


def scrubber_of(client: Any) -> Scrubber:
    """The `Scrubber` of an SDK client."""
    scrubber: Scrubber = client._engine.scrubber
    return scrubber
