"""A client's `base_url`: refused at construction when it cannot work, and remembered with
where it came from (the argument, an environment variable, a profile) for error messages."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

import httpx

from ._errors import ConfigurationError
from ._redaction import redact_url

__all__ = [
    "ARGUMENT",
    "base_url_from",
    "building_with",
    "check_base_url",
    "describe_endpoint",
    "source_of_client_being_built",
    "url_source",
]

ARGUMENT = "the base_url argument"

_source: ContextVar[str | None] = ContextVar("servicehub_base_url_source", default=None)
_building: ContextVar[str | None] = ContextVar("servicehub_building_source", default=None)


@contextlib.contextmanager
def base_url_from(source: str) -> Iterator[None]:
    """Clients built inside this block took their `base_url` from `source`
    (`"environment variable SERVICEHUB_SSH_BASE_URL"`, `"profile ~/.servicehub.toml [prod]"`).
    An enclosing block's source is kept: the outermost caller knows best."""
    token = _source.set(_source.get() or source)
    try:
        yield
    finally:
        _source.reset(token)


def url_source() -> str:
    """Where the `base_url` of a client being built now came from."""
    return _source.get() or ARGUMENT


@contextlib.contextmanager
def building_with(source: str | None) -> Iterator[None]:
    """A client's constructor runs inside this block: its engine records `source` (`None`
    when the backend found the URL itself, from a tenant, a token answer…)."""
    token = _building.set(source)
    try:
        yield
    finally:
        _building.reset(token)


def source_of_client_being_built() -> str | None:
    """The `base_url` source of the client whose constructor is running."""
    return _building.get()


def check_base_url(url: str | httpx.URL) -> httpx.URL:
    """`url` as an `httpx.URL`, or a `ConfigurationError` when it has no http(s) scheme or no
    host, naming the parameter and a URL of the right form (`from_env()` and the CLI's
    profiles add where the value came from). An empty URL is left to the backend (some find
    theirs elsewhere)."""
    text = str(url)
    example = _example(text)
    try:
        parsed = httpx.URL(text)
    except httpx.InvalidURL as exc:
        raise _refused(text, f"is not a URL ({exc})", example) from None
    if not text:
        return parsed
    if parsed.scheme not in ("http", "https"):
        problem = (
            "has no scheme" if not parsed.scheme or not parsed.host else "is not an http(s) URL"
        )
        raise _refused(text, problem, example)
    if not parsed.host:
        raise _refused(text, "has no host", example)
    return parsed


def _example(text: str) -> str:
    """The URL the user probably meant: `https://` before a scheme-less one."""
    if "://" not in text and text.strip("/"):
        return "https://" + text.lstrip("/")
    with contextlib.suppress(httpx.InvalidURL):
        parsed = httpx.URL(text)
        if parsed.host:
            return redact_url(parsed.copy_with(scheme="https"))
    return "https://hub.example.com/graphql"


def _refused(text: str, problem: str, example: str) -> ConfigurationError:
    given = redact_url(text) if "://" in text else text
    return ConfigurationError(
        f"base_url {given!r} {problem}: give the whole URL, e.g. base_url={example!r}"
    )


def describe_endpoint(url: httpx.URL, source: str | None) -> str:
    """`host hub.example.com port 443, base_url from environment variable …` for messages
    about a connection that failed (`source` `None`: the backend found the URL itself)."""
    port = url.port or {"http": 80, "https": 443}.get(url.scheme)
    where = "" if source is None else f", base_url from {source}"
    return f"host {url.host} port {port}{where}"
